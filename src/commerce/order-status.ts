import { sql } from 'kysely';
import type { Actor } from '../audit/index.ts';
import type { DB } from '../db/types.ts';
import { notFound } from '../errors.ts';
import type { OrderStatus } from './tables.ts';

// Forward-only moves. Anything not listed (including every move back) is refused, so a late or repeated
// event can never undo a later state.
const allowed: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ['paid', 'cancelled', 'expired', 'payment_failed'],
  paid: ['fulfilled', 'partially_refunded', 'refunded'],
  fulfilled: ['partially_refunded', 'refunded'],
  partially_refunded: ['refunded'],
  cancelled: [],
  expired: [],
  payment_failed: [],
  refunded: [],
};

/** True when an order may move from `from` to `to`. */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return allowed[from].includes(to);
}

/** True once money has been taken for the order (paid or any later money state). */
export function isPaidStatus(s: OrderStatus): boolean {
  return s === 'paid' || s === 'fulfilled' || s === 'partially_refunded' || s === 'refunded';
}

/** Extra context recorded in the order history. */
export interface TransitionOptions {
  stripeEventId?: string | null;
}

/**
 * Moves an order to `to` under a row lock and records the history row; returns false (and changes nothing)
 * when the move is not allowed from the current status, e.g. an `expired` arriving after `paid`.
 */
export async function transitionOrder(
  db: DB,
  orderId: string,
  to: OrderStatus,
  actor: Actor,
  reason: string | null,
  opts: TransitionOptions = {},
): Promise<boolean> {
  const order = await db
    .selectFrom('orders')
    .select(['id', 'status', 'account_id'])
    .where('id', '=', orderId)
    .forUpdate()
    .executeTakeFirst();
  if (!order) throw notFound('Order', { orderId });
  if (!canTransition(order.status, to)) return false;
  await db.updateTable('orders').set({ status: to, updated_at: sql<Date>`now()` }).where('id', '=', orderId).execute();
  await db
    .insertInto('order_events')
    .values({
      order_id: orderId,
      account_id: order.account_id,
      from_status: order.status,
      to_status: to,
      actor: actor.kind,
      actor_user_id: actor.userId ?? null,
      reason,
      stripe_event_id: opts.stripeEventId ?? null,
    })
    .execute();
  return true;
}
