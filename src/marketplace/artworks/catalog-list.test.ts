import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBadCursorsRefused, walkPages } from '../../../test/cursor-pages.ts';
import { testClient, testDeps } from '../../../test/http.ts';
import type { Database } from '../../db/connect.ts';
import { encodeCursor } from '../../db/keyset.ts';
import { withService } from '../../db/tenancy.ts';
import { createDemoTestDatabase } from '../../db/testing.ts';
import { createApp } from '../../http/app.ts';

// The public catalog and the artwork moderation queue page by cursor (issue 17): each work once while works are
// published or submitted meanwhile, a capped count, 400 on cursors we never issued, and never a hidden work.

let database: Database;
let app: ReturnType<typeof createApp>;
const ids: Record<string, string> = {};
let serial = 0;

async function insertArtworks(accountId: string, n: number, status: string, at: string, medium = 'textile') {
  const tag = `K${serial++}`;
  await withService(database.db, (tx) =>
    sql`insert into artworks (account_id, title, medium, price_amount, currency, status, published_at, updated_at)
      select ${accountId}::uuid, ${tag} || ' work ' || i, ${medium}, 10000 + i, 'eur', ${status},
        case when ${status} = 'published' then ${at}::timestamptz - ((i / 3) * interval '1 second') end,
        ${at}::timestamptz + ((i / 3) * interval '1 second')
      from generate_series(1, ${n}) i`.execute(tx),
  );
}

beforeAll(async () => {
  database = await createDemoTestDatabase();
  app = createApp(testDeps(database));
  for (const a of await withService(database.db, (tx) => tx.selectFrom('accounts').select(['id', 'slug']).execute()))
    ids[a.slug] = a.id;
  await insertArtworks(ids['mira-okafor'], 19, 'published', '2026-03-01T00:00:00Z');
  await insertArtworks(ids['jonas-berg'], 6, 'published', '2026-03-01T00:00:00Z');
  await insertArtworks(ids['mira-okafor'], 5, 'draft', '2026-03-01T00:00:00Z');
  await insertArtworks(ids['jonas-berg'], 13, 'submitted', '2026-02-01T00:00:00Z');
});

afterAll(async () => {
  await database?.close();
});

describe('public catalog', () => {
  it('walks every published work once, newest first, while works are published between pages', async () => {
    const anon = testClient(app);
    const path = '/api/marketplace/artworks?medium=textile';
    const before = (await anon.get(`${path}&limit=100`)).body;
    // Ours and the demo catalog's textile works.
    expect(before).toMatchObject({ totalCapped: false, nextCursor: null });
    expect(before.total).toBeGreaterThanOrEqual(25);
    const walk = await walkPages(anon.get, `${path}&limit=6`, () =>
      insertArtworks(ids['jonas-berg'], 2, 'published', '2026-12-01T00:00:00Z'),
    );
    expect(walk.pages).toBe(Math.ceil(before.total / 6));
    expect(walk.rows.map((w) => w.id)).toEqual(before.data.map((w: { id: string }) => w.id));
    expect(walk.rows.every((w) => w.status === 'published' && w.medium === 'textile')).toBe(true);
    const times = walk.rows.map((w) => Date.parse(w.publishedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect((await anon.get(`${path}&limit=1`)).body.total).toBe(before.total + 2 * walk.pages);
  });

  it('refuses a tampered cursor with a 400 JSON error', async () => {
    const anon = testClient(app);
    const first = await anon.get('/api/marketplace/artworks?limit=2');
    await expectBadCursorsRefused(anon.get, '/api/marketplace/artworks', first.body.nextCursor);
  });

  it('never shows a draft or a suspended artist’s work, whatever the cursor names', async () => {
    const draft = await withService(database.db, (tx) =>
      tx.selectFrom('artworks').select('id').where('status', '=', 'draft').executeTakeFirstOrThrow(),
    );
    const cursor = encodeCursor({ at: '2099-01-01T00:00:00.000000Z', id: draft.id });
    await withService(database.db, (tx) =>
      tx.updateTable('accounts').set({ suspended_at: new Date() }).where('id', '=', ids['jonas-berg']).execute(),
    );
    try {
      const anon = testClient(app);
      const walk = await walkPages(anon.get, `/api/marketplace/artworks?medium=textile&limit=100&cursor=${cursor}`);
      const visible = await withService(database.db, (tx) =>
        tx
          .selectFrom('artworks')
          .select('id')
          .where('account_id', '!=', ids['jonas-berg'])
          .where('status', '=', 'published')
          .where('medium', '=', 'textile')
          .execute(),
      );
      expect(walk.rows.map((w) => w.id).sort()).toEqual(visible.map((w) => w.id).sort());
      expect(walk.rows.every((w) => w.status === 'published' && w.artist.slug !== 'jonas-berg')).toBe(true);
    } finally {
      await withService(database.db, (tx) =>
        tx.updateTable('accounts').set({ suspended_at: null }).where('id', '=', ids['jonas-berg']).execute(),
      );
    }
  });
});

describe('artwork moderation queue', () => {
  it('walks every submitted work once, oldest change first, while works are submitted between pages', async () => {
    const admin = testClient(app);
    await admin.signIn('admin@demo.gallerist.dev');
    const path = '/api/admin/marketplace/artworks?status=submitted';
    const before = (await admin.get(`${path}&limit=100`)).body;
    expect(before.nextCursor).toBeNull();
    // Later submissions sort after every earlier one, so the walk reaches all but the last page's.
    const walk = await walkPages(admin.get, `${path}&limit=4`, (page) =>
      insertArtworks(ids['jonas-berg'], 1, 'submitted', `2026-12-${String(page).padStart(2, '0')}T00:00:00Z`),
    );
    const seen = walk.rows.map((w) => w.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, before.data.length)).toEqual(before.data.map((w: { id: string }) => w.id));
    const after = (await admin.get(`${path}&limit=100`)).body;
    expect(after.data.map((w: { id: string }) => w.id).slice(0, -1)).toEqual(seen);
    expect(walk.rows.every((w) => w.status === 'submitted')).toBe(true);
  });

  it('refuses a tampered cursor with a 400 JSON error, and non-admins with or without one', async () => {
    const admin = testClient(app);
    await admin.signIn('admin@demo.gallerist.dev');
    const first = await admin.get('/api/admin/marketplace/artworks?limit=2');
    await expectBadCursorsRefused(admin.get, '/api/admin/marketplace/artworks', first.body.nextCursor);
    const artist = testClient(app);
    await artist.signIn('artist@demo.gallerist.dev');
    const r = await artist.get(`/api/admin/marketplace/artworks?cursor=${first.body.nextCursor}`);
    expect(r.status).toBe(403);
  });
});
