import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ArtistBalance } from '../../../../src/marketplace/payouts.ts';
import type { SaleRefund } from '../../../../src/marketplace/sales.ts';
import { api, apiRequest, CSRF_COOKIE, CSRF_HEADER, parseApiError, readCookie } from '../../lib/api.ts';

export type { ArtistBalance, SaleRefund };

export type ApplicationStatus = 'draft' | 'pending' | 'approved' | 'rejected';
export type Application = {
  id: string;
  status: ApplicationStatus;
  statement: string;
  portfolioUrl: string | null;
  instagram: string | null;
  exhibitions: string;
  country: string | null;
  termsAcceptedAt: string | null;
  rejectionReason: string | null;
  artistAccountId: string | null;
  submittedAt: string | null;
  updatedAt: string;
  applicant?: { name: string; email: string };
};
export type ApplicationDraft = {
  statement?: string;
  portfolioUrl?: string;
  instagram?: string;
  exhibitions?: string;
  country?: string;
  termsAccepted?: boolean;
};
export type ArtistStatus = {
  accountId: string;
  stripeAccountId: string | null;
  onboardingStatus: 'pending' | 'complete' | 'restricted' | 'deauthorized';
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  feeBps: number;
  country: string;
};
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
] as const;
export type Medium = (typeof MEDIA)[number];
export type ArtworkImage = {
  id: string;
  isPrimary: boolean;
  width: number;
  height: number;
  url: string;
  thumbUrl: string;
};
export type Artwork = {
  id: string;
  accountId: string;
  artist: { slug: string; name: string };
  title: string;
  description: string;
  medium: Medium;
  widthMm: number | null;
  heightMm: number | null;
  depthMm: number | null;
  year: number | null;
  priceAmount: number;
  currency: string;
  editionType: 'original' | 'edition';
  editionSize: number | null;
  status: 'draft' | 'submitted' | 'published' | 'rejected' | 'reserved' | 'sold';
  rejectionReason: string | null;
  publishedAt: string | null;
  images: ArtworkImage[];
};
export type ArtworkInput = Partial<
  Pick<Artwork, 'title' | 'description' | 'medium' | 'widthMm' | 'heightMm' | 'depthMm' | 'year' | 'priceAmount'>
> & { currency?: string; editionType?: 'original' | 'edition'; editionSize?: number | null };
export type Page<T> = { data: T[]; page: number; pageSize: number; total: number };
export type PriceBreakdown = {
  price: number;
  platformFee: number;
  artistShare: number;
  feeBps: number;
  currency: string;
};

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
    queryFn: ({ signal }) =>
      api.get<{ application: Application | null }>('/api/marketplace/application', undefined, signal),
    select: (r) => r.application,
  });
}

export function useSaveDraft() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (draft: ApplicationDraft) =>
      apiRequest<{ application: Application }>('/api/marketplace/application', { method: 'PUT', body: draft }),
    onSuccess: (r) => qc.setQueryData(keys.application, r),
  });
}

export function useSubmitApplication() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<{ application: Application }>('/api/marketplace/application/submit'),
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
    queryFn: ({ signal }) =>
      api.get<{ data: Artwork[] }>(`/api/marketplace/artists/${accountId}/artworks`, undefined, signal),
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
    api.post<{ artwork: Artwork }>(`/api/marketplace/artists/${accountId}/artworks`, input),
  update: (id: string, input: ArtworkInput) =>
    api.patch<{ artwork: Artwork }>(`/api/marketplace/artworks/${id}`, input),
  remove: (id: string) => api.delete(`/api/marketplace/artworks/${id}`),
  submit: (id: string) => api.post<{ artwork: Artwork }>(`/api/marketplace/artworks/${id}/submit`),
  unpublish: (id: string) => api.post<{ artwork: Artwork }>(`/api/marketplace/artworks/${id}/unpublish`),
  setPrimary: (id: string, imageId: string) => api.post(`/api/marketplace/artworks/${id}/images/${imageId}/primary`),
  removeImage: (id: string, imageId: string) => api.delete(`/api/marketplace/artworks/${id}/images/${imageId}`),
  onboardingLink: (accountId: string) =>
    api.post<{ url: string }>(`/api/marketplace/artists/${accountId}/onboarding-link`),
  loginLink: (accountId: string) => api.post<{ url: string }>(`/api/marketplace/artists/${accountId}/login-link`),
  approveApplication: (id: string) => api.post(`/api/admin/marketplace/applications/${id}/approve`),
  rejectApplication: (id: string, reason: string) =>
    api.post(`/api/admin/marketplace/applications/${id}/reject`, { reason }),
  approveArtwork: (id: string) => api.post(`/api/admin/marketplace/artworks/${id}/approve`),
  rejectArtwork: (id: string, reason: string) => api.post(`/api/admin/marketplace/artworks/${id}/reject`, { reason }),
};

/** Uploads one image as multipart (the JSON client can't send files). */
export async function uploadImage(artworkId: string, file: File): Promise<void> {
  const form = new FormData();
  form.append('file', file);
  const res = await fetch(`/api/marketplace/artworks/${artworkId}/images`, {
    method: 'POST',
    body: form,
    credentials: 'same-origin',
    headers: { [CSRF_HEADER]: readCookie(CSRF_COOKIE) ?? '' },
  });
  if (!res.ok) throw parseApiError(res.status, await res.json().catch(() => null));
}

export function useAdminQueue<T>(kind: 'applications' | 'artworks', status: string, page: number) {
  return useQuery({
    queryKey: [...keys.admin, kind, status, page],
    queryFn: ({ signal }) => api.get<Page<T>>(`/api/admin/marketplace/${kind}`, { status, page }, signal),
  });
}

