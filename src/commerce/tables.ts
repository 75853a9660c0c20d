// The narrow TS types of this domain's columns (CHECK-constrained text, jsonb shapes); the tables themselves are
// generated into src/db/schema.gen.ts (`npm run db:types`) and narrowed with these in src/db/types.ts.

/** Every order status; `order-status.ts` holds the allowed moves between them. */
export const ORDER_STATUSES = [
  'pending',
  'paid',
  'fulfilled',
  'cancelled',
  'expired',
  'payment_failed',
  'partially_refunded',
  'refunded',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** What is being sold; a domain module contributes each type's hooks (see `offerings.ts`). */
export const OFFERING_TYPES = ['print', 'artwork', 'credit_bundle'] as const;
export type OfferingType = (typeof OFFERING_TYPES)[number];

/** Inbox states of a received Stripe event. */
export type StripeEventStatus = 'received' | 'processed' | 'ignored' | 'parked' | 'failed';

/** A refund's state as Stripe reports it. */
export const REFUND_STATUSES = ['pending', 'succeeded', 'failed', 'canceled', 'requires_action'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** One invoice line as stored in `invoices.lines`. */
export interface InvoiceLine {
  name: string;
  quantity: number;
  unitAmount: number;
  lineTotal: number;
}
