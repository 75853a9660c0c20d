import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { testClient } from '../../test/http.ts';
import { fixedClock } from '../clock.ts';
import { openPostgres } from '../db/connect.ts';
import { withService } from '../db/tenancy.ts';
import { testDbKind } from '../db/testing.ts';
import type { DB } from '../db/types.ts';

// Decision 033: public catalog answers kept in memory on the embedded database until a catalog write commits.
const pglite = testDbKind() === 'pglite';
const clock = fixedClock(new Date());
let app: TestApp;
// Every statement PGlite runs, to tell a cached answer (none) from a computed one.
const statements: string[] = [];
const ids = { artwork: '', artistSlug: '', token: '', photo: '' };

beforeAll(async () => {
  // No job runner: its statements would land in the log below and pass for a cached read's.
  app = await startTestApp({ demo: true, clock, env: { JOBS: 'off', PUBLIC_READ_CACHE: 'on' } });
  const db = app.platform.deps.db;
  const w = await withService(db, (tx) =>
    tx
      .selectFrom('artworks as w')
      .innerJoin('accounts as a', 'a.id', 'w.account_id')
      .select(['w.id', 'a.slug'])
      .where('w.status', '=', 'published')
      .orderBy('w.created_at')
      .executeTakeFirstOrThrow(),
  );
  const g = await withService(db, (tx) =>
    tx
      .selectFrom('galleries as g')
      .innerJoin('gallery_photos as p', 'p.gallery_id', 'g.id')
      .select(['g.token', 'p.id'])
      .where('g.status', '=', 'published')
      .where('g.pin_hash', 'is', null)
      .where('g.store_enabled', '=', true)
      .executeTakeFirstOrThrow(),
  );
  Object.assign(ids, { artwork: w.id, artistSlug: w.slug, token: g.token, photo: g.id });
  const p = app.platform.database.pglite as unknown as Record<
    'query' | 'exec',
    (s: string, ...a: unknown[]) => unknown
  >;
  if (p) {
    for (const m of ['query', 'exec'] as const) {
      const original = p[m].bind(p);
      p[m] = (s: string, ...a: unknown[]) => {
        statements.push(s);
        return original(s, ...a);
      };
    }
  }
});
afterAll(() => app?.stop());

/** Every route that carries `cachedPublicRead`, as a stranger would call it. */
const cachedPaths = () => [
  '/api/marketplace/artworks',
  '/api/marketplace/artworks?medium=painting&limit=5',
  `/api/marketplace/artworks/${ids.artwork}`,
  `/api/marketplace/artworks/${ids.artwork}/similar`,
  `/api/marketplace/artists/${ids.artistSlug}`,
  `/api/shop/g/${ids.token}`,
  `/api/shop/g/${ids.token}/photos`,
  `/api/shop/g/${ids.token}/catalog?photoId=${ids.photo}`,
  `/api/shop/media/${ids.token}/${ids.photo}/thumb`,
  `/api/shop/media/${ids.token}/${ids.photo}/web`,
];

const get = async (path: string, headers: Record<string, string> = {}) => {
  statements.length = 0;
  const res = await fetch(`${app.url}${path}`, { headers });
  const body = Buffer.from(await res.arrayBuffer());
  return { res, body, statements: statements.length };
};

