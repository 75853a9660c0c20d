import { sql } from 'kysely';
import type { Clock } from '../../clock.ts';
import { agentPlatformNames, type OrderChannel } from '../../commerce/index.ts';
import { afterCursor, cappedCount, cursorAt, decodeCursor, keysetPage } from '../../db/keyset.ts';
import type { DB } from '../../db/types.ts';
import type { SaleStatus } from '../tables.ts';

// Platform metrics for admins, read under withUser so RLS still applies (the rollups are the platform admin's only).
// Money is summed per currency (never across currencies) in integer minor units. Refunds are counted in the
// month they happened (cash basis), so a past month's figures never change later. Sales refunded as duplicates
// (a second payment for a sold original) never counted as GMV, so neither they nor their refunds appear.

const MONTHS = 12;
const TOP = 10;

/** `YYYY-MM` labels of the last `n` calendar months (UTC) ending with the clock's month, oldest first. */
export function lastMonths(now: Date, n = MONTHS): { months: string[]; start: Date; end: Date } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const months: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(y, m - i, 1));
    months.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  return { months, start: new Date(Date.UTC(y, m - (n - 1), 1)), end: new Date(Date.UTC(y, m + 1, 1)) };
}

// Rollup days are UTC dates; the month is the date's first seven characters.
const monthOf = (col: string) => sql<string>`to_char(${sql.ref(col)}, 'YYYY-MM')`;
// bigint columns arrive as strings; Generated<Big> columns are typed loosely by Kysely, hence unknown.
const num = (v: unknown) => Number(v ?? 0);
/** Rollup days or months (marketplace_daily_* and _monthly_*, kept by triggers in 0118 and 0120) in [start, end). */
const inWindow = (day: string, start: Date, end: Date) =>
  sql<boolean>`${sql.ref(day)} >= ${start.toISOString().slice(0, 10)}::date and ${sql.ref(day)} < ${end.toISOString().slice(0, 10)}::date`;

const dailySales = (db: DB, start: Date, end: Date) =>
  db.selectFrom('marketplace_daily_sales as d').where(inWindow('d.day', start, end));
// The window starts and ends on a month's first day, so whole months of the coarser rollup cover it exactly.
const monthlySales = (db: DB, start: Date, end: Date) =>
  db.selectFrom('marketplace_monthly_sales as d').where(inWindow('d.month', start, end));

export interface MonthRow {
  month: string;
  currency: string;
  sales: number;
  gross: number;
  refunds: number;
  gmv: number;
  fees: number;
  feesRefunded: number;
  feeRevenue: number;
}

/** GMV and fee revenue per month and currency for the last 12 months, zero-filled, plus conversion per month. */
export async function monthlyMetrics(db: DB, clock: Clock) {
  const { months, start, end } = lastMonths(clock.now());
  const rows = await monthlySales(db, start, end)
    .select([
      monthOf('d.month').as('month'),
      'd.currency',
      sql<string>`sum(d.sales)`.as('n'),
      sql<string>`sum(d.gross)`.as('gross'),
      sql<string>`sum(d.fees)`.as('fees'),
      sql<string>`sum(d.refunds)`.as('refunds'),
      sql<string>`sum(d.fees_refunded)`.as('fees_refunded'),
    ])
    .groupBy([sql`1`, 'd.currency'])
    .execute();
  const checkouts = await db
    .selectFrom('marketplace_daily_checkouts as c')
    .select([
      monthOf('c.day').as('month'),
      sql<string>`sum(c.started)`.as('started'),
      sql<string>`sum(c.paid)`.as('paid'),
    ])
    .where(inWindow('c.day', start, end))
    .groupBy(sql`1`)
    .execute();

  // A day with only cancelled-out contributions (a sale deleted with its account) leaves a zero row: not a currency.
  const live = rows.filter((r) => num(r.n) || num(r.gross) || num(r.refunds));
  const currencies = [...new Set(live.map((r) => r.currency.trim()))].sort();
  const by = new Map(live.map((r) => [`${r.month}|${r.currency.trim()}`, r]));
  const series: MonthRow[] = [];
  for (const month of months) {
    for (const currency of currencies) {
      const r = by.get(`${month}|${currency}`);
      const gross = num(r?.gross);
      const refunded = num(r?.refunds);
      const fees = num(r?.fees);
      const feesRefunded = num(r?.fees_refunded);
      series.push({
        month,
        currency,
        sales: num(r?.n),
        gross,
        refunds: refunded,
        gmv: gross - refunded,
        fees,
        feesRefunded,
        feeRevenue: fees - feesRefunded,
      });
    }
  }
  const totals = currencies.map((currency) => {
    const rows = series.filter((r) => r.currency === currency);
    const sum = (k: keyof MonthRow) => rows.reduce((acc, r) => acc + (r[k] as number), 0);
    return { currency, sales: sum('sales'), gmv: sum('gmv'), feeRevenue: sum('feeRevenue') };
  });
  const convBy = new Map(checkouts.map((r) => [r.month, r]));
  const conversion = months.map((month) => {
    const started = num(convBy.get(month)?.started);
    const paid = num(convBy.get(month)?.paid);
    return { month, started, paid, rate: started === 0 ? null : paid / started };
  });
  const allStarted = conversion.reduce((a, r) => a + r.started, 0);
  const allPaid = conversion.reduce((a, r) => a + r.paid, 0);
  return {
    months,
    currencies,
    series,
    totals,
    conversion,
    conversionTotal: { started: allStarted, paid: allPaid, rate: allStarted === 0 ? null : allPaid / allStarted },
  };
}

