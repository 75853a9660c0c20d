import type { ColumnType, Generated } from 'kysely';
import type { Json } from '../db/types.ts';

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

// bigint comes back as a string on both drivers (see db/connect.ts); mappers turn it into a number.
type Money = ColumnType<string, number | string, number | string>;
type MoneyDefault = ColumnType<string, number | string | undefined, number | string>;

declare module '../db/types.ts' {
  interface Database {
    orders: {
      id: Generated<string>;
      account_id: string;
      buyer_user_id: string | null;
      buyer_email: string;
      offering_type: OfferingType;
      currency: string;
      subtotal: Money;
      discount: MoneyDefault;
      shipping: MoneyDefault;
      tax: MoneyDefault;
      tax_inclusive: Generated<boolean>;
      total: Money;
      status: Generated<OrderStatus>;
      stripe_checkout_session_id: string | null;
      stripe_payment_intent_id: string | null;
      stripe_charge_id: string | null;
      receipt_url: string | null;
      destination_account: string | null;
      amount_refunded: MoneyDefault;
      paid_at: Date | null;
      metadata: Json<Record<string, unknown>>;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    order_items: {
      id: Generated<string>;
      order_id: string;
      account_id: string;
      position: Generated<number>;
      name: string;
      options: Json<Record<string, unknown>>;
      unit_amount: Money;
      quantity: number;
      line_total: Money;
    };
    order_events: {
      id: Generated<string>;
      order_id: string;
      account_id: string;
      from_status: OrderStatus | null;
      to_status: OrderStatus;
      actor: string;
      actor_user_id: string | null;
      reason: string | null;
      stripe_event_id: string | null;
      created_at: Generated<Date>;
    };
    stripe_events: {
      id: string;
      type: string;
      account: string | null;
      order_id: string | null;
      payload: Json;
      status: Generated<StripeEventStatus>;
      error: string | null;
      /** Why an `ignored` event is not ours (unknown session, payment, payout, connected account…). */
      reason: string | null;
      received_at: Generated<Date>;
      processed_at: Date | null;
    };
    refunds: {
      id: Generated<string>;
      order_id: string;
      account_id: string;
      seq: number;
      amount: Money;
      reason: string | null;
      status: Generated<'pending' | 'succeeded' | 'failed' | 'canceled' | 'requires_action'>;
      stripe_refund_id: string | null;
      requested_by: string | null;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    invoice_counters: { account_id: string; last_number: Generated<number> };
    invoices: {
      id: Generated<string>;
      account_id: string;
      order_id: string;
      number: string;
      seller: Json<Record<string, unknown>>;
      buyer: Json<Record<string, unknown>>;
      lines: Json<InvoiceLine[]>;
      subtotal: Money;
      discount: MoneyDefault;
      shipping: MoneyDefault;
      tax: MoneyDefault;
      total: Money;
      currency: string;
      receipt_url: string | null;
      access_token_hash: string;
      issued_at: Generated<Date>;
    };
    commerce_checkpoints: { name: string; value: MoneyDefault; leased_until: Date | null; updated_at: Generated<Date> };
  }
}

/** One invoice line as stored in `invoices.lines`. */
export interface InvoiceLine {
  name: string;
  quantity: number;
  unitAmount: number;
  lineTotal: number;
}
