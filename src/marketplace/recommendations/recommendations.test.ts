import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoVectors, recommendationMetrics } from '../../../test/fixtures/recommendation-pairs.ts';
import { startScriptedLlm } from '../../../test/fixtures/scripted-llm.ts';
import { newDataDir, testClient, testDeps } from '../../../test/http.ts';
import { fixedClock } from '../../clock.ts';
import { loadConfig } from '../../config.ts';
import type { Database } from '../../db/connect.ts';
import { withAnon, withService, withUser } from '../../db/tenancy.ts';
import { createDemoTestDatabase } from '../../db/testing.ts';
import { createApp } from '../../http/app.ts';
import { textEmbedder } from '../../llm/index.ts';
import { publicStatuses } from '../artworks/artworks.ts';
import { demoCatalog } from '../seed-catalog.ts';
import { cosine } from './features.ts';
import { featuresJob } from './queue.ts';
import { diversify, relevant, searchArtworks } from './rank.ts';
import { refreshAllFeatures, refreshFeatures, vectorSearchAvailable } from './store.ts';

// Recommendations on the demo catalog, through the HTTP API as strangers and patrons (decision 027).
const clock = fixedClock('2026-11-20T12:00:00Z');
let database: Database;
let app: ReturnType<typeof createApp>;
let config: ReturnType<typeof loadConfig>;
const id: Record<string, string> = {};
const artistOf: Record<string, string> = {};
const db = () => database.db;
const API = '/api/marketplace';

const userId = async (email: string) =>
  (
    await withService(db(), (tx) =>
      tx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow(),
    )
  ).id;

async function setStatus(title: string, status: 'published' | 'sold' | 'reserved' | 'draft') {
  await withService(db(), (tx) => tx.updateTable('artworks').set({ status }).where('id', '=', id[title]).execute());
}

beforeAll(async () => {
  const dataDir = newDataDir();
  config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '3000' });
  database = await createDemoTestDatabase(config);
  app = createApp(testDeps(database, { clock, dataDir }));
  await refreshAllFeatures(db(), config, clock);
  for (const w of await withService(db(), (tx) =>
    tx
      .selectFrom('artworks as w')
      .innerJoin('accounts as a', 'a.id', 'w.account_id')
      .select(['w.id', 'w.title', 'a.slug'])
      .execute(),
  )) {
    id[w.title] = w.id;
    artistOf[w.id] = w.slug;
  }
});
afterAll(() => database?.close());

const titles = (body: { data: Array<{ artwork: { title: string } }> }) => body.data.map((r) => r.artwork.title);

