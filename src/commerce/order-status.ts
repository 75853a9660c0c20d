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
  const from = (Object.keys(allowed) as OrderStatus[]).filter((f) => canTransition(f, to));
  // Lock, check, move and record in one statement: the order's row stays locked to the commit as before.
  const { rows } = await sql<{ found: boolean; moved: boolean }>`
    with prev as (select id, status, account_id from orders where id = ${orderId} for update),
    moved as (
      update orders o set status = ${to}, updated_at = now() from prev
      where o.id = prev.id and prev.status in (${from.length ? sql.join(from) : sql`null`})
      returning prev.status as from_status, o.account_id),
    logged as (
      insert into order_events (order_id, account_id, from_status, to_status, actor, actor_user_id, reason, stripe_event_id)
      select ${orderId}::uuid, account_id, from_status, ${to}, ${actor.kind}, ${actor.userId ?? null}::uuid, ${reason},
        ${opts.stripeEventId ?? null}::text
      from moved)
    select exists (select from prev) as found, exists (select from moved) as moved`.execute(db);
  if (!rows[0]?.found) throw notFound('Order', { orderId });
  return rows[0].moved;
}
