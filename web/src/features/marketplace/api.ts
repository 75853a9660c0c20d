import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiRequest, CSRF_COOKIE, CSRF_HEADER, parseApiError, readCookie } from '../../lib/api.ts';
import type { ApiBody, ApiResponse, Schemas } from '../../lib/api-types.ts';

export type Application = Schemas['ArtistApplication'];
export type ApplicationStatus = Application['status'];
export type ApplicationDraft = ApiBody<'/marketplace/application', 'put'>;
export type ArtistStatus = Schemas['ArtistStatus'];
export type Medium = Schemas['Artwork']['medium'];
/** The media in the order the form and filters list them; `satisfies` keeps it to the server's, the check below complete. */
export const MEDIA = [
  'painting',
  'drawing',
  'photography',
  'sculpture',
  'print',
  'mixed_media',
  'digital',
  'textile',
  'other',
] as const satisfies readonly Medium[];
const everyMedium: Exclude<Medium, (typeof MEDIA)[number]> extends never ? true : false = true;
void everyMedium;
export type ArtworkImage = Schemas['ArtworkImage'];
export type Artwork = Schemas['Artwork'];
/** A new artwork's fields; the form always sends all of them, so it also serves as a full edit. */
export type ArtworkInput = ApiBody<'/marketplace/artists/{accountId}/artworks', 'post'>;
export type ArtworkPatch = ApiBody<'/marketplace/artworks/{id}', 'patch'>;
export type PriceBreakdown = Schemas['PriceBreakdown'];
type ApplicationAnswer = ApiResponse<'/marketplace/application', 'get'>;
type SavedApplication = ApiResponse<'/marketplace/application/submit', 'post'>;
type ArtworkAnswer = ApiResponse<'/marketplace/artworks/{id}', 'patch'>;
type ArtworkList = ApiResponse<'/marketplace/artists/{accountId}/artworks', 'get'>;
type LinkAnswer = ApiResponse<'/marketplace/artists/{accountId}/onboarding-link', 'post'>;
/** A page of each admin review queue. */
type AdminQueues = {
  applications: ApiResponse<'/admin/marketplace/applications', 'get'>;
  artworks: ApiResponse<'/admin/marketplace/artworks', 'get'>;
};
export type ArtworkPage = ApiResponse<'/marketplace/artworks', 'get'>;
type ArtworkDetail = ApiResponse<'/marketplace/artworks/{id}', 'get'>;

const keys = {
  application: ['marketplace', 'application'] as const,
  artist: (id: string) => ['marketplace', 'artist', id] as const,
  artworks: (id: string) => ['marketplace', 'artist', id, 'artworks'] as const,
  admin: ['marketplace', 'admin'] as const,
  public: ['marketplace', 'public'] as const,
};

export function useMyApplication() {
  return useQuery({
    queryKey: keys.application,
    queryFn: ({ signal }) => api.get<ApplicationAnswer>('/api/marketplace/application', undefined, signal),
    select: (r) => r.application,
  });
}

export function useSaveDraft() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (draft: ApplicationDraft) =>
      apiRequest<SavedApplication>('/api/marketplace/application', { method: 'PUT', body: draft }),
    onSuccess: (r) => qc.setQueryData(keys.application, r),
  });
}

export function useSubmitApplication() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<SavedApplication>('/api/marketplace/application/submit'),
    onSuccess: (r) => qc.setQueryData(keys.application, r),
  });
}

export function useArtistStatus(accountId: string | undefined, sync = false) {
  return useQuery({
    queryKey: [...keys.artist(accountId ?? ''), sync],
    queryFn: ({ signal }) =>
      api.get<ArtistStatus>(`/api/marketplace/artists/${accountId}`, sync ? { sync: 'true' } : undefined, signal),
    enabled: Boolean(accountId),
  });
}

export function useArtistArtworks(accountId: string | undefined) {
  return useQuery({
    queryKey: keys.artworks(accountId ?? ''),
    queryFn: ({ signal }) => api.get<ArtworkList>(`/api/marketplace/artists/${accountId}/artworks`, undefined, signal),
    select: (r) => r.data,
    enabled: Boolean(accountId),
  });
}

/** Any artwork mutation, refreshing every marketplace query afterwards. */
export function useMarketplaceMutation<I, O>(fn: (input: I) => Promise<O>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: ['marketplace'] }) });
}