describe('artwork features', () => {
  it('exist for every public work and no other, and a second run finds nothing stale', async () => {
    const { featured, public: pub } = await withService(db(), async (tx) => ({
      featured: (await tx.selectFrom('artwork_features').select('artwork_id').execute())
        .map((r) => r.artwork_id)
        .sort(),
      public: (await tx.selectFrom('artworks').select('id').where('status', 'in', publicStatuses).execute())
        .map((r) => r.id)
        .sort(),
    }));
    expect(featured).toEqual(pub);
    expect(featured.length).toBeGreaterThanOrEqual(16);
    expect(await refreshFeatures(db(), config, clock)).toBe(0);
    const tidal = await withService(db(), (tx) =>
      tx.selectFrom('artwork_features').selectAll().where('artwork_id', '=', id.Tidal).executeTakeFirstOrThrow(),
    );
    expect(tidal.palette[0].name).toBe('blue');
    expect(tidal.keywords).toContain('tide');
  });

  it('are refreshed by the queued job the demo seed left, through the module that runs it', async () => {
    const queued = await withService(db(), (tx) =>
      tx.selectFrom('jobs').select(['name', 'status']).where('name', '=', featuresJob).execute(),
    );
    expect(queued.length).toBeGreaterThan(0);
    await withService(db(), (tx) =>
      tx
        .updateTable('artworks')
        .set({ updated_at: new Date(Date.now() + 500) })
        .where('id', '=', id['Seed Pods'])
        .execute(),
    );
    const deps = testDeps(database, { clock, dataDir: config.dataDir });
    const run = deps.assembly.jobs.get(featuresJob);
    const logged: unknown[] = [];
    const logger = { info: (o: unknown) => logged.push(o) } as never;
    await run?.({}, { db: db(), clock, attempt: 1, maxAttempts: 5, jobId: 'test', logger });
    expect(logged).toEqual([{ written: 1 }]);
  });

  it('embed text with EMBEDDINGS_MODEL when set (all of it when the model changes), each text once', async () => {
    const llm = await startScriptedLlm();
    const publicWorks = (
      await withService(db(), (tx) => tx.selectFrom('artwork_features').select('artwork_id').execute())
    ).length;
    try {
      const embedder = textEmbedder(
        loadConfig({ DATA_DIR: config.dataDir, LLM_BASE_URL: llm.url, EMBEDDINGS_MODEL: 'embed-1' }),
      );
      // A new embedder makes every text block stale.
      expect(await refreshFeatures(db(), config, clock, { embedder })).toBe(publicWorks);
      expect(llm.embeddingRequests.flatMap((r) => r.input)).toHaveLength(publicWorks);
      const cached = await withService(db(), (tx) =>
        tx.selectFrom('embedding_cache').select('model').where('model', '=', 'embed-1').execute(),
      );
      expect(cached).toHaveLength(publicWorks);
      const row = await withService(db(), (tx) =>
        tx
          .selectFrom('artwork_features')
          .select('text_model')
          .where('artwork_id', '=', id.Monstera)
          .executeTakeFirstOrThrow(),
      );
      expect(row.text_model).toBe('embed-1');
      // Changed artworks with the same text are rewritten from the cache: the model is not asked again.
      await withService(db(), (tx) =>
        tx
          .updateTable('artworks')
          .set({ updated_at: new Date(Date.now() + 3000) })
          .where('id', 'in', [id.Monstera, id['Kente Echo']])
          .execute(),
      );
      expect(await refreshFeatures(db(), config, clock, { embedder })).toBe(2);
      expect(llm.embeddingRequests.flatMap((r) => r.input)).toHaveLength(publicWorks);
    } finally {
      await llm.stop();
      // Back to the built-in embedder, so every later test ranks as before.
      expect(await refreshAllFeatures(db(), config, clock)).toBe(publicWorks);
    }
  });

  it('are recomputed when the text or the primary image changes', async () => {
    await withService(db(), (tx) =>
      tx
        .updateTable('artworks')
        .set({ description: 'Green meadow at noon, grass and clover.', updated_at: new Date(Date.now() + 1000) })
        .where('id', '=', id['Vending Light'])
        .execute(),
    );
    expect(await refreshFeatures(db(), config, clock)).toBe(1);
    const kw = await withService(db(), (tx) =>
      tx
        .selectFrom('artwork_features')
        .select('keywords')
        .where('artwork_id', '=', id['Vending Light'])
        .executeTakeFirstOrThrow(),
    );
    expect(kw.keywords).toContain('meadow');
    const original = demoCatalog.flatMap((a) => a.works).find((w) => w.title === 'Vending Light');
    await withService(db(), (tx) =>
      tx
        .updateTable('artworks')
        .set({ description: original?.description ?? '', updated_at: new Date(Date.now() + 2000) })
        .where('id', '=', id['Vending Light'])
        .execute(),
    );
    expect(await refreshFeatures(db(), config, clock)).toBe(1);
  });
});

describe('search in words', () => {
  it('finds by subject, colour and medium within exact filters, each saying what matched', async () => {
    const night = await searchArtworks(db(), 'night photograph of neon in Tokyo', { maxPrice: 25_000 });
    expect(night.length).toBeGreaterThan(0);
    expect(night.every((r) => r.artwork.medium === 'photography' && r.artwork.priceAmount <= 25_000)).toBe(true);
    expect(night.map((r) => r.artwork.title)).toEqual(expect.arrayContaining(['Last Train', 'Vending Light']));
    expect(night[0].reason).toMatch(/^About “/);
    const green = await searchArtworks(db(), 'green leaves', { medium: 'drawing' });
    expect(green[0].artwork.medium).toBe('drawing');
    expect(green.map((r) => r.artwork.title)).toContain('Monstera');
    expect(green.some((r) => /mostly green/.test(r.reason))).toBe(true);
    expect(await searchArtworks(db(), 'anything', { minPrice: 10_000_000 })).toEqual([]);
  });
});

