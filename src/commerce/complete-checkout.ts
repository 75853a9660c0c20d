import { sql } from 'kysely';
import type Stripe from 'stripe';
import { type Actor, recordAudit } from '../audit/service.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { issueInvoice, setInvoiceReceiptUrl } from './invoices.ts';
import { queueOrderPaidMails } from './notify.ts';
import { getOffering } from './offerings.ts';
import { isPaidStatus, transitionOrder } from './order-status.ts';
import { findOrder, getOrder, listOrderItems } from './orders.ts';
import { syncOrderRefunds } from './sync-refunds.ts';
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
  /** Base of links in emails (the platform's public URL). */
  publicUrl?: string;
}

function idOf(v: string | { id: string } | null | undefined): string | null {
  return typeof v === 'string' ? v : (v?.id ?? null);
}

/**
 * The single path that turns a paid Checkout Session into a paid order, used by the webhook, the success page and
 * reconciliation. It re-reads the session from Stripe and locks the order, so racing callers settle it once:
 * onPaid, invoice, mails and audit happen exactly once; later calls only fill in a missing receipt URL. An expired
 * session expires a pending order the same way.
 */
export async function completeCheckoutSession(
  db: DB,
  stripe: Stripe,
  sessionId: string,
  actor: Actor,
  opts: SettleOptions = {},
): Promise<SettleResult> {
  const session = await stripe.checkout.sessions.retrieve(sessionId, { expand: ['payment_intent.latest_charge'] });
  return withService(db, async (tx) => {
    const orderId = session.metadata?.order_id;
    const order = orderId ? await findOrder(tx, orderId, { lock: true }) : null;
    if (!order || (order.stripeCheckoutSessionId && order.stripeCheckoutSessionId !== session.id)) {
      return { orderId: null, status: null, changed: false };
    }
    const pi = typeof session.payment_intent === 'object' ? session.payment_intent : null;
    const charge = pi && typeof pi.latest_charge === 'object' ? pi.latest_charge : null;
    const receiptUrl = charge?.receipt_url ?? null;
    const paid = session.payment_status === 'paid' || session.payment_status === 'no_payment_required';

    if (paid && order.status === 'pending') {
      await tx
        .updateTable('orders')
        .set({
          stripe_checkout_session_id: session.id,
          stripe_payment_intent_id: idOf(session.payment_intent),
          stripe_charge_id: charge?.id ?? null,
          receipt_url: receiptUrl,
          paid_at: sql<Date>`now()`,
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', order.id)
        .execute();
      await transitionOrder(tx, order.id, 'paid', actor, 'payment succeeded', { stripeEventId: opts.stripeEventId });
      const paidOrder = await getOrder(tx, order.id);
      const items = await listOrderItems(tx, order.id);
      await getOffering(order.offeringType).onPaid(tx, paidOrder, { actor, stripe, session, items });
      const { invoice, accessToken } = await issueInvoice(tx, paidOrder, items);
      await queueOrderPaidMails(tx, paidOrder, items, invoice, { publicUrl: opts.publicUrl ?? '', accessToken });
      await recordAudit(tx, actor, {
        accountId: order.accountId,
        action: 'order.paid',
        entityType: 'order',
        entityId: order.id,
        before: { status: order.status },
        after: { status: 'paid', paymentIntent: paidOrder.stripePaymentIntentId, invoice: invoice.number },
      });
      await applyParkedEvents(tx, stripe, order.id, actor);
      const final = await getOrder(tx, order.id);
      return { orderId: order.id, status: final.status, changed: true };
    }
    if (paid && isPaidStatus(order.status)) {
      if (!order.receiptUrl && receiptUrl) {
        await tx.updateTable('orders').set({ receipt_url: receiptUrl }).where('id', '=', order.id).execute();
        await setInvoiceReceiptUrl(tx, order.id, receiptUrl);
      }
      return { orderId: order.id, status: order.status, changed: false };
    }
    if (session.status === 'expired' && order.status === 'pending') {
      const changed = await expireOrder(tx, order.id, actor, opts.stripeEventId ?? null);
      return { orderId: order.id, status: 'expired', changed };
    }
    return { orderId: order.id, status: order.status, changed: false };
  });
}

/** Expires a pending order and releases what the offering held. */
export async function expireOrder(
  db: DB,
  orderId: string,
  actor: Actor,
  stripeEventId: string | null,
): Promise<boolean> {
  const changed = await transitionOrder(db, orderId, 'expired', actor, 'checkout session expired', { stripeEventId });
  if (changed) {
    const order = await getOrder(db, orderId);
    await getOffering(order.offeringType).onExpired?.(db, order);
    await recordAudit(db, actor, {
      accountId: order.accountId,
      action: 'order.expired',
      entityType: 'order',
      entityId: orderId,
    });
  }
  return changed;
}

/** Marks a pending order whose delayed payment failed. */
export async function failOrderPayment(
  db: DB,
  orderId: string,
  actor: Actor,
  stripeEventId: string | null,
): Promise<boolean> {
  const changed = await transitionOrder(db, orderId, 'payment_failed', actor, 'payment failed', { stripeEventId });
  if (changed) {
    const order = await getOrder(db, orderId);
    await getOffering(order.offeringType).onExpired?.(db, order);
  }
  return changed;
}

// Refund events that arrived before the payment was recorded: one sync against the charge covers them all.
async function applyParkedEvents(db: DB, stripe: Stripe, orderId: string, actor: Actor): Promise<void> {
  const parked = await db
    .selectFrom('stripe_events')
    .select('id')
    .where('order_id', '=', orderId)
    .where('status', '=', 'parked')
    .forUpdate()
    .execute();
  if (!parked.length) return;
  await syncOrderRefunds(db, stripe, orderId, actor, { stripeEventId: parked[parked.length - 1].id });
  await db
    .updateTable('stripe_events')
    .set({ status: 'processed', processed_at: sql<Date>`now()` })
    .where(
      'id',
      'in',
      parked.map((p) => p.id),
    )
    .execute();
}
