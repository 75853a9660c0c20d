import { pathToFileURL } from 'node:url';
import { startTestApp } from '../test/app.ts';
import { autocannon, type BenchOptions, printResults, type Result, rate } from './emulator.ts';
import { startStaticBaseline } from './static-baseline.ts';

/**
 * Public storefront routes must reach this share of the throughput of a static Hono route answering the same number
 * of bytes in its own process (issue 17's target for the embedded database). Measured on 2 cores it is not met yet:
 * the bench prints MISSED rather than hiding it behind a database-backed baseline.
 */
export const STOREFRONT_TARGET_RATIO = 0.1;
/** Resident memory after the load must stay under this many MiB (the platform, PGlite and the emulator in one process). */
export const RSS_TARGET_MIB = 1024;

const mib = (n: number) => Math.round(n / 1024 / 1024);

/**
 * Benchmarks the storefront reads a shopper hits most (marketplace browse and an artwork, a client gallery with
 * its catalog and a thumbnail) on the whole demo platform on embedded PGlite, each right after its baseline: a
 * static route of the same response size and type in a separate process. Reports memory too.
 */
export async function benchPlatform(opts: BenchOptions = {}): Promise<Result[]> {
  const duration = opts.durationSec ?? 5;
  const connections = opts.connections ?? 16;
  const rssBefore = process.memoryUsage().rss;
  const app = await startTestApp({ demo: true });
  const baseline = await startStaticBaseline();
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
      ['GET /api/marketplace/artworks', '/api/marketplace/artworks'],
      ['GET /api/marketplace/artworks/:id', `/api/marketplace/artworks/${artwork.id}`],
      ['GET /api/shop/g/:token', `/api/shop/g/${gallery.token}`],
      ['GET /api/shop/g/:token/catalog', `/api/shop/g/${gallery.token}/catalog?photoId=${gallery.photo_id}`],
      ['GET /api/shop/media/…/thumb', `/api/shop/media/${gallery.token}/${gallery.photo_id}/thumb`],
    ];
    const results: Result[] = [];
    const measure = async (name: string, url: string, base: number | null) => {
      const r = await autocannon({ url, connections, duration });
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
    for (const [name, path] of routes) {
      const sample = await fetch(`${app.url}${path}`);
      const size = (await sample.arrayBuffer()).byteLength;
      const type = sample.headers.get('content-type') ?? 'application/octet-stream';
      const base = await measure(`static ${size} B (baseline of ${name})`, baseline.urlFor(size, type), null);
      await measure(name, `${app.url}${path}`, base);
    }
    const rssAfter = process.memoryUsage().rss;
    console.log(
      `platform memory: RSS ${mib(rssBefore)} MiB before boot, ${mib(rssBooted)} MiB after boot + demo seed, ` +
        `${mib(rssAfter)} MiB after the load (target < ${RSS_TARGET_MIB} MiB): ${mib(rssAfter) < RSS_TARGET_MIB ? 'met' : 'MISSED'}`,
    );
    for (const r of results.filter((x) => !x.name.startsWith('static '))) {
      const met = r.errors === 0 && r.ratio >= STOREFRONT_TARGET_RATIO;
      console.log(
        `target ${r.name}: ≥ ${STOREFRONT_TARGET_RATIO}× a static route of its size, no errors → ${met ? 'met' : 'MISSED'}`,
      );
    }
    return results;
  } finally {
    await baseline.stop();
    await app.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printResults(await benchPlatform());
}
