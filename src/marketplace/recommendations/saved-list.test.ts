import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBadCursorsRefused, walkPages } from '../../../test/cursor-pages.ts';
import { testClient, testDeps } from '../../../test/http.ts';
import type { Database } from '../../db/connect.ts';
import { encodeCursor } from '../../db/keyset.ts';
import { withService } from '../../db/tenancy.ts';
import { createDemoTestDatabase } from '../../db/testing.ts';
import { createApp } from '../../http/app.ts';
import { publicStatuses } from '../artworks/artworks.ts';

// A patron's saved works page by cursor (issue 17): each save once, newest first, while they save more.

let database: Database;
let app: ReturnType<typeof createApp>;
let works: string[] = [];
const users: Record<string, string> = {};
const API = '/api/marketplace/saved';

async function save(email: string, artworkIds: string[], at: string) {
  await withService(database.db, (tx) =>
    tx
      .insertInto('artwork_saves')
      .values(
        artworkIds.map((artwork_id, i) => ({
          user_id: users[email],
          artwork_id,
          // Pairs share a timestamp, so the id breaks ties.
          created_at: new Date(Date.parse(at) - Math.floor(i / 2) * 1000),
        })),
      )
      .execute(),
  );
}

beforeAll(async () => {
  database = await createDemoTestDatabase();
  app = createApp(testDeps(database));
  await withService(database.db, async (tx) => {
    works = (
      await tx.selectFrom('artworks').select('id').where('status', 'in', publicStatuses).orderBy('id').execute()
    ).map((w) => w.id);
    for (const u of await tx.selectFrom('users').select(['id', 'email']).execute()) users[u.email] = u.id;
  });
  expect(works.length).toBeGreaterThanOrEqual(16);
  await save('member@demo.gallerist.dev', works.slice(0, 12), '2026-03-01T00:00:00Z');
  await save('org@demo.gallerist.dev', works.slice(0, 5), '2026-03-01T00:00:00Z');
});

afterAll(async () => {
  await database?.close();
});

describe('saved works list', () => {
  it('walks every save once, newest first, while the patron saves more between pages', async () => {
    const c = testClient(app);
    await c.signIn('member@demo.gallerist.dev');
    const before = (await c.get(`${API}?limit=100`)).body;
    expect(before).toMatchObject({ total: 12, totalCapped: false, nextCursor: null });
    const fresh = works.slice(12, 16);
    const walk = await walkPages(c.get, `${API}?limit=3`, async (page) => {
      if (page <= 2)
        await save('member@demo.gallerist.dev', fresh.slice(2 * page - 2, 2 * page), '2026-12-01T00:00:00Z');
    });
    expect(walk.pages).toBe(4);
    expect(walk.answers[0]).toMatchObject({ limit: 3, total: 12 });
    const ids = walk.rows.map((s) => s.artwork.id);
    expect(ids).toEqual(before.data.map((s: { artwork: { id: string } }) => s.artwork.id));
    const times = walk.rows.map((s) => Date.parse(s.savedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const after = (await c.get(`${API}?limit=100`)).body;
    expect(after.total).toBe(16);
    expect(new Set(after.data.slice(0, 4).map((s: { artwork: { id: string } }) => s.artwork.id))).toEqual(
      new Set(fresh),
    );
  });

  it('refuses a tampered cursor and out-of-range limits with a 400 JSON error', async () => {
    const c = testClient(app);
    await c.signIn('member@demo.gallerist.dev');
    const first = await c.get(`${API}?limit=2`);
    await expectBadCursorsRefused(c.get, API, first.body.nextCursor);
    expect((await c.get(`${API}?limit=0`)).status).toBe(400);
  });

  it('shows only the patron’s own saves, whatever the cursor names', async () => {
    const c = testClient(app);
    await c.signIn('org@demo.gallerist.dev');
    const own = (await c.get(`${API}?limit=100`)).body;
    expect(own.total).toBe(5);
    expect(own.data.map((s: { artwork: { id: string } }) => s.artwork.id).sort()).toEqual(works.slice(0, 5).sort());
    // A cursor naming a work only the member saved, from before everything: the org's saves, nothing else.
    const cursor = encodeCursor({ at: '2027-01-01T00:00:00.000000Z', id: works[10] });
    const r = await c.get(`${API}?limit=100&cursor=${cursor}`);
    expect(r.status).toBe(200);
    expect(r.body.data.map((s: { artwork: { id: string } }) => s.artwork.id).sort()).toEqual(works.slice(0, 5).sort());
    expect((await testClient(app).get(`${API}?cursor=${cursor}`)).status).toBe(401);
  });

  it('skips works withdrawn since they were saved, never answering an empty page while later saves show', async () => {
    const email = 'admin@demo.gallerist.dev';
    const saved = works.slice(4, 12);
    // One save a minute, newest first: saved[0] is the newest.
    for (const [i, id] of saved.entries())
      await save(email, [id], new Date(Date.parse('2026-04-01T00:00:00Z') - i * 60_000).toISOString());
    const withdrawn = saved.slice(0, 4);
    const statuses = await withService(database.db, (tx) =>
      tx.selectFrom('artworks').select(['id', 'status']).where('id', 'in', withdrawn).execute(),
    );
    await withService(database.db, (tx) =>
      tx.updateTable('artworks').set({ status: 'draft' }).where('id', 'in', withdrawn).execute(),
    );
    try {
      const c = testClient(app);
      await c.signIn(email);
      const first = (await c.get(`${API}?limit=3`)).body;
      expect(first.data.map((s: { artwork: { id: string } }) => s.artwork.id)).toEqual(saved.slice(4, 7));
      expect(first).toMatchObject({ total: 4, totalCapped: false });
      const second = (await c.get(`${API}?limit=3&cursor=${first.nextCursor}`)).body;
      expect(second.data.map((s: { artwork: { id: string } }) => s.artwork.id)).toEqual(saved.slice(7));
      expect(second.nextCursor).toBeNull();
    } finally {
      for (const r of statuses)
        await withService(database.db, (tx) =>
          tx.updateTable('artworks').set({ status: r.status }).where('id', '=', r.id).execute(),
        );
    }
  });
});
