import { sql } from 'kysely';
import type Stripe from 'stripe';
import { type Actor, recordAudit } from '../audit/index.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { type CommerceHooks, offeringOf } from '../modules.ts';
import { type SettledAmounts, settleCheckoutAmounts } from './checkout-pricing.ts';
import { buyerDetailsOf, draftInvoice, numberInvoice, setInvoiceReceiptUrl } from './invoices.ts';
import { queueOrderPaidMails } from './notify.ts';
import { notifyOrderChanged } from './order-listeners.ts';
import { isPaidStatus, transitionOrder, transitionOrderWith } from './order-status.ts';
import { findOrder, getOrder, listOrderItems, type Order, type OrderItem, toOrder } from './orders.ts';
import { type PaymentFacts, paymentFromIntent, paymentFromSession } from './payment-facts.ts';
import { storedEvent } from './stored-event.ts';
import { applyOrderRefunds, type ChargeRefunds, fetchChargeRefunds, StaleStripeRead } from './sync-refunds.ts';
import type { OrderStatus } from './tables.ts';

/** The outcome of settling a session: null order when the session is not one of ours. */
export interface SettleResult {
  orderId: string | null;
  status: OrderStatus | null;
  changed: boolean;
}

/** Options for the shared completion path. */
export interface SettleOptions {
  stripeEventId?: string | null;
  /** The session's order, already read under its lock in this transaction (the webhook's dispatch). */
  locked?: Order;
  /** `locked`'s lines, read with it (lockOrderWithItemsQuery). */
  lockedItems?: OrderItem[];
  /** `locked`'s parked refund events, read right after its lock (parkedEventsQuery). */
  lockedParked?: ParkedEvent[];
  /** Base of links in emails (the platform's public URL). */
  publicUrl?: string;
}

function idOf(v: string | { id: string } | null | undefined): string | null {
  return typeof v === 'string' ? v : (v?.id ?? null);
}

/** What settling a session needs from Stripe, read with no transaction open (fetchCheckoutSession). */
export interface FetchedSession {
  /** The session, expanded down to the charge's balance transaction (offerings read the fee from it). */
  session: Stripe.Checkout.Session;
  /** The charge's refunds, for refund events that arrived before the payment was recorded; null without a charge. */
  refunds: ChargeRefunds | null;
}

// The refunds of a payment's charge (read with the payment), for refund events that arrived before it was recorded.
function refundsOf(stripe: Stripe, pi: Stripe.PaymentIntent, charge: Stripe.Charge): Promise<ChargeRefunds | null> {
  const payment = {
    stripePaymentIntentId: pi.id,
    stripeChargeId: charge.id,
    destinationAccount: idOf(pi.transfer_data?.destination),
    amountRefunded: 0,
    total: charge.amount,
  };
  return fetchChargeRefunds(stripe, payment, charge);
}

/** Reads a session (and, if its charge was already refunded, the refunds) for settleCheckoutSession. */
export async function fetchCheckoutSession(stripe: Stripe, sessionId: string): Promise<FetchedSession> {
  const session = await stripe.checkout.sessions.retrieve(sessionId, {
    // The promotion code's own text, so the order can name the code the buyer entered (decision 030).
    expand: ['payment_intent.latest_charge.balance_transaction', 'discounts.promotion_code'],
  });
  const pi = typeof session.payment_intent === 'object' ? session.payment_intent : null;
  const charge = pi && typeof pi.latest_charge === 'object' ? pi.latest_charge : null;
  return { session, refunds: pi && charge ? await refundsOf(stripe, pi, charge) : null };
}

/**
 * The single path that turns a paid Checkout Session into a paid order, used by the webhook, the success page and
 * reconciliation. It re-reads the session from Stripe (no transaction open), then settles it in a short transaction
 * that locks the order, so racing callers settle it once: onPaid, invoice, mails and audit happen exactly once;
 * later calls only fill in a missing receipt URL. An expired session expires a pending order the same way.
 */
