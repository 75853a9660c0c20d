import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient, testDeps } from '../../test/http.ts';
import type { Database } from '../db/connect.ts';
import { encodeCursor } from '../db/keyset.ts';
import { withService } from '../db/tenancy.ts';
import { createDemoTestDatabase } from '../db/testing.ts';
import { createApp } from '../http/app.ts';

// The seller's orders list pages by cursor (issue 17): stable while orders arrive, a capped count, 400 on junk.

let database: Database;
let app: ReturnType<typeof createApp>;
const ids: Record<string, string> = {};
const seller = () => testClient(app);

async function insertOrders(accountId: string, n: number, opts: { email?: string; status?: string; at?: string }) {
  await withService(database.db, (tx) =>
    sql`insert into orders (account_id, buyer_email, offering_type, currency, subtotal, total, status, created_at)
      select ${accountId}::uuid, ${opts.email ?? 'list'} || i || '@buyers.test', 'print', 'eur', 1000, 1000,
        ${opts.status ?? 'paid'}, ${opts.at ?? '2026-03-01T00:00:00Z'}::timestamptz - ((i / 4) * interval '1 second')
      from generate_series(1, ${n}) i`.execute(tx),
  );
}

beforeAll(async () => {
  database = await createDemoTestDatabase();
  app = createApp(testDeps(database));
  for (const a of await withService(database.db, (tx) => tx.selectFrom('accounts').select(['id', 'slug']).execute()))
    ids[a.slug] = a.id;
});

afterAll(async () => {
  await database?.close();
});

describe('seller order list', () => {
  it('walks every order once, newest first, while new orders arrive between pages; others’ orders never appear', async () => {
    const studio = ids['lumen-photography'];
    await insertOrders(studio, 45, { status: 'refunded' });
    await insertOrders(ids['mira-okafor'], 30, { status: 'refunded', email: 'other' });
    const c = seller();
    await c.signIn('studio@demo.gallerist.dev');
    const seen: Array<{ id: string; accountId: string; createdAt: string }> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const r = await c.get(`/api/accounts/${studio}/orders?status=refunded&limit=10${q}`);
      expect(r.status).toBe(200);
      // The count follows the arrivals; the walk does not.
      expect(r.body).toMatchObject({ limit: 10, total: 45 + 3 * pages, totalCapped: false });
      seen.push(...r.body.data);
      cursor = r.body.nextCursor;
      pages++;
      await insertOrders(studio, 3, { status: 'refunded', at: '2026-12-01T00:00:00Z' });
    } while (cursor && pages < 20);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(45);
    expect(new Set(seen.map((o) => o.id)).size).toBe(45);
    expect(seen.every((o) => o.accountId === studio)).toBe(true);
    const times = seen.map((o) => Date.parse(o.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    // A fresh walk starts with the newest: the 15 orders that arrived meanwhile (3 per page).
    const first = await c.get(`/api/accounts/${studio}/orders?status=refunded&limit=15`);
    expect(first.body.total).toBe(60);
    expect(first.body.data.every((o: { createdAt: string }) => o.createdAt.startsWith('2026-12-01'))).toBe(true);
  });

  it('caps the count at 1,000 and says so', async () => {
    const studio = ids['lumen-photography'];
    await insertOrders(studio, 1010, { status: 'expired' });
    const c = seller();
    await c.signIn('studio@demo.gallerist.dev');
    const r = await c.get(`/api/accounts/${studio}/orders?status=expired&limit=100`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ total: 1000, totalCapped: true, limit: 100 });
    expect(r.body.data).toHaveLength(100);
    expect(r.body.nextCursor).toEqual(expect.any(String));
  });

  it('refuses a tampered cursor and out-of-range limits with a 400 JSON error', async () => {
    const studio = ids['lumen-photography'];
    const c = seller();
    await c.signIn('studio@demo.gallerist.dev');
    const first = await c.get(`/api/accounts/${studio}/orders?limit=2`);
    const good: string = first.body.nextCursor;
    const forged = Buffer.from(JSON.stringify(["2026-01-01' or 1=1 --", studio])).toString('base64url');
    for (const cursor of ['garbage', `${good.slice(0, -4)}AAAA`, forged, 'x'.repeat(301)]) {
      const r = await c.get(`/api/accounts/${studio}/orders?cursor=${encodeURIComponent(cursor)}`);
      expect(r.status, cursor).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/json');
      expect(['bad_request', 'validation_failed']).toContain(r.body.error.code);
    }
    expect((await c.get(`/api/accounts/${studio}/orders?cursor=garbage`)).body.error.code).toBe('bad_request');
    for (const limit of ['0', '101', 'abc', '-5']) {
      const r = await c.get(`/api/accounts/${studio}/orders?limit=${limit}`);
      expect(r.status, limit).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
    expect((await c.get(`/api/accounts/${studio}/orders?limit=100`)).body.data).toHaveLength(100);
  });

  it('a cursor naming another account’s order shows nothing of that account', async () => {
    const other = await withService(database.db, (tx) =>
      tx
        .selectFrom('orders')
        .select(['id', 'created_at'])
        .where('account_id', '=', ids['mira-okafor'])
        .executeTakeFirstOrThrow(),
    );
    const cursor = encodeCursor({ at: '2027-01-01T00:00:00.000000Z', id: other.id });
    const c = seller();
    await c.signIn('studio@demo.gallerist.dev');
    const r = await c.get(`/api/accounts/${ids['lumen-photography']}/orders?limit=100&cursor=${cursor}`);
    expect(r.status).toBe(200);
    expect(r.body.data.every((o: { accountId: string }) => o.accountId === ids['lumen-photography'])).toBe(true);
    // And a non-member asking for the studio's orders gets 404, cursor or not.
    const outsider = seller();
    await outsider.signIn('member@demo.gallerist.dev');
    expect((await outsider.get(`/api/accounts/${ids['lumen-photography']}/orders?cursor=${cursor}`)).status).toBe(404);
  });
});
