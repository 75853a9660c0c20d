import type Stripe from 'stripe';
import type { Actor } from '../audit/index.ts';
import type { DB } from '../db/types.ts';
import type { Order, OrderItem } from './orders.ts';
import type { PaymentFacts } from './payment-facts.ts';

/** A Checkout line as an offering wants it shown; amounts in the order's currency. */
export interface CheckoutLine {
  name: string;
  unitAmount: number;
  quantity: number;
  description?: string;
}

/**
 * What the completion path hands to `onPaid`. The hook runs inside the payment's transaction, so it gets what was
 * read from Stripe beforehand (the payment, expanded down to the charge's balance transaction), never a client.
 */
export interface PaidContext {
  actor: Actor;
  payment: PaymentFacts;
  /** The order's items, read once by the completion path. */
  items: OrderItem[];
}

/**
 * What the refund path hands to `onRefunded`, read from Stripe before its transaction opened: the destination
 * account's balance after the refund (null when there is none or it could not be read).
 */
export interface RefundedContext {
  destinationBalance: Stripe.Balance | null;
}

/** What an offering's own buyer confirmation gets: the invoice and where links should point. */
export interface BuyerConfirmationContext {
  invoiceNumber: string;
  /** Link to the invoice page (with the guest access token), or null when no public URL is known. */
  invoiceUrl: string | null;
  /** The platform's public base URL without a trailing slash, or null. */
  publicUrl: string | null;
  /** The order's items, read once by the completion path. */
  items: OrderItem[];
  /** What the offering's `onPaid` returned in the same settlement (what it read for this mail, say). */
  paid?: unknown;
}

/** Hooks one kind of offering (print, artwork, credit bundle) plugs into the shared checkout spine. */
export interface OfferingHooks {
  /** Checkout lines; defaults to the stored order items. Must add up to the order's subtotal. */
  lineItems?(db: DB, order: Order, items: OrderItem[]): Promise<CheckoutLine[]> | CheckoutLine[];
  /** For marketplace sales: the connected account paid out and the platform's fee (destination charge). */
  connect?(db: DB, order: Order): Promise<{ destination: string; applicationFeeAmount: number } | null>;
  /** When the Checkout Session should expire (Stripe allows 30 min to 24 h). */
  expiresAt?(order: Order): Date;
  /** Countries to collect a shipping address for; omitted means no address is collected. */
  shippingCountries?(order: Order): string[] | null;
  /**
   * Runs in the payment's transaction once the order is paid: grant credits, reserve the artwork… What it returns
   * reaches its `buyerConfirmation` (`ctx.paid`), so a read for that mail can share a round trip with these writes.
   */
  onPaid(db: DB, order: Order, ctx: PaidContext): Promise<unknown>;
  /**
   * Replaces the core's generic buyer confirmation with the offering's own mail, queued in the payment's
   * transaction after the invoice is issued; that mail must name the invoice.
   */
  buyerConfirmation?(db: DB, order: Order, ctx: BuyerConfirmationContext): Promise<void>;
  /** Runs when the session expired unpaid: release held stock. */
  onExpired?(db: DB, order: Order): Promise<void>;
  /** Runs with the newly refunded amount only (never the cumulative one). */
  onRefunded?(db: DB, order: Order, amount: number, ctx: RefundedContext): Promise<void>;
}