export async function completeCheckoutSession(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  sessionId: string,
  actor: Actor,
  opts: SettleOptions = {},
): Promise<SettleResult> {
  if (db.isTransaction) throw new Error('completeCheckoutSession calls Stripe: run it outside any transaction');
  for (let attempt = 1; ; attempt++) {
    const fetched = await fetchCheckoutSession(stripe, sessionId);
    try {
      return await withService(db, (tx) => settleCheckoutSession(tx, hooks, fetched, actor, opts));
    } catch (err) {
      if (!(err instanceof StaleStripeRead) || attempt >= 3) throw err;
    }
  }
}

/**
 * Settles a session read by fetchCheckoutSession, in the caller's transaction with the order locked; calls no
 * network. Throws StaleStripeRead when refund events parked meanwhile are newer than the read (read again).
 */
export async function settleCheckoutSession(
  tx: DB,
  hooks: CommerceHooks,
  fetched: FetchedSession,
  actor: Actor,
  opts: SettleOptions = {},
): Promise<SettleResult> {
  const { session } = fetched;
  const orderId = session.metadata?.order_id;
  const locked = opts.locked && opts.locked.id === orderId;
  const order = locked ? opts.locked : orderId ? await findOrder(tx, orderId, { lock: true }) : null;
  if (!order || (order.stripeCheckoutSessionId && order.stripeCheckoutSessionId !== session.id)) {
    return { orderId: null, status: null, changed: false };
  }
  const paid = session.payment_status === 'paid' || session.payment_status === 'no_payment_required';
  const state = { paid, expired: session.status === 'expired' };
  return settleOrder(tx, hooks, order, paymentFromSession(session), state, fetched.refunds, actor, opts);
}

/** What settling a PaymentIntent paid without Checkout needs, read with no transaction open. */
export interface FetchedIntent {
  paymentIntent: Stripe.PaymentIntent;
  refunds: ChargeRefunds | null;
}

/** Reads a PaymentIntent (expanded to its charge's balance transaction) and, if refunded already, the refunds. */
export async function fetchPaymentIntent(stripe: Stripe, paymentIntentId: string): Promise<FetchedIntent> {
  const pi = await stripe.paymentIntents.retrieve(paymentIntentId, { expand: ['latest_charge.balance_transaction'] });
  const charge = typeof pi.latest_charge === 'object' ? pi.latest_charge : null;
  return { paymentIntent: pi, refunds: charge ? await refundsOf(stripe, pi, charge) : null };
}

/**
 * Settles an order paid by a PaymentIntent of its own (an agent's delegated token, no Checkout Session), through
 * the same steps as a paid session. Only a PaymentIntent naming the order in its metadata counts, and never for an
 * order that went through Checkout.
 */
export async function settlePaymentIntent(
  tx: DB,
  hooks: CommerceHooks,
  fetched: FetchedIntent,
  actor: Actor,
  opts: SettleOptions = {},
): Promise<SettleResult> {
  const pi = fetched.paymentIntent;
  const orderId = pi.metadata?.order_id;
  const order = orderId ? await findOrder(tx, orderId, { lock: true }) : null;
  const foreign = order?.stripePaymentIntentId && order.stripePaymentIntentId !== pi.id && isPaidStatus(order.status);
  if (!order || order.stripeCheckoutSessionId || foreign) return { orderId: null, status: null, changed: false };
  const state = { paid: pi.status === 'succeeded', expired: false };
  return settleOrder(tx, hooks, order, paymentFromIntent(pi), state, fetched.refunds, actor, opts);
}

/** completeCheckoutSession for a PaymentIntent paid without Checkout: read, then settle under the order's lock. */
export async function completePaymentIntent(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  paymentIntentId: string,
  actor: Actor,
  opts: SettleOptions = {},
): Promise<SettleResult> {
  if (db.isTransaction) throw new Error('completePaymentIntent calls Stripe: run it outside any transaction');
  for (let attempt = 1; ; attempt++) {
    const fetched = await fetchPaymentIntent(stripe, paymentIntentId);
    try {
      return await withService(db, (tx) => settlePaymentIntent(tx, hooks, fetched, actor, opts));
    } catch (err) {
      if (!(err instanceof StaleStripeRead) || attempt >= 3) throw err;
    }
  }
}

