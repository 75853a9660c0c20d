import { pathToFileURL } from 'node:url';
import { withService } from '../src/db/tenancy.ts';
import type { DB } from '../src/db/types.ts';
import { startTestApp } from '../test/app.ts';
import { autocannon, type BenchOptions, printResults, type Result, rate } from './emulator.ts';
import { startServeProcess } from './serve-process.ts';
import { type StaticBaseline, startStaticBaseline } from './static-baseline.ts';

/**
 * Public storefront routes must reach this share of the throughput of a static Hono route answering the same number
 * of bytes in its own process (issue 17's target for the embedded database). Measured on 2 cores it is not met yet:
 * the bench prints MISSED rather than hiding it behind a database-backed baseline.
 */
export const STOREFRONT_TARGET_RATIO = 0.1;
/** Resident memory after the load must stay under this many MiB (the platform, PGlite and the emulator in one process). */
export const RSS_TARGET_MIB = 1024;

const mib = (n: number) => Math.round(n / 1024 / 1024);

/** Issue 17's target for the same reads on Postgres, where the public read cache is off. */
export const STOREFRONT_TARGET_RATIO_POSTGRES = 0.25;

/** The storefront reads a shopper hits most, with ids from the platform's demo data. */
async function storefrontRoutes(db: DB): Promise<Array<[string, string]>> {
  const gallery = await withService(db, (tx) =>
    tx
      .selectFrom('galleries')
      .innerJoin('gallery_photos', 'gallery_photos.gallery_id', 'galleries.id')
      .select(['galleries.token', 'gallery_photos.id as photo_id'])
      .where('galleries.status', '=', 'published')
      .where('galleries.pin_hash', 'is', null)
      .executeTakeFirstOrThrow(),
  );
  const artwork = await withService(db, (tx) =>
    tx.selectFrom('artworks').select('id').where('status', '=', 'published').executeTakeFirstOrThrow(),
  );
  return [
    ['GET /api/marketplace/artworks', '/api/marketplace/artworks'],
    ['GET /api/marketplace/artworks/:id', `/api/marketplace/artworks/${artwork.id}`],
    ['GET /api/shop/g/:token', `/api/shop/g/${gallery.token}`],
    ['GET /api/shop/g/:token/catalog', `/api/shop/g/${gallery.token}/catalog?photoId=${gallery.photo_id}`],
    ['GET /api/shop/media/…/thumb', `/api/shop/media/${gallery.token}/${gallery.photo_id}/thumb`],
  ];
}

/** Each route right after its baseline (a static route of the same size and type), rows named with `label`. */
async function measureStorefront(
  url: string,
  db: DB,
  baseline: StaticBaseline,
  opts: { label: string; target: number; duration: number; connections: number },
): Promise<Result[]> {
  const results: Result[] = [];
  const measure = async (name: string, target: string, base: number | null) => {
    const r = await autocannon({ url: target, connections: opts.connections, duration: opts.duration });
    const rps = rate(r);
    results.push({
      suite: 'platform',
      name,
      requests: r.requests.total,
      rps: Math.round(rps),
      p99_ms: r.latency.p99,
      errors: r.non2xx + r.errors + r.timeouts,
      ratio: base ? Number((rps / base).toFixed(3)) : 1,
    });
    return rps;
  };
  for (const [name, path] of await storefrontRoutes(db)) {
    const sample = await fetch(`${url}${path}`);
    const size = (await sample.arrayBuffer()).byteLength;
    const type = sample.headers.get('content-type') ?? 'application/octet-stream';
    const base = await measure(
      `static ${size} B (baseline of ${name}${opts.label})`,
      baseline.urlFor(size, type),
      null,
    );
    await measure(`${name}${opts.label}`, `${url}${path}`, base);
  }
  for (const r of results.filter((x) => !x.name.startsWith('static '))) {
    const met = r.errors === 0 && r.ratio >= opts.target;
    console.log(
      `target ${r.name}: ≥ ${opts.target}× a static route of its size, no errors → ${met ? 'met' : 'MISSED'}`,
    );
  }
  return results;
}

/**
 * Benchmarks the storefront reads a shopper hits most (marketplace browse and an artwork, a client gallery with
 * its catalog and a thumbnail) on the whole demo platform on embedded PGlite, each right after its baseline: a
 * static route of the same response size and type in a separate process. Reports memory too. With
 * TEST_DATABASE_URL, the same reads again from `gallerist serve --demo` on Postgres in a process of its own.
 */
export async function benchPlatform(opts: BenchOptions & { postgres?: boolean } = {}): Promise<Result[]> {
  const duration = opts.durationSec ?? 5;
  const connections = opts.connections ?? 16;
  const rssBefore = process.memoryUsage().rss;
  const app = await startTestApp({ demo: true });
  let stopped: Promise<void> | null = null;
  const stopApp = () => {
    stopped ??= app.stop();
    return stopped;
  };
  const baseline = await startStaticBaseline();
  const results: Result[] = [];
  try {
    const rssBooted = process.memoryUsage().rss;
    results.push(
      ...(await measureStorefront(app.url, app.platform.deps.db, baseline, {
        label: '',
        target: STOREFRONT_TARGET_RATIO,
        duration,
        connections,
      })),
    );
    const rssAfter = process.memoryUsage().rss;
    console.log(
      `platform memory: RSS ${mib(rssBefore)} MiB before boot, ${mib(rssBooted)} MiB after boot + demo seed, ` +
        `${mib(rssAfter)} MiB after the load (target < ${RSS_TARGET_MIB} MiB): ${mib(rssAfter) < RSS_TARGET_MIB ? 'met' : 'MISSED'}`,
    );
    // Stopped before the second platform starts, so the two never share the machine.
    await stopApp();
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (adminUrl && opts.postgres !== false) {
      const server = await startServeProcess(adminUrl, { name: 'bench_platform', args: ['serve', '--demo'] });
      try {
        results.push(
          ...(await measureStorefront(server.url, server.database.db, baseline, {
            label: ' (postgres)',
            target: STOREFRONT_TARGET_RATIO_POSTGRES,
            duration,
            connections,
          })),
        );
      } finally {
        await server.stop();
      }
    }
    return results;
  } finally {
    await baseline.stop();
    await stopApp();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printResults(await benchPlatform());
}
