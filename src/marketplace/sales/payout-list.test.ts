import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBadCursorsRefused, walkPages } from '../../../test/cursor-pages.ts';
import { testClient, testDeps } from '../../../test/http.ts';
import type { Database } from '../../db/connect.ts';
import { encodeCursor } from '../../db/keyset.ts';
import { withService } from '../../db/tenancy.ts';
import { createDemoTestDatabase } from '../../db/testing.ts';
import { createApp } from '../../http/app.ts';

// An artist's payouts page by cursor (issue 17): every payout once, newest first, while new ones arrive.

let database: Database;
let app: ReturnType<typeof createApp>;
const ids: Record<string, string> = {};
let serial = 0;

async function insertPayouts(accountId: string, n: number, at: string) {
  const tag = `po_list_${serial++}_`;
  await withService(database.db, (tx) =>
    sql`insert into marketplace_payouts (account_id, stripe_account_id, stripe_payout_id, amount, currency, status,
        created_at)
      select ${accountId}::uuid, 'acct_list', ${tag} || i, 1000 + i, 'eur', 'paid',
        ${at}::timestamptz - ((i / 3) * interval '1 second')
      from generate_series(1, ${n}) i`.execute(tx),
  );
}

beforeAll(async () => {
  database = await createDemoTestDatabase();
  app = createApp(testDeps(database));
  for (const a of await withService(database.db, (tx) => tx.selectFrom('accounts').select(['id', 'slug']).execute()))
    ids[a.slug] = a.id;
  await insertPayouts(ids['mira-okafor'], 23, '2026-03-01T00:00:00Z');
  await insertPayouts(ids['jonas-berg'], 12, '2026-03-01T00:00:00Z');
});

afterAll(async () => {
  await database?.close();
});

describe('artist payout list', () => {
  it('walks every payout once, newest first, while payouts arrive between pages; others’ never appear', async () => {
    const mira = ids['mira-okafor'];
    const c = testClient(app);
    await c.signIn('artist@demo.gallerist.dev');
    const before = (await c.get(`/api/marketplace/accounts/${mira}/payouts?limit=100`)).body;
    expect(before).toMatchObject({ total: 23, totalCapped: false, nextCursor: null });
    const walk = await walkPages(c.get, `/api/marketplace/accounts/${mira}/payouts?limit=5`, () =>
      insertPayouts(mira, 2, '2026-12-01T00:00:00Z'),
    );
    expect(walk.pages).toBe(5);
    expect(walk.answers[0]).toMatchObject({ limit: 5, total: 23 });
    expect(walk.rows.map((p) => p.id)).toEqual(before.data.map((p: { id: string }) => p.id));
    const times = walk.rows.map((p) => Date.parse(p.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // A fresh first page starts with the 10 that arrived meanwhile.
    const fresh = (await c.get(`/api/marketplace/accounts/${mira}/payouts?limit=10`)).body;
    expect(fresh.total).toBe(33);
    expect(fresh.data.every((p: { createdAt: string }) => p.createdAt.startsWith('2026-12-01'))).toBe(true);
  });

  it('refuses a tampered cursor and out-of-range limits with a 400 JSON error', async () => {
    const mira = ids['mira-okafor'];
    const c = testClient(app);
    await c.signIn('artist@demo.gallerist.dev');
    const first = await c.get(`/api/marketplace/accounts/${mira}/payouts?limit=2`);
    await expectBadCursorsRefused(c.get, `/api/marketplace/accounts/${mira}/payouts`, first.body.nextCursor);
    for (const limit of ['0', '101', 'abc']) {
      const r = await c.get(`/api/marketplace/accounts/${mira}/payouts?limit=${limit}`);
      expect(r.status, limit).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
  });

  it('a cursor naming another artist’s payout shows nothing of theirs; their list stays closed', async () => {
    const other = await withService(database.db, (tx) =>
      tx
        .selectFrom('marketplace_payouts')
        .select('id')
        .where('account_id', '=', ids['jonas-berg'])
        .executeTakeFirstOrThrow(),
    );
    const cursor = encodeCursor({ at: '2027-01-01T00:00:00.000000Z', id: other.id });
    const c = testClient(app);
    await c.signIn('artist@demo.gallerist.dev');
    const mine = await c.get(`/api/marketplace/accounts/${ids['mira-okafor']}/payouts?limit=100&cursor=${cursor}`);
    expect(mine.status).toBe(200);
    expect(mine.body.data.length).toBeGreaterThan(0);
    expect(mine.body.data.map((p: { id: string }) => p.id)).not.toContain(other.id);
    const theirs = await withService(database.db, (tx) =>
      tx.selectFrom('marketplace_payouts').select('id').where('account_id', '=', ids['jonas-berg']).execute(),
    );
    const leaked = new Set(theirs.map((p) => p.id));
    expect(mine.body.data.some((p: { id: string }) => leaked.has(p.id))).toBe(false);
    expect((await c.get(`/api/marketplace/accounts/${ids['jonas-berg']}/payouts?cursor=${cursor}`)).status).toBe(404);
  });
});
