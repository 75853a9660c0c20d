import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
// The server's own response types: one definition for both sides of the wire.
import type { Bundle } from '../../../../src/credits/bundles.ts';
import type { Balance, Lot, Purchase, Usage } from '../../../../src/credits/read-credits.ts';
import { api } from '../../lib/api.ts';

export type { Balance, Bundle, Lot, Purchase, Usage };

export type Customer = {
  organizationId: string;
  name: string;
  slug: string;
  firstPurchaseAt: string;
  balanceMinutes: number;
};
export type LogUsageInput = { organizationId: string; minutes: number; note: string; workedOn: string };

export const creditKeys = {
  bundles: ['credits', 'bundles'] as const,
  org: (orgId: string) => ['credits', 'org', orgId] as const,
  customers: (providerId: string) => ['credits', 'customers', providerId] as const,
};

export function useBundles() {
  return useQuery({
    queryKey: creditKeys.bundles,
    queryFn: ({ signal }) => api.get<{ data: Bundle[] }>('/api/credits/bundles', undefined, signal),
    select: (res) => res.data,
  });
}

export type OrgCredits = { balances: Balance[]; lots: Lot[]; usage: Usage[]; purchases: Purchase[] };

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
      api.get<{ data: Customer[]; lots: Lot[]; usage: Usage[] }>(
        `/api/providers/${encodeURIComponent(providerId)}/customers`,
        undefined,
        signal,
      ),
  });
}

export function useBuyBundle() {
  return useMutation({
    mutationFn: (input: { bundleId: string; organizationId: string }) =>
      api.post<{ checkoutUrl: string; orderId: string }>('/api/credits/checkout', input),
  });
}

export function useLogUsage(providerId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: LogUsageInput) =>
      api.post<{ usageId: string; balanceMinutes: number }>(
        `/api/providers/${encodeURIComponent(providerId)}/usage`,
        input,
      ),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: creditKeys.customers(providerId) }),
        // The provider's admins may also belong to the customer organization.
        queryClient.invalidateQueries({ queryKey: ['credits', 'org'] }),
      ]),
  });
}
