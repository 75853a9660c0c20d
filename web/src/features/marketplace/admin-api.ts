import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { MonthRow } from '../../../../src/marketplace/analytics.ts';
import { api, apiRequest, withQuery } from '../../lib/api.ts';
import type { Page, SaleStatus } from './api.ts';

export type { MonthRow };

// Marketplace admin: metrics, transactions, refunds and fee settings (platform admins only).

export type Metrics = {
  months: string[];
  currencies: string[];
  series: MonthRow[];
  totals: { currency: string; sales: number; gmv: number; feeRevenue: number }[];
  conversion: { month: string; started: number; paid: number; rate: number | null }[];
  conversionTotal: { started: number; paid: number; rate: number | null };
  top: {
    artworks: {
      artworkId: string;
      title: string;
      artist: { name: string; slug: string };
      currency: string;
      sales: number;
      gmv: number;
      feeRevenue: number;
    }[];
    artists: {
      accountId: string;
      name: string;
      slug: string;
      currency: string;
      sales: number;
      gmv: number;
      feeRevenue: number;
    }[];
  };
};
export type Transaction = {
  id: string;
  orderId: string;
  accountId: string;
  artist: { name: string; slug: string };
  artwork: { id: string; title: string };
  buyerEmail: string;
  buyerName: string | null;
  currency: string;
  amount: number;
  platformFee: number;
  artistAmount: number;
  stripeFee: number | null;
  amountRefunded: number;
  status: SaleStatus;
  createdAt: string;
};
export type Refund = {
  id: string;
  saleId: string;
  accountId: string;
  artist: { name: string; slug: string };
  artworkTitle: string;
  currency: string;
  amount: number;
  feeRefunded: number;
  transferReversed: number;
  amountOwed: number;
  reason: string | null;
  createdBy: string | null;
  createdAt: string;
};
export type TransactionFilters = { status?: string; accountId?: string; from?: string; to?: string };
export type FeeSettings = {
  feeBps: number;
  returnWindowDays: number;
  updatedAt: string;
  overrides: { accountId: string; name: string; slug: string; feeBps: number }[];
};

const keys = { admin: ['marketplace', 'admin'] as const };

export function useMetrics() {
  return useQuery({
    queryKey: [...keys.admin, 'metrics'],
    queryFn: ({ signal }) => api.get<Metrics>('/api/admin/marketplace/metrics', undefined, signal),
  });
}

export function useTransactions(f: TransactionFilters, page: number) {
  return useQuery({
    queryKey: [...keys.admin, 'transactions', f, page],
    queryFn: ({ signal }) => api.get<Page<Transaction>>('/api/admin/marketplace/transactions', { ...f, page }, signal),
    placeholderData: keepPreviousData,
  });
}

/** Download link for the transactions CSV with the same filters as the list. */
export const transactionsCsvUrl = (f: TransactionFilters) => withQuery('/api/admin/marketplace/transactions.csv', f);

export function useRefunds(owed: boolean, page: number) {
  return useQuery({
    queryKey: [...keys.admin, 'refunds', owed, page],
    queryFn: ({ signal }) =>
      api.get<Page<Refund> & { owedTotals: { currency: string; amount: number }[] }>(
        '/api/admin/marketplace/refunds',
        { owed: owed ? 'true' : undefined, page },
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
    mutationFn: (input: { feeBps: number; returnWindowDays: number }) =>
      apiRequest<FeeSettings>('/api/admin/marketplace/settings', { method: 'PUT', body: input }),
    onSuccess: (s) => qc.setQueryData([...keys.admin, 'settings'], s),
  });
}

export function useSetArtistFee() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { accountId: string; feeBps: number | null }) =>
      apiRequest(`/api/admin/marketplace/artists/${input.accountId}/fee`, {
        method: 'PUT',
        body: { feeBps: input.feeBps },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: [...keys.admin, 'settings'] }),
  });
}

/** "50%" / "12.5%" from basis points. */
export const bpsLabel = (bps: number) => `${(bps / 100).toLocaleString(undefined, { maximumFractionDigits: 2 })}%`;

/** Artist accounts for pickers and filters: the admin accounts directory, artists only (first 100). */
export function useArtistAccounts() {
  return useQuery({
    queryKey: ['admin', 'accounts', 'artists'],
    queryFn: ({ signal }) =>
      api.get<{ data: { id: string; name: string }[] }>(
        '/api/admin/accounts',
        { kind: 'artist', pageSize: 100 },
        signal,
      ),
    select: (r) => r.data,
  });
}
