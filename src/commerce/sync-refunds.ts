import { sql } from 'kysely';
import type Stripe from 'stripe';
import { type Actor, recordAudit } from '../audit/service.ts';
import type { DB } from '../db/types.ts';
import { getOffering } from './offerings.ts';
import { isPaidStatus, transitionOrder } from './order-status.ts';
import { getOrder } from './orders.ts';

type RefundStatus = 'pending' | 'succeeded' | 'failed' | 'canceled' | 'requires_action';

function refundStatus(s: string | null): RefundStatus {
  return s === 'succeeded' || s === 'failed' || s === 'canceled' || s === 'requires_action' ? s : 'pending';
}

// Mirrors every Stripe refund of the charge into `refunds`: ours are matched by metadata.refund_id, refunds made
// elsewhere (the Dashboard) get the next sequence number so our own idempotency keys never collide with them.
async function mirrorRefunds(
  db: DB,
  stripe: Stripe,
  orderId: string,
  accountId: string,
  chargeId: string,
): Promise<void> {
  const list = await stripe.refunds.list({ charge: chargeId, limit: 100 }).autoPagingToArray({ limit: 1000 });
  for (const r of list) {
    const ours = r.metadata?.refund_id;
    const byId = await db
      .selectFrom('refunds')
      .select('id')
      .where('order_id', '=', orderId)
      .where((eb) =>
        eb.or([
          eb('stripe_refund_id', '=', r.id),
          ...(ours && /^[0-9a-f-]{36}$/.test(ours) ? [eb('id', '=', ours)] : []),
        ]),
      )
      .executeTakeFirst();
    if (byId) {
      await db
        .updateTable('refunds')
        .set({ stripe_refund_id: r.id, status: refundStatus(r.status), updated_at: sql<Date>`now()` })
        .where('id', '=', byId.id)
        .execute();
      continue;
    }
    const next = await db
      .selectFrom('refunds')
      .select(sql<number>`coalesce(max(seq), 0) + 1`.as('seq'))
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('refunds')
      .values({
        order_id: orderId,
        account_id: accountId,
        seq: Number(next.seq),
        amount: r.amount,
        reason: r.reason ?? 'Refunded outside Gallerist',
        status: refundStatus(r.status),
        stripe_refund_id: r.id,
      })
      .execute();
  }
}

/**
 * Makes the order's refunded amount equal to the charge's `amount_refunded` as Stripe reports it now, moves the
 * status, and runs the offering's `onRefunded` with the newly refunded part only. Re-reading the charge makes
 * repeated, reordered or concurrent refund events harmless. Returns `parked` when the order is not paid yet.
 */
export async function syncOrderRefunds(
  db: DB,
  stripe: Stripe,
  orderId: string,
  actor: Actor,
  opts: { stripeEventId?: string | null } = {},
): Promise<{ parked: boolean; delta: number }> {
  const order = await getOrder(db, orderId, { lock: true });
  if (!isPaidStatus(order.status) || !order.stripePaymentIntentId) return { parked: true, delta: 0 };
  let chargeId = order.stripeChargeId;
  if (!chargeId) {
    const pi = await stripe.paymentIntents.retrieve(order.stripePaymentIntentId);
    chargeId = typeof pi.latest_charge === 'string' ? pi.latest_charge : (pi.latest_charge?.id ?? null);
  }
  if (!chargeId) return { parked: true, delta: 0 };
  const charge = await stripe.charges.retrieve(chargeId);
  await mirrorRefunds(db, stripe, order.id, order.accountId, chargeId);
  const cumulative = Math.min(charge.amount_refunded, order.total);
  const delta = cumulative - order.amountRefunded;
  if (delta <= 0) return { parked: false, delta: 0 };
  await db
    .updateTable('orders')
    .set({ amount_refunded: cumulative, stripe_charge_id: chargeId, updated_at: sql<Date>`now()` })
    .where('id', '=', order.id)
    .execute();
  const to = cumulative >= order.total ? 'refunded' : 'partially_refunded';
  const reason = `refunded ${cumulative} of ${order.total} ${order.currency}`;
  await transitionOrder(db, order.id, to, actor, reason, { stripeEventId: opts.stripeEventId });
  const updated = await getOrder(db, order.id);
  await getOffering(order.offeringType).onRefunded?.(db, updated, delta, { stripe });
  await recordAudit(db, actor, {
    accountId: order.accountId,
    action: 'order.refunded',
    entityType: 'order',
    entityId: order.id,
    before: { amountRefunded: order.amountRefunded, status: order.status },
    after: { amountRefunded: cumulative, status: updated.status, delta },
  });
  return { parked: false, delta };
}
