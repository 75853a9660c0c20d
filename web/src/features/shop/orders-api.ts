import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { ApiBody, Schemas } from '../../lib/api-types.ts';

export type PrintOrderRow = Schemas['PrintOrderRow'];
export type PrintOrderPage = Schemas['PrintOrderList'];
export type PrintOrder = Schemas['PrintOrder'];
/** One ordered print as the studio sees it: which photo, which product and options, which crop. */
export type PrintLine = Schemas['PrintLine'];
export type StudioSummary = Schemas['StudioShopSummary'];
/** The buyer's view of a print order on the success page. */
export type PrintOrderSummary = Schemas['PrintOrderSummary'];
export type Address = NonNullable<PrintOrder['fulfilment']['shippingAddress']>;

export type FulfilmentStatus = PrintOrderRow['status'];
/** The fulfilment steps in the order an order moves through them; `satisfies` keeps it to the server's, the check below complete. */
export const FULFILMENT_STATUSES = [
  'paid',
  'in_production',
  'shipped',
  'delivered',
  'cancelled',
] as const satisfies readonly FulfilmentStatus[];
const everyFulfilmentStatus: Exclude<FulfilmentStatus, (typeof FULFILMENT_STATUSES)[number]> extends never
  ? true
  : false = true;
void everyFulfilmentStatus;

/** Payment states a studio filters its print orders by (orders reach the list once paid). */
export const MONEY_FILTERS = [
  'paid',
  'partially_refunded',
  'refunded',
] as const satisfies readonly PrintOrderRow['moneyStatus'][];
export type MoneyFilter = (typeof MONEY_FILTERS)[number];
export const moneyFilterLabels: Record<MoneyFilter, string> = {
  paid: 'Paid',
  partially_refunded: 'Partially refunded',
  refunded: 'Refunded',
};

const base = (accountId: string) => `/api/shop/studios/${encodeURIComponent(accountId)}`;
const orderKeys = {
  all: (accountId: string) => ['shop', 'orders', accountId] as const,
  summary: (accountId: string) => ['shop', 'orders', accountId, 'summary'] as const,
};

/** One cursor page of a studio's print orders (`cursor` undefined for the first). */
export function useStudioOrders(
  accountId: string,
  q: { status: FulfilmentStatus | ''; moneyStatus?: MoneyFilter | ''; q: string; cursor?: string; limit: number },
) {
  return useQuery({
    queryKey: [...orderKeys.all(accountId), 'list', q],
    queryFn: ({ signal }) =>
      api.get<PrintOrderPage>(
        `${base(accountId)}/orders`,
        {
          status: q.status || undefined,
          moneyStatus: q.moneyStatus || undefined,
          q: q.q || undefined,
          cursor: q.cursor,
          limit: q.limit,
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

type OrderPath = '/shop/studios/{accountId}/orders/{orderId}';
/** A fulfilment move or refund: the path's last segment and the body that route takes. */
export type OrderAction =
  | { kind: 'in-production' }
  | ({ kind: 'ship' } & ApiBody<`${OrderPath}/ship`, 'post'>)
  | { kind: 'deliver' }
  | ({ kind: 'cancel' } & ApiBody<`${OrderPath}/cancel`, 'post'>)
  | ({ kind: 'refunds' } & ApiBody<`${OrderPath}/refunds`, 'post'>);

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