// Both rankings count the same sales the same way (net of their refunds, whenever made), so an artist's total is
// the sum of their artworks'.
const rankedTotals = [
  'd.currency',
  sql<string>`sum(d.sales)`.as('n'),
  sql<string>`sum(d.gross - d.sale_refunds)`.as('gmv'),
  sql<string>`sum(d.fees - d.sale_fees_refunded)`.as('fee_revenue'),
] as const;
const totalsOf = (r: { currency: string; n: string; gmv: string; fee_revenue: string }) => ({
  currency: r.currency.trim(),
  sales: num(r.n),
  gmv: num(r.gmv),
  feeRevenue: num(r.fee_revenue),
});

/** Best-selling artworks and artists by net GMV over the last 12 months, per currency. */
export async function topSellers(db: DB, clock: Clock) {
  const { start, end } = lastMonths(clock.now());
  const artworks = await topArtworks(db, start, end);
  const artists = await db
    .selectFrom(
      monthlySales(db, start, end)
        .select(['d.account_id', ...rankedTotals])
        .groupBy(['d.account_id', 'd.currency'])
        .having(sql<string>`sum(d.sales)`, '>', sql<string>`0`)
        .as('t'),
    )
    .innerJoin('accounts as a', 'a.id', 't.account_id')
    .select(['t.account_id', 'a.name', 'a.slug', 't.currency', 't.n', 't.gmv', 't.fee_revenue'])
    .orderBy('t.gmv', 'desc')
    .orderBy('a.name')
    .limit(TOP)
    .execute();
  return {
    artworks: artworks.map((r) => ({
      artworkId: r.artwork_id,
      title: r.title,
      artist: { name: r.artist_name, slug: r.artist_slug },
      ...totalsOf(r),
    })),
    artists: artists.map((r) => ({
      accountId: r.account_id,
      name: r.name,
      slug: r.slug,
      ...totalsOf(r),
    })),
  };
}

/**
 * The window's best-selling artworks without summing every sale in it. Candidates come best first by their
 * all-time net (marketplace_artwork_sales), which no window's net exceeds; once the TOP-th best window figure
 * reaches the next candidate's all-time net, only candidates with exactly that net could still tie it (and win on
 * title), so those are read too, and the walk stops.
 */
