import { sql } from 'kysely';
import type { OrderChannel, OrderStatus } from '../commerce/index.ts';
import {
  agentPlatformNames,
  type DashboardLinks,
  listOrderItems,
  orderTotals,
  toOrder,
  withDisputes,
} from '../commerce/index.ts';
import {
  afterCursor,
  COUNT_CAP,
  type Cursor,
  cappedCount,
  capTotal,
  cursorAt,
  decodeCursor,
  keysetPage,
} from '../db/keyset.ts';
import { iso, likePattern } from '../db/sql.ts';
import { asService } from '../db/tenancy.ts';
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
  cursor?: string;
  limit: number;
}

const UUID_SHAPE = 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx';

/**
 * The ids an order ref prefix such as `3f9c1a` covers, as a primary-key range (uuids sort by their hex digits), or
 * null when the term cannot start an order id.
 */
export function refRange(term: string): { from: string; to: string } | null {
  if (!term || term.length > UUID_SHAPE.length) return null;
  for (let i = 0; i < term.length; i++) {
    const ok = UUID_SHAPE[i] === '-' ? term[i] === '-' : /[0-9a-f]/.test(term[i]);
    if (!ok) return null;
  }
  const hex = term.replaceAll('-', '');
  const shape = (digits: string) =>
    `${digits.slice(0, 8)}-${digits.slice(8, 12)}-${digits.slice(12, 16)}-${digits.slice(16, 20)}-${digits.slice(20)}`;
  return { from: shape(hex.padEnd(32, '0')), to: shape(hex.padEnd(32, 'f')) };
}

// A search first looks at the studio's newest orders (after the cursor) with a plain filter: a common fragment
// ("gmail") fills a page there at once, where its indexed matches across every seller would be tens of thousands.
const RECENT = 1000;
// Matches among the newest RECENT orders from which the count says "at least this many" instead of counting all.
const ESTIMATE_FROM = 25;

/** Which rows a search reads: its indexed matches, or the filter over the newest orders after `after`. */
type Scope = { recent: false } | { recent: true; after: Cursor | null };
const INDEXED: Scope = { recent: false };

