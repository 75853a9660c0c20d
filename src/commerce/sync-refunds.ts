import { sql } from 'kysely';
import type Stripe from 'stripe';
import { type Actor, recordAudit } from '../audit/index.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { type CommerceHooks, offeringOf } from '../modules.ts';
import { notifyOrderChanged } from './order-listeners.ts';
import { isPaidStatus, transitionOrder } from './order-status.ts';
import { getOrder, type Order } from './orders.ts';

type RefundStatus = 'pending' | 'succeeded' | 'failed' | 'canceled' | 'requires_action';

function refundStatus(s: string | null): RefundStatus {
  return s === 'succeeded' || s === 'failed' || s === 'canceled' || s === 'requires_action' ? s : 'pending';
}

// Mirrors every Stripe refund of the charge into `refunds`: ours are matched by metadata.refund_id, refunds made
// elsewhere (the Dashboard) get the next sequence number so our own idempotency keys never collide with them.
// `list` was read from Stripe before this transaction; an older read never moves a settled refund back to pending.
async function mirrorRefunds(db: DB, orderId: string, accountId: string, list: Stripe.Refund[]): Promise<void> {
  for (const r of list) {
    const ours = r.metadata?.refund_id;
    const byId = await db
      .selectFrom('refunds')
      .select(['id', 'status'])
      .where('order_id', '=', orderId)
      .where((eb) =>
        eb.or([
          eb('stripe_refund_id', '=', r.id),
          ...(ours && /^[0-9a-f-]{36}$/.test(ours) ? [eb('id', '=', ours)] : []),
        ]),
      )
      .executeTakeFirst();
    if (byId) {
      if (refundStatus(r.status) === 'pending' && byId.status !== 'pending') continue;
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

/** A Stripe read older than the locked state it was meant for: read again, then apply (see syncOrderRefunds). */
export class StaleStripeRead extends Error {
  constructor(what: string) {
    super(`stale Stripe read: ${what}`);
    this.name = 'StaleStripeRead';
  }
}

/** What the refund sync needs from Stripe, read with no transaction open (see fetchChargeRefunds). */
export interface ChargeRefunds {
  chargeId: string;
  /** The charge's cumulative refunded amount as Stripe reported it. */
  amountRefunded: number;
  refunds: Stripe.Refund[];
  /** The destination account's balance after the refund (what the seller can't cover); null when not read. */
  destinationBalance: Stripe.Balance | null;
}

type PaymentRefs = Pick<
  Order,
  'stripePaymentIntentId' | 'stripeChargeId' | 'destinationAccount' | 'amountRefunded' | 'total'
>;

/**
 * Reads the charge behind an order, its refunds and, when there is something new to split, the destination
 * account's balance. Network only: call it with no transaction open. Null when the payment has no charge yet.
 * `charge` is one already read (the settled session's expanded charge): without refunds it needs no more calls.
 */
export async function fetchChargeRefunds(
  stripe: Stripe,
  order: PaymentRefs,
  charge?: Stripe.Charge | null,
): Promise<ChargeRefunds | null> {
  if (!order.stripePaymentIntentId) return null;
  let chargeId = order.stripeChargeId ?? charge?.id ?? null;
  if (!chargeId) {
    const pi = await stripe.paymentIntents.retrieve(order.stripePaymentIntentId);
    chargeId = typeof pi.latest_charge === 'string' ? pi.latest_charge : (pi.latest_charge?.id ?? null);
  }
  if (!chargeId) return null;
  if (charge?.id === chargeId && !charge.amount_refunded && !charge.refunded) {
    return { chargeId, amountRefunded: 0, refunds: [], destinationBalance: null };
  }
  const current = await stripe.charges.retrieve(chargeId);
  const refunds = await stripe.refunds.list({ charge: chargeId, limit: 100 }).autoPagingToArray({ limit: 1000 });
  const grows = Math.min(current.amount_refunded, order.total) > order.amountRefunded;
  const destinationBalance =
    grows && order.destinationAccount
      ? await stripe.balance.retrieve({}, { stripeAccount: order.destinationAccount }).catch(() => null)
      : null;
  return { chargeId, amountRefunded: current.amount_refunded, refunds, destinationBalance };
}

/**
 * Makes the order's refunded amount equal to the charge's `amount_refunded` as read by `fetchChargeRefunds`, moves
 * the status, and runs the offering's `onRefunded` and the order listeners with the newly refunded part only. Runs
 * in the caller's transaction with the order locked and calls no network: the amounts are cumulative, so repeated,
 * reordered, concurrent or older reads are harmless (an older read finds nothing new). Returns `parked` when the
 * order is not paid yet; throws StaleStripeRead when the order became payable after `fetched` was (not) read.
 */
export async function applyOrderRefunds(
  db: DB,
  hooks: CommerceHooks,
  orderId: string,
  fetched: ChargeRefunds | null | undefined,
  actor: Actor,
  opts: { stripeEventId?: string | null } = {},
): Promise<{ parked: boolean; delta: number }> {
  const order = await getOrder(db, orderId, { lock: true });
  if (!isPaidStatus(order.status) || !order.stripePaymentIntentId) return { parked: true, delta: 0 };
  if (fetched === undefined) throw new StaleStripeRead(`order ${order.id} was paid after its charge was read`);
  if (!fetched) return { parked: true, delta: 0 };
  if (order.stripeChargeId && order.stripeChargeId !== fetched.chargeId) {
    throw new StaleStripeRead(`order ${order.id} is paid by ${order.stripeChargeId}, not ${fetched.chargeId}`);
  }
  const chargeId = fetched.chargeId;
  await mirrorRefunds(db, order.id, order.accountId, fetched.refunds);
  const cumulative = Math.min(fetched.amountRefunded, order.total);
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
  await offeringOf(hooks, order.offeringType).onRefunded?.(db, updated, delta, {
    destinationBalance: fetched.destinationBalance,
  });
  await recordAudit(db, actor, {
    accountId: order.accountId,
    action: 'order.refunded',
    entityType: 'order',
    entityId: order.id,
    before: { amountRefunded: order.amountRefunded, status: order.status },
    after: { amountRefunded: cumulative, status: updated.status, delta },
  });
  await notifyOrderChanged(db, hooks, updated, { kind: 'refunded', amount: delta });
  return { parked: false, delta };
}

/**
 * Syncs an order's refunds from Stripe in two steps: read the order and Stripe with no transaction open, then apply
 * in a short transaction that re-checks under the order lock (applyOrderRefunds). Must not run inside a
 * transaction: on PGlite's one connection every other query would wait for Stripe.
 */
export async function syncOrderRefunds(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  orderId: string,
  actor: Actor,
  opts: { stripeEventId?: string | null } = {},
): Promise<{ parked: boolean; delta: number }> {
  if (db.isTransaction) throw new Error('syncOrderRefunds calls Stripe: run it outside any transaction');
  for (let attempt = 1; ; attempt++) {
    const order = await withService(db, (tx) => getOrder(tx, orderId));
    if (!isPaidStatus(order.status) || !order.stripePaymentIntentId) return { parked: true, delta: 0 };
    const fetched = await fetchChargeRefunds(stripe, order);
    try {
      return await withService(db, (tx) => applyOrderRefunds(tx, hooks, orderId, fetched, actor, opts));
    } catch (err) {
      if (!(err instanceof StaleStripeRead) || attempt >= 3) throw err;
    }
  }
}