async function topArtworks(db: DB, start: Date, end: Date) {
  type Figures = {
    artwork_id: string;
    account_id: string;
    currency: string;
    n: string;
    gmv: string;
    fee_revenue: string;
  };
  const found: Figures[] = [];
  const seen = new Set<string>();
  const windowFigures = async (ids: string[]) => {
    const fresh = ids.filter((id) => !seen.has(id));
    for (const id of fresh) seen.add(id);
    if (fresh.length === 0) return;
    const rows = await dailySales(db, start, end)
      .where('d.artwork_id', 'in', fresh)
      .select(['d.artwork_id', 'd.account_id', ...rankedTotals])
      .groupBy(['d.artwork_id', 'd.account_id', 'd.currency'])
      .having(sql<string>`sum(d.sales)`, '>', sql<string>`0`)
      .execute();
    found.push(...rows);
  };
  const bar = () => (found.length < TOP ? null : num([...found].sort((a, b) => num(b.gmv) - num(a.gmv))[TOP - 1].gmv));
  let after: { net: string; artworkId: string } | null = null;
  for (let batch = TOP * 3; ; batch = Math.min(batch * 4, 3000)) {
    const from: { net: string; artworkId: string } | null = after;
    const candidates: Array<{ artwork_id: string; net: unknown }> = await db
      .selectFrom('marketplace_artwork_sales as a')
      .select(['a.artwork_id', 'a.net'])
      .$if(from !== null, (q) =>
        q.where(sql<boolean>`(a.net, a.artwork_id) < (${from?.net}::bigint, ${from?.artworkId}::uuid)`),
      )
      .orderBy('a.net', 'desc')
      .orderBy('a.artwork_id', 'desc')
      .limit(batch)
      .execute();
    await windowFigures(candidates.map((c) => c.artwork_id));
    const last = candidates.at(-1);
    if (candidates.length < batch || !last) break;
    after = { net: String(last.net), artworkId: last.artwork_id };
    const tenth = bar();
    if (tenth !== null && tenth >= num(last.net)) {
      const ties = await db
        .selectFrom('marketplace_artwork_sales as a')
        .select('a.artwork_id')
        .where('a.net', '=', String(tenth))
        .execute();
      await windowFigures(ties.map((t) => t.artwork_id));
      break;
    }
  }
  const tenth = bar() ?? Number.NEGATIVE_INFINITY;
  const contenders = found.filter((r) => num(r.gmv) >= tenth);
  if (contenders.length === 0) return [];
  const names = await db
    .selectFrom('artworks as w')
    .select(['w.id', 'w.title'])
    .where('w.id', 'in', [...new Set(contenders.map((r) => r.artwork_id))])
    .execute();
  const artists = await db
    .selectFrom('accounts')
    .select(['id', 'name', 'slug'])
    .where('id', 'in', [...new Set(contenders.map((r) => r.account_id))])
    .execute();
  const title = new Map(names.map((n) => [n.id, n.title]));
  const artist = new Map(artists.map((a) => [a.id, a]));
  return contenders
    .filter((r) => title.has(r.artwork_id) && artist.has(r.account_id))
    .map((r) => ({
      ...r,
      title: title.get(r.artwork_id)!,
      artist_name: artist.get(r.account_id)!.name,
      artist_slug: artist.get(r.account_id)!.slug,
    }))
    .sort((a, b) => num(b.gmv) - num(a.gmv) || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0))
    .slice(0, TOP);
}

const CHANNELS: OrderChannel[] = ['web', 'mcp', 'acp'];

/**
 * Sales and gross per order channel (web app, MCP key, ACP agent platform) and currency over the last 12 months,
 * counted like the monthly figures (duplicates left out); every channel appears for every currency, zero-filled.
 */
export async function channelBreakdown(db: DB, clock: Clock) {
  const { start, end } = lastMonths(clock.now());
  const rows = (
    await monthlySales(db, start, end)
      .select(['d.channel', 'd.currency', sql<string>`sum(d.sales)`.as('n'), sql<string>`sum(d.gross)`.as('gross')])
      .groupBy(['d.channel', 'd.currency'])
      .execute()
  ).filter((r) => num(r.n));
  const currencies = [...new Set(rows.map((r) => r.currency.trim()))].sort();
  const by = new Map(rows.map((r) => [`${r.channel}|${r.currency.trim()}`, r]));
  return currencies.flatMap((currency) =>
    CHANNELS.map((channel) => {
      const r = by.get(`${channel}|${currency}`);
      return { channel, currency, sales: num(r?.n), gross: num(r?.gross) };
    }),
  );
}

export interface TransactionFilters {
  status?: SaleStatus;
  accountId?: string;
  /** Inclusive UTC dates, `YYYY-MM-DD`. */
  from?: string;
  to?: string;
}

const dayStart = (d: string) => new Date(`${d}T00:00:00Z`);
const dayAfter = (d: string) => new Date(dayStart(d).getTime() + 86_400_000);

/** Sales as a filtered query, newest first; shared by the paginated list and the CSV exports. */
export function transactionsQuery(db: DB, f: TransactionFilters) {
  let q = db
    .selectFrom('marketplace_sales as s')
    .innerJoin('artworks as w', 'w.id', 's.artwork_id')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .innerJoin('orders as o', 'o.id', 's.order_id')
    .select([
      's.id',
      's.order_id',
      'o.channel',
      'o.agent_platform_id',
      's.account_id',
      'a.name as artist_name',
      'a.slug as artist_slug',
      's.artwork_id',
      'w.title',
      'w.edition_type',
      's.buyer_email',
      's.buyer_name',
      's.currency',
      's.price_amount',
      's.shipping_amount',
      's.amount',
      's.platform_fee',
      's.artist_amount',
      's.fee_bps',
      's.stripe_fee',
      's.amount_refunded',
      's.status',
      's.carrier',
      's.tracking_number',
      's.shipped_at',
      's.delivered_at',
      's.created_at',
    ]);
  if (f.status) q = q.where('s.status', '=', f.status);
  if (f.accountId) q = q.where('s.account_id', '=', f.accountId);
  if (f.from) q = q.where('s.created_at', '>=', dayStart(f.from));
  if (f.to) q = q.where('s.created_at', '<', dayAfter(f.to));
  return q.orderBy('s.created_at', 'desc').orderBy('s.id', 'desc');
}

