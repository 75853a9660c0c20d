import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';

export const ORDER_STATUSES = [
  'pending',
  'paid',
  'fulfilled',
  'partially_refunded',
  'refunded',
  'cancelled',
  'expired',
  'payment_failed',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const REFUND_REASONS = ['requested_by_customer', 'duplicate', 'fraudulent', 'other'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/** An order's money, in minor units of its currency; every order shape (shop, marketplace, checkout) carries it. */
export type OrderTotals = {
  currency: string;
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  taxInclusive: boolean;
  total: number;
  amountRefunded: number;
};

export type Order = OrderTotals & {
  id: string;
  accountId: string;
  buyerUserId: string | null;
  buyerEmail: string;
  offeringType: string;
  status: OrderStatus;
  receiptUrl: string | null;
  paidAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export type OrderItem = {
  id?: string;
  name: string;
  options: Record<string, unknown>;
  unitAmount: number;
  quantity: number;
  lineTotal: number;
};

export type OrderDetail = Order & {
  items: OrderItem[];
  history: Array<{
    fromStatus: OrderStatus | null;
    toStatus: OrderStatus;
    actor: string;
    reason: string | null;
    createdAt: string;
  }>;
  refunds: Array<{ id: string; seq: number; amount: number; status: string; reason: string | null; createdAt: string }>;
  invoice: { id: string; number: string; issuedAt: string; receiptUrl: string | null } | null;
};

export type OrderPage = { data: Order[]; total: number; page: number; pageSize: number };

/** What the buyer's success page shows (looked up by the Checkout Session id). */
export type CheckoutSummary = OrderTotals & {
  orderId: string;
  status: OrderStatus;
  sellerName: string | null;
  items: OrderItem[];
  invoice: { id: string; number: string } | null;
};

export const orderKeys = {
  all: ['orders'] as const,
  list: (accountId: string, status: string, page: number, pageSize: number) =>
    ['orders', 'list', accountId, { status, page, pageSize }] as const,
  detail: (orderId: string) => ['orders', 'detail', orderId] as const,
  checkout: (sessionId: string) => ['orders', 'checkout', sessionId] as const,
};

export function useOrders(accountId: string, q: { status: OrderStatus | ''; page: number; pageSize: number }) {
  return useQuery({
    queryKey: orderKeys.list(accountId, q.status, q.page, q.pageSize),
    queryFn: ({ signal }) =>
      api.get<OrderPage>(
        `/api/accounts/${encodeURIComponent(accountId)}/orders`,
        { status: q.status || undefined, page: q.page, pageSize: q.pageSize },
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
      api.post<{ refund: { id: string; seq: number; amount: number }; order: { id: string; status: OrderStatus } }>(
        `/api/orders/${encodeURIComponent(orderId)}/refunds`,
        input,
      ),
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
      await api.get<{ orderId: string; status: OrderStatus }>(
        `/api/checkout/sessions/${id}/complete`,
        undefined,
        signal,
      );
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
