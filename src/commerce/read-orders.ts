import { sql } from 'kysely';
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

/** Lists a seller's orders newest first, after `requireSalesReader` (RLS also limits rows to what the caller may see). */
export async function listOrders(
  db: DB,
  accountId: string,
  q: { status?: OrderStatus; page: number; pageSize: number },
): Promise<{ data: OrderRow[]; total: number; page: number; pageSize: number }> {
  await requireSalesReader(db, accountId);
  let base = db.selectFrom('orders').where('account_id', '=', accountId);
  if (q.status) base = base.where('status', '=', q.status);
  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const data = await withAgentPlatformNames(db, rows.map(toOrder));
  return { data, total: Number(count.n), page: q.page, pageSize: q.pageSize };
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
