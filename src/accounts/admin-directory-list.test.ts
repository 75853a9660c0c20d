import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBadCursorsRefused, walkPages } from '../../test/cursor-pages.ts';
import { testClient, testDeps } from '../../test/http.ts';
import type { Database } from '../db/connect.ts';
import { encodeCursor } from '../db/keyset.ts';
import { withService } from '../db/tenancy.ts';
import { createDemoTestDatabase } from '../db/testing.ts';
import { createApp } from '../http/app.ts';

// The platform admin's user and account directories page by cursor (issue 17): each row once, newest first,
// while people sign up; a capped count; 400 on cursors we never issued.

let database: Database;
let app: ReturnType<typeof createApp>;
let serial = 0;

async function insertUsers(n: number, at: string, tag: string) {
  const batch = serial++;
  await withService(database.db, (tx) =>
    sql`insert into users (email, name, password_hash, created_at)
      select ${tag} || '.' || ${batch} || '-' || i || '@directory.test', 'Directory ' || i, 'not-a-hash',
        ${at}::timestamptz - ((i / 3) * interval '1 second')
      from generate_series(1, ${n}) i`.execute(tx),
  );
}

async function insertAccounts(n: number, at: string) {
  const tag = `dir-acc-${serial++}`;
  await withService(database.db, (tx) =>
    sql`insert into accounts (slug, name, kind, created_at)
      select ${tag} || '-' || i, 'Directory account ' || i, 'studio',
        ${at}::timestamptz - ((i / 3) * interval '1 second')
      from generate_series(1, ${n}) i`.execute(tx),
  );
}

const admin = async () => {
  const c = testClient(app);
  await c.signIn('admin@demo.gallerist.dev');
  return c;
};

beforeAll(async () => {
  database = await createDemoTestDatabase();
  app = createApp(testDeps(database));
  await insertUsers(25, '2026-03-01T00:00:00Z', 'walk');
  await insertAccounts(14, '2026-03-01T00:00:00Z');
});

afterAll(async () => {
  await database?.close();
});

describe('admin directories', () => {
  it('walks every matching user once, newest first, while users sign up between pages', async () => {
    const c = await admin();
    const path = '/api/admin/users?q=walk.&limit=100';
    const before = (await c.get(path)).body;
    expect(before).toMatchObject({ total: 25, totalCapped: false, nextCursor: null });
    // Sign-ups between pages are newer than the walk's cursor and match the search too.
    const walk = await walkPages(c.get, '/api/admin/users?q=walk.&limit=6', () =>
      insertUsers(2, '2026-12-01T00:00:00Z', 'walk'),
    );
    expect(walk.pages).toBe(5);
    expect(walk.rows.map((u) => u.id)).toEqual(before.data.map((u: { id: string }) => u.id));
    const times = walk.rows.map((u) => Date.parse(u.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect((await c.get(path)).body.total).toBe(35);
  });

  it('walks every account once, newest first, while accounts are created between pages', async () => {
    const c = await admin();
    const before = (await c.get('/api/admin/accounts?kind=studio&limit=100')).body;
    const walk = await walkPages(c.get, '/api/admin/accounts?kind=studio&limit=4', () =>
      insertAccounts(1, '2026-12-01T00:00:00Z'),
    );
    expect(walk.rows.map((a) => a.id)).toEqual(before.data.map((a: { id: string }) => a.id));
    expect(walk.rows.every((a) => a.kind === 'studio')).toBe(true);
  });

  it('caps the count at 1,000 and says so', async () => {
    await insertUsers(1005, '2025-01-01T00:00:00Z', 'many');
    const c = await admin();
    const r = await c.get('/api/admin/users?limit=100');
    expect(r.body).toMatchObject({ total: 1000, totalCapped: true, limit: 100 });
    expect(r.body.data).toHaveLength(100);
  });

  it('refuses a tampered cursor with a 400 JSON error, searching or not', async () => {
    const c = await admin();
    for (const path of ['/api/admin/users', '/api/admin/users?q=walk.', '/api/admin/accounts']) {
      const first = await c.get(`${path}${path.includes('?') ? '&' : '?'}limit=2`);
      await expectBadCursorsRefused(c.get, path, first.body.nextCursor);
    }
  });

  it('a cursor never widens the filters, and is no way in for non-admins', async () => {
    const c = await admin();
    const cursor = encodeCursor({ at: '2099-01-01T00:00:00.000000Z', id: '00000000-0000-4000-8000-000000000000' });
    const admins = await c.get(`/api/admin/users?admin=true&limit=100&cursor=${cursor}`);
    expect(admins.status).toBe(200);
    expect(admins.body.data.length).toBeGreaterThan(0);
    expect(admins.body.data.every((u: { isPlatformAdmin: boolean }) => u.isPlatformAdmin)).toBe(true);
    const member = testClient(app);
    await member.signIn('studio@demo.gallerist.dev');
    expect((await member.get(`/api/admin/users?cursor=${cursor}`)).status).toBe(403);
    expect((await member.get(`/api/admin/accounts?cursor=${cursor}`)).status).toBe(403);
  });
});
