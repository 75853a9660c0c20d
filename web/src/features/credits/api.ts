import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { ApiBody, ApiResponse, Schemas, WithDefaults } from '../../lib/api-types.ts';

export type Bundle = Schemas['CreditBundle'];
export type Balance = Schemas['CreditBalance'];
export type Lot = Schemas['CreditLot'];
export type Usage = Schemas['CreditUsage'];
export type Purchase = Schemas['CreditPurchase'];
export type Customer = Schemas['CreditCustomer'];
export type LogUsageInput = WithDefaults<ApiBody<'/providers/{providerId}/usage', 'post'>, 'note'>;
export type OrgCredits = ApiResponse<'/organizations/{orgId}/credits', 'get'>;
type OrgLotPage = ApiResponse<'/organizations/{orgId}/credits/lots', 'get'>;
type UsagePage = ApiResponse<'/organizations/{orgId}/credits/usage', 'get'>;
type LotPage = ApiResponse<'/providers/{providerId}/credits/lots', 'get'>;
type BundleList = ApiResponse<'/credits/bundles', 'get'>;
type CustomerList = ApiResponse<'/providers/{providerId}/customers', 'get'>;
type CheckoutAnswer = ApiResponse<'/credits/checkout', 'post', 201>;
type LogUsageAnswer = ApiResponse<'/providers/{providerId}/usage', 'post', 201>;

export const creditKeys = {
  bundles: ['credits', 'bundles'] as const,
  org: (orgId: string) => ['credits', 'org', orgId] as const,
  // Under the provider's customers key, so logging time refreshes the lists too.
  customers: (providerId: string) => ['credits', 'customers', providerId] as const,
};

// Lots and usage come a page at a time (cursor pages of 20); "Show more" appends the next.
const PAGE_LIMIT = 20;
function pageParams<P extends { nextCursor: string | null }>() {
  return {
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: P) => last.nextCursor ?? undefined,
  };
}

export function useBundles() {
  return useQuery({
    queryKey: creditKeys.bundles,
    queryFn: ({ signal }) => api.get<BundleList>('/api/credits/bundles', undefined, signal),
    select: (res) => res.data,
  });
}

/** `awaitingPayment`: just back from Checkout, so poll for a minute while the webhook grants the lot. */
export function useOrgCredits(orgId: string, awaitingPayment = false) {
  return useQuery<OrgCredits>({
    queryKey: creditKeys.org(orgId),
    refetchInterval: (query) => (awaitingPayment && query.state.dataUpdateCount < 30 ? 2000 : false),
    queryFn: ({ signal }) =>
      api.get<OrgCredits>(`/api/organizations/${encodeURIComponent(orgId)}/credits`, undefined, signal),
  });
}

/** The organization's lots, first-expiring first, with the purchases behind them, page by page. */
export function useOrgLots(orgId: string, awaitingPayment = false) {
  return useInfiniteQuery({
    queryKey: [...creditKeys.org(orgId), 'lots'],
    ...pageParams<OrgLotPage>(),
    refetchInterval: (query) => (awaitingPayment && query.state.dataUpdateCount < 30 ? 2000 : false),
    queryFn: ({ signal, pageParam }) =>
      api.get<OrgLotPage>(
        `/api/organizations/${encodeURIComponent(orgId)}/credits/lots`,
        { cursor: pageParam, limit: PAGE_LIMIT },
        signal,
      ),
  });
}

/** The organization's logged work, most recently logged first, page by page. */
export function useOrgUsage(orgId: string) {
  return useInfiniteQuery({
    queryKey: [...creditKeys.org(orgId), 'usage'],
    ...pageParams<UsagePage>(),
    queryFn: ({ signal, pageParam }) =>
      api.get<UsagePage>(
        `/api/organizations/${encodeURIComponent(orgId)}/credits/usage`,
        { cursor: pageParam, limit: PAGE_LIMIT },
        signal,
      ),
  });
}

/** Lots customers bought from the provider, page by page. */
export function useProviderLots(providerId: string) {
  return useInfiniteQuery({
    queryKey: [...creditKeys.customers(providerId), 'lots'],
    ...pageParams<LotPage>(),
    queryFn: ({ signal, pageParam }) =>
      api.get<LotPage>(
        `/api/providers/${encodeURIComponent(providerId)}/credits/lots`,
        { cursor: pageParam, limit: PAGE_LIMIT },
        signal,
      ),
  });
}

/** Time the provider logged, page by page. */
export function useProviderUsage(providerId: string) {
  return useInfiniteQuery({
    queryKey: [...creditKeys.customers(providerId), 'usage'],
    ...pageParams<UsagePage>(),
    queryFn: ({ signal, pageParam }) =>
      api.get<UsagePage>(
        `/api/providers/${encodeURIComponent(providerId)}/credits/usage`,
        { cursor: pageParam, limit: PAGE_LIMIT },
        signal,
      ),
  });
}

export function useCustomers(providerId: string) {
  return useQuery({
    queryKey: creditKeys.customers(providerId),
    queryFn: ({ signal }) =>
      api.get<CustomerList>(`/api/providers/${encodeURIComponent(providerId)}/customers`, undefined, signal),
  });
}

export function useBuyBundle() {
  return useMutation({
    mutationFn: (input: ApiBody<'/credits/checkout', 'post'>) =>
      api.post<CheckoutAnswer>('/api/credits/checkout', input),
  });
}

export function useLogUsage(providerId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: LogUsageInput) =>
      api.post<LogUsageAnswer>(`/api/providers/${encodeURIComponent(providerId)}/usage`, input),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: creditKeys.customers(providerId) }),
        // The provider's admins may also belong to the customer organization.
        queryClient.invalidateQueries({ queryKey: ['credits', 'org'] }),
      ]),
  });
}