describe('similar works', () => {
  it('for a stranger: the nearest buyable works by exact cosine, varied by artist, each with a reason', async () => {
    const anon = testClient(app);
    const r = await anon.get(`${API}/artworks/${id.Tidal}/similar?limit=8`);
    expect(r.status).toBe(200);
    expect(r.body.data.length).toBeGreaterThanOrEqual(4);
    expect(r.body.data.length).toBeLessThanOrEqual(8);
    // The same order as an exact scan of every published work, diversified: the index (where there is one) finds them all.
    const vectors = await withService(db(), (tx) =>
      tx
        .selectFrom('artwork_features as f')
        .innerJoin('artworks as w', 'w.id', 'f.artwork_id')
        .select(['f.artwork_id', 'f.vec', 'w.account_id'])
        .where('w.status', '=', 'published')
        .where('f.artwork_id', '!=', id.Tidal)
        .execute(),
    );
    const tidal = (await demoVectors(db())).get('Tidal') as number[];
    const exact = diversify(
      relevant(
        vectors
          .map((v) => ({ id: v.artwork_id, accountId: v.account_id, score: cosine(tidal, v.vec.map(Number)) }))
          .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)),
      ),
      8,
    );
    expect(r.body.data.map((x: { artwork: { id: string } }) => x.artwork.id)).toEqual(exact.map((e) => e.id));
    const [first, second] = r.body.data;
    expect(artistOf[first.artwork.id]).toBe('jonas-berg');
    expect(artistOf[second.artwork.id]).toBe('jonas-berg');
    // A third work of one artist only after every other artist's relevant work (the page is not one artist's).
    const artists: string[] = r.body.data.map((x: { artwork: { id: string } }) => artistOf[x.artwork.id]);
    expect(new Set(artists).size).toBeGreaterThan(1);
    for (const a of new Set(artists)) {
      const mine = artists.flatMap((x, i) => (x === a ? [i] : []));
      const others = artists.flatMap((x, i) => (x !== a ? [i] : []));
      if (mine.length > 2) expect(mine[2]).toBeGreaterThan(Math.max(...others));
    }
    for (const x of r.body.data) {
      expect(x.reason.length).toBeGreaterThan(5);
      expect(x.reasons.length).toBeGreaterThan(0);
      expect(x.score).toBeGreaterThan(0);
      expect(x.score).toBeLessThanOrEqual(1);
      expect(x.artwork.status).toBe('published');
    }
    expect(first.reason).toMatch(/also a painting/);
    expect(first.reason).toMatch(/blue palette/);
  });

  it('are stable: the same request gives the same list and reasons', async () => {
    const anon = testClient(app);
    const a = await anon.get(`${API}/artworks/${id['Neon Alley']}/similar`);
    const b = await anon.get(`${API}/artworks/${id['Neon Alley']}/similar`);
    expect(a.body).toEqual(b.body);
    expect(
      titles(a.body)
        .slice(0, 2)
        .every((t) => ['Shinjuku Rain', 'Last Train', 'Vending Light'].includes(t)),
    ).toBe(true);
  });

  it("leave out sold, reserved and unpublished works, and the signed-in artist's own", async () => {
    await setStatus('Undertow', 'sold');
    await setStatus('North Sea Blue', 'reserved');
    await setStatus('Salt Fog', 'draft');
    try {
      const anon = testClient(app);
      const r = await anon.get(`${API}/artworks/${id.Tidal}/similar?limit=48`);
      expect(titles(r.body)).not.toContain('Undertow');
      expect(titles(r.body)).not.toContain('North Sea Blue');
      expect(titles(r.body)).not.toContain('Salt Fog');
      const jonas = testClient(app);
      await jonas.signIn('jonas@demo.gallerist.dev');
      const own = await jonas.get(`${API}/artworks/${id['Kente Echo']}/similar?limit=48`);
      expect(own.status).toBe(200);
      expect(own.body.data.length).toBeGreaterThan(0);
      expect(own.body.data.some((x: { artwork: { id: string } }) => artistOf[x.artwork.id] === 'jonas-berg')).toBe(
        false,
      );
    } finally {
      for (const t of ['Undertow', 'North Sea Blue', 'Salt Fog']) await setStatus(t, 'published');
    }
  });

  it('404 for unknown and unpublished works, 400 for a bad id or limit', async () => {
    const anon = testClient(app);
    expect((await anon.get(`${API}/artworks/00000000-0000-4000-8000-000000000000/similar`)).status).toBe(404);
    expect((await anon.get(`${API}/artworks/${id['Indigo Study']}/similar`)).status).toBe(404);
    const bad = await anon.get(`${API}/artworks/not-a-uuid/similar`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect((await anon.get(`${API}/artworks/${id.Tidal}/similar?limit=500`)).status).toBe(400);
  });
});

