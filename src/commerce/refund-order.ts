import { sql } from 'kysely';
import Stripe from 'stripe';
import { type Actor, recordAudit } from '../audit/index.ts';
import { crashPoint } from '../crash-points.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { AppError, forbidden } from '../errors.ts';
import type { CommerceHooks } from '../modules.ts';
import { isOpenDispute } from './disputes.ts';
import { isPaidStatus } from './order-status.ts';
import { getOrder, type Order } from './orders.ts';
import { applyOrderRefunds, fetchChargeRefunds } from './sync-refunds.ts';

/** A refund request; `amount` defaults to everything not yet refunded. */
export interface RefundInput {
  amount?: number;
  reason?: string | null;
}

/** Who asks for a refund: a user (seller admin or platform admin). */
export interface RefundActor extends Actor {
  userId: string;
  isPlatformAdmin?: boolean;
}

async function assertCanRefund(db: DB, order: Order, actor: RefundActor): Promise<void> {
  if (actor.isPlatformAdmin) return;
  const m = await db
    .selectFrom('memberships')
    .select('role')
    .where('account_id', '=', order.accountId)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  if (m?.role === 'owner' || m?.role === 'admin') return;
  throw m ? forbidden('Only the seller’s admins can refund orders') : new AppError('not_found', 'Order not found');
}

// Stripe refuses to refund a charge under a chargeback (`is_charge_refundable` false) and one lost to a dispute
// (the money went back already); refusing here writes no refund row that could only fail.
async function assertNotDisputed(db: DB, orderId: string): Promise<void> {
  const rows = await db
    .selectFrom('disputes')
    .select(['stripe_dispute_id', 'status', 'reason', 'is_charge_refundable'])
    .where('order_id', '=', orderId)
    .execute();
  const blocking = rows.find((d) => d.status === 'lost' || (isOpenDispute(d.status) && !d.is_charge_refundable));
  if (!blocking) return;
  const details = { dispute: blocking.stripe_dispute_id, disputeStatus: blocking.status };
  if (blocking.status === 'lost') {
    throw new AppError(
      'conflict',
      'This payment was lost to a dispute: the money has already gone back to the cardholder',
      details,
    );
  }
  throw new AppError(
    'conflict',
    `This payment is disputed (${blocking.reason.replaceAll('_', ' ')}) and cannot be refunded while the dispute is open; respond to the dispute in Stripe instead`,
    details,
  );
}

/**
 * Refunds part or all of a paid order. The `refunds` row (with our own sequence number) is written first, so the
 * Stripe idempotency key `refund:{order}:{seq}` is stable across retries; the amounts on the order are then synced
 * from the charge, exactly like the webhook does, so nothing is counted twice.
 */
export async function refundOrder(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  orderId: string,
  input: RefundInput,
  actor: RefundActor,
): Promise<{ refundId: string; seq: number; amount: number; order: Order }> {
  const pending = await withService(db, async (tx) => {
    const order = await getOrder(tx, orderId, { lock: true });
    await assertCanRefund(tx, order, actor);
    if (!isPaidStatus(order.status) || order.status === 'refunded' || !order.stripePaymentIntentId) {
      throw new AppError('invalid_state', `A ${order.status} order cannot be refunded`, { status: order.status });
    }
    await assertNotDisputed(tx, order.id);
    // A refund whose Stripe call had an unknown outcome is retried under its own key, never re-issued as new.
    const unsent = await tx
      .selectFrom('refunds')
      .select(['id', 'seq', 'amount'])
      .where('order_id', '=', order.id)
      .where('status', '=', 'pending')
      .where('stripe_refund_id', 'is', null)
      .orderBy('seq')
      .executeTakeFirst();
    if (unsent) {
      if (input.amount !== undefined && input.amount !== Number(unsent.amount)) {
        throw new AppError(
          'conflict',
          'An earlier refund of this order is still being confirmed; retry that amount first',
          {
            amount: Number(unsent.amount),
          },
        );
      }
      return { order, seq: unsent.seq, amount: Number(unsent.amount), refundId: unsent.id };
    }
    const sums = await tx
      .selectFrom('refunds')
      .select(sql<string>`coalesce(sum(amount), 0)`.as('requested'))
      .where('order_id', '=', order.id)
      .where('status', 'not in', ['failed', 'canceled'])
      .executeTakeFirstOrThrow();
    const maxSeq = await tx
      .selectFrom('refunds')
      .select(sql<string>`coalesce(max(seq), 0)`.as('seq'))
      .where('order_id', '=', order.id)
      .executeTakeFirstOrThrow();
    const remaining = order.total - Math.max(order.amountRefunded, Number(sums.requested));
    const amount = input.amount ?? remaining;
    if (!Number.isSafeInteger(amount) || amount <= 0 || amount > remaining) {
      throw new AppError('validation_failed', `The refund must be between 1 and ${remaining}`, {
        fieldErrors: { amount: [`Must be between 1 and ${remaining}`] },
      });
    }
    const seq = Number(maxSeq.seq) + 1;
    const row = await tx
      .insertInto('refunds')
      .values({
        order_id: order.id,
        account_id: order.accountId,
        seq,
        amount,
        reason: input.reason ?? null,
        requested_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, actor, {
      accountId: order.accountId,
      action: 'order.refund_requested',
      entityType: 'order',
      entityId: order.id,
      after: { amount, seq, reason: input.reason ?? null },
    });
    return { order, seq, amount, refundId: row.id };
  });

  const { order, seq, amount, refundId } = pending;
  let refund: Stripe.Refund;
  try {
    refund = await stripe.refunds.create(
      {
        payment_intent: order.stripePaymentIntentId!,
        amount,
        metadata: { order_id: order.id, refund_id: refundId },
        // A destination charge moved the money to the seller: take it back from them, and our fee with it.
        ...(order.destinationAccount ? { reverse_transfer: true, refund_application_fee: true } : {}),
      },
      { idempotencyKey: `refund:${order.id}:${seq}` },
    );
  } catch (err) {
    if (
      err instanceof Stripe.errors.StripeError &&
      err.type !== 'StripeConnectionError' &&
      err.type !== 'StripeAPIError'
    ) {
      await withService(db, (tx) =>
        tx.updateTable('refunds').set({ status: 'failed' }).where('id', '=', refundId).execute(),
      );
      throw new AppError('unprocessable', `Stripe refused the refund: ${err.message}`);
    }
    // Unknown outcome: the row stays pending and a retry with the same key replays the same refund.
    throw new AppError('upstream_error', 'Could not reach Stripe; try again');
  }
  crashPoint('refund.after_stripe_call');
  // Read the charge now, with no transaction open; the short transaction below applies it under the order lock.
  const fetched = await fetchChargeRefunds(stripe, order);
  const synced = await withService(db, async (tx) => {
    // Lock the order before touching its refund rows: the webhook's sync takes the same locks in this order,
    // so the two can race without deadlocking.
    await getOrder(tx, order.id, { lock: true });
    await tx
      .updateTable('refunds')
      .set({
        stripe_refund_id: refund.id,
        status: refund.status === 'succeeded' ? 'succeeded' : 'pending',
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', refundId)
      .execute();
    await applyOrderRefunds(tx, hooks, order.id, fetched, actor);
    return getOrder(tx, order.id);
  });
  return { refundId, seq, amount, order: synced };
}