describe.runIf(pglite)('public read cache (embedded database)', () => {
  it('answers a stranger’s second read from memory, byte for byte, with no cookie', async () => {
    for (const path of cachedPaths()) {
      app.platform.deps.publicCache?.invalidate();
      const first = await get(path);
      expect(first.res.status, path).toBe(200);
      expect(first.statements, path).toBeGreaterThan(0);
      const second = await get(path);
      expect(second.res.status, path).toBe(200);
      expect(second.statements, path).toBe(0);
      expect(second.body.equals(first.body), path).toBe(true);
      expect(second.res.headers.get('content-type'), path).toBe(first.res.headers.get('content-type'));
      // The outer middleware still runs (security headers); a public read sets no cookie, so no one's token is cached.
      expect(second.res.headers.get('content-security-policy'), path).toBeTruthy();
      expect(first.res.headers.getSetCookie(), path).toEqual([]);
      expect(second.res.headers.getSetCookie(), path).toEqual([]);
    }
  });

  it('forgets every answer when a catalog write commits, and keeps it through a rolled-back one', async () => {
    const path = `/api/marketplace/artworks/${ids.artwork}`;
    const title = async () => JSON.parse((await get(path)).body.toString()).artwork.title as string;
    const before = await title();
    await expect(
      withService(app.platform.deps.db, async (tx) => {
        await tx.updateTable('artworks').set({ title: 'Never committed' }).where('id', '=', ids.artwork).execute();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await title()).toBe(before);
    expect((await get(path)).statements).toBe(0);
    await withService(app.platform.deps.db, (tx) =>
      tx.updateTable('artworks').set({ title: 'Renamed in the studio' }).where('id', '=', ids.artwork).execute(),
    );
    expect(await title()).toBe('Renamed in the studio');
    await withService(app.platform.deps.db, (tx) =>
      tx.updateTable('artworks').set({ title: before }).where('id', '=', ids.artwork).execute(),
    );
    expect(await title()).toBe(before);
  });

  it('never serves or stores a signed-in, unlocked or keyed request, nor an error', async () => {
    const path = `/api/marketplace/artworks/${ids.artwork}`;
    await get(path);
    const member = testClient({ request: (p: string, init?: RequestInit) => fetch(`${app.url}${p}`, init) });
    await member.signIn('artist@demo.gallerist.dev');
    const cookie = [...member.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    expect((await get(path, { cookie })).statements).toBeGreaterThan(0);
    expect((await get(path, { cookie: 'gallerist_visitor=abc' })).statements).toBeGreaterThan(0);
    expect((await get(path, { authorization: 'Bearer gk_nope' })).statements).toBeGreaterThan(0);
    // A gallery put behind a PIN says so to every stranger at once, each time from the database.
    const gallery = `/api/shop/g/${ids.token}`;
    expect((await get(gallery)).res.status).toBe(200);
    const setPin = (pin: string | null) =>
      withService(app.platform.deps.db, (tx) =>
        tx.updateTable('galleries').set({ pin_hash: pin }).where('token', '=', ids.token).execute(),
      );
    await setPin('scrypt$not-a-real-hash');
    try {
      expect((await get(gallery)).res.status).toBe(403);
      const again = await get(gallery);
      expect(again.res.status).toBe(403);
      expect(again.statements).toBeGreaterThan(0);
    } finally {
      await setPin(null);
    }
    const missing = `/api/marketplace/artworks/${crypto.randomUUID()}`;
    expect((await get(missing)).res.status).toBe(404);
    expect((await get(missing)).statements).toBeGreaterThan(0);
  });

  it('reads again after its time to live, so what only time changes (a gallery expiring) shows', async () => {
    const path = `/api/shop/g/${ids.token}`;
    await get(path);
    expect((await get(path)).statements).toBe(0);
    const expiry = new Date(clock.now().getTime() + 60_000);
    // The expiry itself is a write: set it, read once so the answer is cached, then let time pass it.
    await withService(app.platform.deps.db, (tx) =>
      tx.updateTable('galleries').set({ expires_at: expiry }).where('token', '=', ids.token).execute(),
    );
    expect((await get(path)).res.status).toBe(200);
    clock.advance(120_000);
    expect((await get(path)).res.status).toBe(410);
    await withService(app.platform.deps.db, (tx) =>
      tx.updateTable('galleries').set({ expires_at: null }).where('token', '=', ids.token).execute(),
    );
  });

  it('has every table a cached read reads notify at commit (migration 0119), and no cached read writes', async () => {
    const triggered = new Set(
      (
        await sql<{ table: string }>`
          select c.relname as table from pg_trigger t join pg_class c on c.oid = t.tgrelid
          where t.tgname like '%\\_catalog\\_changed'`.execute(app.platform.deps.db)
      ).rows.map((r) => r.table),
    );
    expect(triggered.size).toBeGreaterThan(10);
    for (const path of cachedPaths()) {
      app.platform.deps.publicCache?.invalidate();
      statements.length = 0;
      expect((await fetch(`${app.url}${path}`).then((r) => r.status)) as number, path).toBe(200);
      const read = new Set<string>();
      for (const s of statements) {
        expect(s, path).not.toMatch(/^\s*(insert|update|delete)\b/i);
        for (const m of s.matchAll(/\b(?:from|join)\s+"?([a-z_]+)"?/gi)) read.add(m[1]);
      }
      // Pseudo-tables of the tenancy preamble and set-returning functions are no tables.
      for (const t of ['set_config', 'unnest', 'generate_series', 'lateral']) read.delete(t);
      expect(
        [...read].filter((t) => !triggered.has(t)),
        path,
      ).toEqual([]);
    }
  });
});

// Decision 036: on Postgres every instance hears every instance's catalog commits over LISTEN, a few ms later.
describe.runIf(!pglite)('public read cache (Postgres)', () => {
  const until = async (what: string, check: () => Promise<boolean> | boolean) => {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting until ${what}`);
  };
  const path = () => `/api/marketplace/artworks/${ids.artwork}`;
  const title = async () => JSON.parse((await get(path())).body.toString()).artwork.title as string;
  const cached = async () => {
    await get(path());
    return (app.platform.deps.publicCache?.size() ?? 0) > 0;
  };

  it('keeps answers, and forgets them when another instance commits a catalog write (not a rolled-back one)', async () => {
    const cache = app.platform.deps.publicCache!;
    // Another instance: its own pool on the same database.
    const other = await openPostgres(String(app.platform.database.pool!.options.connectionString), 2);
    try {
      await until('the cache is on (LISTEN is up)', cached);
      const before = await title();
      const rename = (to: string) => (tx: DB) =>
        tx.updateTable('artworks').set({ title: to }).where('id', '=', ids.artwork).execute();
      await expect(
        withService(other.db, async (tx) => {
          await rename('Never committed')(tx);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      await new Promise((r) => setTimeout(r, 200));
      expect(cache.size()).toBeGreaterThan(0);
      await withService(other.db, rename('Renamed by another instance'));
      await until('the commit reached this instance', () => cache.size() === 0);
      expect(await title()).toBe('Renamed by another instance');
      await withService(other.db, rename(before));
      await until('the title is back', async () => (await title()) === before);
    } finally {
      await other.close();
    }
  });

  it('serves nothing from memory while its LISTEN connection is down, and resumes once it is back', async () => {
    const cache = app.platform.deps.publicCache!;
    await until('the cache is on', cached);
    const listeners = () =>
      sql<{ pid: number }>`select pid from pg_stat_activity
        where datname = current_database() and query like 'listen %' and pid <> pg_backend_pid()`.execute(
        app.platform.deps.db,
      );
    const { rows } = await listeners();
    expect(rows.length).toBeGreaterThan(0);
    await sql`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and query like 'listen %' and pid <> pg_backend_pid()`.execute(
      app.platform.deps.db,
    );
    // Whatever was committed meanwhile went unheard: the cache empties and stays off until LISTEN is back.
    await until('the cache is off', () => cache.size() === 0);
    await until('LISTEN is back and the cache with it', cached);
  });
});

// Issue 17: images carry a strong ETag of their bytes, so a browser revalidating one it holds gets a bodiless 304,
// whether the answer was computed or came from the cache above.
describe('image revalidation', () => {
  it('answers If-None-Match with the same ETag by 304 and no body, and a stale one with the image', async () => {
    const image = await withService(app.platform.deps.db, (tx) =>
      tx
        .selectFrom('artwork_images as i')
        .innerJoin('artworks as w', 'w.id', 'i.artwork_id')
        .select('i.id')
        .where('w.status', '=', 'published')
        .executeTakeFirstOrThrow(),
    );
    const paths = [
      `/api/shop/media/${ids.token}/${ids.photo}/thumb`,
      `/api/shop/media/${ids.token}/${ids.photo}/web`,
      `/api/marketplace/media/${image.id}/thumb`,
    ];
    const tags = new Set<string>();
    for (const path of paths) {
      app.platform.deps.publicCache?.invalidate();
      const first = await get(path);
      const tag = first.res.headers.get('etag');
      expect(tag, path).toMatch(/^"[0-9a-f]{40}"$/);
      tags.add(tag!);
      // Twice: the second read is the cached answer on the embedded database.
      for (let i = 0; i < 2; i++) {
        const again = await get(path, { 'if-none-match': tag! });
        expect(again.res.status, path).toBe(304);
        expect(again.body.length, path).toBe(0);
        expect(again.res.headers.get('etag'), path).toBe(tag);
        expect(again.res.headers.get('cache-control'), path).toBe(first.res.headers.get('cache-control'));
      }
      const stale = await get(path, { 'if-none-match': '"0000000000000000000000000000000000000000"' });
      expect(stale.res.status, path).toBe(200);
      expect(stale.body.equals(first.body), path).toBe(true);
    }
    // Different images, different tags.
    expect(tags.size).toBe(paths.length);
  });
});