export function usePublicArtworks(filters: Record<string, string | number | undefined>) {
  return useQuery({
    queryKey: [...keys.public, filters],
    queryFn: ({ signal }) => api.get<Page<Artwork>>('/api/marketplace/artworks', filters, signal),
  });
}

export function useArtwork(id: string) {
  return useQuery({
    queryKey: [...keys.public, 'artwork', id],
    queryFn: ({ signal }) =>
      api.get<{ artwork: Artwork; price: PriceBreakdown }>(`/api/marketplace/artworks/${id}`, undefined, signal),
  });
}

// --- Buying: price breakdown, checkout, sales and refunds ---

export type ArtworkPrice = {
  currency: string;
  price: number;
  shipping: number;
  total: number;
  platformFee: number;
  feeBps: number;
  artistReceives: number;
  availability: 'available' | 'reserved' | 'sold' | 'unavailable';
  reservedUntil: string | null;
};
/** A sale's lifecycle, in the order a sale moves through it. */
export const SALE_STATUSES = [
  'paid',
  'shipped',
  'delivered',
  'partially_refunded',
  'refunded',
  'duplicate_refunded',
] as const;
export type SaleStatus = (typeof SALE_STATUSES)[number];
export type Sale = {
  id: string;
  orderId: string;
  accountId: string;
  artwork: { id: string; title: string; thumbUrl: string | null };
  artist: { name: string; slug: string };
  buyerEmail: string;
  buyerName: string | null;
  currency: string;
  priceAmount: number;
  shippingAmount: number;
  amount: number;
  platformFee: number;
  artistAmount: number;
  feeBps: number;
  stripeFee: number | null;
  status: SaleStatus;
  amountRefunded: number;
  stripeTransferId: string | null;
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  shippingAddress: Record<string, string | null> | null;
  shippedAt: string | null;
  deliveredAt: string | null;
  returnWindowEndsAt: string | null;
  certificateNumber: string | null;
  createdAt: string;
};
export type SaleDetail = Sale & { refunds: SaleRefund[]; amountOwed: number };

export function useArtworkPrice(id: string) {
  return useQuery({
    queryKey: [...keys.public, 'artwork', id, 'price'],
    queryFn: ({ signal }) => api.get<ArtworkPrice>(`/api/marketplace/artworks/${id}/price`, undefined, signal),
  });
}

export const purchaseApi = {
  checkout: (artworkId: string, email?: string) =>
    api.post<{ checkoutUrl: string; orderId: string }>(
      `/api/marketplace/artworks/${artworkId}/checkout`,
      email ? { email } : {},
    ),
  cancel: (artworkId: string, orderId: string) =>
    api.post<{ status: string }>(`/api/marketplace/artworks/${artworkId}/checkout/${orderId}/cancel`),
  refund: (saleId: string, input: { amount?: number; reason: string }) =>
    api.post<{ sale: SaleDetail }>(`/api/marketplace/sales/${saleId}/refunds`, input),
};

export function useSale(id: string) {
  return useQuery({
    queryKey: ['marketplace', 'sale', id],
    queryFn: ({ signal }) => api.get<{ sale: SaleDetail }>(`/api/marketplace/sales/${id}`, undefined, signal),
    select: (r) => r.sale,
  });
}

export function useAccountSales(accountId: string | undefined, page: number) {
  return useQuery({
    queryKey: ['marketplace', 'sales', accountId ?? '', page],
    queryFn: ({ signal }) => api.get<Page<Sale>>(`/api/marketplace/accounts/${accountId}/sales`, { page }, signal),
    enabled: Boolean(accountId),
  });
}

// --- After the sale: shipping, certificates, balance and payouts ---

export type PayoutStatus = 'pending' | 'in_transit' | 'paid' | 'failed' | 'canceled';
export type Payout = {
  id: string;
  stripePayoutId: string | null;
  amount: number;
  currency: string;
  status: PayoutStatus;
  arrivalDate: string | null;
  failureMessage: string | null;
  salesCount: number;
  createdAt: string;
};
export type ShipmentInput = { carrier: string; trackingNumber: string; trackingUrl?: string };

export function useArtistBalance(accountId: string | undefined) {
  return useQuery({
    queryKey: ['marketplace', 'balance', accountId ?? ''],
    queryFn: ({ signal }) =>
      api.get<{ balance: ArtistBalance }>(`/api/marketplace/accounts/${accountId}/balance`, undefined, signal),
    select: (r) => r.balance,
    enabled: Boolean(accountId),
  });
}

export function useArtistPayouts(accountId: string | undefined, page: number) {
  return useQuery({
    queryKey: ['marketplace', 'payouts', accountId ?? '', page],
    queryFn: ({ signal }) => api.get<Page<Payout>>(`/api/marketplace/accounts/${accountId}/payouts`, { page }, signal),
    enabled: Boolean(accountId),
  });
}

export const fulfilmentApi = {
  ship: (saleId: string, input: ShipmentInput) =>
    api.post<{ sale: SaleDetail }>(`/api/marketplace/sales/${saleId}/ship`, input),
  deliver: (saleId: string) => api.post<{ sale: SaleDetail }>(`/api/marketplace/sales/${saleId}/deliver`),
  certificateUrl: (saleId: string) => `/api/marketplace/sales/${saleId}/certificate.pdf`,
  runPayouts: () =>
    api.post<{
      skipped: boolean;
      artists: number;
      created: number;
      resubmitted: number;
      failed: number;
      errors: number;
      amount: number;
    }>('/api/admin/marketplace/payouts/run'),
};
