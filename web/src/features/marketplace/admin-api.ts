import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiRequest, withQuery } from '../../lib/api.ts';
import type { ApiBody, ApiResponse, Schemas } from '../../lib/api-types.ts';

// Marketplace admin: metrics, transactions, refunds and fee settings (platform admins only).

export type MonthRow = Schemas['MarketplaceMonthRow'];
export type Metrics = Schemas['MarketplaceMetrics'];
export type Transaction = Schemas['MarketplaceTransaction'];
export type Refund = Schemas['MarketplaceRefund'];
type TransactionPage = ApiResponse<'/admin/marketplace/transactions', 'get'>;
type RefundPage = ApiResponse<'/admin/marketplace/refunds', 'get'>;
type ArtistFeeAnswer = ApiResponse<'/admin/marketplace/artists/{accountId}/fee', 'put'>;
export type TransactionFilters = { status?: string; accountId?: string; from?: string; to?: string };
export type FeeSettings = Schemas['MarketplaceSettings'];

const keys = { admin: ['marketplace', 'admin'] as const };

export function useMetrics() {
  return useQuery({
    queryKey: [...keys.admin, 'metrics'],
    queryFn: ({ signal }) => api.get<Metrics>('/api/admin/marketplace/metrics', undefined, signal),
  });
}

/** One cursor page of transactions for some filters (`cursor` undefined for the first). */
export function useTransactions(f: TransactionFilters, cursor: string | undefined) {
  return useQuery({
    queryKey: [...keys.admin, 'transactions', f, cursor ?? ''],
    queryFn: ({ signal }) =>
      api.get<TransactionPage>('/api/admin/marketplace/transactions', { ...f, cursor, limit: 25 }, signal),
    placeholderData: keepPreviousData,
  });
}

/** Download link for the transactions CSV with the same filters as the list. */
export const transactionsCsvUrl = (f: TransactionFilters) => withQuery('/api/admin/marketplace/transactions.csv', f);

/** One cursor page of refunds, all or only those with an amount owed (`cursor` undefined for the first). */
export function useRefunds(owed: boolean, cursor: string | undefined) {
  return useQuery({
    queryKey: [...keys.admin, 'refunds', owed, cursor ?? ''],
    queryFn: ({ signal }) =>
      api.get<RefundPage>(
        '/api/admin/marketplace/refunds',
        { owed: owed ? 'true' : undefined, cursor, limit: 25 },
        signal,
      ),
    placeholderData: keepPreviousData,
  });
}

export function useFeeSettings() {
  return useQuery({
    queryKey: [...keys.admin, 'settings'],
    queryFn: ({ signal }) => api.get<FeeSettings>('/api/admin/marketplace/settings', undefined, signal),
  });
}

export function useSaveFeeSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ApiBody<'/admin/marketplace/settings', 'put'>) =>
      apiRequest<FeeSettings>('/api/admin/marketplace/settings', { method: 'PUT', body: input }),
    onSuccess: (s) => qc.setQueryData([...keys.admin, 'settings'], s),
  });
}

export function useSetArtistFee() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { accountId: string; feeBps: number | null }) =>
      apiRequest<ArtistFeeAnswer>(`/api/admin/marketplace/artists/${input.accountId}/fee`, {
        method: 'PUT',
        body: { feeBps: input.feeBps },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: [...keys.admin, 'settings'] }),
  });
}

/** "50%" / "12.5%" from basis points. */
export const bpsLabel = (bps: number) => `${(bps / 100).toLocaleString(undefined, { maximumFractionDigits: 2 })}%`;
