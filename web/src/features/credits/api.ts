import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
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
type BundleList = ApiResponse<'/credits/bundles', 'get'>;
type CustomerList = ApiResponse<'/providers/{providerId}/customers', 'get'>;
type CheckoutAnswer = ApiResponse<'/credits/checkout', 'post', 201>;
type LogUsageAnswer = ApiResponse<'/providers/{providerId}/usage', 'post', 201>;

export const creditKeys = {
  bundles: ['credits', 'bundles'] as const,
  org: (orgId: string) => ['credits', 'org', orgId] as const,
  customers: (providerId: string) => ['credits', 'customers', providerId] as const,
};

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
