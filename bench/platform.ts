import { pathToFileURL } from 'node:url';
import { startTestApp } from '../test/app.ts';
import { autocannon, type BenchOptions, printResults, type Result, rate } from './emulator.ts';

/**
 * Public storefront routes must keep at least this share of the baseline's throughput. Each read is several queries
 * serialised on PGlite's single connection (≈0.07–0.13× of /healthz measured on 2 cores), so 0.05× flags a
 * regression such as an N+1 query without flapping on a busy machine.
 */
export const STOREFRONT_TARGET_RATIO = 0.05;
/** Resident memory after the load must stay under this many MiB (the platform, PGlite and the emulator in one process). */
export const RSS_TARGET_MIB = 1024;

const mib = (n: number) => Math.round(n / 1024 / 1024);

/**
 * Benchmarks the storefront reads a shopper hits most (marketplace browse and an artwork, a client gallery with
 * its catalog and a thumbnail) against `/healthz` on the whole demo platform on embedded PGlite, and reports memory.
 */
export async function benchPlatform(opts: BenchOptions = {}): Promise<Result[]> {
  const duration = opts.durationSec ?? 5;
  const connections = opts.connections ?? 16;
  const rssBefore = process.memoryUsage().rss;
  const app = await startTestApp({ demo: true });
  try {
    const rssBooted = process.memoryUsage().rss;
    const gallery = await app.platform.deps.db
      .selectFrom('galleries')
      .innerJoin('gallery_photos', 'gallery_photos.gallery_id', 'galleries.id')
      .select(['galleries.token', 'gallery_photos.id as photo_id'])
      .where('galleries.status', '=', 'published')
      .executeTakeFirstOrThrow();
    const artwork = await app.platform.deps.db
      .selectFrom('artworks')
      .select('id')
      .where('status', '=', 'published')
      .executeTakeFirstOrThrow();
    const routes: Array<[string, string]> = [
      ['GET /healthz (baseline)', '/healthz'],
      ['GET /api/marketplace/artworks', '/api/marketplace/artworks'],
      ['GET /api/marketplace/artworks/:id', `/api/marketplace/artworks/${artwork.id}`],
      ['GET /api/shop/g/:token', `/api/shop/g/${gallery.token}`],
      ['GET /api/shop/g/:token/catalog', `/api/shop/g/${gallery.token}/catalog?photoId=${gallery.photo_id}`],
      ['GET /api/shop/media/…/thumb', `/api/shop/media/${gallery.token}/${gallery.photo_id}/thumb`],
    ];
    const results: Result[] = [];
    let base = 0;
    for (const [name, path] of routes) {
      const r = await autocannon({ url: `${app.url}${path}`, connections, duration });
      const rps = rate(r);
      if (!base) base = rps;
      results.push({
        suite: 'platform',
        name,
        requests: r.requests.total,
        rps: Math.round(rps),
        p99_ms: r.latency.p99,
        errors: r.non2xx + r.errors + r.timeouts,
        ratio: Number((rps / base).toFixed(3)),
      });
    }
    const rssAfter = process.memoryUsage().rss;
    console.log(
      `platform memory: RSS ${mib(rssBefore)} MiB before boot, ${mib(rssBooted)} MiB after boot + demo seed, ` +
        `${mib(rssAfter)} MiB after the load (target < ${RSS_TARGET_MIB} MiB): ${mib(rssAfter) < RSS_TARGET_MIB ? 'met' : 'MISSED'}`,
    );
    for (const r of results.slice(1)) {
      const met = r.errors === 0 && r.ratio >= STOREFRONT_TARGET_RATIO;
      console.log(`target ${r.name}: ≥ ${STOREFRONT_TARGET_RATIO}× baseline, no errors → ${met ? 'met' : 'MISSED'}`);
    }
    return results;
  } finally {
    await app.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printResults(await benchPlatform());
}
