import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBadCursorsRefused, walkPages } from '../../../test/cursor-pages.ts';
import { testClient, testDeps } from '../../../test/http.ts';
import type { Database } from '../../db/connect.ts';
import { withService } from '../../db/tenancy.ts';
import { createDemoTestDatabase } from '../../db/testing.ts';
import { createApp } from '../../http/app.ts';

// The admin's artist application queue pages by cursor (issue 17): oldest first, each application once, while
// new applications join the queue.

let database: Database;
let app: ReturnType<typeof createApp>;
let serial = 0;

/** `n` applicants with one application each in `status`, submitted in threes sharing a timestamp. */
async function insertApplications(n: number, status: string, at: string) {
  const tag = `queue${serial++}`;
  await withService(database.db, async (tx) => {
    await sql`insert into users (email, name, password_hash)
      select ${tag} || '.' || i || '@applicants.test', 'Applicant ' || i, 'not-a-hash'
      from generate_series(1, ${n}) i`.execute(tx);
    await sql`insert into artist_applications (user_id, status, statement, submitted_at)
      select u.id, ${status}, 'Statement', ${at}::timestamptz + ((split_part(split_part(u.email, '.', 2), '@', 1)::int / 3)
        * interval '1 second')
      from users u where u.email like ${`${tag}.%`}`.execute(tx);
  });
}

const admin = async () => {
  const c = testClient(app);
  await c.signIn('admin@demo.gallerist.dev');
  return c;
};

beforeAll(async () => {
  database = await createDemoTestDatabase();
  app = createApp(testDeps(database));
  await insertApplications(22, 'pending', '2026-02-01T00:00:00Z');
  await insertApplications(5, 'approved', '2026-01-01T00:00:00Z');
});

afterAll(async () => {
  await database?.close();
});

describe('artist application queue', () => {
  it('walks every pending application once, oldest first, while new ones join the queue', async () => {
    const c = await admin();
    const before = (await c.get('/api/admin/marketplace/applications?status=pending&limit=100')).body;
    expect(before.nextCursor).toBeNull();
    expect(before.totalCapped).toBe(false);
    // Each page's arrivals are newer than everything before them, so the walk reaches them at its end (but for the
    // last page's, which arrive after the walk ended).
    const walk = await walkPages(c.get, '/api/admin/marketplace/applications?status=pending&limit=5', (page) =>
      insertApplications(2, 'pending', `2026-12-${String(page).padStart(2, '0')}T00:00:00Z`),
    );
    const ids = walk.rows.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, before.data.length)).toEqual(before.data.map((a: { id: string }) => a.id));
    expect(walk.rows.every((a) => a.status === 'pending')).toBe(true);
    const times = walk.rows.map((a) => Date.parse(a.submittedAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const after = (await c.get('/api/admin/marketplace/applications?status=pending&limit=100')).body;
    expect(after.data.map((a: { id: string }) => a.id).slice(0, -2)).toEqual(ids);
    expect(after.total).toBe(before.total + 2 * walk.pages);
  });

  it('refuses a tampered cursor with a 400 JSON error', async () => {
    const c = await admin();
    const first = await c.get('/api/admin/marketplace/applications?limit=2');
    expect(first.body.nextCursor).toEqual(expect.any(String));
    await expectBadCursorsRefused(c.get, '/api/admin/marketplace/applications', first.body.nextCursor);
    expect((await c.get('/api/admin/marketplace/applications?limit=101')).status).toBe(400);
  });

  it('a cursor from another status shows only the asked-for status; non-admins are refused with or without one', async () => {
    const c = await admin();
    const approved = await c.get('/api/admin/marketplace/applications?status=approved&limit=1');
    const cursor = approved.body.nextCursor as string;
    const pending = await c.get(
      `/api/admin/marketplace/applications?status=pending&limit=100&cursor=${encodeURIComponent(cursor)}`,
    );
    expect(pending.status).toBe(200);
    expect(pending.body.data.length).toBeGreaterThan(0);
    expect(pending.body.data.every((a: { status: string }) => a.status === 'pending')).toBe(true);
    const artist = testClient(app);
    await artist.signIn('artist@demo.gallerist.dev');
    const r = await artist.get(`/api/admin/marketplace/applications?cursor=${encodeURIComponent(cursor)}`);
    expect(r.status).toBe(403);
  });
});
