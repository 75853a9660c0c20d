import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiRequest, CSRF_COOKIE, CSRF_HEADER, formErrorsFrom, parseApiError, readCookie } from '../../lib/api.ts';
import type { ApiBody, ApiResponse, Schemas, WithDefaults } from '../../lib/api-types.ts';

export type Photo = Schemas['GalleryPhoto'];
export type Gallery = Schemas['Gallery'];
export type GalleryStatus = Gallery['status'];
export type GalleryInput = ApiBody<'/shop/studios/{accountId}/galleries', 'post'>;
export type GalleryPatch = Schemas['GalleryPatch'];
/** A gallery as the studio edits it: with all its photos. */
export type GalleryDetail = ApiResponse<'/shop/galleries/{galleryId}', 'get'>;
export type Product = Schemas['PrintProduct'];
export type OptionValue = Product['groups'][number]['values'][number];
/** A new option value; the server fills in what is left out (no surcharge, no minimum size, any aspect ratio). */
export type OptionValueInput = WithDefaults<
  Schemas['PrintOptionValueInput'],
  'priceAdjustment' | 'minWidthPx' | 'minHeightPx' | 'aspectRatio'
>;
export type OptionGroupInput = Omit<Schemas['PrintOptionGroupInput'], 'values'> & { values: OptionValueInput[] };
export type ProductInput = WithDefaults<Omit<Schemas['PrintProductInput'], 'groups'>, 'description' | 'active'> & {
  groups: OptionGroupInput[];
};
export type PublicGallery = Schemas['PublicGallery'];
/** One page of a client gallery's photos; `nextCursor` is null on the last page. */
export type PhotoPage = Schemas['GalleryPhotoPage'];
/** A page of the client gallery query: the first also carries the gallery itself. */
export type GalleryPage = PhotoPage & { gallery?: PublicGallery };
export type Cart = Schemas['ClientCart'];
/** One line of the cart, priced on the server. */
export type CartItem = Cart['items'][number];
export type Crop = NonNullable<CartItem['crop']>;
type GalleryList = ApiResponse<'/shop/studios/{accountId}/galleries', 'get'>;
type ProductList = ApiResponse<'/shop/studios/{accountId}/products', 'get'>;
type Catalog = ApiResponse<'/shop/g/{token}/catalog', 'get'>;
type CheckoutAnswer = ApiResponse<'/shop/g/{token}/checkout', 'post', 201>;
type UploadedPhotos = ApiResponse<'/shop/galleries/{galleryId}/photos', 'post', 201>;

const keys = {
  galleries: (accountId: string) => ['shop', 'galleries', accountId] as const,
  gallery: (id: string) => ['shop', 'gallery', id] as const,
  products: (accountId: string) => ['shop', 'products', accountId] as const,
  publicGallery: (token: string) => ['shop', 'g', token] as const,
  cart: (token: string) => ['shop', 'cart', token] as const,
  catalog: (token: string, photoId: string) => ['shop', 'catalog', token, photoId] as const,
};

/** One cursor page of a studio's galleries, newest first (`cursor` undefined for the first). */
export function useGalleries(accountId: string, cursor: string | undefined, limit: number) {
  return useQuery({
    queryKey: [...keys.galleries(accountId), cursor ?? '', limit],
    queryFn: ({ signal }) =>
      api.get<GalleryList>(`/api/shop/studios/${accountId}/galleries`, { cursor, limit }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useCreateGallery(accountId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: GalleryInput) => api.post<Gallery>(`/api/shop/studios/${accountId}/galleries`, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.galleries(accountId) }),
  });
}

export function useGallery(id: string) {
  return useQuery({
    queryKey: keys.gallery(id),
    queryFn: ({ signal }) => api.get<GalleryDetail>(`/api/shop/galleries/${id}`, undefined, signal),
  });
}

export function useUpdateGallery(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: GalleryPatch) => api.patch<Gallery>(`/api/shop/galleries/${id}`, patch),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['shop'] }),
  });
}

