import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBadCursorsRefused, walkPages } from '../../test/cursor-pages.ts';
import { encodeCursor } from '../db/keyset.ts';
import { withService } from '../db/tenancy.ts';
import { shopFixture } from './testing.ts';

// A studio's galleries (newest first) and clients (by name) page by cursor (issue 17): each row once while rows
// arrive, a capped count, 400 on cursors we never issued, and never another studio's rows.

let f: Awaited<ReturnType<typeof shopFixture>>;
let serial = 0;

async function insertGalleries(accountId: string, n: number, at: string) {
  const tag = `G${serial++}`;
  await withService(f.database.db, (tx) =>
    sql`insert into galleries (account_id, title, token, created_at)
      select ${accountId}::uuid, ${tag} || ' gallery ' || i, md5(${tag} || i || random()::text),
        ${at}::timestamptz - ((i / 3) * interval '1 second')
      from generate_series(1, ${n}) i`.execute(tx),
  );
}

async function insertClients(accountId: string, names: string[]) {
  await withService(f.database.db, (tx) =>
    tx
      .insertInto('studio_clients')
      .values(names.map((name, i) => ({ account_id: accountId, name, email: `c${serial++}.${i}@clients.test` })))
      .execute(),
  );
}

beforeAll(async () => {
  f = await shopFixture();
  await insertGalleries(f.rivalId, 17, '2026-03-01T00:00:00Z');
  await insertGalleries(f.lumenId, 4, '2026-03-01T00:00:00Z');
  // Names that tie (the id breaks them), differ only in case, and are not ASCII.
  await insertClients(f.rivalId, [
    'Ana',
    'Ana',
    'ana',
    'Bea',
    'Émile',
    'Zoë',
    'Chidi',
    'Chidi',
    '佐藤 花子'.repeat(10).slice(0, 100),
    'Dara',
    'Eli',
  ]);
  await insertClients(f.lumenId, ['Ana', 'Lumen only']);
});

afterAll(() => f?.database.close());

describe('studio galleries list', () => {
  it('walks every gallery once, newest first, while galleries are created between pages', async () => {
    const base = `/api/shop/studios/${f.rivalId}/galleries`;
    const before = (await f.other.get(`${base}?limit=100`)).body;
    expect(before).toMatchObject({ total: 17, totalCapped: false, nextCursor: null });
    const walk = await walkPages(f.other.get, `${base}?limit=4`, () =>
      insertGalleries(f.rivalId, 1, '2026-12-01T00:00:00Z'),
    );
    expect(walk.pages).toBe(5);
    expect(walk.rows.map((g) => g.id)).toEqual(before.data.map((g: { id: string }) => g.id));
    expect(walk.rows.every((g) => g.accountId === f.rivalId)).toBe(true);
    const fresh = (await f.other.get(`${base}?limit=5`)).body;
    expect(fresh.total).toBe(22);
    expect(fresh.data.every((g: { createdAt: string }) => g.createdAt.startsWith('2026-12-01'))).toBe(true);
  });

  it('refuses a tampered cursor with a 400 JSON error', async () => {
    const base = `/api/shop/studios/${f.rivalId}/galleries`;
    const first = await f.other.get(`${base}?limit=2`);
    await expectBadCursorsRefused(f.other.get, base, first.body.nextCursor);
  });

  it('shows nothing of another studio, whatever the cursor names', async () => {
    const lumen = await withService(f.database.db, (tx) =>
      tx.selectFrom('galleries').select('id').where('account_id', '=', f.lumenId).executeTakeFirstOrThrow(),
    );
    const cursor = encodeCursor({ at: '2099-01-01T00:00:00.000000Z', id: lumen.id });
    const r = await f.other.get(`/api/shop/studios/${f.rivalId}/galleries?limit=100&cursor=${cursor}`);
    expect(r.status).toBe(200);
    expect(r.body.data.every((g: { accountId: string }) => g.accountId === f.rivalId)).toBe(true);
    expect((await f.other.get(`/api/shop/studios/${f.lumenId}/galleries?cursor=${cursor}`)).status).toBe(404);
  });
});

describe('studio clients list', () => {
  it('walks every client once, by name, while clients are added between pages', async () => {
    const base = `/api/shop/studios/${f.rivalId}/clients`;
    const before = (await f.other.get(`${base}?limit=100`)).body;
    expect(before).toMatchObject({ total: 11, nextCursor: null });
    let added = 0;
    // Each page, a client whose name sorts before everything (already passed) and one after (still ahead).
    const walk = await walkPages(f.other.get, `${base}?limit=3`, () =>
      insertClients(f.rivalId, [`0 Early ${added}`, `~ Late ${added++}`]),
    );
    const ids = walk.rows.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const original = before.data.map((c: { id: string }) => c.id);
    expect(ids.filter((id) => original.includes(id))).toEqual(original);
    // Everything seen is in the list's own order, and none of the early arrivals (behind the cursor) was served.
    const after = (await f.other.get(`${base}?limit=100`)).body.data.map((c: { id: string }) => c.id);
    expect(after.filter((id: string) => ids.includes(id))).toEqual(ids);
    expect(walk.rows.some((c) => c.name.startsWith('0 Early'))).toBe(false);
  });

  it('searches by a fragment, a page at a time', async () => {
    const base = `/api/shop/studios/${f.rivalId}/clients`;
    const walk = await walkPages(f.other.get, `${base}?q=chid&limit=1`);
    expect(walk.rows.map((c) => c.name)).toEqual(['Chidi', 'Chidi']);
    expect(walk.answers[0]).toMatchObject({ total: 2, totalCapped: false });
  });

  it('refuses a tampered cursor with a 400 JSON error', async () => {
    const base = `/api/shop/studios/${f.rivalId}/clients`;
    const first = await f.other.get(`${base}?limit=2`);
    await expectBadCursorsRefused(f.other.get, base, first.body.nextCursor, { textKey: true });
  });

  it('shows nothing of another studio, whatever the cursor names', async () => {
    const cursor = Buffer.from(JSON.stringify(['', '00000000-0000-4000-8000-000000000000'])).toString('base64url');
    const r = await f.other.get(`/api/shop/studios/${f.rivalId}/clients?limit=100&cursor=${cursor}`);
    expect(r.status).toBe(200);
    expect(r.body.data.map((c: { name: string }) => c.name)).not.toContain('Lumen only');
    expect((await f.other.get(`/api/shop/studios/${f.lumenId}/clients?cursor=${cursor}`)).status).toBe(404);
  });
});
