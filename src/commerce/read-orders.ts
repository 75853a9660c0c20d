import { sql } from 'kysely';
import { afterCursor, type Cursor, cappedCount, cursorAt, decodeCursor, keysetPage } from '../db/keyset.ts';
import { asService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { forbidden, notFound } from '../errors.ts';
import { type Invoice, toInvoice } from './invoices.ts';
import { findOrder, listOrderItems, type Order, type OrderItem, toOrder } from './orders.ts';
import type { OrderStatus } from './tables.ts';

/** An order as seller lists show it: with the agent platform's name when an ACP platform placed it. */
export interface OrderRow extends Order {
  agentPlatformName: string | null;
}

/**
 * Names of agent platforms by id. agent_platforms is admin-only under RLS, but a seller may know who placed their
 * order, so the names (nothing else) are read as service role inside the caller's transaction.
 */
export async function agentPlatformNames(db: DB, ids: Array<string | null>): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (!wanted.length) return new Map();
  const rows = await asService(db, (tx) =>
    tx.selectFrom('agent_platforms').select(['id', 'name']).where('id', 'in', wanted).execute(),
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Adds `agentPlatformName` to orders (null for web and MCP orders). */
export async function withAgentPlatformNames<T extends { agentPlatformId: string | null }>(
  db: DB,
  orders: T[],
): Promise<Array<T & { agentPlatformName: string | null }>> {
  const names = await agentPlatformNames(
    db,
    orders.map((o) => o.agentPlatformId),
  );
  return orders.map((o) => ({
    ...o,
    agentPlatformName: o.agentPlatformId ? (names.get(o.agentPlatformId) ?? null) : null,
  }));
}

/** An order with everything the order page shows. */
export interface OrderDetail extends OrderRow {
  items: OrderItem[];
  history: Array<{
    fromStatus: string | null;
    toStatus: string;
    actor: string;
    reason: string | null;
    createdAt: Date;
  }>;
  refunds: Array<{ id: string; seq: number; amount: number; status: string; reason: string | null; createdAt: Date }>;
  invoice: Invoice | null;
}

/**
 * Throws unless the signed-in user (run under withUser) may read the account's sales: 404 for non-members, 403 for
 * members whose role may not (a provider's plain members); platform admins pass. `app.can_read_sales` is the rule
 * the RLS policies on orders, items, history, refunds and invoices use too (migration 0075).
 */
export async function requireSalesReader(db: DB, accountId: string): Promise<void> {
  const { rows } = await sql<{ member: boolean; sales: boolean }>`
    select app.is_member(${accountId}::uuid) or app.is_platform_admin() as member,
      coalesce(app.can_read_sales(${accountId}::uuid), false) or app.is_platform_admin() as sales`.execute(db);
  if (!rows[0]?.member) throw notFound('Account');
  if (!rows[0].sales) throw forbidden('Only the account’s admins can see its sales');
}

function sellerOrders(db: DB, accountId: string, status: OrderStatus | undefined) {
  const base = db.selectFrom('orders').where('account_id', '=', accountId);
  return status ? base.where('status', '=', status) : base;
}

/** The page query behind `listOrders`: limit + 1 rows after the cursor (src/shop/list-plan.test.ts explains it). */
export function ordersPageQuery(
  db: DB,
  accountId: string,
  q: { status?: OrderStatus; limit: number },
  cursor: Cursor | null,
) {
  const base = sellerOrders(db, accountId, q.status);
  return (cursor ? base.where(afterCursor('created_at', 'id', cursor, 'desc')) : base)
    .selectAll()
    .select(cursorAt('created_at').as('cursor_at'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1);
}

/** Lists a seller's orders newest first, a keyset page at a time, after `requireSalesReader` (RLS also limits rows). */
export async function listOrders(
  db: DB,
  accountId: string,
  q: { status?: OrderStatus; cursor?: string; limit: number },
): Promise<{ data: OrderRow[]; nextCursor: string | null; limit: number; total: number; totalCapped: boolean }> {
  const cursor = decodeCursor(q.cursor);
  await requireSalesReader(db, accountId);
  // The count is capped ("1,000+"): an unbounded count(*) was most of this list's time at 1M orders.
  const count = await cappedCount(db, sellerOrders(db, accountId, q.status));
  const page = keysetPage(await ordersPageQuery(db, accountId, q, cursor).execute(), q.limit);
  const data = await withAgentPlatformNames(db, page.rows.map(toOrder));
  return { data, nextCursor: page.nextCursor, limit: q.limit, ...count };
}

/** One order with items, history, refunds and invoice; 404 when the caller may not see it. */
export async function getOrderDetail(db: DB, orderId: string): Promise<OrderDetail> {
  const order = await findOrder(db, orderId);
  if (!order) throw notFound('Order', { orderId });
  const items = await listOrderItems(db, orderId);
  const history = await db
    .selectFrom('order_events')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
  const refunds = await db.selectFrom('refunds').selectAll().where('order_id', '=', orderId).orderBy('seq').execute();
  const invoice = await db.selectFrom('invoices').selectAll().where('order_id', '=', orderId).executeTakeFirst();
  const [named] = await withAgentPlatformNames(db, [order]);
  return {
    ...named,
    items,
    history: history.map((h) => ({
      fromStatus: h.from_status,
      toStatus: h.to_status,
      actor: h.actor,
      reason: h.reason,
      createdAt: h.created_at,
    })),
    refunds: refunds.map((r) => ({
      id: r.id,
      seq: r.seq,
      amount: Number(r.amount),
      status: r.status,
      reason: r.reason,
      createdAt: r.created_at,
    })),
    invoice: invoice ? toInvoice(invoice) : null,
  };
}

/** An order's audit trail, oldest first: seller admins and platform admins (404 when the order is invisible). */
export async function listOrderAudit(tx: DB, orderId: string) {
  const order = await tx.selectFrom('orders').select('account_id').where('id', '=', orderId).executeTakeFirst();
  if (!order) throw notFound('Order', { orderId });
  const { rows } = await sql<{
    ok: boolean;
  }>`select (app.is_member(${order.account_id}::uuid, 'admin') or app.is_platform_admin()) as ok`.execute(tx);
  if (!rows[0]?.ok) throw forbidden();
  const events = await tx
    .selectFrom('audit_events')
    .selectAll()
    .where('entity_type', '=', 'order')
    .where('entity_id', '=', orderId)
    .orderBy('created_at')
    .execute();
  return events.map((a) => ({
    id: a.id,
    accountId: a.account_id,
    action: a.action,
    actor: a.actor,
    actorUserId: a.actor_user_id,
    entityType: a.entity_type,
    entityId: a.entity_id,
    before: a.before,
    after: a.after,
    requestId: a.request_id,
    createdAt: a.created_at,
  }));
}
