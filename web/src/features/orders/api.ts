import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';

import type { ApiResponse, Schemas } from '../../lib/api-types.ts';

export type OrderStatus = Schemas['Order']['status'];
/** The statuses in the order the filters list them; `satisfies` keeps it to the server's, and the check below complete. */
export const ORDER_STATUSES = [
  'pending',
  'paid',
  'fulfilled',
  'partially_refunded',
  'refunded',
  'cancelled',
  'expired',
  'payment_failed',
] as const satisfies readonly OrderStatus[];
const everyStatus: Exclude<OrderStatus, (typeof ORDER_STATUSES)[number]> extends never ? true : false = true;
void everyStatus;

export const REFUND_REASONS = ['requested_by_customer', 'duplicate', 'fraudulent', 'other'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

export type Order = Schemas['Order'];
export type OrderItem = Schemas['OrderItem'];
/** A line as both the order page and the buyer's summary show it (the summary's lines carry no id). */
export type OrderLine = Omit<OrderItem, 'id' | 'position'> & { id?: string };
export type OrderDetail = Schemas['OrderDetail'];
export type OrderPage = ApiResponse<'/accounts/{accountId}/orders', 'get'>;
/** What the buyer's success page shows (looked up by the Checkout Session id). */
export type CheckoutSummary = Schemas['CheckoutOrderSummary'];
/** An order's money, in minor units of its currency; every order shape (shop, marketplace, checkout) carries it. */
export type OrderTotals = Pick<
  Order,
  'currency' | 'subtotal' | 'discount' | 'shipping' | 'tax' | 'taxInclusive' | 'total' | 'amountRefunded'
>;
type RefundAnswer = ApiResponse<'/orders/{orderId}/refunds', 'post', 201>;
type SettleAnswer = ApiResponse<'/checkout/sessions/{sessionId}/complete', 'get'>;

export const orderKeys = {
  all: ['orders'] as const,
  list: (accountId: string, status: string, cursor: string | undefined, limit: number) =>
    ['orders', 'list', accountId, { status, cursor, limit }] as const,
  detail: (orderId: string) => ['orders', 'detail', orderId] as const,
  checkout: (sessionId: string) => ['orders', 'checkout', sessionId] as const,
};

/** One cursor page of a seller's orders (`cursor` undefined for the first). */
export function useOrders(accountId: string, q: { status: OrderStatus | ''; cursor?: string; limit: number }) {
  return useQuery({
    queryKey: orderKeys.list(accountId, q.status, q.cursor, q.limit),
    queryFn: ({ signal }) =>
      api.get<OrderPage>(
        `/api/accounts/${encodeURIComponent(accountId)}/orders`,
        { status: q.status || undefined, cursor: q.cursor, limit: q.limit },
        signal,
      ),
    placeholderData: keepPreviousData,
  });
}

export function useOrder(orderId: string) {
  return useQuery({
    queryKey: orderKeys.detail(orderId),
    queryFn: ({ signal }) => api.get<OrderDetail>(`/api/orders/${encodeURIComponent(orderId)}`, undefined, signal),
  });
}

export function useRefundOrder(orderId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { amount: number; reason: RefundReason }) =>
      api.post<RefundAnswer>(`/api/orders/${encodeURIComponent(orderId)}/refunds`, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: orderKeys.all }),
  });
}

/**
 * Settles the Checkout Session (the same path the webhook takes, safe to race it), then loads the order summary.
 * Runs once per session id; a retry re-runs both steps.
 */
export function useCheckoutSummary(sessionId: string) {
  return useQuery({
    queryKey: orderKeys.checkout(sessionId),
    queryFn: async ({ signal }) => {
      const id = encodeURIComponent(sessionId);
      await api.get<SettleAnswer>(`/api/checkout/sessions/${id}/complete`, undefined, signal);
      return api.get<CheckoutSummary>(`/api/checkout/sessions/${id}/order`, undefined, signal);
    },
    enabled: Boolean(sessionId),
    // A payment can settle a moment after the redirect (async methods, slow webhooks): keep asking for a minute.
    refetchInterval: (query) =>
      query.state.data?.status === 'pending' && query.state.dataUpdateCount < 20 ? 3000 : false,
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });
}