export const artworkApi = {
  create: (accountId: string, input: ArtworkInput) =>
    api.post<ArtworkAnswer>(`/api/marketplace/artists/${accountId}/artworks`, input),
  update: (id: string, input: ArtworkPatch) => api.patch<ArtworkAnswer>(`/api/marketplace/artworks/${id}`, input),
  remove: (id: string) => api.delete(`/api/marketplace/artworks/${id}`),
  submit: (id: string) => api.post<ArtworkAnswer>(`/api/marketplace/artworks/${id}/submit`),
  unpublish: (id: string) => api.post<ArtworkAnswer>(`/api/marketplace/artworks/${id}/unpublish`),
  setPrimary: (id: string, imageId: string) => api.post(`/api/marketplace/artworks/${id}/images/${imageId}/primary`),
  removeImage: (id: string, imageId: string) => api.delete(`/api/marketplace/artworks/${id}/images/${imageId}`),
  reorderImages: (id: string, ids: string[]) =>
    apiRequest<void>(`/api/marketplace/artworks/${id}/images/order`, { method: 'PUT', body: { ids } }),
  /** The artwork as its artist sees it (drafts included), to refresh its images after a change. */
  get: (id: string) => api.get<ArtworkDetail>(`/api/marketplace/artworks/${id}`),
  onboardingLink: (accountId: string) => api.post<LinkAnswer>(`/api/marketplace/artists/${accountId}/onboarding-link`),
  loginLink: (accountId: string) => api.post<LinkAnswer>(`/api/marketplace/artists/${accountId}/login-link`),
  approveApplication: (id: string) => api.post(`/api/admin/marketplace/applications/${id}/approve`),
  rejectApplication: (id: string, reason: string) =>
    api.post(`/api/admin/marketplace/applications/${id}/reject`, { reason }),
  approveArtwork: (id: string) => api.post(`/api/admin/marketplace/artworks/${id}/approve`),
  rejectArtwork: (id: string, reason: string) => api.post(`/api/admin/marketplace/artworks/${id}/reject`, { reason }),
};

