import { sql } from 'kysely';
import type { OrderChannel, OrderStatus } from '../commerce/index.ts';
import { agentPlatformNames, listOrderItems, orderTotals, toOrder } from '../commerce/index.ts';
import { escapeLike, iso, likePattern } from '../db/sql.ts';
import type { DB } from '../db/types.ts';
import { notFound } from '../errors.ts';
import { nextMoves } from './fulfilment.ts';
import { describePrintLines } from './print-lines.ts';
import type { FulfilmentStatus } from './tables.ts';

/** Filters for the studio's print orders list. */
export interface PrintOrderQuery {
  status?: FulfilmentStatus;
  moneyStatus?: OrderStatus;
  q?: string;
  page: number;
  pageSize: number;
}

/** A studio's paid print orders, newest first, with fulfilment and money state (RLS limits rows to members). */
export async function listPrintOrders(db: DB, accountId: string, q: PrintOrderQuery) {
  let base = db
    .selectFrom('print_fulfilments as f')
    .innerJoin('orders as o', 'o.id', 'f.order_id')
    .where('f.account_id', '=', accountId);
  if (q.status) base = base.where('f.status', '=', q.status);
  if (q.moneyStatus) base = base.where('o.status', '=', q.moneyStatus);
  const term = q.q?.trim().replace(/^#/, '').toLowerCase();
  if (term) {
    const p = likePattern(term);
    base = base.where((eb) =>
      eb.or([
        eb('o.buyer_email', 'ilike', p),
        eb('f.buyer_name', 'ilike', p),
        eb(sql<string>`o.id::text`, 'like', `${escapeLike(term)}%`),
      ]),
    );
  }
  const [rows, count] = await Promise.all([
    base
      .select([
        'o.id',
        'o.buyer_email',
        'o.currency',
        'o.total',
        'o.amount_refunded',
        'o.status as money_status',
        'o.paid_at',
        'o.created_at',
        'o.channel',
        'o.agent_platform_id',
        'f.status',
        'f.buyer_name',
        'f.carrier',
        'f.tracking_number',
        'f.updated_at',
      ])
      .select((eb) =>
        eb
          .selectFrom('order_items as i')
          .select(sql<string>`coalesce(sum(i.quantity), 0)`.as('n'))
          .whereRef('i.order_id', '=', 'o.id')
          .as('item_count'),
      )
      .orderBy('o.created_at', 'desc')
      .orderBy('o.id')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const names = await agentPlatformNames(
    db,
    rows.map((r) => r.agent_platform_id),
  );
  return {
    data: rows.map((r) => ({
      id: r.id,
      buyerEmail: r.buyer_email,
      buyerName: r.buyer_name,
      channel: r.channel as OrderChannel,
      agentPlatformName: r.agent_platform_id ? (names.get(r.agent_platform_id) ?? null) : null,
      currency: r.currency.trim(),
      total: Number(r.total),
      amountRefunded: Number(r.amount_refunded),
      moneyStatus: r.money_status,
      status: r.status,
      itemCount: Number(r.item_count ?? 0),
      carrier: r.carrier,
      trackingNumber: r.tracking_number,
      paidAt: iso(r.paid_at),
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    })),
    total: Number(count.n),
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** One print order with lines (photo, product, options, crop), fulfilment, timeline and refunds; 404 for others. */
export async function getPrintOrder(db: DB, accountId: string, orderId: string) {
  const f = await db
    .selectFrom('print_fulfilments')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  const row = f ? await db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst() : null;
  if (!f || !row) throw notFound('Order', { orderId });
  const order = toOrder(row);
  const gallery = f.gallery_id
    ? await db
        .selectFrom('galleries')
        .select(['id', 'title', 'token'])
        .where('id', '=', f.gallery_id)
        .executeTakeFirst()
    : undefined;
  const [items, events, refunds] = await Promise.all([
    listOrderItems(db, orderId),
    db
      .selectFrom('print_fulfilment_events as e')
      .leftJoin('users as u', 'u.id', 'e.actor_user_id')
      .select(['e.id', 'e.from_status', 'e.to_status', 'e.note', 'e.created_at', 'u.email as actor_email'])
      .where('e.order_id', '=', orderId)
      .orderBy('e.id')
      .execute(),
    db.selectFrom('refunds').selectAll().where('order_id', '=', orderId).orderBy('seq').execute(),
  ]);
  const names = await agentPlatformNames(db, [order.agentPlatformId]);
  return {
    id: order.id,
    buyerEmail: order.buyerEmail,
    channel: order.channel,
    agentPlatformName: order.agentPlatformId ? (names.get(order.agentPlatformId) ?? null) : null,
    ...orderTotals(order),
    amountRefunded: order.amountRefunded,
    moneyStatus: order.status,
    receiptUrl: order.receiptUrl,
    paidAt: iso(order.paidAt),
    createdAt: order.createdAt.toISOString(),
    gallery: gallery ? { id: gallery.id, title: gallery.title } : null,
    items: await describePrintLines(db, items, gallery?.token ?? null),
    fulfilment: {
      status: f.status,
      nextMoves: nextMoves(f.status),
      lab: f.lab,
      labReference: f.lab_reference,
      carrier: f.carrier,
      trackingNumber: f.tracking_number,
      trackingUrl: f.tracking_url,
      shippingAddress: f.shipping_address,
      buyerName: f.buyer_name,
      inProductionAt: iso(f.in_production_at),
      shippedAt: iso(f.shipped_at),
      deliveredAt: iso(f.delivered_at),
      cancelledAt: iso(f.cancelled_at),
    },
    history: events.map((e) => ({
      id: String(e.id),
      fromStatus: e.from_status,
      toStatus: e.to_status,
      note: e.note,
      actorEmail: e.actor_email ?? null,
      createdAt: e.created_at.toISOString(),
    })),
    refunds: refunds.map((r) => ({
      id: r.id,
      seq: r.seq,
      amount: Number(r.amount),
      status: r.status,
      reason: r.reason,
      createdAt: r.created_at.toISOString(),
    })),
  };
}

/** The buyer's view of an order on the success page: lines, totals, shipping address and where the mail went. */
export async function printOrderSummary(db: DB, orderId: string) {
  const row = await db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  if (!row) throw notFound('Order', { orderId });
  const order = toOrder(row);
  const f = await db.selectFrom('print_fulfilments').selectAll().where('order_id', '=', orderId).executeTakeFirst();
  const galleryId = typeof order.metadata.gallery_id === 'string' ? order.metadata.gallery_id : null;
  const gallery = galleryId
    ? await db.selectFrom('galleries').select('token').where('id', '=', galleryId).executeTakeFirst()
    : undefined;
  const lines = await describePrintLines(db, await listOrderItems(db, orderId), gallery?.token ?? null);
  return {
    orderId: order.id,
    status: order.status,
    fulfilmentStatus: f?.status ?? null,
    email: order.buyerEmail,
    ...orderTotals(order),
    items: lines.map((l) => ({
      id: l.id,
      name: l.name,
      filename: l.filename,
      thumbUrl: l.thumbUrl,
      productName: l.productName,
      options: l.options,
      quantity: l.quantity,
      lineTotal: l.lineTotal,
    })),
    shippingAddress: f?.shipping_address ?? null,
    buyerName: f?.buyer_name ?? null,
  };
}
