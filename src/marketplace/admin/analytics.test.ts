import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBadCursorsRefused, walkPages } from '../../../test/cursor-pages.ts';
import {
  insertArtistAccount,
  insertArtwork,
  insertOrder,
  insertRefund,
  insertSale,
} from '../../../test/fixtures/marketplace-admin.ts';
import { testClient, testDeps } from '../../../test/http.ts';
import { signUpAndConfirm } from '../../accounts/testing.ts';
import { fixedClock } from '../../clock.ts';
import type { Database } from '../../db/connect.ts';
import { withService, withUser } from '../../db/tenancy.ts';
import { createDemoTestDatabase } from '../../db/testing.ts';
import { createApp } from '../../http/app.ts';
import { lastMonths, monthlyMetrics, topSellers } from './analytics.ts';

let database: Database;
let app: ReturnType<typeof createApp>;
const clock = fixedClock('2026-06-15T12:00:00Z');
const ids: Record<string, string> = {};

const db = () => database.db;
const userId = async (email: string) =>
  (
    await withService(db(), (tx) =>
      tx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow(),
    )
  ).id;

beforeAll(async () => {
  database = await createDemoTestDatabase();
  app = createApp(testDeps(database, { clock }));
  // Metrics must not be padded by demo data: start from empty money tables.
  await withService(db(), async (tx) => {
    await sql`delete from marketplace_refunds`.execute(tx);
    await sql`delete from marketplace_sales`.execute(tx);
    await sql`update artworks set reserved_order_id = null`.execute(tx);
    await sql`delete from orders where offering_type = 'artwork'`.execute(tx);
  });
  const r = await signUpAndConfirm(testClient(app), db(), { email: 'artist-b@example.com', name: 'B' });
  ids.userB = r.user.id;
  ids.A = (
    await withService(db(), (tx) =>
      tx.selectFrom('accounts').select('id').where('slug', '=', 'mira-okafor').executeTakeFirstOrThrow(),
    )
  ).id;
  ids.B = await insertArtistAccount(db(), ids.userB, 'artist-b', 'Bea Artist');
  const A = ids.A;
  const B = ids.B;
  const w0 = await insertArtwork(db(), A, 'Before the window');
  const w1 = await insertArtwork(db(), A, 'First Light');
  const w2 = await insertArtwork(db(), A, 'Returned Piece');
  const w3 = await insertArtwork(db(), B, 'Dollar Study', 'usd');
  const w4 = await insertArtwork(db(), B, 'Half Back');
  // Window for 2026-06-15 is 2025-07 .. 2026-06 (UTC).
  await insertSale(db(), {
    accountId: A,
    artworkId: w0,
    currency: 'eur',
    amount: 999,
    fee: 499,
    at: '2025-06-30T23:59:59Z',
  });
  await insertSale(db(), {
    accountId: A,
    artworkId: w1,
    currency: 'eur',
    amount: 10_000,
    fee: 5_000,
    at: '2025-07-01T00:30:00Z',
  });
  const s2 = await insertSale(db(), {
    accountId: A,
    artworkId: w2,
    currency: 'eur',
    amount: 25_000,
    fee: 12_500,
    at: '2026-01-10T10:00:00Z',
    status: 'refunded',
    amountRefunded: 25_000,
  });
  await insertSale(db(), {
    accountId: B,
    artworkId: w3,
    currency: 'usd',
    amount: 4_001,
    fee: 2_000,
    at: '2026-01-20T10:00:00Z',
  });
  const s4 = await insertSale(db(), {
    accountId: B,
    artworkId: w4,
    currency: 'eur',
    amount: 8_000,
    fee: 2_000,
    at: '2026-03-05T10:00:00Z',
    status: 'partially_refunded',
    amountRefunded: 3_000,
  });
  // A second payment for the sold original w2: refunded automatically, never GMV.
  const dup = await insertSale(db(), {
    accountId: A,
    artworkId: w2,
    currency: 'eur',
    amount: 25_000,
    fee: 12_500,
    at: '2026-05-01T10:00:00Z',
    status: 'duplicate_refunded',
    amountRefunded: 25_000,
  });
  await insertRefund(db(), { saleId: s4, accountId: B, amount: 3_000, fee: 750, at: '2026-04-02T10:00:00Z' });
  await insertRefund(db(), { saleId: dup, accountId: A, amount: 25_000, fee: 12_500, at: '2026-05-02T10:00:00Z' });
  await insertRefund(db(), {
    saleId: s2,
    accountId: A,
    amount: 25_000,
    fee: 12_500,
    owed: 4_000,
    at: '2026-06-01T10:00:00Z',
  });
  // Checkouts that never paid, one order without a session and a print order: only the first count as started.
  for (const at of ['2026-01-02T00:00:00Z', '2026-01-31T23:59:59Z', '2026-03-09T00:00:00Z']) {
    await insertOrder(db(), { accountId: A, currency: 'eur', amount: 5_000, at, paid: false });
  }
  await insertOrder(db(), {
    accountId: A,
    currency: 'eur',
    amount: 5_000,
    at: '2026-03-09T00:00:00Z',
    paid: false,
    session: false,
  });
  await withService(db(), (tx) =>
    sql`insert into orders (account_id, buyer_email, offering_type, currency, subtotal, total, status, stripe_checkout_session_id, paid_at, created_at)
        values (${A}, 'p@example.com', 'print', 'eur', 100, 100, 'paid', 'cs_print_1', now(), '2026-03-10T00:00:00Z')`.execute(
      tx,
    ),
  );
});
afterAll(() => database.close());