/** Uploads one image as multipart with XMLHttpRequest, reporting upload progress (fetch cannot). */
export function uploadImage(artworkId: string, file: File, onProgress?: (fraction: number) => void): Promise<void> {
  const form = new FormData();
  form.append('file', file);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/marketplace/artworks/${artworkId}/images`);
    xhr.withCredentials = true;
    xhr.setRequestHeader(CSRF_HEADER, readCookie(CSRF_COOKIE) ?? '');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      reject(parseApiError(xhr.status, body));
    };
    xhr.onerror = () => reject(parseApiError(0, null));
    xhr.send(form);
  });
}

/** One cursor page of the pending artist applications, oldest first (`cursor` undefined for the first). */
export function useApplicationQueue(cursor: string | undefined) {
  return useQuery({
    queryKey: [...keys.admin, 'applications', 'pending', cursor ?? ''],
    queryFn: ({ signal }) =>
      api.get<AdminQueues['applications']>(
        '/api/admin/marketplace/applications',
        { status: 'pending', cursor, limit: 25 },
        signal,
      ),
    placeholderData: keepPreviousData,
  });
}

/** One cursor page of the artworks waiting for review, least recently changed first. */
export function useArtworkQueue(cursor: string | undefined) {
  return useQuery({
    queryKey: [...keys.admin, 'artworks', 'submitted', cursor ?? ''],
    queryFn: ({ signal }) =>
      api.get<AdminQueues['artworks']>(
        '/api/admin/marketplace/artworks',
        { status: 'submitted', cursor, limit: 24 },
        signal,
      ),
    placeholderData: keepPreviousData,
  });
}

/** One cursor page of the public catalog for some filters (`cursor` undefined for the first), 24 works a page. */
export function usePublicArtworks(filters: Record<string, string | number | undefined>, cursor: string | undefined) {
  return useQuery({
    queryKey: [...keys.public, filters, cursor ?? ''],
    queryFn: ({ signal }) =>
      api.get<ArtworkPage>('/api/marketplace/artworks', { ...filters, cursor, limit: 24 }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useArtwork(id: string) {
  return useQuery({
    queryKey: [...keys.public, 'artwork', id],
    queryFn: ({ signal }) => api.get<ArtworkDetail>(`/api/marketplace/artworks/${id}`, undefined, signal),
  });
}

// --- Buying: price breakdown, checkout, sales and refunds ---

export type ArtworkPrice = Schemas['ArtworkPrice'];
export type Sale = Schemas['Sale'];
export type SaleStatus = Sale['status'];
/** A sale's lifecycle, in the order a sale moves through it; `satisfies` keeps it to the server's, the check below complete. */
export const SALE_STATUSES = [
  'paid',
  'shipped',
  'delivered',
  'partially_refunded',
  'refunded',
  'duplicate_refunded',
] as const satisfies readonly SaleStatus[];
const everySaleStatus: Exclude<SaleStatus, (typeof SALE_STATUSES)[number]> extends never ? true : false = true;
void everySaleStatus;
export type SaleRefund = Schemas['SaleRefund'];
export type SaleDetail = Schemas['SaleDetail'];
export type SalePage = ApiResponse<'/marketplace/accounts/{accountId}/sales', 'get'>;
type SaleAnswer = ApiResponse<'/marketplace/sales/{id}', 'get'>;
type CheckoutAnswer = ApiResponse<'/marketplace/artworks/{id}/checkout', 'post', 201>;
type CancelAnswer = ApiResponse<'/marketplace/artworks/{id}/checkout/{orderId}/cancel', 'post'>;

export function useArtworkPrice(id: string) {
  return useQuery({
    queryKey: [...keys.public, 'artwork', id, 'price'],
    queryFn: ({ signal }) => api.get<ArtworkPrice>(`/api/marketplace/artworks/${id}/price`, undefined, signal),
  });
}

export const purchaseApi = {
  checkout: (artworkId: string, email?: string) =>
    api.post<CheckoutAnswer>(`/api/marketplace/artworks/${artworkId}/checkout`, email ? { email } : {}),
  cancel: (artworkId: string, orderId: string) =>
    api.post<CancelAnswer>(`/api/marketplace/artworks/${artworkId}/checkout/${orderId}/cancel`),
  refund: (saleId: string, input: ApiBody<'/marketplace/sales/{id}/refunds', 'post'>) =>
    api.post<SaleAnswer>(`/api/marketplace/sales/${saleId}/refunds`, input),
};

export function useSale(id: string) {
  return useQuery({
    queryKey: ['marketplace', 'sale', id],
    queryFn: ({ signal }) => api.get<SaleAnswer>(`/api/marketplace/sales/${id}`, undefined, signal),
    select: (r) => r.sale,
  });
}

/** One cursor page of an artist's sales (`cursor` undefined for the first). */
export function useAccountSales(accountId: string | undefined, cursor: string | undefined) {
  return useQuery({
    queryKey: ['marketplace', 'sales', accountId ?? '', cursor ?? ''],
    queryFn: ({ signal }) =>
      api.get<SalePage>(`/api/marketplace/accounts/${accountId}/sales`, { cursor, limit: 25 }, signal),
    enabled: Boolean(accountId),
  });
}

// --- After the sale: shipping, certificates, balance and payouts ---

export type Payout = Schemas['Payout'];
export type PayoutStatus = Payout['status'];
export type ArtistBalance = Schemas['ArtistBalance'];
export type ShipmentInput = ApiBody<'/marketplace/sales/{id}/ship', 'post'>;
type BalanceAnswer = ApiResponse<'/marketplace/accounts/{accountId}/balance', 'get'>;
type PayoutPage = ApiResponse<'/marketplace/accounts/{accountId}/payouts', 'get'>;
type PayoutRun = ApiResponse<'/admin/marketplace/payouts/run', 'post'>;

export function useArtistBalance(accountId: string | undefined) {
  return useQuery({
    queryKey: ['marketplace', 'balance', accountId ?? ''],
    queryFn: ({ signal }) =>
      api.get<BalanceAnswer>(`/api/marketplace/accounts/${accountId}/balance`, undefined, signal),
    select: (r) => r.balance,
    enabled: Boolean(accountId),
  });
}

/** One cursor page of an artist's payouts (`cursor` undefined for the first). */
export function useArtistPayouts(accountId: string | undefined, cursor: string | undefined) {
  return useQuery({
    queryKey: ['marketplace', 'payouts', accountId ?? '', cursor ?? ''],
    queryFn: ({ signal }) =>
      api.get<PayoutPage>(`/api/marketplace/accounts/${accountId}/payouts`, { cursor, limit: 20 }, signal),
    enabled: Boolean(accountId),
  });
}

export const fulfilmentApi = {
  ship: (saleId: string, input: ShipmentInput) => api.post<SaleAnswer>(`/api/marketplace/sales/${saleId}/ship`, input),
  deliver: (saleId: string) => api.post<SaleAnswer>(`/api/marketplace/sales/${saleId}/deliver`),
  certificateUrl: (saleId: string) => `/api/marketplace/sales/${saleId}/certificate.pdf`,
  runPayouts: () => api.post<PayoutRun>('/api/admin/marketplace/payouts/run'),
};

// --- Recommendations and saves (decision 027) ---

export type Recommendation = Schemas['Recommendation'];
type RecommendationList = ApiResponse<'/marketplace/recommendations', 'get'>;
type SavedPage = ApiResponse<'/marketplace/saved', 'get'>;
type SavedIds = ApiResponse<'/marketplace/saved/ids', 'get'>;
type SaveState = ApiResponse<'/marketplace/artworks/{id}/save', 'put'>;

const recKeys = {
  similar: (id: string) => ['marketplace', 'public', 'similar', id] as const,
  forYou: ['marketplace', 'for-you'] as const,
  saved: ['marketplace', 'saved'] as const,
  savedIds: ['marketplace', 'saved', 'ids'] as const,
};

/** Works like this one, each with its reason; only asked for published works. */
export function useSimilarArtworks(id: string, enabled = true) {
  return useQuery({
    queryKey: recKeys.similar(id),
    queryFn: ({ signal }) =>
      api.get<RecommendationList>(`/api/marketplace/artworks/${id}/similar`, { limit: 6 }, signal),
    select: (r) => r.data,
    enabled,
  });
}

export function useRecommendations(enabled: boolean) {
  return useQuery({
    queryKey: recKeys.forYou,
    queryFn: ({ signal }) => api.get<RecommendationList>('/api/marketplace/recommendations', { limit: 24 }, signal),
    select: (r) => r.data,
    enabled,
  });
}

/** One cursor page of the patron's saved works (`cursor` undefined for the first). */
export function useSavedArtworks(cursor: string | undefined) {
  return useQuery({
    queryKey: [...recKeys.saved, cursor ?? ''],
    queryFn: ({ signal }) => api.get<SavedPage>('/api/marketplace/saved', { cursor, limit: 24 }, signal),
    placeholderData: keepPreviousData,
  });
}

/** The signed-in patron's saved ids, to show each save button's state (none asked for while signed out). */
export function useSavedIds(enabled: boolean) {
  return useQuery({
    queryKey: recKeys.savedIds,
    queryFn: ({ signal }) => api.get<SavedIds>('/api/marketplace/saved/ids', undefined, signal),
    select: (r) => new Set(r.ids),
    enabled,
  });
}

/** Saves or forgets a work, showing the new state at once and putting it back if the request fails. */
export function useToggleSave() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, save }: { id: string; save: boolean }) =>
      save
        ? apiRequest<SaveState>(`/api/marketplace/artworks/${id}/save`, { method: 'PUT' })
        : api.delete<SaveState>(`/api/marketplace/artworks/${id}/save`),
    onMutate: async ({ id, save }) => {
      await qc.cancelQueries({ queryKey: recKeys.savedIds });
      const before = qc.getQueryData<SavedIds>(recKeys.savedIds);
      if (before) {
        const ids = before.ids.filter((x) => x !== id);
        qc.setQueryData<SavedIds>(recKeys.savedIds, { ids: save ? [id, ...ids] : ids });
      }
      return { before };
    },
    onError: (_err, _vars, ctx) => {
      if (ctx?.before) qc.setQueryData(recKeys.savedIds, ctx.before);
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: recKeys.saved });
      void qc.invalidateQueries({ queryKey: recKeys.forYou });
    },
  });
}

/** Tells the server a signed-in patron opened a work (it shapes their recommendations); failures are not shown. */
export function recordArtworkView(id: string): Promise<unknown> {
  return api.post(`/api/marketplace/artworks/${id}/view`).catch(() => undefined);
}