function searchTerm(q: string | undefined): string {
  return q?.trim().replace(/^#/, '').toLowerCase() ?? '';
}

function studioOrders(db: DB, accountId: string, q: Pick<PrintOrderQuery, 'moneyStatus'>, after: Cursor | null) {
  let w = db.selectFrom('orders').where('account_id', '=', accountId);
  if (q.moneyStatus) w = w.where('status', '=', q.moneyStatus);
  return after ? w.where(afterCursor('created_at', 'id', after, 'desc')) : w;
}

function printOrders(db: DB, accountId: string, q: Omit<PrintOrderQuery, 'cursor' | 'limit'>, scope = INDEXED) {
  // A print order's fulfilment and order belong to the same studio: filtering both lets the orders keyset index
  // walk the studio's orders newest first, joining each fulfilment by its key.
  let base = db
    .selectFrom('print_fulfilments as f')
    .innerJoin('orders as o', 'o.id', 'f.order_id')
    .where('f.account_id', '=', accountId)
    .where('o.account_id', '=', accountId);
  if (q.status) base = base.where('f.status', '=', q.status);
  if (q.moneyStatus) base = base.where('o.status', '=', q.moneyStatus);
  const term = searchTerm(q.q);
  if (!term) return base;
  const p = likePattern(term);
  const ref = refRange(term);
  if (scope.recent) {
    // The newest orders are a prefix of the list, so the matches among them come first in it too.
    const window = studioOrders(db, accountId, q, scope.after)
      .select('id')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(RECENT);
    return base
      .where('o.id', 'in', window)
      .where((eb) =>
        eb.or([
          eb('o.buyer_email', 'ilike', p),
          eb('f.buyer_name', 'ilike', p),
          ...(ref ? [eb.and([eb('o.id', '>=', ref.from), eb('o.id', '<=', ref.to)])] : []),
        ]),
      );
  }
  // One indexed lookup per way to match (pg_trgm, migration 0109; an order ref by the primary key), unioned into
  // one set of ids: an OR across the two joined tables, or with the ref, could use none of the indexes.
  return base.where('o.id', 'in', (eb) => {
    const byEmail = eb
      .selectFrom('orders')
      .select('id')
      .where('account_id', '=', accountId)
      .where('buyer_email', 'ilike', p);
    const byName = eb
      .selectFrom('print_fulfilments')
      .select('order_id as id')
      .where('account_id', '=', accountId)
      .where('buyer_name', 'ilike', p);
    const matches = byEmail.union(byName);
    return ref
      ? matches.union(
          eb
            .selectFrom('orders')
            .select('id')
            .where('account_id', '=', accountId)
            .where('id', '>=', ref.from)
            .where('id', '<=', ref.to),
        )
      : matches;
  });
}

/**
 * A search's page: from the newest orders when they hold a full page (or are all there is), else from the indexed
 * matches. Its count is exact when the newest orders are all of them or the term is rare; a common term's count
 * is the matches among the newest orders, marked as "at least". On the first page each count comes with the page
 * that already walked its rows (`matches`), so the newest orders and the indexed matches are each read once.
 */
async function searchPage(tx: DB, accountId: string, q: PrintOrderQuery, cursor: Cursor | null) {
  const remaining = await cappedCount(tx, studioOrders(tx, accountId, q, cursor), RECENT);
  const recent = await printOrdersPageQuery(tx, accountId, q, cursor, { recent: true, after: cursor }, true).execute();
  const fromRecent = recent.length > q.limit || !remaining.totalCapped;
  const indexed = fromRecent ? null : await printOrdersPageQuery(tx, accountId, q, cursor, INDEXED, true).execute();
  // Past the first page the counts are of the whole list, which the pages after the cursor did not see.
  const all = cursor ? await cappedCount(tx, studioOrders(tx, accountId, q, null), RECENT) : remaining;
  const seen = cursor
    ? (await cappedCount(tx, printOrders(tx, accountId, q, { recent: true, after: null }), RECENT)).total
    : matchesOf(recent);
  const count =
    !all.totalCapped || seen >= ESTIMATE_FROM
      ? { total: capTotal(seen).total, totalCapped: seen > COUNT_CAP || all.totalCapped }
      : indexed && !cursor
        ? capTotal(matchesOf(indexed))
        : await cappedCount(tx, printOrders(tx, accountId, q));
  return { rows: indexed ?? recent, count };
}

// The rows a page query with `withMatches` found before its limit: none when the page is empty.
const matchesOf = (rows: Array<{ matches?: string | number }>) => Number(rows[0]?.matches ?? 0);

/**
 * Runs a studio's search (print order buyers, clients) as service role, after the member check the route made.
 * Under RLS pg_trgm could not serve it: ILIKE is not leakproof, so Postgres applies it only after the policy, row
 * by row, never as an index condition. Every table the search reads is filtered by the studio's id, which is what
 * the policy would add.
 */
export async function asStudioSearch<T>(db: DB, accountId: string, fn: (tx: DB) => Promise<T>): Promise<T> {
  const { rows } = await sql<{ ok: boolean }>`select app.is_member(${accountId}::uuid) as ok`.execute(db);
  if (!rows[0]?.ok) throw notFound('Account');
  return asService(db, fn);
}

/** The page query behind `listPrintOrders`: limit + 1 rows after the cursor (src/shop/list-plan.test.ts explains it). */
export function printOrdersPageQuery(
  db: DB,
  accountId: string,
  q: PrintOrderQuery,
  cursor: Cursor | null,
  scope = INDEXED,
  withMatches = false,
) {
  const base = printOrders(db, accountId, q, scope);
  return (
    (cursor ? base.where(afterCursor('o.created_at', 'o.id', cursor, 'desc')) : base)
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
      .select(cursorAt('o.created_at').as('cursor_at'))
      .select((eb) =>
        eb
          .selectFrom('order_items as i')
          .select(sql<string>`coalesce(sum(i.quantity), 0)`.as('n'))
          .whereRef('i.order_id', '=', 'o.id')
          .as('item_count'),
      )
      // Counted before the limit, in the pass that finds the page's rows anyway (a search's matches are all sorted).
      .$if(withMatches, (b) => b.select(sql<string>`count(*) over ()`.as('matches')))
      .orderBy('o.created_at', 'desc')
      .orderBy('o.id', 'desc')
      .limit(q.limit + 1)
  );
}

/**
 * A studio's paid print orders, newest first, a keyset page at a time, with fulfilment and money state (RLS limits
 * rows to members). A search matches a fragment of the buyer's email or name, or the start of an order ref.
 */
export async function listPrintOrders(db: DB, accountId: string, q: PrintOrderQuery, links: DashboardLinks) {
  const cursor = decodeCursor(q.cursor);
  const { count, rows } = searchTerm(q.q)
    ? await asStudioSearch(db, accountId, (tx) => searchPage(tx, accountId, q, cursor))
    : {
        count: await cappedCount(db, printOrders(db, accountId, q)),
        rows: await printOrdersPageQuery(db, accountId, q, cursor).execute(),
      };
  const { rows: pageRows, nextCursor } = keysetPage(rows, q.limit);
  const names = await agentPlatformNames(
    db,
    pageRows.map((r) => r.agent_platform_id),
  );
  const data = pageRows.map((r) => ({
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
  }));
  return {
    data: await withDisputes(db, data, links),
    nextCursor,
    limit: q.limit,
    ...count,
  };
}

/** One print order with lines (photo, product, options, crop), fulfilment, timeline and refunds; 404 for others. */
export async function getPrintOrder(db: DB, accountId: string, orderId: string, links: DashboardLinks) {
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
  const [{ dispute }] = await withDisputes(db, [order], links);
  return {
    id: order.id,
    dispute,
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
