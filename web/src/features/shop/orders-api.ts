import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { PrintLine } from '../../../../src/shop/print-lines.ts';
import { api } from '../../lib/api.ts';
import type { OrderTotals } from '../orders/api.ts';

export type { PrintLine };

export const FULFILMENT_STATUSES = ['paid', 'in_production', 'shipped', 'delivered', 'cancelled'] as const;
export type FulfilmentStatus = (typeof FULFILMENT_STATUSES)[number];

export type Address = Record<string, string | null>;

/** Payment states a studio filters its print orders by (orders reach the list once paid). */
export const MONEY_FILTERS = ['paid', 'partially_refunded', 'refunded'] as const;
export type MoneyFilter = (typeof MONEY_FILTERS)[number];
export const moneyFilterLabels: Record<MoneyFilter, string> = {
  paid: 'Paid',
  partially_refunded: 'Partially refunded',
  refunded: 'Refunded',
};

export type PrintOrderRow = {
  id: string;
  buyerEmail: string;
  buyerName: string | null;
  currency: string;
  total: number;
  amountRefunded: number;
  moneyStatus: string;
  status: FulfilmentStatus;
  itemCount: number;
  carrier: string | null;
  trackingNumber: string | null;
  paidAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export type PrintOrder = OrderTotals & {
  id: string;
  buyerEmail: string;
  moneyStatus: string;
  receiptUrl: string | null;
  paidAt: string | null;
  createdAt: string;
  gallery: { id: string; title: string } | null;
  items: PrintLine[];
  fulfilment: {
    status: FulfilmentStatus;
    nextMoves: FulfilmentStatus[];
    lab: string;
    labReference: string | null;
    carrier: string | null;
    trackingNumber: string | null;
    trackingUrl: string | null;
    shippingAddress: Address | null;
    buyerName: string | null;
    inProductionAt: string | null;
    shippedAt: string | null;
    deliveredAt: string | null;
    cancelledAt: string | null;
  };
  history: Array<{
    id: string;
    fromStatus: string | null;
    toStatus: string;
    note: string | null;
    actorEmail: string | null;
    createdAt: string;
  }>;
  refunds: Array<{ id: string; seq: number; amount: number; status: string; reason: string | null; createdAt: string }>;
};

type MonthFigures = { month: string; gross: number; refunds: number; net: number; orderCount: number };
export type StudioSummary = {
  currency: string;
  current: MonthFigures;
  previous: MonthFigures;
  change: number;
  bestSellers: Array<{ productId: string | null; name: string; quantity: number; revenue: number }>;
};

export type PrintOrderSummary = {
  orderId: string;
  status: string;
  fulfilmentStatus: FulfilmentStatus | null;
  email: string;
  currency: string;
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  taxInclusive: boolean;
  total: number;
  items: Array<{
    id: string;
    name: string;
    filename: string | null;
    thumbUrl: string | null;
    productName: string | null;
    options: string[];
    quantity: number;
    lineTotal: number;
  }>;
  shippingAddress: Address | null;
  buyerName: string | null;
};

const base = (accountId: string) => `/api/shop/studios/${encodeURIComponent(accountId)}`;
const orderKeys = {
  all: (accountId: string) => ['shop', 'orders', accountId] as const,
  summary: (accountId: string) => ['shop', 'orders', accountId, 'summary'] as const,
};

/** One page of a studio's print orders. */
export function useStudioOrders(
  accountId: string,
  q: { status: FulfilmentStatus | ''; moneyStatus?: MoneyFilter | ''; q: string; page: number; pageSize: number },
) {
  return useQuery({
    queryKey: [...orderKeys.all(accountId), 'list', q],
    queryFn: ({ signal }) =>
      api.get<{ data: PrintOrderRow[]; total: number; page: number; pageSize: number }>(
        `${base(accountId)}/orders`,
        {
          status: q.status || undefined,
          moneyStatus: q.moneyStatus || undefined,
          q: q.q || undefined,
          page: q.page,
          pageSize: q.pageSize,
        },
        signal,
      ),
    placeholderData: keepPreviousData,
  });
}

/** One print order with lines, fulfilment and timeline. */
export function useStudioOrder(accountId: string, orderId: string) {
  return useQuery({
    queryKey: [...orderKeys.all(accountId), 'detail', orderId],
    queryFn: ({ signal }) =>
      api.get<PrintOrder>(`${base(accountId)}/orders/${encodeURIComponent(orderId)}`, undefined, signal),
  });
}

/** This month's revenue and best sellers. */
export function useStudioSummary(accountId: string) {
  return useQuery({
    queryKey: orderKeys.summary(accountId),
    queryFn: ({ signal }) => api.get<StudioSummary>(`${base(accountId)}/reports/summary`, undefined, signal),
  });
}

export type OrderAction =
  | { kind: 'in-production' }
  | { kind: 'ship'; carrier: string; trackingNumber: string; trackingUrl: string | null }
  | { kind: 'deliver' }
  | { kind: 'cancel'; reason: string | null }
  | { kind: 'refunds'; amount: number; reason?: string };

/** Fulfilment moves and refunds; every success refreshes the studio's order views. */
export function useOrderAction(accountId: string, orderId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, ...body }: OrderAction) =>
      api.post<PrintOrder>(`${base(accountId)}/orders/${encodeURIComponent(orderId)}/${kind}`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: orderKeys.all(accountId) }),
  });
}

/** The buyer's order after Checkout; the server settles a payment the webhook has not reported yet. */
export function usePrintOrderSummary(token: string, sessionId: string | null) {
  return useQuery({
    queryKey: ['shop', 'order-summary', token, sessionId],
    queryFn: ({ signal }) =>
      api.get<PrintOrderSummary>(
        `/api/shop/g/${encodeURIComponent(token)}/orders/${encodeURIComponent(sessionId ?? '')}`,
        undefined,
        signal,
      ),
    enabled: Boolean(sessionId),
    refetchInterval: (query) =>
      query.state.data?.status === 'pending' && query.state.dataUpdateCount < 20 ? 3000 : false,
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });
}
