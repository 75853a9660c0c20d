// The narrow TS types of this domain's columns (CHECK-constrained text, jsonb shapes); the tables themselves are
// generated into src/db/schema.gen.ts (`npm run db:types`) and narrowed with these in src/db/types.ts.

/** Every order status; `order-status.ts` holds the allowed moves between them. */
export type OrderStatus =
  | 'pending'
  | 'paid'
  | 'fulfilled'
  | 'cancelled'
  | 'expired'
  | 'payment_failed'
  | 'partially_refunded'
  | 'refunded';

/** What is being sold; each type registers hooks in `offerings.ts`. */
export type OfferingType = 'print' | 'artwork' | 'credit_bundle';

/** Inbox states of a received Stripe event. */
export type StripeEventStatus = 'received' | 'processed' | 'ignored' | 'parked' | 'failed';

/** A refund's state as Stripe reports it. */
export type RefundStatus = 'pending' | 'succeeded' | 'failed' | 'canceled' | 'requires_action';

/** One invoice line as stored in `invoices.lines`. */
export interface InvoiceLine {
  name: string;
  quantity: number;
  unitAmount: number;
  lineTotal: number;
}