describe('saves, views and "for you"', () => {
  it('are for signed-in patrons only', async () => {
    const anon = testClient(app);
    for (const [method, path] of [
      ['get', `${API}/recommendations`],
      ['get', `${API}/saved`],
      ['get', `${API}/saved/ids`],
      ['put', `${API}/artworks/${id.Tidal}/save`],
      ['del', `${API}/artworks/${id.Tidal}/save`],
      ['post', `${API}/artworks/${id.Tidal}/view`],
    ] as const) {
      const r = await anon[method](path);
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(r.body.error.code).toBe('unauthenticated');
    }
    expect(await withService(db(), (tx) => tx.selectFrom('artwork_saves').selectAll().execute())).toEqual([]);
  });

  it('learn taste from a save, explain each pick by it, and keep the saved work out', async () => {
    const patron = testClient(app);
    await patron.signIn('member@demo.gallerist.dev');
    const empty = await patron.get(`${API}/recommendations`);
    expect(empty.status).toBe(200);
    expect(empty.body.data).toEqual([]);

    const saved = await patron.put(`${API}/artworks/${id.Tidal}/save`);
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ saved: true, savedAt: clock.now().toISOString() });
    expect((await patron.put(`${API}/artworks/${id.Tidal}/save`)).body.savedAt).toBe(saved.body.savedAt);
    expect((await patron.get(`${API}/saved/ids`)).body).toEqual({ ids: [id.Tidal] });
    const list = await patron.get(`${API}/saved`);
    expect(list.body).toMatchObject({ nextCursor: null, total: 1, totalCapped: false });
    expect(list.body.data[0].artwork.title).toBe('Tidal');

    const recs = await patron.get(`${API}/recommendations?limit=6`);
    expect(recs.status).toBe(200);
    expect(titles(recs.body)).not.toContain('Tidal');
    const [top] = recs.body.data;
    expect(artistOf[top.artwork.id]).toBe('jonas-berg');
    expect(top.reason).toMatch(/same medium as “Tidal”, which you saved/);
    expect(top.reason).toMatch(/in your price range|blue palette/);
  });

  it('record views, and let fresher signals outweigh old ones', async () => {
    const patron = testClient(app);
    await patron.signIn('provider@demo.gallerist.dev');
    const uid = await userId('provider@demo.gallerist.dev');
    expect((await patron.post(`${API}/artworks/${id['Neon Alley']}/view`)).status).toBe(204);
    expect((await patron.post(`${API}/artworks/${id['Neon Alley']}/view`)).status).toBe(204);
    const view = await withService(db(), (tx) =>
      tx.selectFrom('artwork_views').selectAll().where('user_id', '=', uid).executeTakeFirstOrThrow(),
    );
    expect(view.views).toBe(2);
    // A save a year old says less than this week's views.
    await withService(db(), (tx) =>
      tx
        .insertInto('artwork_saves')
        .values({ user_id: uid, artwork_id: id['Kente Echo'], created_at: new Date('2025-11-01T00:00:00Z') })
        .execute(),
    );
    const recs = await patron.get(`${API}/recommendations?limit=4`);
    expect(artistOf[recs.body.data[0].artwork.id]).toBe('aiko-tanaka');
    expect(recs.body.data[0].reason).toMatch(/“Neon Alley”, which you viewed/);
    expect(titles(recs.body)).not.toContain('Neon Alley');
    expect(titles(recs.body)).not.toContain('Kente Echo');
  });

  it('unsave, and 404 for works a patron cannot see', async () => {
    const patron = testClient(app);
    await patron.signIn('member@demo.gallerist.dev');
    expect((await patron.del(`${API}/artworks/${id.Tidal}/save`)).body).toEqual({ saved: false, savedAt: null });
    expect((await patron.del(`${API}/artworks/${id.Tidal}/save`)).status).toBe(200);
    expect((await patron.get(`${API}/saved/ids`)).body).toEqual({ ids: [] });
    for (const target of [id['Indigo Study'], '00000000-0000-4000-8000-000000000000']) {
      expect((await patron.put(`${API}/artworks/${target}/save`)).status).toBe(404);
      expect((await patron.post(`${API}/artworks/${target}/view`)).status).toBe(404);
    }
    expect((await patron.put(`${API}/artworks/nope/save`)).status).toBe(400);
  });

  it("keep one patron's saves and views from everyone else (RLS)", async () => {
    const member = await userId('member@demo.gallerist.dev');
    const other = await userId('artist@demo.gallerist.dev');
    await withService(db(), (tx) =>
      tx.insertInto('artwork_saves').values({ user_id: member, artwork_id: id['Monstera'] }).execute(),
    );
    const seen = await withUser(db(), { sub: other }, async (tx) => ({
      saves: await tx.selectFrom('artwork_saves').selectAll().execute(),
      views: await tx.selectFrom('artwork_views').selectAll().execute(),
    }));
    expect(seen).toEqual({ saves: [], views: [] });
    await expect(
      withUser(db(), { sub: other }, (tx) =>
        tx.insertInto('artwork_saves').values({ user_id: member, artwork_id: id.Tidal }).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(withAnon(db(), (tx) => tx.selectFrom('artwork_saves').selectAll().execute())).rejects.toThrow(
      /permission denied/,
    );
    await expect(
      withUser(db(), { sub: other }, (tx) => tx.selectFrom('embedding_cache').selectAll().execute()),
    ).rejects.toThrow(/permission denied/);
    // Features follow the artwork: a draft's are invisible to the public.
    const draftFeatures = await withAnon(db(), async (tx) => {
      await sql`select 1`.execute(tx);
      return tx
        .selectFrom('artwork_features')
        .select('artwork_id')
        .where('artwork_id', '=', id['Indigo Study'])
        .execute();
    });
    expect(draftFeatures).toEqual([]);
  });
});

describe('quality on the labelled demo pairs', () => {
  it('ranks similar above dissimilar works (pairwise accuracy and nDCG@10 above measured floors)', async () => {
    const m = recommendationMetrics(await demoVectors(db()));
    console.log(
      `recommendations: pairwise accuracy ${m.pairwiseAccuracy.toFixed(3)} over ${m.triples} triples, nDCG@10 ${m.ndcgAt10.toFixed(3)}`,
    );
    expect(m.triples).toBeGreaterThan(200);
    expect(m.pairwiseAccuracy).toBeGreaterThanOrEqual(0.95); // Measured 1.000 (475 triples).
    expect(m.ndcgAt10).toBeGreaterThanOrEqual(0.9); // Measured 0.955.
  });

  it('says which search runs: pgvector where installed, the exact scan elsewhere', async () => {
    const hasExtension = await withService(db(), async (tx) => {
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from pg_extension where extname = 'vector'`.execute(tx);
      return rows[0].n > 0;
    });
    expect(await vectorSearchAvailable(db())).toBe(hasExtension);
  });
});
