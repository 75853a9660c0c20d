import type { Selectable } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Actor } from '../audit/index.ts';
import { serviceStatement } from '../db/tenancy.ts';
import type { Database, DB } from '../db/types.ts';
import { notFound } from '../errors.ts';
import type { OfferingType, OrderStatus } from './tables.ts';
import { computeTotals } from './totals.ts';

/** An order as domain code sees it: amounts as numbers. */
export interface Order {
  id: string;
  accountId: string;
  buyerUserId: string | null;
  buyerEmail: string;
  offeringType: OfferingType;
  currency: string;
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  taxInclusive: boolean;
  total: number;
  status: OrderStatus;
  stripeCheckoutSessionId: string | null;
  stripePaymentIntentId: string | null;
  stripeChargeId: string | null;
  receiptUrl: string | null;
  destinationAccount: string | null;
  amountRefunded: number;
  paidAt: Date | null;
  metadata: Record<string, unknown>;
  /** Where the order came from: the web app, an MCP key, or an ACP agent platform (`agentPlatformId`). */
  channel: OrderChannel;
  agentPlatformId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type OrderChannel = 'web' | 'mcp' | 'acp';

/** A stored order line. */
export interface OrderItem {
  id: string;
  position: number;
  name: string;
  options: Record<string, unknown>;
  unitAmount: number;
  quantity: number;
  lineTotal: number;
}

/** The promotion code and shipping rate the buyer chose on Stripe's page (decision 030), from the order's metadata. */
export function checkoutLabels(metadata: Record<string, unknown>): {
  discountLabel: string | null;
  shippingLabel: string | null;
} {
  return {
    discountLabel: typeof metadata.promotion_code === 'string' ? metadata.promotion_code : null,
    shippingLabel: typeof metadata.shipping_rate_name === 'string' ? metadata.shipping_rate_name : null,
  };
}

/** An order's money as the order views show it; one place, so a new part of the total reaches every view. */
export function orderTotals(o: Order) {
  return {
    currency: o.currency,
    subtotal: o.subtotal,
    discount: o.discount,
    shipping: o.shipping,
    tax: o.tax,
    taxInclusive: o.taxInclusive,
    total: o.total,
    // What Stripe Checkout settled (decision 030): the promotion code and the shipping rate the buyer chose.
    ...checkoutLabels(o.metadata),
  };
}

/** Maps an `orders` row to `Order`. */
export function toOrder(r: Selectable<Database['orders']>): Order {
  return {
    id: r.id,
    accountId: r.account_id,
    buyerUserId: r.buyer_user_id,
    buyerEmail: r.buyer_email,
    offeringType: r.offering_type,
    currency: r.currency.trim(),
    subtotal: Number(r.subtotal),
    discount: Number(r.discount),
    shipping: Number(r.shipping),
    tax: Number(r.tax),
    taxInclusive: r.tax_inclusive,
    total: Number(r.total),
    status: r.status,
    stripeCheckoutSessionId: r.stripe_checkout_session_id,
    stripePaymentIntentId: r.stripe_payment_intent_id,
    stripeChargeId: r.stripe_charge_id,
    receiptUrl: r.receipt_url,
    destinationAccount: r.destination_account,
    amountRefunded: Number(r.amount_refunded),
    paidAt: r.paid_at,
    metadata: r.metadata ?? {},
    channel: r.channel as OrderChannel,
    agentPlatformId: r.agent_platform_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Loads an order (optionally locking it `for update`); null when missing or invisible under RLS. */
export async function findOrder(db: DB, orderId: string, opts: { lock?: boolean } = {}): Promise<Order | null> {
  if (!/^[0-9a-f-]{36}$/i.test(orderId)) return null;
  let q = db.selectFrom('orders').selectAll().where('id', '=', orderId);
  if (opts.lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? toOrder(row) : null;
}

/** `findOrder` for system work (webhooks, jobs), as service_role and without a lock: one statement, in the caller's
 * transaction or one round trip of its own (serviceStatement). */
export async function readOrderAsService(db: DB, orderId: string): Promise<Order | null> {
  if (!/^[0-9a-f-]{36}$/i.test(orderId)) return null;
  const [row] = await serviceStatement(db, db.selectFrom('orders').selectAll().where('id', '=', orderId));
  return row ? toOrder(row) : null;
}

/** Loads an order or throws 404. */
export async function getOrder(db: DB, orderId: string, opts: { lock?: boolean } = {}): Promise<Order> {
  const o = await findOrder(db, orderId, opts);
  if (!o) throw notFound('Order', { orderId });
  return o;
}

// An order line as a row, or as that row in JSON (bigints as numbers): the same fields either way.
const toOrderItem = (
  r: Pick<Selectable<Database['order_items']>, 'id' | 'position' | 'name' | 'quantity'> & {
    options: Record<string, unknown> | null;
    unit_amount: string | number;
    line_total: string | number;
  },
): OrderItem => ({
  id: r.id,
  position: r.position,
  name: r.name,
  options: r.options ?? {},
  unitAmount: Number(r.unit_amount),
  quantity: r.quantity,
  lineTotal: Number(r.line_total),
});

/** Lists an order's lines in order. */
export async function listOrderItems(db: DB, orderId: string): Promise<OrderItem[]> {
  const rows = await db
    .selectFrom('order_items')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('position')
    .execute();
  return rows.map(toOrderItem);
}

/**
 * `findOrder` with the lock and the order's lines, in one statement: for the settlement, which needs both (the
 * lines travel as JSON from a subquery, so the lock still takes the order's row alone). Null for an id that
 * cannot be an order's (no statement then).
 */
export function lockOrderWithItemsQuery(db: DB, orderId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(orderId)) return null;
  return db
    .selectFrom('orders')
    .selectAll('orders')
    .select((eb) =>
      jsonArrayFrom(
        eb.selectFrom('order_items').selectAll().whereRef('order_items.order_id', '=', 'orders.id').orderBy('position'),
      ).as('items'),
    )
    .where('orders.id', '=', orderId)
    .forUpdate();
}

type LockedRow =
  NonNullable<ReturnType<typeof lockOrderWithItemsQuery>> extends { execute(): Promise<Array<infer R>> } ? R : never;

/** The order and its lines from a row of `lockOrderWithItemsQuery`. */
export function orderWithItems(row: LockedRow | undefined): { order: Order; items: OrderItem[] } | null {
  if (!row) return null;
  const { items, ...order } = row;
  // json_agg keeps the subquery's order in practice; the sort makes it a guarantee.
  return { order: toOrder(order), items: items.map(toOrderItem).sort((a, b) => a.position - b.position) };
}

/** Input for `createOrder`: prices come from the caller's catalog lookup, never from the browser. */
export interface CreateOrderInput {
  accountId: string;
  buyerUserId?: string | null;
  buyerEmail: string;
  offeringType: OfferingType;
  currency: string;
  items: Array<{ name: string; unitAmount: number; quantity: number; options?: Record<string, unknown> }>;
  discount?: number;
  shipping?: number;
  taxRateBps?: number;
  taxInclusive?: boolean;
  metadata?: Record<string, unknown>;
  channel?: OrderChannel;
  agentPlatformId?: string | null;
}

/** Creates a pending order with its lines and first history row (run as service role). */
export async function createOrder(db: DB, input: CreateOrderInput, actor: Actor): Promise<Order> {
  const t = computeTotals(input.items, {
    currency: input.currency,
    discount: input.discount,
    shipping: input.shipping,
    taxRateBps: input.taxRateBps,
    taxInclusive: input.taxInclusive,
  });
  const row = await db
    .insertInto('orders')
    .values({
      account_id: input.accountId,
      buyer_user_id: input.buyerUserId ?? null,
      buyer_email: input.buyerEmail.trim().toLowerCase(),
      offering_type: input.offeringType,
      currency: t.currency,
      subtotal: t.subtotal,
      discount: t.discount,
      shipping: t.shipping,
      tax: t.tax,
      tax_inclusive: t.taxInclusive,
      total: t.total,
      metadata: JSON.stringify(input.metadata ?? {}),
      channel: input.channel ?? 'web',
      agent_platform_id: input.agentPlatformId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await db
    .insertInto('order_items')
    .values(
      input.items.map((i, n) => ({
        order_id: row.id,
        account_id: input.accountId,
        position: n,
        name: i.name,
        options: JSON.stringify(i.options ?? {}),
        unit_amount: i.unitAmount,
        quantity: i.quantity,
        line_total: t.lines[n],
      })),
    )
    .execute();
  await db
    .insertInto('order_events')
    .values({
      order_id: row.id,
      account_id: input.accountId,
      from_status: null,
      to_status: 'pending',
      actor: actor.kind,
      actor_user_id: actor.userId ?? null,
      reason: 'order created',
    })
    .execute();
  return toOrder(row);
}