// The one way an order becomes paid (or expires), whatever paid it: onPaid, invoice, mails and audit exactly once.
async function settleOrder(
  tx: DB,
  hooks: CommerceHooks,
  order: Order,
  payment: PaymentFacts,
  state: { paid: boolean; expired: boolean },
  refunds: ChargeRefunds | null,
  actor: Actor,
  opts: SettleOptions,
): Promise<SettleResult> {
  const receiptUrl = payment.charge?.receipt_url ?? null;
  if (state.paid && order.status === 'pending') {
    // What Checkout charged must fit the order; an order priced at Checkout takes Stripe's amounts as its own.
    // The lines read with the lock, when that read was of this order.
    const items =
      opts.lockedItems && opts.locked?.id === order.id ? opts.lockedItems : await listOrderItems(tx, order.id);
    const settled = payment.checkout ? settleCheckoutAmounts(order, items.length, payment.checkout) : null;
    // Stripe's ids, the amounts Checkout settled, the status and its history row: one statement.
    const updated = await transitionOrderWith(
      tx,
      order.id,
      'paid',
      actor,
      'payment succeeded',
      {
        stripe_checkout_session_id: payment.checkoutSessionId ?? order.stripeCheckoutSessionId,
        stripe_payment_intent_id: payment.paymentIntentId,
        stripe_charge_id: payment.charge?.id ?? null,
        receipt_url: receiptUrl,
        paid_at: sql<Date>`now()`,
        ...(settled ? settledColumns(order, settled) : {}),
      },
      { stripeEventId: opts.stripeEventId },
    );
    // Locked and pending above, so it moves; anything else is a bug worth a rollback.
    if (!updated) throw new Error(`order ${order.id} could not move from pending to paid`);
    const paidOrder = toOrder(updated);
    const paid = await offeringOf(hooks, order.offeringType).onPaid(tx, paidOrder, { actor, payment, items });
    await notifyOrderChanged(tx, hooks, paidOrder, { kind: 'paid' });
    const parked = opts.lockedParked && opts.locked?.id === order.id ? opts.lockedParked : undefined;
    const refunded = await applyParkedEvents(tx, hooks, order.id, refunds, actor, parked);
    // The invoice under a provisional number, which the mails name; it gets the seller's next number last (below).
    const { invoice: draft, accessToken } = await draftInvoice(tx, paidOrder, items, buyerDetailsOf(payment));
    await queueOrderPaidMails(tx, hooks, paidOrder, items, draft, {
      publicUrl: opts.publicUrl ?? '',
      accessToken,
      paid,
    });
    await recordAudit(
      tx,
      actor,
      {
        accountId: order.accountId,
        action: 'order.paid',
        entityType: 'order',
        entityId: order.id,
        before: { status: order.status, ...(settled ? amountsOf(order) : {}) },
        after: {
          status: 'paid',
          paymentIntent: paidOrder.stripePaymentIntentId,
          // The provisional number, which numberInvoice replaces with the final one at commit.
          invoice: draft.number,
          ...(settled ? { ...amountsOf(paidOrder), promotionCode: settled.promotionCode } : {}),
        },
      },
      { atCommit: true },
    );
    // Last, with the commit: the seller's invoice counter is locked only while Postgres runs it and commits.
    await numberInvoice(tx, draft);
    // Paid, unless refunds that came before the payment moved it on.
    const status = refunded ? (await getOrder(tx, order.id)).status : paidOrder.status;
    return { orderId: order.id, status, changed: true };
  }
  if (state.paid && isPaidStatus(order.status)) {
    if (!order.receiptUrl && receiptUrl) {
      await tx.updateTable('orders').set({ receipt_url: receiptUrl }).where('id', '=', order.id).execute();
      await setInvoiceReceiptUrl(tx, order.id, receiptUrl);
    }
    return { orderId: order.id, status: order.status, changed: false };
  }
  if (state.expired && order.status === 'pending') {
    const changed = await expireOrder(tx, hooks, order.id, actor, opts.stripeEventId ?? null);
    return { orderId: order.id, status: 'expired', changed };
  }
  return { orderId: order.id, status: order.status, changed: false };
}

const amountsOf = (o: Order) => ({ discount: o.discount, shipping: o.shipping, tax: o.tax, total: o.total });