const zeroMonth = { sales: 0, gross: 0, refunds: 0, gmv: 0, fees: 0, feesRefunded: 0, feeRevenue: 0 };

describe('marketplace metrics', () => {
  it('lists the last 12 UTC months ending with the clock month', () => {
    const { months, start, end } = lastMonths(new Date('2026-01-31T23:59:59Z'));
    expect(months[0]).toBe('2025-02');
    expect(months[11]).toBe('2026-01');
    expect(months).toHaveLength(12);
    expect(start.toISOString()).toBe('2025-02-01T00:00:00.000Z');
    expect(end.toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });

  it('reports GMV and fee revenue per month and currency, zero-filled, net of refunds, without duplicates', async () => {
    const admin = testClient(app);
    await admin.signIn('admin@demo.gallerist.dev');
    const r = await admin.get('/api/admin/marketplace/metrics');
    expect(r.status).toBe(200);
    const m = r.body;
    expect(m.months).toEqual([
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
    ]);
    expect(m.currencies).toEqual(['eur', 'usd']);
    expect(m.series).toHaveLength(24);
    const at = (month: string, currency: string) =>
      m.series.find((s: { month: string; currency: string }) => s.month === month && s.currency === currency);
    expect(at('2025-07', 'eur')).toEqual({
      month: '2025-07',
      currency: 'eur',
      ...zeroMonth,
      sales: 1,
      gross: 10_000,
      gmv: 10_000,
      fees: 5_000,
      feeRevenue: 5_000,
    });
    expect(at('2025-10', 'eur')).toEqual({ month: '2025-10', currency: 'eur', ...zeroMonth });
    expect(at('2026-02', 'usd')).toEqual({ month: '2026-02', currency: 'usd', ...zeroMonth });
    expect(at('2026-01', 'eur')).toMatchObject({
      sales: 1,
      gross: 25_000,
      gmv: 25_000,
      fees: 12_500,
      feeRevenue: 12_500,
    });
    expect(at('2026-01', 'usd')).toMatchObject({ sales: 1, gross: 4_001, gmv: 4_001, fees: 2_000, feeRevenue: 2_000 });
    expect(at('2026-03', 'eur')).toMatchObject({ sales: 1, gross: 8_000, gmv: 8_000, fees: 2_000 });
    expect(at('2026-04', 'eur')).toMatchObject({
      sales: 0,
      refunds: 3_000,
      gmv: -3_000,
      feesRefunded: 750,
      feeRevenue: -750,
    });
    // The duplicate payment and its refund in May leave no trace.
    expect(at('2026-05', 'eur')).toMatchObject(zeroMonth);
    expect(at('2026-06', 'eur')).toMatchObject({ refunds: 25_000, gmv: -25_000, feeRevenue: -12_500 });
    expect(m.totals).toEqual([
      { currency: 'eur', sales: 3, gmv: 15_000, feeRevenue: 6_250 },
      { currency: 'usd', sales: 1, gmv: 4_001, feeRevenue: 2_000 },
    ]);
  });

  it('computes conversion from checkouts started to paid per month', async () => {
    const admin = testClient(app);
    await admin.signIn('admin@demo.gallerist.dev');
    const m = (await admin.get('/api/admin/marketplace/metrics')).body;
    const conv = Object.fromEntries(
      m.conversion.map((c: { month: string; started: number; paid: number; rate: number | null }) => [c.month, c]),
    );
    expect(conv['2025-07']).toEqual({ month: '2025-07', started: 1, paid: 1, rate: 1 });
    expect(conv['2026-01']).toEqual({ month: '2026-01', started: 4, paid: 2, rate: 0.5 });
    expect(conv['2026-03']).toEqual({ month: '2026-03', started: 2, paid: 1, rate: 0.5 });
    expect(conv['2026-05']).toEqual({ month: '2026-05', started: 1, paid: 1, rate: 1 });
    expect(conv['2025-09']).toEqual({ month: '2025-09', started: 0, paid: 0, rate: null });
    expect(m.conversionTotal).toEqual({ started: 8, paid: 5, rate: 5 / 8 });
    // Every sale here came through the web app: the web channel carries each currency's sales, the others zero.
    type ChannelRow = { channel: string; currency: string; sales: number; gross: number };
    for (const t of m.totals as Array<{ currency: string; sales: number }>) {
      const rows = (m.channels as ChannelRow[]).filter((c) => c.currency === t.currency);
      expect(rows.map((c) => c.channel)).toEqual(['web', 'mcp', 'acp']);
      expect(rows[0].sales).toBe(t.sales);
      expect(rows.slice(1).every((c) => c.sales === 0 && c.gross === 0)).toBe(true);
    }
  });

  it('ranks top artworks and artists by net GMV per currency', async () => {
    const admin = testClient(app);
    await admin.signIn('admin@demo.gallerist.dev');
    const { top } = (await admin.get('/api/admin/marketplace/metrics')).body;
    expect(
      top.artworks.map((a: { title: string; gmv: number; currency: string }) => [a.title, a.currency, a.gmv]),
    ).toEqual([
      ['First Light', 'eur', 10_000],
      ['Half Back', 'eur', 5_000],
      ['Dollar Study', 'usd', 4_001],
      ['Returned Piece', 'eur', 0],
    ]);
    expect(
      top.artists.map((a: { slug: string; gmv: number; sales: number; feeRevenue: number }) => [
        a.slug,
        a.gmv,
        a.sales,
        a.feeRevenue,
      ]),
    ).toEqual([
      ['mira-okafor', 10_000, 2, 5_000],
      ['artist-b', 5_000, 1, 1_250],
      ['artist-b', 4_001, 1, 2_000],
    ]);
  });

  it('moves the window with the injected clock', async () => {
    const later = fixedClock('2027-02-01T00:00:00Z');
    const m = await withService(db(), (tx) => monthlyMetrics(tx, later));
    expect(m.months[0]).toBe('2026-03');
    expect(m.totals.find((t) => t.currency === 'eur')).toEqual({
      currency: 'eur',
      sales: 1,
      gmv: 8_000 - 3_000 - 25_000,
      feeRevenue: 2_000 - 750 - 12_500,
    });
  });
});

describe('transactions and refunds lists', () => {
  it('filters transactions by status, artist and inclusive date range, and pages', async () => {
    const admin = testClient(app);
    await admin.signIn('admin@demo.gallerist.dev');
    const all = await admin.get('/api/admin/marketplace/transactions?limit=4');
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(6);
    expect(all.body.data).toHaveLength(4);
    expect(all.body.data[0]).toMatchObject({
      status: 'duplicate_refunded',
      amount: 25_000,
      platformFee: 12_500,
      artistAmount: 12_500,
      channel: 'web',
      agentPlatformName: null,
    });
    const p2 = await admin.get(`/api/admin/marketplace/transactions?limit=4&cursor=${all.body.nextCursor}`);
    expect(p2.body.data).toHaveLength(2);
    expect(p2.body.nextCursor).toBeNull();
    const partial = await admin.get('/api/admin/marketplace/transactions?status=partially_refunded');
    expect(partial.body.data.map((t: { artwork: { title: string } }) => t.artwork.title)).toEqual(['Half Back']);
    const b = await admin.get(`/api/admin/marketplace/transactions?accountId=${ids.B}`);
    expect(b.body.total).toBe(2);
    const jan = await admin.get('/api/admin/marketplace/transactions?from=2026-01-10&to=2026-01-20');
    expect(jan.body.data.map((t: { artwork: { title: string } }) => t.artwork.title)).toEqual([
      'Dollar Study',
      'Returned Piece',
    ]);
    expect((await admin.get('/api/admin/marketplace/transactions?from=2026-02-01&to=2026-01-01')).status).toBe(400);
    expect((await admin.get('/api/admin/marketplace/transactions?status=lost')).status).toBe(400);
    expect((await admin.get('/api/admin/marketplace/transactions?from=yesterday')).status).toBe(400);
  });

  it('lists refunds with the amount owed and per-currency owed totals', async () => {
    const admin = testClient(app);
    await admin.signIn('admin@demo.gallerist.dev');
    const r = await admin.get('/api/admin/marketplace/refunds');
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(3);
    expect(r.body.data[0]).toMatchObject({
      artworkTitle: 'Returned Piece',
      amount: 25_000,
      feeRefunded: 12_500,
      transferReversed: 12_500,
      amountOwed: 4_000,
    });
    const owed = await admin.get('/api/admin/marketplace/refunds?owed=true');
    expect(owed.body.total).toBe(1);
    expect(owed.body.owedTotals).toEqual([{ currency: 'eur', amount: 4_000 }]);
    const b = await admin.get(`/api/admin/marketplace/refunds?accountId=${ids.B}`);
    expect(b.body.data.map((x: { amount: number }) => x.amount)).toEqual([3_000]);
    expect(b.body.owedTotals).toEqual([]);
  });
});

describe('fee settings', () => {
  it('reads and updates the platform fee and return window, audited; bad input writes nothing', async () => {
    const admin = testClient(app);
    await admin.signIn('admin@demo.gallerist.dev');
    const g = await admin.get('/api/admin/marketplace/settings');
    expect(g.body).toMatchObject({ feeBps: 5000, returnWindowDays: 7 });
    for (const bad of [
      { feeBps: 10_001, returnWindowDays: 7 },
      { feeBps: 12.5, returnWindowDays: 7 },
      { feeBps: 4000 },
      { feeBps: 4000, returnWindowDays: 7, x: 1 },
    ]) {
      expect((await admin.put('/api/admin/marketplace/settings', bad)).status).toBe(400);
    }
    expect((await admin.get('/api/admin/marketplace/settings')).body.feeBps).toBe(5000);
    const u = await admin.put('/api/admin/marketplace/settings', { feeBps: 4000, returnWindowDays: 14 });
    expect(u.status).toBe(200);
    expect(u.body).toMatchObject({ feeBps: 4000, returnWindowDays: 14 });
    const ev = await withService(db(), (tx) =>
      tx.selectFrom('audit_events').selectAll().where('action', '=', 'marketplace.settings_updated').execute(),
    );
    expect(ev).toHaveLength(1);
    expect(ev[0].actor_user_id).toBe(await userId('admin@demo.gallerist.dev'));
    expect(ev[0].before).toEqual({ feeBps: 5000, returnWindowDays: 7 });
    await admin.put('/api/admin/marketplace/settings', { feeBps: 5000, returnWindowDays: 7 });
  });

  it('sets and clears a per-artist override', async () => {
    const admin = testClient(app);
    await admin.signIn('admin@demo.gallerist.dev');
    expect((await admin.put(`/api/admin/marketplace/artists/${ids.B}/fee`, { feeBps: 2500 })).status).toBe(200);
    let s = (await admin.get('/api/admin/marketplace/settings')).body;
    expect(s.overrides).toEqual([{ accountId: ids.B, name: 'Bea Artist', slug: 'artist-b', feeBps: 2500 }]);
    expect((await admin.put(`/api/admin/marketplace/artists/${ids.B}/fee`, { feeBps: null })).status).toBe(200);
    s = (await admin.get('/api/admin/marketplace/settings')).body;
    expect(s.overrides).toEqual([]);
    const missing = await admin.put('/api/admin/marketplace/artists/00000000-0000-4000-8000-000000000000/fee', {
      feeBps: 1,
    });
    expect(missing.status).toBe(404);
  });
});

describe('access control and RLS', () => {
  it('closes every admin marketplace endpoint to artists (403) and visitors (401)', async () => {
    const artist = testClient(app);
    await artist.signIn('artist@demo.gallerist.dev');
    for (const path of [
      '/api/admin/marketplace/metrics',
      '/api/admin/marketplace/transactions',
      '/api/admin/marketplace/transactions.csv',
      '/api/admin/marketplace/refunds',
      '/api/admin/marketplace/settings',
    ]) {
      expect((await artist.get(path)).status, path).toBe(403);
      expect((await testClient(app).get(path)).status, path).toBe(401);
    }
    const put = await artist.put('/api/admin/marketplace/settings', { feeBps: 0, returnWindowDays: 0 });
    expect(put.status).toBe(403);
    expect((await artist.put(`/api/admin/marketplace/artists/${ids.A}/fee`, { feeBps: 0 })).status).toBe(403);
    const row = await withService(db(), (tx) =>
      tx.selectFrom('marketplace_settings').selectAll().executeTakeFirstOrThrow(),
    );
    expect(row.fee_bps).toBe(5000);
    const profile = await withService(db(), (tx) =>
      tx.selectFrom('artist_profiles').select('fee_bps').where('account_id', '=', ids.A).executeTakeFirstOrThrow(),
    );
    expect(profile.fee_bps).toBeNull();
  });

  it('lets RLS, not just the route, keep one artist out of another artist’s money', async () => {
    // Even the metrics function, run as artist B, sees nothing: the platform's rollups are the platform admin's.
    const m = await withUser(db(), { sub: ids.userB }, (tx) => monthlyMetrics(tx, clock));
    expect(m.totals).toEqual([]);
    expect(m.conversionTotal.started).toBe(0);
    const rollups = [
      'marketplace_daily_sales',
      'marketplace_daily_checkouts',
      'marketplace_monthly_sales',
      'marketplace_artwork_sales',
    ] as const;
    for (const table of rollups) {
      const rows = await withUser(db(), { sub: ids.userB }, (tx) => tx.selectFrom(table).selectAll().execute());
      expect(rows, table).toEqual([]);
      await expect(
        withUser(db(), { sub: ids.userB }, (tx) => tx.deleteFrom(table).execute()),
        table,
      ).rejects.toThrow(/permission denied/);
    }
    const sales = await withUser(db(), { sub: ids.userB }, (tx) =>
      tx.selectFrom('marketplace_sales').select('account_id').execute(),
    );
    expect(new Set(sales.map((s) => s.account_id))).toEqual(new Set([ids.B]));
    const refunds = await withUser(db(), { sub: ids.userB }, (tx) =>
      tx.selectFrom('marketplace_refunds').select('account_id').execute(),
    );
    expect(refunds.every((r) => r.account_id === ids.B)).toBe(true);
    // Settings are readable by any signed-in user but writable only by the server.
    await expect(
      withUser(db(), { sub: ids.userB }, (tx) => tx.updateTable('marketplace_settings').set({ fee_bps: 0 }).execute()),
    ).rejects.toThrow(/permission denied/);
    await expect(
      withUser(db(), { sub: ids.userB }, (tx) =>
        tx.updateTable('artist_profiles').set({ fee_bps: 0 }).where('account_id', '=', ids.B).execute(),
      ),
    ).rejects.toThrow(/permission denied/);
  });
});

// Issue 17: both admin lists page by cursor, stable while sales and refunds arrive; a cursor never widens a filter.
describe('transactions and refunds by cursor', () => {
  let works: string[] = [];
  let serial = 0;
  const sell = async (accountId: string, at: string) => {
    const artworkId = await insertArtwork(db(), accountId, `Cursor work ${serial++}`);
    works.push(artworkId);
    return insertSale(db(), { accountId, artworkId, currency: 'eur', amount: 2_000, fee: 1_000, at });
  };

  beforeAll(async () => {
    works = [];
    for (let i = 0; i < 9; i++) await sell(ids.B, `2026-05-0${1 + Math.floor(i / 3)}T00:00:00Z`);
  });

  it('walks an artist’s transactions once each, newest first, while sales arrive between pages', async () => {
    const admin = testClient(app);
    await admin.signIn('admin@demo.gallerist.dev');
    const path = `/api/admin/marketplace/transactions?accountId=${ids.B}`;
    const before = (await admin.get(`${path}&limit=100`)).body;
    expect(before).toMatchObject({ total: 11, totalCapped: false, nextCursor: null });
    const walk = await walkPages(admin.get, `${path}&limit=3`, (page) =>
      sell(ids.B, `2026-06-0${page}T00:00:00Z`).then(() => undefined),
    );
    expect(walk.pages).toBe(4);
    expect(walk.rows.map((t) => t.id)).toEqual(before.data.map((t: { id: string }) => t.id));
    expect(walk.rows.every((t) => t.accountId === ids.B)).toBe(true);
    await expectBadCursorsRefused(admin.get, path, walk.answers[0].nextCursor);
    // B's cursor on A's list: A's rows only.
    const a = await admin.get(
      `/api/admin/marketplace/transactions?accountId=${ids.A}&cursor=${walk.answers[0].nextCursor}`,
    );
    expect(a.status).toBe(200);
    expect(a.body.data.every((t: { accountId: string }) => t.accountId === ids.A)).toBe(true);
    const artist = testClient(app);
    await artist.signIn('artist@demo.gallerist.dev');
    expect((await artist.get(`${path}&cursor=${walk.answers[0].nextCursor}`)).status).toBe(403);
  });

  it('walks refunds once each, newest first, while refunds arrive between pages', async () => {
    const sales = await withService(db(), (tx) =>
      tx.selectFrom('marketplace_sales').select('id').where('artwork_id', 'in', works).execute(),
    );
    for (const [i, sale] of sales.slice(0, 7).entries())
      await insertRefund(db(), {
        saleId: sale.id,
        accountId: ids.B,
        amount: 100,
        fee: 50,
        at: `2026-05-1${i}T00:00:00Z`,
      });
    const admin = testClient(app);
    await admin.signIn('admin@demo.gallerist.dev');
    const path = `/api/admin/marketplace/refunds?accountId=${ids.B}`;
    const before = (await admin.get(`${path}&limit=100`)).body;
    expect(before.nextCursor).toBeNull();
    let next = 7;
    const walk = await walkPages(admin.get, `${path}&limit=3`, async () => {
      const sale = sales[next++ % sales.length];
      await insertRefund(db(), { saleId: sale.id, accountId: ids.B, amount: 10, fee: 5, at: '2026-06-20T00:00:00Z' });
    });
    expect(walk.rows.map((r) => r.id)).toEqual(before.data.map((r: { id: string }) => r.id));
    expect(walk.answers[0].total).toBe(before.total);
    await expectBadCursorsRefused(admin.get, path, walk.answers[0].nextCursor);
    const a = await admin.get(
      `/api/admin/marketplace/refunds?accountId=${ids.A}&limit=100&cursor=${walk.answers[0].nextCursor}`,
    );
    expect(a.body.data.every((r: { accountId: string }) => r.accountId === ids.A)).toBe(true);
  });
});

// Issue 17: the metrics read daily rollups kept by triggers (migration 0118). Whatever happens to the rows they
// count, they must equal a scan of those rows.
describe('metrics rollups', () => {
  const scanSales = sql<Record<string, unknown>>`
    with s as (
      select s.*, o.channel from marketplace_sales s join orders o on o.id = s.order_id
      where s.status <> 'duplicate_refunded'
    ), c as (
      select app.utc_day(created_at) as day, account_id, artwork_id, currency, channel, 1 as sales, amount as gross,
        platform_fee as fees, 0 as refunds, 0 as fees_refunded, 0 as sale_refunds, 0 as sale_fees_refunded from s
      union all
      select app.utc_day(r.created_at), s.account_id, s.artwork_id, s.currency, s.channel, 0, 0, 0, r.amount,
        r.fee_refunded, 0, 0 from marketplace_refunds r join s on s.id = r.sale_id
      union all
      select app.utc_day(s.created_at), s.account_id, s.artwork_id, s.currency, s.channel, 0, 0, 0, 0, 0, r.amount,
        r.fee_refunded from marketplace_refunds r join s on s.id = r.sale_id
    )
    select day::text as day, account_id, artwork_id, currency, channel, sum(sales)::int as sales,
      sum(gross)::int as gross, sum(fees)::int as fees, sum(refunds)::int as refunds,
      sum(fees_refunded)::int as fees_refunded, sum(sale_refunds)::int as sale_refunds,
      sum(sale_fees_refunded)::int as sale_fees_refunded
    from c group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`;
  const rolledSales = sql<Record<string, unknown>>`
    select day::text as day, account_id, artwork_id, currency, channel, sales, gross::int as gross,
      fees::int as fees, refunds::int as refunds, fees_refunded::int as fees_refunded,
      sale_refunds::int as sale_refunds, sale_fees_refunded::int as sale_fees_refunded
    from marketplace_daily_sales
    where sales <> 0 or gross <> 0 or fees <> 0 or refunds <> 0 or fees_refunded <> 0 or sale_refunds <> 0
      or sale_fees_refunded <> 0
    order by 1, 2, 3, 4, 5`;
  const scanCheckouts = sql<Record<string, unknown>>`
    select app.utc_day(created_at)::text as day, account_id, count(*)::int as started,
      (count(*) filter (where paid_at is not null))::int as paid
    from orders where offering_type = 'artwork' and stripe_checkout_session_id is not null
    group by 1, 2 order by 1, 2`;
  const rolledCheckouts = sql<Record<string, unknown>>`
    select day::text as day, account_id, started, paid from marketplace_daily_checkouts
    where started <> 0 or paid <> 0 order by 1, 2`;

  // The coarser rollups (0120) against the daily one, which the scan checks: per month summed over the shards, and
  // per artwork over all time.
  // Both group the same sums the same way: by month, seller, currency and channel (the shards summed).
  const byMonth = (month: string, table: string) => sql<Record<string, unknown>>`
    select to_char(${sql.ref(month)}, 'YYYY-MM') as month, account_id, currency, channel, sum(sales)::int as sales,
      sum(gross)::int as gross, sum(fees)::int as fees, sum(refunds)::int as refunds,
      sum(fees_refunded)::int as fees_refunded, sum(sale_refunds)::int as sale_refunds,
      sum(sale_fees_refunded)::int as sale_fees_refunded
    from ${sql.table(table)} group by 1, 2, 3, 4
    having sum(sales) <> 0 or sum(gross) <> 0 or sum(refunds) <> 0 or sum(sale_refunds) <> 0
    order by 1, 2, 3, 4`;
  const monthlyFromDaily = byMonth('day', 'marketplace_daily_sales');
  const rolledMonthly = byMonth('month', 'marketplace_monthly_sales');
  const artworksFromDaily = sql<Record<string, unknown>>`
    select artwork_id, account_id, currency, sum(sales)::int as sales, sum(gross - sale_refunds)::int as net
    from marketplace_daily_sales group by 1, 2, 3 having sum(sales) <> 0 or sum(gross - sale_refunds) <> 0
    order by 1, 2, 3`;
  const rolledArtworks = sql<Record<string, unknown>>`
    select artwork_id, account_id, currency, sales, net::int as net from marketplace_artwork_sales
    where sales <> 0 or net <> 0 order by 1, 2, 3`;

  const expectRollupsEqualScan = async (step: string) => {
    const rows = await withService(db(), async (tx) =>
      Promise.all(
        [
          rolledSales,
          scanSales,
          rolledCheckouts,
          scanCheckouts,
          rolledMonthly,
          monthlyFromDaily,
          rolledArtworks,
          artworksFromDaily,
        ].map(async (q) => (await q.execute(tx)).rows),
      ),
    );
    const [rolled, scanned, rolledC, scannedC, monthly, monthlyScan, perArtwork, perArtworkScan] = rows;
    expect(scanned.length, step).toBeGreaterThan(0);
    expect(rolled, step).toEqual(scanned);
    expect(rolledC, step).toEqual(scannedC);
    expect(monthly, step).toEqual(monthlyScan);
    expect(perArtwork.length, step).toBeGreaterThan(0);
    expect(perArtwork, step).toEqual(perArtworkScan);
  };

  it('equal a scan of sales, refunds and artwork orders through inserts, updates and deletes', async () => {
    await expectRollupsEqualScan('fixtures');
    const w = await insertArtwork(db(), ids.A, 'Rollup Study');
    const sale = await insertSale(db(), {
      accountId: ids.A,
      artworkId: w,
      currency: 'eur',
      amount: 7_000,
      fee: 3_500,
      at: '2026-06-14T23:59:59Z',
    });
    await insertRefund(db(), { saleId: sale, accountId: ids.A, amount: 1_000, fee: 500, at: '2026-06-15T00:00:01Z' });
    await insertRefund(db(), { saleId: sale, accountId: ids.A, amount: 2_000, fee: 1_000, at: '2026-06-15T08:00:00Z' });
    await expectRollupsEqualScan('a sale with two refunds on the next UTC day');
    await withService(db(), async (tx) => {
      await tx
        .updateTable('marketplace_refunds')
        .set({ amount: 1_500 })
        .where('sale_id', '=', sale)
        .where(sql<boolean>`amount = 1000`)
        .execute();
      // Shipping and payout bookkeeping leave the figures alone; a paid-later checkout counts as paid.
      await tx
        .updateTable('marketplace_sales')
        .set({ status: 'shipped', stripe_fee: 230 })
        .where('id', '=', sale)
        .execute();
      await tx
        .updateTable('orders')
        .set({ paid_at: new Date('2026-06-15T09:00:00Z'), status: 'paid' })
        .where('offering_type', '=', 'artwork')
        .where('paid_at', 'is', null)
        .where('stripe_checkout_session_id', 'is not', null)
        .where('created_at', '=', new Date('2026-03-09T00:00:00Z'))
        .execute();
    });
    await expectRollupsEqualScan('a refund corrected, a sale shipped, a checkout paid late');
    await withService(db(), async (tx) => {
      // Deleting a sale takes its refunds along (cascade); deleting an unpaid order takes its checkout.
      await tx.deleteFrom('marketplace_sales').where('id', '=', sale).execute();
      await tx
        .deleteFrom('orders')
        .where('offering_type', '=', 'artwork')
        .where('paid_at', 'is', null)
        .where('created_at', '=', new Date('2026-01-02T00:00:00Z'))
        .execute();
    });
    await expectRollupsEqualScan('a sale with refunds and an unpaid order deleted');
  });
});

// Issue 17: the top artworks walk candidates best first by all-time net instead of summing every sale in the window;
// the ranking must be the one a full scan of the window gives, ties on the boundary included.
describe('top artworks by bounded walk', () => {
  const fullScan = sql<{ artwork_id: string; currency: string; gmv: string }>`
    select d.artwork_id, d.currency, sum(d.gross - d.sale_refunds) as gmv
    from marketplace_daily_sales d join artworks w on w.id = d.artwork_id
    where d.day >= '2025-07-01' and d.day < '2026-07-01'
    group by d.artwork_id, d.account_id, d.currency, w.title having sum(d.sales) > 0
    order by 3 desc, w.title collate "C" limit 10`;

  it('equals a full scan, with old bestsellers outside the window and ties at the tenth place', async () => {
    const at = (month: number) => `2026-${String(month).padStart(2, '0')}-10T10:00:00Z`;
    // Old bestsellers: the highest all-time nets, with nothing in the window, so the walk must pass them.
    for (let i = 0; i < 12; i++) {
      const w = await insertArtwork(db(), ids.A, `Old Hit ${i}`);
      const sale = { accountId: ids.A, artworkId: w, currency: 'eur', amount: 90_000 + i, fee: 100 };
      await insertSale(db(), { ...sale, at: '2025-03-01T10:00:00Z' });
    }
    // An edition with a big past and a small present: its bound is high, its window figure low.
    const edition = await insertArtwork(db(), ids.B, 'Edition Both Sides');
    await insertSale(db(), {
      accountId: ids.B,
      artworkId: edition,
      currency: 'eur',
      amount: 80_000,
      fee: 10,
      at: '2025-01-05T00:00:00Z',
    });
    await insertSale(db(), {
      accountId: ids.B,
      artworkId: edition,
      currency: 'eur',
      amount: 1_000,
      fee: 10,
      at: at(2),
    });
    // Many works at one price: the tenth place is a tie decided by title.
    for (let i = 0; i < 40; i++) {
      const w = await insertArtwork(db(), i % 2 ? ids.A : ids.B, `Tie ${String(39 - i).padStart(2, '0')}`);
      await insertSale(db(), {
        accountId: i % 2 ? ids.A : ids.B,
        artworkId: w,
        currency: 'eur',
        amount: 3_000,
        fee: 1_000,
        at: at(1 + (i % 5)),
      });
    }
    // A few above the tie, one of them partly refunded below it.
    for (const [title, amount] of [
      ['Above A', 9_000],
      ['Above B', 8_000],
      ['Refunded Down', 6_000],
    ] as const) {
      const w = await insertArtwork(db(), ids.A, title);
      const sale = await insertSale(db(), {
        accountId: ids.A,
        artworkId: w,
        currency: 'eur',
        amount,
        fee: 500,
        at: at(3),
      });
      if (title === 'Refunded Down') {
        await insertRefund(db(), { saleId: sale, accountId: ids.A, amount: 4_000, fee: 300, at: at(4) });
      }
    }
    const expected = (await withService(db(), (tx) => fullScan.execute(tx))).rows;
    const top = await withService(db(), (tx) => topSellers(tx, clock));
    expect(top.artworks.map((a) => [a.artworkId, a.currency, a.gmv])).toEqual(
      expected.map((r) => [r.artwork_id, r.currency.trim(), Number(r.gmv)]),
    );
    expect(top.artworks.some((a) => a.title.startsWith('Tie '))).toBe(true);
    expect(top.artworks.some((a) => a.title.startsWith('Old Hit'))).toBe(false);
  });
});