export type TransactionRow = Awaited<ReturnType<ReturnType<typeof transactionsQuery>['execute']>>[number];

/** Maps a transaction row to the API shape; `platformNames` from agentPlatformNames for the rows' platforms. */
export function toTransaction(r: TransactionRow, platformNames: Map<string, string>) {
  return {
    id: r.id,
    orderId: r.order_id,
    accountId: r.account_id,
    channel: r.channel as OrderChannel,
    agentPlatformName: r.agent_platform_id ? (platformNames.get(r.agent_platform_id) ?? null) : null,
    artist: { name: r.artist_name, slug: r.artist_slug },
    artwork: { id: r.artwork_id, title: r.title },
    buyerEmail: r.buyer_email,
    buyerName: r.buyer_name,
    currency: r.currency.trim(),
    amount: num(r.amount),
    platformFee: num(r.platform_fee),
    artistAmount: num(r.artist_amount),
    stripeFee: r.stripe_fee == null ? null : num(r.stripe_fee),
    amountRefunded: num(r.amount_refunded),
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** One keyset page of transactions, newest first, with the filtered total (capped at 1,000). */
export async function listTransactions(db: DB, f: TransactionFilters & { cursor?: string; limit: number }) {
  const cursor = decodeCursor(f.cursor);
  const base = transactionsQuery(db, f);
  const found = await (cursor ? base.where(afterCursor('s.created_at', 's.id', cursor, 'desc')) : base)
    .select(cursorAt('s.created_at').as('cursor_at'))
    .limit(f.limit + 1)
    .execute();
  const { rows, nextCursor } = keysetPage(found, f.limit);
  const count = await cappedCount(db, transactionsQuery(db, f).clearSelect().clearOrderBy());
  const names = await agentPlatformNames(
    db,
    rows.map((r) => r.agent_platform_id),
  );
  return { data: rows.map((r) => toTransaction(r, names)), nextCursor, limit: f.limit, ...count };
}

/** One keyset page of refunds, newest first; `owed` keeps only those the artist's balance could not cover. */
export async function listRefunds(db: DB, f: { accountId?: string; owed?: boolean; cursor?: string; limit: number }) {
  const cursor = decodeCursor(f.cursor);
  let q = db
    .selectFrom('marketplace_refunds as r')
    .innerJoin('marketplace_sales as s', 's.id', 'r.sale_id')
    .innerJoin('artworks as w', 'w.id', 's.artwork_id')
    .innerJoin('accounts as a', 'a.id', 'r.account_id')
    .leftJoin('users as u', 'u.id', 'r.created_by');
  if (f.accountId) q = q.where('r.account_id', '=', f.accountId);
  if (f.owed) q = q.where(sql<boolean>`r.amount_owed > 0`);
  const found = await (cursor ? q.where(afterCursor('r.created_at', 'r.id', cursor, 'desc')) : q)
    .select(cursorAt('r.created_at').as('cursor_at'))
    .select([
      'r.id',
      'r.sale_id',
      'r.account_id',
      'a.name as artist_name',
      'a.slug as artist_slug',
      'w.title',
      's.currency',
      'r.amount',
      'r.fee_refunded',
      'r.transfer_reversed',
      'r.amount_owed',
      'r.reason',
      'u.email as created_by_email',
      'r.created_at',
    ])
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const { rows, nextCursor } = keysetPage(found, f.limit);
  const count = await cappedCount(db, q);
  const owed = await db
    .selectFrom('marketplace_refunds as r')
    .innerJoin('marketplace_sales as s', 's.id', 'r.sale_id')
    .select(['s.currency', sql<string>`sum(r.amount_owed)`.as('owed')])
    .where(sql<boolean>`r.amount_owed > 0`)
    .$if(Boolean(f.accountId), (qb) => qb.where('r.account_id', '=', f.accountId as string))
    .groupBy('s.currency')
    .execute();
  return {
    data: rows.map((r) => ({
      id: r.id,
      saleId: r.sale_id,
      accountId: r.account_id,
      artist: { name: r.artist_name, slug: r.artist_slug },
      artworkTitle: r.title,
      currency: r.currency.trim(),
      amount: num(r.amount),
      feeRefunded: num(r.fee_refunded),
      transferReversed: num(r.transfer_reversed),
      amountOwed: num(r.amount_owed),
      reason: r.reason,
      createdBy: r.created_by_email ?? null,
      createdAt: new Date(r.created_at).toISOString(),
    })),
    nextCursor,
    limit: f.limit,
    ...count,
    owedTotals: owed.map((o) => ({ currency: o.currency.trim(), amount: num(o.owed) })),
  };
}