// The columns an order priced at Checkout takes from Stripe, and the names behind them for every view of it.
function settledColumns(order: Order, s: SettledAmounts) {
  const metadata = {
    ...order.metadata,
    settled_at_checkout: true,
    ...(s.promotionCode ? { promotion_code: s.promotionCode } : {}),
    ...(s.shippingRate ? { shipping_rate_id: s.shippingRate.id, shipping_rate_name: s.shippingRate.name } : {}),
  };
  return {
    discount: s.discount,
    shipping: s.shipping,
    tax: s.tax,
    total: s.total,
    metadata: JSON.stringify(metadata),
  };
}

/** Expires a pending order and releases what the offering held. */
export async function expireOrder(
  db: DB,
  hooks: CommerceHooks,
  orderId: string,
  actor: Actor,
  stripeEventId: string | null,
): Promise<boolean> {
  const changed = await transitionOrder(db, orderId, 'expired', actor, 'checkout session expired', { stripeEventId });
  if (changed) {
    const order = await getOrder(db, orderId);
    await offeringOf(hooks, order.offeringType).onExpired?.(db, order);
    await recordAudit(db, actor, {
      accountId: order.accountId,
      action: 'order.expired',
      entityType: 'order',
      entityId: orderId,
    });
    await notifyOrderChanged(db, hooks, order, { kind: 'expired' });
  }
  return changed;
}

/** Marks a pending order whose delayed payment failed. */
export async function failOrderPayment(
  db: DB,
  hooks: CommerceHooks,
  orderId: string,
  actor: Actor,
  stripeEventId: string | null,
): Promise<boolean> {
  const changed = await transitionOrder(db, orderId, 'payment_failed', actor, 'payment failed', { stripeEventId });
  if (changed) {
    const order = await getOrder(db, orderId);
    await offeringOf(hooks, order.offeringType).onExpired?.(db, order);
  }
  return changed;
}

// Whether a parked refund event tells of more than `fetched` saw (it arrived after the read): then read again.
function newerThan(payload: unknown, fetched: ChargeRefunds | null): boolean {
  const event = storedEvent(payload);
  const obj = event?.data?.object as { object?: string; id?: string; amount_refunded?: number } | undefined;
  if (!obj) return false;
  if (obj.object === 'charge') return (obj.amount_refunded ?? 0) > (fetched?.amountRefunded ?? 0);
  if (obj.object === 'refund') return !fetched?.refunds.some((r) => r.id === obj.id);
  return false;
}

/** A refund event stored before its order was paid, waiting for the payment (applyParkedEvents). */
export type ParkedEvent = { id: string; payload: unknown };

/**
 * An order's parked refund events, locked. Parking takes the order's lock (applyOrderRefunds), so under that lock
 * this read, as a statement after the one that took it, sees every one of them.
 */
export function parkedEventsQuery(db: DB, orderId: string) {
  return db
    .selectFrom('stripe_events')
    .select(['id', 'payload'])
    .where('order_id', '=', orderId)
    .where('status', '=', 'parked')
    .forUpdate();
}

// Refund events that arrived before the payment was recorded: one sync against the charge covers them all. True
// when there were any. `read` is parkedEventsQuery's answer when the caller read it with the order's lock.
async function applyParkedEvents(
  db: DB,
  hooks: CommerceHooks,
  orderId: string,
  fetched: ChargeRefunds | null,
  actor: Actor,
  read?: ParkedEvent[],
): Promise<boolean> {
  const parked = read ?? (await parkedEventsQuery(db, orderId).execute());
  if (!parked.length) return false;
  if (parked.some((p) => newerThan(p.payload, fetched))) {
    throw new StaleStripeRead(`refund events for order ${orderId} arrived after its charge was read`);
  }
  await applyOrderRefunds(db, hooks, orderId, fetched, actor, { stripeEventId: parked[parked.length - 1].id });
  await db
    .updateTable('stripe_events')
    .set({ status: 'processed', processed_at: sql<Date>`now()` })
    .where(
      'id',
      'in',
      parked.map((p) => p.id),
    )
    .execute();
  return true;
}
