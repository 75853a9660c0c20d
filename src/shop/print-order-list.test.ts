import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient, testDeps } from '../../test/http.ts';
import type { Database } from '../db/connect.ts';
import { withService } from '../db/tenancy.ts';
import { createDemoTestDatabase } from '../db/testing.ts';
import { createApp } from '../http/app.ts';

// The studio's print orders: cursor pages, a capped count, and search by a fragment of the buyer's email or name.

let database: Database;
let app: ReturnType<typeof createApp>;
let studio = '';
let otherStudio = '';

async function insertPrintOrders(accountId: string, n: number, email: string, name: string) {
  await withService(database.db, async (tx) => {
    const rows = await sql<{ id: string }>`
      insert into orders (account_id, buyer_email, offering_type, currency, subtotal, total, status, created_at)
      select ${accountId}::uuid, replace(${email}, '#', i::text), 'print', 'eur', 1000, 1000, 'paid',
        '2026-04-01T00:00:00Z'::timestamptz - (i * interval '1 minute')
      from generate_series(1, ${n}) i
      returning id`.execute(tx);
    await tx
      .insertInto('print_fulfilments')
      .values(rows.rows.map((r) => ({ order_id: r.id, account_id: accountId, buyer_name: name })))
      .execute();
  });
}

const list = async (query: string) => {
  const c = testClient(app);
  await c.signIn('studio@demo.gallerist.dev');
  return c.get(`/api/shop/studios/${studio}/orders?${query}`);
};

beforeAll(async () => {
  database = await createDemoTestDatabase();
  app = createApp(testDeps(database));
  await withService(database.db, async (tx) => {
    studio = (
      await tx.selectFrom('accounts').select('id').where('slug', '=', 'lumen-photography').executeTakeFirstOrThrow()
    ).id;
    otherStudio = (
      await tx
        .insertInto('accounts')
        .values({ slug: 'print-list-other', name: 'Other studio', kind: 'studio' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });
  await insertPrintOrders(studio, 25, 'Jane.Marlowe#@Example.com', 'Jane Marlowe');
  await insertPrintOrders(studio, 5, 'kim#@other-domain.test', 'Kim Okonkwo-Bright');
  // Another studio's buyers match the same searches and must never show.
  await insertPrintOrders(otherStudio, 10, 'jane.marlowe#@example.com', 'Jane Marlowe');
});

afterAll(async () => {
  await database?.close();
});

describe('studio print orders', () => {
  it('finds buyers by a fragment from the middle of the email, in any case, only in this studio', async () => {
    const r = await list('q=E.MARL&limit=100');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ total: 25, totalCapped: false, nextCursor: null });
    expect(r.body.data).toHaveLength(25);
    expect(r.body.data.every((o: { buyerEmail: string }) => o.buyerEmail.includes('Jane.Marlowe'))).toBe(true);
    const domain = await list('q=ER-DOMA');
    expect(domain.body.data.map((o: { buyerName: string }) => o.buyerName)).toEqual(
      Array(5).fill('Kim Okonkwo-Bright'),
    );
  });

  it('finds buyers by a fragment of their name', async () => {
    const r = await list('q=konkwo-b');
    expect(r.body.total).toBe(5);
    expect(new Set(r.body.data.map((o: { buyerName: string }) => o.buyerName))).toEqual(
      new Set(['Kim Okonkwo-Bright']),
    );
    expect((await list('q=%25')).body.total).toBe(0);
    expect((await list('q=nobody-here')).body).toMatchObject({ data: [], total: 0, nextCursor: null });
  });

  it('pages a search by cursor with no duplicates or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await list(`q=marlowe&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.body.total).toBe(25);
      seen.push(...r.body.data.map((o: { id: string }) => o.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
  });

  it('refuses a bad cursor with a 400 JSON error', async () => {
    const r = await list('cursor=bm90LWEtY3Vyc29y');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('bad_request');
    expect((await list('limit=101')).status).toBe(400);
  });
});
