import { type Selectable, sql } from 'kysely';
import type { Actor } from '../audit/index.ts';
import type { Database, DB } from '../db/types.ts';
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
  return (await moveOrder(db, orderId, to, actor, reason, opts, {})) !== null;
}

/**
 * `transitionOrder` that writes `set` (column → value or SQL) in the same update and returns the row as the move
 * left it, or null when the move is not allowed: a settlement's columns, status and history in one statement.
 */
export async function transitionOrderWith(
  db: DB,
  orderId: string,
  to: OrderStatus,
  actor: Actor,
  reason: string | null,
  set: Record<string, unknown>,
  opts: TransitionOptions = {},
): Promise<Selectable<Database['orders']> | null> {
  return moveOrder(db, orderId, to, actor, reason, opts, set);
}

async function moveOrder(
  db: DB,
  orderId: string,
  to: OrderStatus,
  actor: Actor,
  reason: string | null,
  opts: TransitionOptions,
  set: Record<string, unknown>,
): Promise<Selectable<Database['orders']> | null> {
  const from = (Object.keys(allowed) as OrderStatus[]).filter((f) => canTransition(f, to));
  const extra = Object.entries(set).map(([column, value]) => sql`, ${sql.ref(column)} = ${value}`);
  // Lock, check, move and record in one statement: the order's row stays locked to the commit as before.
  const { rows } = await sql<Selectable<Database['orders']> & { found: boolean; from_status: OrderStatus | null }>`
    with prev as (select id, status, account_id from orders where id = ${orderId} for update),
    moved as (
      update orders o set status = ${to}, updated_at = now() ${sql.join(extra, sql``)} from prev
      where o.id = prev.id and prev.status in (${from.length ? sql.join(from) : sql`null`})
      returning o.*, prev.status as from_status),
    logged as (
      insert into order_events (order_id, account_id, from_status, to_status, actor, actor_user_id, reason, stripe_event_id)
      select ${orderId}::uuid, account_id, from_status, ${to}, ${actor.kind}, ${actor.userId ?? null}::uuid, ${reason},
        ${opts.stripeEventId ?? null}::text
      from moved)
    select true as found, moved.* from prev left join moved on true`.execute(db);
  if (!rows[0]?.found) throw notFound('Order', { orderId });
  if (!rows[0].from_status) return null;
  const { found: _found, from_status: _from, ...row } = rows[0];
  return row as Selectable<Database['orders']>;
}
