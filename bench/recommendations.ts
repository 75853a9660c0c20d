import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { systemClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/connect.ts';
import { withAnon } from '../src/db/tenancy.ts';
import { createDemoTestDatabase, prepareTemplates, testDbKind } from '../src/db/testing.ts';
import type { DB } from '../src/db/types.ts';
import { publicArtwork } from '../src/marketplace/artworks/catalog.ts';
import {
  COLOUR_DIMS,
  featureVector,
  hashedTextEmbedding,
  keywordsOf,
  paletteOf,
  TEXT_DIMS,
} from '../src/marketplace/recommendations/features.ts';
import { recommendedFor, similarArtworks } from '../src/marketplace/recommendations/rank.ts';
import { refreshAllFeatures, vectorSearchAvailable } from '../src/marketplace/recommendations/store.ts';
import { media } from '../src/marketplace/tables.ts';
import { demoVectors, recommendationMetrics } from '../test/fixtures/recommendation-pairs.ts';
import { loopResult, printResults, type Result, round1 as round } from './emulator.ts';

/** Knobs for quick runs (the smoke test uses a tiny catalog and a handful of samples). */
export interface RecommendationBenchOptions {
  /** Synthetic published artworks added to the demo catalog (issue 13: 100 000). */
  artworks?: number;
  /** Artist accounts they are spread over. */
  artists?: number;
  /** Timed calls per measured operation (each one a random anchor), after a few untimed warm-up calls. */
  samples?: number;
  /** Stop sampling an operation after this long (the exact scan without pgvector takes seconds per call at 100k). */
  budgetMs?: number;
  /** Which database: by default the one every bench and test file uses (`testDbKind()`: PGlite unless
   * GALLERIST_TEST_DB=postgres with TEST_DATABASE_URL). */
  backend?: 'pglite' | 'postgres';
}

const SUITE = 'recommendations';
const LIMIT = 12;
const WARMUP = 3;
const PATRONS = 20;
const SAVES_PER_PATRON = 5;

// ----- synthetic catalog -------------------------------------------------------------------------------------------

/** A small deterministic PRNG (mulberry32), so every run builds the same catalog. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPICS = 120;
const PALETTES = 300;

/** Letters-only pseudo words (the tokenizer keeps letters only), `n` per vocabulary. */
function vocabulary(rand: () => number, n: number): string[] {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  return Array.from({ length: n }, () =>
    Array.from({ length: 5 + Math.floor(rand() * 4) }, () => letters[Math.floor(rand() * 26)]).join(''),
  );
}

const pick = <T>(rand: () => number, xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
const literal = (v: number[]) => `{${v.map((x) => Number(x.toPrecision(6))).join(',')}}`;
const quoteText = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * The blocks synthetic vectors are concatenated from, each a slice of `featureVector` (so each block is its
 * l2-normalised part times its weight, exactly as the features job stores it): text blocks of short texts over a
 * topic's words (two per artist, the artist's topic), colour blocks of random few-colour histograms, and the
 * medium/price/size tail of every combination. With every block present the concatenation is `featureVector` of the
 * same parts.
 */
function blocks(textCount: number) {
  const rand = prng(13);
  const common = vocabulary(rand, 200);
  const topics = Array.from({ length: TOPICS }, () => vocabulary(rand, 14));
  const noHistogram = new Array<number>(COLOUR_DIMS).fill(1 / COLOUR_DIMS);
  const unitText = Array.from({ length: TEXT_DIMS }, (_, i) => (i ? 0 : 1));
  const base = { histogram: noHistogram, medium: media[0], priceBand: 0, sizeBand: 0 };
  const texts = Array.from({ length: textCount }, (_, i) => {
    const topic = topics[i % TOPICS];
    const words = [
      ...Array.from({ length: 8 }, () => pick(rand, topic)),
      ...Array.from({ length: 4 }, () => pick(rand, common)),
    ];
    const text = words.join(' ');
    return { v: featureVector({ ...base, text: hashedTextEmbedding(text) }).slice(0, TEXT_DIMS), kw: keywordsOf(text) };
  });
  const palettes = Array.from({ length: PALETTES }, () => {
    const h = new Array<number>(COLOUR_DIMS).fill(0);
    for (let k = 0; k < 3; k++) h[Math.floor(rand() * COLOUR_DIMS)] += rand();
    h[36 + Math.floor(rand() * 4)] += rand() * 0.5;
    const sum = h.reduce((s, x) => s + x, 0);
    const hist = h.map((x) => x / sum);
    const v = featureVector({ ...base, text: unitText, histogram: hist }).slice(TEXT_DIMS, TEXT_DIMS + COLOUR_DIMS);
    return { v, palette: paletteOf(hist) };
  });
  const tails: Array<{ m: number; p: number; s: number; v: number[] }> = [];
  for (let m = 0; m < media.length; m++)
    for (let p = 0; p < 6; p++)
      for (let s = 0; s < 4; s++) {
        const v = featureVector({
          text: unitText,
          histogram: noHistogram,
          medium: media[m],
          priceBand: p,
          sizeBand: s,
        });
        tails.push({ m, p, s, v: v.slice(TEXT_DIMS + COLOUR_DIMS) });
      }
  return { texts, palettes, tails };
}

/** Inserts rows as one VALUES statement (numbers and escaped texts only). */
async function insertValues(db: DB, table: string, columns: string, rows: string[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    await sql.raw(`insert into ${table} (${columns}) values ${rows.slice(i, i + 2000).join(',')}`).execute(db);
  }
}

/**
 * Adds `artworks` published works of `artists` artist accounts (with a profile, so anon RLS shows them) and their
 * features, in bulk on the root connection; mirrors the vectors into recs.artwork_vectors where pgvector is
 * installed, building the HNSW index once over all rows (as `create index` on a loaded table would) rather than
 * row by row. Returns the seconds spent, for the log.
 */
async function syntheticCatalog(db: DB, artworks: number, artists: number) {
  const started = performance.now();
  const textCount = Math.min(artists * 2, artworks);
  const { texts, palettes, tails } = blocks(textCount);
  await sql`drop table if exists bench_rec_text, bench_rec_colour, bench_rec_tail, bench_rec_works`.execute(db);
  await sql`create table bench_rec_text (i int primary key, v real[] not null, kw text[] not null)`.execute(db);
  await sql`create table bench_rec_colour (i int primary key, v real[] not null, palette jsonb not null)`.execute(db);
  await sql`create table bench_rec_tail (m int, p int, s int, v real[] not null, primary key (m, p, s))`.execute(db);
  await insertValues(
    db,
    'bench_rec_text',
    'i, v, kw',
    texts.map((t, i) => `(${i}, '${literal(t.v)}', array[${t.kw.map(quoteText).join(',')}]::text[])`),
  );
  await insertValues(
    db,
    'bench_rec_colour',
    'i, v, palette',
    palettes.map((c, i) => `(${i}, '${literal(c.v)}', ${quoteText(JSON.stringify(c.palette))}::jsonb)`),
  );
  await insertValues(
    db,
    'bench_rec_tail',
    'm, p, s, v',
    tails.map((t) => `(${t.m}, ${t.p}, ${t.s}, '${literal(t.v)}')`),
  );
  await sql`
    insert into accounts (kind, name, slug)
    select 'artist', 'Bench Artist ' || a, 'bench-artist-' || a from generate_series(0, ${artists - 1}) a`.execute(db);
  await sql`
    insert into artist_profiles (account_id, country, onboarding_status, charges_enabled, payouts_enabled)
    select id, 'DE', 'complete', true, true from accounts where slug like 'bench-artist-%'`.execute(db);
  // One row per work: its artist, text (one of the artist's two), colours, medium, price and size band. Seeded, in
  // one transaction so the seed holds on a pool's connection too.
  await db.transaction().execute(async (tx) => {
    await sql`select setseed(0.13)`.execute(tx);
    await sql`
    create table bench_rec_works as
    select gen_random_uuid() as id, g, acc.id as account_id,
      (g % ${artists} + ${artists} * (g / ${artists} % 2)) % ${textCount} as t,
      floor(random() * ${PALETTES})::int as c, floor(random() * ${media.length})::int as m,
      floor(random() * 6)::int as p, floor(random() * 4)::int as s, random() as r
    from generate_series(0, ${artworks - 1}) g
    join accounts acc on acc.slug = 'bench-artist-' || (g % ${artists})`.execute(tx);
  });
  const mediaArray = sql.raw(`array[${media.map(quoteText).join(',')}]::text[]`);
  await sql`
    insert into artworks (id, account_id, title, description, medium, width_mm, height_mm, year, price_amount,
      currency, status, published_at)
    select w.id, w.account_id, 'Bench work ' || w.g, array_to_string(x.kw, ' '), (${mediaArray})[w.m + 1],
      (array[100, 300, 600, 1200])[w.s + 1] + floor(w.r * (array[199, 299, 599, 1800])[w.s + 1])::int,
      (array[80, 200, 400, 900])[w.s + 1] + floor(w.r * 100)::int,
      2000 + w.g % 26,
      (array[5000, 25000, 50000, 100000, 250000, 500000])[w.p + 1]
        + floor(w.r * (array[19999, 24999, 49999, 149999, 249999, 1000000])[w.p + 1])::bigint,
      'eur', 'published', now() - make_interval(mins => w.g)
    from bench_rec_works w join bench_rec_text x on x.i = w.t`.execute(db);
  await sql`
    insert into artwork_features (artwork_id, vec, text_hash, text_model, keywords, palette, price_band, size_band)
    select w.id, x.v || c.v || tl.v, 'bench-' || w.t, 'builtin-hash-v1', x.kw, c.palette, w.p, w.s
    from bench_rec_works w
    join bench_rec_text x on x.i = w.t
    join bench_rec_colour c on c.i = w.c
    join bench_rec_tail tl on (tl.m, tl.p, tl.s) = (w.m, w.p, w.s)`.execute(db);
  const generated = (performance.now() - started) / 1000;
  let indexed = 0;
  if (await vectorSearchAvailable(db)) {
    const t = performance.now();
    const { rows } = await sql<{ def: string; name: string }>`
      select indexdef as def, indexname as name from pg_indexes
      where schemaname = 'recs' and tablename = 'artwork_vectors' and indexdef ilike '%using hnsw%'`.execute(db);
    for (const r of rows) await sql.raw(`drop index recs.${r.name}`).execute(db);
    await sql`
      insert into recs.artwork_vectors (artwork_id, embedding)
      select f.artwork_id, f.vec::vector from artwork_features f join bench_rec_works w on w.id = f.artwork_id`.execute(
      db,
    );
    await db.transaction().execute(async (tx) => {
      await sql`set local maintenance_work_mem = '512MB'`.execute(tx);
      for (const r of rows) await sql.raw(r.def).execute(tx);
    });
    indexed = (performance.now() - t) / 1000;
  }
  await sql`drop table bench_rec_text, bench_rec_colour, bench_rec_tail`.execute(db);
  await sql`analyze accounts, artist_profiles, artworks, artwork_features`.execute(db);
  if (await vectorSearchAvailable(db)) await sql`analyze recs.artwork_vectors`.execute(db);
  return { generated, indexed };
}

/** Patrons with a few saves each among the synthetic works (recommendedFor needs something to go on). */
async function patrons(db: DB, ids: string[]): Promise<string[]> {
  const rand = prng(27);
  const users: string[] = [];
  for (let u = 0; u < PATRONS; u++) {
    const { rows } = await sql<{ id: string }>`
      insert into users (email, name, password_hash)
      values (${`bench-patron-${u}@example.com`}, ${`Bench Patron ${u}`}, 'x') returning id`.execute(db);
    const userId = rows[0].id;
    users.push(userId);
    const saved = new Set(Array.from({ length: SAVES_PER_PATRON }, () => pick(rand, ids)));
    for (const artworkId of saved) {
      await sql`insert into artwork_saves (user_id, artwork_id) values (${userId}, ${artworkId})`.execute(db);
    }
  }
  return users;
}

// ----- measuring -------------------------------------------------------------------------------------------------

const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : 0;

interface Timed {
  count: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
}

/**
 * Calls `job` for each anchor one after another (a single request at a time, as one visitor's page load), after
 * up to WARMUP untimed calls; stops early after `budgetMs` (at least WARMUP timed calls; with fewer than 100 calls
 * the p99 is their maximum). A call that throws or returns
 * false counts as an error.
 */
async function sequential(anchors: string[], budgetMs: number, job: (id: string) => Promise<boolean>) {
  // Warm-up stops early once it has taken a tenth of the budget: a call of seconds (the exact scan) is not cold.
  const warming = performance.now();
  for (const id of anchors.slice(0, WARMUP)) {
    await job(id).catch(() => false);
    if (performance.now() - warming > budgetMs / 10) break;
  }
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  for (const id of anchors.slice(WARMUP)) {
    const t = performance.now();
    const ok = await job(id).catch((err) => {
      console.error(`recommendations bench: ${String(err)}`);
      return false;
    });
    if (ok) latencies.push(performance.now() - t);
    else errors++;
    if (performance.now() - started > budgetMs && latencies.length + errors >= WARMUP) break;
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const count = latencies.length + errors;
  return { count, errors, seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) } satisfies Timed;
}

const timedResult = (name: string, r: Timed, baseRps: number | null): Result => loopResult(SUITE, name, r, baseRps);

/**
 * A figure that is not a timing (Result has no column for it): the value is in the name, `requests` counts what it
 * was computed over, and the timing columns are 0.
 */
function figureResult(name: string, over: number): Result {
  return { suite: SUITE, name, requests: over, rps: 0, p99_ms: 0, errors: 0, ratio: 1 };
}

/**
 * How the planner answers the pgvector candidate query (as rank.ts writes it) as anon: whether it walks the HNSW
 * index, and whether the plan also scans all of artworks (an O(catalog) step the index is meant to avoid).
 */
async function candidatePlan(db: DB, anchor: string): Promise<{ hnsw: boolean; scansArtworks: boolean }> {
  return withAnon(db, async (tx) => {
    const { rows: vec } = await sql<{ v: string }>`
      select embedding::text as v from recs.artwork_vectors where artwork_id = ${anchor}`.execute(tx);
    await sql`select set_config('hnsw.ef_search', '144', true)`.execute(tx);
    const { rows } = await sql<{ 'QUERY PLAN': string }>`
      explain select v.artwork_id as id
      from recs.artwork_vectors v
      join artworks w on w.id = v.artwork_id
      join accounts acc on acc.id = w.account_id
      where w.status = 'published' and acc.suspended_at is null
        and not (v.artwork_id = any(${[anchor]}::uuid[]))
        and not (w.account_id = any(${[]}::uuid[]))
      order by v.embedding <=> ${vec[0]?.v ?? ''}::vector
      limit 72`.execute(tx);
    const plan = rows.map((r) => r['QUERY PLAN']);
    return {
      hnsw: plan.some((l) => /Index Scan using \S*hnsw\S* on artwork_vectors/.test(l)),
      scansArtworks: plan.some((l) => /Seq Scan on artworks\b/.test(l)),
    };
  });
}

async function openDatabase(backend: 'pglite' | 'postgres', storage: ReturnType<typeof loadConfig>) {
  // The migrated Postgres template (vitest's global setup makes it; `npm run bench` may be the first to need it).
  if (backend === 'postgres') await prepareTemplates();
  if (backend === testDbKind()) return createDemoTestDatabase(storage);
  // Asked for the other backend than this process's default (the smoke test's Postgres run): the same helper,
  // pointed at it for the one call.
  const before = process.env.GALLERIST_TEST_DB;
  process.env.GALLERIST_TEST_DB = backend;
  try {
    return await createDemoTestDatabase(storage);
  } finally {
    if (before === undefined) delete process.env.GALLERIST_TEST_DB;
    else process.env.GALLERIST_TEST_DB = before;
  }
}

/**
 * Recommendation quality on the demo catalog (pairwise accuracy and nDCG@10 of the labelled pairs in
 * test/fixtures/recommendation-pairs.ts) and the latency of "similar works" and "for you" at 100 000 artworks,
 * against a primary-key lookup of one public artwork as anon in the same run. Runs on PGlite (pgvector's HNSW index)
 * unless the bench's database is Postgres (GALLERIST_TEST_DB=postgres with TEST_DATABASE_URL, as for every bench),
 * where without pgvector ranking is an exact scan.
 */
export async function benchRecommendations(opts: RecommendationBenchOptions = {}): Promise<Result[]> {
  const artworks = opts.artworks ?? 100_000;
  const artists = Math.max(1, Math.min(opts.artists ?? 2_000, artworks));
  const samples = opts.samples ?? 200;
  const budgetMs = opts.budgetMs ?? 20_000;
  const backend = opts.backend ?? testDbKind();
  const dataDir = mkdtempSync(join(tmpdir(), 'gallerist-bench-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0' });
  const clock = systemClock;
  let database: Database | undefined;
  try {
    database = await openDatabase(backend, config);
    const { db } = database;

    // 1. Quality: the demo catalog's own features (its pictures are in the storage the seed wrote).
    await refreshAllFeatures(db, config, clock);
    const q = recommendationMetrics(await demoVectors(db));
    const results: Result[] = [
      figureResult(`demo catalog: pairwise accuracy ${q.pairwiseAccuracy.toFixed(3)} (over triples)`, q.triples),
      figureResult(`demo catalog: nDCG@10 ${q.ndcgAt10.toFixed(3)} (over anchors)`, q.anchors),
    ];
    console.log(
      `recommendations quality (demo catalog): pairwise accuracy ${q.pairwiseAccuracy.toFixed(3)} over ${q.triples} ` +
        `triples, nDCG@10 ${q.ndcgAt10.toFixed(3)} over ${q.anchors} anchors`,
    );

    // 2. Latency over a large catalog.
    const built = await syntheticCatalog(db, artworks, artists);
    const { rows: all } = await sql<{ id: string }>`select id::text as id from bench_rec_works order by g`.execute(db);
    const ids = all.map((r) => r.id);
    await sql`drop table bench_rec_works`.execute(db);
    const users = await patrons(db, ids);
    const rand = prng(42);
    const anchors = Array.from({ length: samples + WARMUP }, () => pick(rand, ids));
    const vectors = await vectorSearchAvailable(db);
    const plan = vectors ? await candidatePlan(db, anchors[0]) : null;
    const mode = vectors ? 'pgvector HNSW' : 'exact scan';
    const { rows: counted } = await sql<{ n: string }>`select count(*)::text as n from artworks`.execute(db);
    const total = Number(counted[0].n);
    console.log(
      `recommendations catalog: ${total} artworks (${artworks} synthetic over ${artists} artists) on ${database.kind}, ` +
        `built in ${built.generated.toFixed(1)} s` +
        (vectors ? ` + ${built.indexed.toFixed(1)} s to load recs.artwork_vectors and build its HNSW index` : '') +
        `; search mode: ${mode}` +
        (plan
          ? ` (candidate query plan: HNSW index scan ${plan.hnsw ? 'yes' : 'NO'}, ` +
            `full scan of artworks ${plan.scansArtworks ? 'YES' : 'no'})`
          : ''),
    );

    // Baseline: one public artwork by primary key in an anon transaction, through the same catalog code that
    // presents recommendations (publicArtwork: publicColumns + withImages, as publicArtworksByIds does for a page).
    // It is the request shape of "similar works" (one anon transaction around catalog reads) minus the ranking.
    const base = await sequential(anchors, budgetMs, async (id) =>
      Boolean(await withAnon(db, (tx) => publicArtwork(tx, id))),
    );
    const similar = await sequential(
      anchors,
      budgetMs,
      async (id) => (await similarArtworks(db, id, { limit: LIMIT })).length === LIMIT,
    );
    let u = 0;
    const forYou = await sequential(
      anchors,
      budgetMs,
      async () => (await recommendedFor(db, users[u++ % users.length], clock, { limit: LIMIT })).length === LIMIT,
    );
    const baseRps = base.count / Math.max(base.seconds, 0.001);
    const at = `${total} artworks`;
    results.push(
      timedResult(`anon PK lookup publicArtwork, ${at} (baseline)`, base, null),
      timedResult(`similarArtworks limit ${LIMIT}, ${at} (${mode})`, similar, baseRps),
      timedResult(`recommendedFor limit ${LIMIT}, ${at} (${mode})`, forYou, baseRps),
    );
    for (const [name, r] of [
      ['PK lookup (baseline)', base],
      ['similarArtworks', similar],
      ['recommendedFor', forYou],
    ] as const) {
      console.log(
        `recommendations ${name} at ${at} (${mode}): p50 ${round(r.p50)} ms, p99 ${round(r.p99)} ms ` +
          `over ${r.count} calls, ${r.errors} errors` +
          (r === base ? '' : ` (p50 ${(r.p50 / Math.max(base.p50, 0.001)).toFixed(1)}× the baseline's)`),
      );
    }
    return results;
  } finally {
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printResults(await benchRecommendations());
}