export type SendGalleryInput = Schemas['SendGalleryInput'];
export type GallerySent = Schemas['GallerySent'];

/** Emails a published gallery's link to a client (the gallery's client unless an address is given). */
export function useSendGallery(accountId: string, galleryId: string) {
  return useMutation({
    mutationFn: (input: SendGalleryInput) =>
      api.post<GallerySent>(`/api/shop/studios/${accountId}/galleries/${galleryId}/send`, input),
  });
}

export function useReorderPhotos(galleryId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) =>
      apiRequest<void>(`/api/shop/galleries/${galleryId}/photos/order`, { method: 'PUT', body: { ids } }),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.gallery(galleryId) }),
  });
}

export function useDeletePhoto(galleryId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (photoId: string) => api.delete(`/api/shop/galleries/${galleryId}/photos/${photoId}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.gallery(galleryId) }),
  });
}

export function useProducts(accountId: string) {
  return useQuery({
    queryKey: keys.products(accountId),
    queryFn: ({ signal }) => api.get<ProductList>(`/api/shop/studios/${accountId}/products`, undefined, signal),
  });
}

export function useCreateProduct(accountId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ProductInput) => api.post<Product>(`/api/shop/studios/${accountId}/products`, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.products(accountId) }),
  });
}

export function useToggleProduct(accountId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, active }: { id: string; active: boolean }) =>
      api.patch<Product>(`/api/shop/products/${id}`, { active }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.products(accountId) }),
  });
}

/** The client gallery, paged: page one is the gallery (header and first photos), later pages come from /photos. */
export function usePublicGallery(token: string) {
  return useInfiniteQuery({
    queryKey: keys.publicGallery(token),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam, signal }): Promise<GalleryPage> => {
      if (pageParam === null) {
        const g = await api.get<PublicGallery>(`/api/shop/g/${token}`, undefined, signal);
        return { gallery: g, data: g.photos, photoCount: g.photoCount, nextCursor: g.nextCursor };
      }
      return api.get<PhotoPage>(`/api/shop/g/${token}/photos`, { cursor: pageParam }, signal);
    },
    getNextPageParam: (last) => last.nextCursor,
    retry: false,
    // A refetch reloads every page already scrolled through; not worth it on each tab switch.
    refetchOnWindowFocus: false,
  });
}

export function useUnlock(token: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (pin: string) => api.post<void>(`/api/shop/g/${token}/unlock`, { pin }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.publicGallery(token) }),
  });
}

export function useCatalog(token: string, photoId: string | null) {
  return useQuery({
    queryKey: keys.catalog(token, photoId ?? ''),
    enabled: Boolean(photoId),
    queryFn: ({ signal }) => api.get<Catalog>(`/api/shop/g/${token}/catalog`, { photoId }, signal),
  });
}

export function useCart(token: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.cart(token),
    enabled,
    queryFn: ({ signal }) => api.get<Cart>(`/api/shop/g/${token}/cart`, undefined, signal),
  });
}

/** Every cart change answers with the re-priced cart; store it directly. */
export function useCartMutation<V>(token: string, fn: (v: V) => Promise<Cart>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: (cart) => qc.setQueryData(keys.cart(token), cart) });
}

export const cartApi = {
  add: (token: string, input: ApiBody<'/shop/g/{token}/cart/items', 'post'>) =>
    api.post<Cart>(`/api/shop/g/${token}/cart/items`, input),
  setQuantity: (token: string, itemId: string, quantity: number) =>
    api.patch<Cart>(`/api/shop/g/${token}/cart/items/${itemId}`, { quantity }),
  remove: (token: string, itemId: string) => api.delete<Cart>(`/api/shop/g/${token}/cart/items/${itemId}`),
  coupon: (token: string, code: string) => api.post<Cart>(`/api/shop/g/${token}/cart/coupon`, { code }),
  shipping: (token: string, shippingRateId: string) => api.patch<Cart>(`/api/shop/g/${token}/cart`, { shippingRateId }),
  checkout: (token: string, email: string) => api.post<CheckoutAnswer>(`/api/shop/g/${token}/checkout`, { email }),
};

export type Settings = Schemas['StudioSettings'];
export type ShippingRate = Settings['shippingRates'][number];
export type ReturnAddress = NonNullable<Schemas['ReturnAddress']>;
export type SettingsInput = ApiBody<'/shop/studios/{accountId}/settings', 'put'>;
export type StudioClient = Schemas['StudioClient'];
type ClientPage = ApiResponse<'/shop/studios/{accountId}/clients', 'get'>;

export function useSettings(accountId: string) {
  return useQuery({
    queryKey: ['shop', 'settings', accountId],
    queryFn: ({ signal }) => api.get<Settings>(`/api/shop/studios/${accountId}/settings`, undefined, signal),
  });
}

export function useSaveSettings(accountId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: SettingsInput) =>
      apiRequest<Settings>(`/api/shop/studios/${accountId}/settings`, { method: 'PUT', body: input }),
    onSuccess: (s) => qc.setQueryData(['shop', 'settings', accountId], s),
  });
}

/** One cursor page of a studio's clients by name, optionally searched (`cursor` undefined for the first). */
export function useClients(accountId: string, q: string, cursor: string | undefined, limit: number) {
  return useQuery({
    queryKey: ['shop', 'clients', accountId, q, cursor ?? '', limit],
    queryFn: ({ signal }) =>
      api.get<ClientPage>(`/api/shop/studios/${accountId}/clients`, { q: q || undefined, cursor, limit }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useCreateClient(accountId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: WithDefaults<Schemas['StudioClientInput'], 'notes'>) =>
      api.post<StudioClient>(`/api/shop/studios/${accountId}/clients`, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['shop', 'clients', accountId] }),
  });
}

// Studio admin (branding, clients, coupons, catalog editing, price sheets, per-file uploads).

/** POSTs multipart form data with XMLHttpRequest, reporting upload progress (fetch cannot). */
function xhrUpload<T>(url: string, form: FormData, onProgress?: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader(CSRF_HEADER, readCookie(CSRF_COOKIE) ?? '');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T);
      reject(parseApiError(xhr.status, body));
    };
    xhr.onerror = () => reject(parseApiError(0, null));
    xhr.send(form);
  });
}

/** Uploads one photo (one request per file, so each file has its own progress and error). */
export function uploadPhoto(galleryId: string, file: File, onProgress: (fraction: number) => void) {
  const form = new FormData();
  form.append('files', file);
  return xhrUpload<UploadedPhotos>(`/api/shop/galleries/${galleryId}/photos`, form, onProgress);
}

export function useUploadLogo(accountId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file);
      return xhrUpload<Settings>(`/api/shop/studios/${accountId}/logo`, form);
    },
    onSuccess: (s) => qc.setQueryData(['shop', 'settings', accountId], s),
  });
}

export function useRemoveLogo(accountId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.delete<Settings>(`/api/shop/studios/${accountId}/logo`),
    onSuccess: (s) => qc.setQueryData(['shop', 'settings', accountId], s),
  });
}

export function useUpdateClient(accountId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...patch }: Schemas['StudioClientPatch'] & { id: string }) =>
      api.patch<StudioClient>(`/api/shop/studios/${accountId}/clients/${id}`, patch),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['shop', 'clients', accountId] }),
  });
}

export function useDeleteClient(accountId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/shop/studios/${accountId}/clients/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['shop', 'clients', accountId] }),
  });
}

export type Coupon = Schemas['Coupon'];
export type CouponKind = Coupon['kind'];
export type CouponInput = Schemas['CouponInput'];
export type CouponPatch = Schemas['CouponPatch'];
type CouponList = ApiResponse<'/shop/studios/{accountId}/coupons', 'get'>;

export function useCoupons(accountId: string) {
  return useQuery({
    queryKey: ['shop', 'coupons', accountId],
    queryFn: ({ signal }) => api.get<CouponList>(`/api/shop/studios/${accountId}/coupons`, undefined, signal),
  });
}

export function useCreateCoupon(accountId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CouponInput) => api.post<Coupon>(`/api/shop/studios/${accountId}/coupons`, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['shop', 'coupons', accountId] }),
  });
}

export function useUpdateCoupon(accountId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...patch }: CouponPatch & { id: string }) =>
      api.patch<Coupon>(`/api/shop/studios/${accountId}/coupons/${id}`, patch),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['shop', 'coupons', accountId] }),
  });
}

/** Every catalog edit answers with the whole product; refresh the list. */
export function useProductEdit<V>(accountId: string, fn: (v: V) => Promise<Product>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: keys.products(accountId) }) });
}

export const catalogApi = {
  updateProduct: (id: string, patch: Schemas['PrintProductPatch']) =>
    api.patch<Product>(`/api/shop/products/${id}`, patch),
  deleteProduct: (id: string) => api.delete(`/api/shop/products/${id}`),
  addGroup: (productId: string, input: OptionGroupInput) =>
    api.post<Product>(`/api/shop/products/${productId}/groups`, input),
  renameGroup: (productId: string, groupId: string, name: string) =>
    api.patch<Product>(`/api/shop/products/${productId}/groups/${groupId}`, { name }),
  deleteGroup: (productId: string, groupId: string) =>
    api.delete<Product>(`/api/shop/products/${productId}/groups/${groupId}`),
  addValue: (productId: string, groupId: string, input: OptionValueInput) =>
    api.post<Product>(`/api/shop/products/${productId}/groups/${groupId}/values`, input),
  updateValue: (productId: string, valueId: string, patch: Schemas['PrintOptionValuePatch']) =>
    api.patch<Product>(`/api/shop/products/${productId}/values/${valueId}`, patch),
  deleteValue: (productId: string, valueId: string) =>
    api.delete<Product>(`/api/shop/products/${productId}/values/${valueId}`),
};

export type PriceSheet = Schemas['PriceSheet'];
type PriceSheetList = ApiResponse<'/shop/studios/{accountId}/price-sheets', 'get'>;

export function usePriceSheets(accountId: string) {
  return useQuery({
    queryKey: ['shop', 'price-sheets', accountId],
    queryFn: ({ signal }) => api.get<PriceSheetList>(`/api/shop/studios/${accountId}/price-sheets`, undefined, signal),
  });
}

export function usePriceSheetMutation<V>(accountId: string, fn: (v: V) => Promise<unknown>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => qc.invalidateQueries({ queryKey: ['shop', 'price-sheets', accountId] }),
  });
}

export const priceSheetApi = {
  create: (accountId: string, input: Schemas['PriceSheetInput']) =>
    api.post<PriceSheet>(`/api/shop/studios/${accountId}/price-sheets`, input),
  update: (accountId: string, id: string, patch: Schemas['PriceSheetPatch']) =>
    api.patch<PriceSheet>(`/api/shop/studios/${accountId}/price-sheets/${id}`, patch),
  remove: (accountId: string, id: string) => api.delete(`/api/shop/studios/${accountId}/price-sheets/${id}`),
};

/** Per-field and form-level messages of a failed mutation; empty while there is no error. */
export function serverErrors<K extends string>(error: unknown, fields: readonly K[]) {
  if (!error) return { fieldErrors: {} as Partial<Record<K, string>>, formError: null };
  return formErrorsFrom(error, fields);
}

export function useDeleteGallery(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.delete(`/api/shop/galleries/${id}`),
    // Drop cached lists rather than mark them stale, so the list never flashes the deleted gallery.
    onSuccess: () => qc.removeQueries({ queryKey: ['shop', 'galleries'] }),
  });
}
