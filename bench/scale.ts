import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { platformSeeders } from '../src/assembly.ts';
import { systemClock } from '../src/clock.ts';
import { type Database, openPglite, openPostgres } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';
import { withService } from '../src/db/tenancy.ts';
import { createApp } from '../src/http/app.ts';
import { runDueJobs } from '../src/jobs/queue.ts';
import { seedDemo } from '../src/seed.ts';
import { SCALE_UNIT, seedScale } from '../src/seed-scale.ts';
import { testClient, testDeps } from '../test/http.ts';
import { printResults, type Result } from './emulator.ts';
import { createBenchDatabase } from './serve-process.ts';

/** Issue 17's targets for every key query: under this many ms at 100× data, and growing less than this from 1×. */
export const SCALE_TARGET_MS = 100;
export const SCALE_GROWTH_TARGET = 3;

const WARMUP = 10;
const RUNS = 15;

/** A key query: who asks and what; `job claim` is the job runner's idle poll rather than a route. */
interface KeyQuery {
  name: string;
  as?: string;
  path?: (ids: Record<string, string>) => string;
}

const queries: KeyQuery[] = [
  { name: "seller's orders, first page", as: 'studio', path: (i) => `/api/accounts/${i.lumen}/orders` },
  { name: "seller's paid orders", as: 'studio', path: (i) => `/api/accounts/${i.lumen}/orders?status=paid` },
  { name: 'print orders, first page', as: 'studio', path: (i) => `/api/shop/studios/${i.lumen}/orders` },
  {
    name: 'print orders, search by email',
    as: 'studio',
    path: (i) => `/api/shop/studios/${i.lumen}/orders?q=buyer4711`,
  },
  { name: 'admin marketplace metrics', as: 'admin', path: () => '/api/admin/marketplace/metrics' },
  { name: 'admin transactions', as: 'admin', path: () => '/api/admin/marketplace/transactions' },
  { name: "artist's sales", as: 'artist', path: (i) => `/api/marketplace/accounts/${i.mira}/sales` },
  { name: 'org credits summary', as: 'org', path: (i) => `/api/organizations/${i.acme}/credits` },
  { name: 'org credit lots', as: 'org', path: (i) => `/api/organizations/${i.acme}/credits/lots` },
  { name: 'org credit usage', as: 'org', path: (i) => `/api/organizations/${i.acme}/credits/usage` },
  { name: "provider's usage log", as: 'provider', path: (i) => `/api/providers/${i.skywalker}/credits/usage` },
  // Signed in, so the answer comes from the database and not the public read cache.
  { name: 'catalog browse by medium', as: 'studio', path: () => '/api/marketplace/artworks?medium=painting' },
  { name: 'job claim (idle poll)' },
];

const logins: Record<string, string> = {
  studio: 'studio@demo.gallerist.dev',
  admin: 'admin@demo.gallerist.dev',
  artist: 'artist@demo.gallerist.dev',
  org: 'org@demo.gallerist.dev',
  provider: 'provider@demo.gallerist.dev',
};

/** A fresh database of the kind the bench runs on, dropped afterwards. */
async function freshDatabase(): Promise<{ database: Database; drop: () => Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const database = await openPglite();
    return { database, drop: () => database.close() };
  }
  const created = await createBenchDatabase(adminUrl, 'bench_scale');
  const database = await openPostgres(created.url, 10);
  return {
    database,
    drop: async () => {
      await database.close();
      await created.drop();
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Seeds 1×, 10× and 100× data (`BENCH_SCALES`, on PGlite 1× and 10× by default) with `seed --scale`'s code and
 * times each key query at each scale: the median of 15 runs after 10 warm-up runs, the slowest as p99, and the growth
 * over the same query at the first scale. Postgres when TEST_DATABASE_URL is set.
 */
export async function benchScale(): Promise<Result[]> {
  const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
  const scales = (process.env.BENCH_SCALES ?? (onPostgres ? '1,10,100' : '1,10')).split(',').map(Number);
  const { database, drop } = await freshDatabase();
  try {
    await migrate(database.db);
    await withService(database.db, (tx) => seedDemo(tx, {}, platformSeeders));
    const deps = testDeps(database);
    const app = createApp(deps);
    const slugs = await database.db
      .selectFrom('accounts')
      .select(['id', 'slug'])
      .where('slug', 'in', ['lumen-photography', 'mira-okafor', 'acme-corp', 'skywalker-digital'])
      .execute();
    const id = Object.fromEntries(slugs.map((r) => [r.slug, r.id]));
    const ids = {
      lumen: id['lumen-photography'],
      mira: id['mira-okafor'],
      acme: id['acme-corp'],
      skywalker: id['skywalker-digital'],
    };
    const clients = Object.fromEntries(
      await Promise.all(
        Object.entries(logins).map(async ([role, email]) => {
          const c = testClient(app);
          await c.signIn(email);
          return [role, c] as const;
        }),
      ),
    );
    // No handlers: a job the demo seed queued fails at once in the warm-up instead of running its work.
    const handlers = new Map();
    const logger = pino({ level: 'silent' });
    const run = async (q: KeyQuery): Promise<boolean> => {
      if (!q.path) {
        // No job is due (finished ones and ones scheduled weeks ahead): the poll must find that cheaply.
        await runDueJobs(database.db, { handlers, workerId: 'bench', clock: systemClock, logger });
        return true;
      }
      const r = await clients[q.as!].get(q.path(ids));
      return r.status === 200;
    };
    const first = new Map<string, number>();
    const results: Result[] = [];
    for (const scale of scales) {
      const started = performance.now();
      await seedScale(database.db, scale, { now: new Date() });
      const seeded = Math.round((performance.now() - started) / 1000);
      const orders = (SCALE_UNIT.printOrders + SCALE_UNIT.sales + SCALE_UNIT.creditPurchases) * scale;
      console.log(`scale ${scale}×: ${orders} orders, ${scale * 10_000} ledger entries, seeded in ${seeded} s`);
      for (const q of queries) {
        let errors = 0;
        // Ten warm-up runs: with three, the first scale's figures still carried JIT and plan-cache warm-up (1× read
        // slower than 100× for some queries), which understated every growth factor.
        for (let i = 0; i < WARMUP; i++) if (!(await run(q))) errors++;
        const times: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const t = performance.now();
          if (!(await run(q))) errors++;
          times.push(performance.now() - t);
        }
        const ms = Number(median(times).toFixed(2));
        if (!first.has(q.name)) first.set(q.name, ms);
        const growth = ms / first.get(q.name)!;
        results.push({
          suite: 'scale',
          name: `${q.name} at ${scale}×: median ms [growth vs ${scales[0]}×]`,
          requests: RUNS,
          rps: ms,
          p99_ms: Number(Math.max(...times).toFixed(1)),
          errors,
          ratio: Number(growth.toFixed(2)),
        });
      }
    }
    const last = scales[scales.length - 1];
    for (const r of results.filter((x) => x.name.includes(` at ${last}×`))) {
      const met = r.errors === 0 && r.rps < SCALE_TARGET_MS && (last === scales[0] || r.ratio < SCALE_GROWTH_TARGET);
      console.log(
        `target ${r.name.split(' at ')[0]}: < ${SCALE_TARGET_MS} ms at ${last}×, growth < ${SCALE_GROWTH_TARGET}× → ` +
          `${r.rps} ms, ${r.ratio}× ${met ? 'met' : 'MISSED'}`,
      );
    }
    return results;
  } finally {
    await drop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printResults(await benchScale());
}
