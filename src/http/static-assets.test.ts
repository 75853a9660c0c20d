import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDeps } from '../../test/http.ts';
import type { Database } from '../db/connect.ts';
import { createTestDatabase } from '../db/testing.ts';
import { createApp, webDist } from './app.ts';

// `npm test` builds the web app before Vitest runs; without a build there is nothing to serve.
const built = existsSync(join(webDist, 'index.html'));

describe.skipIf(!built)('the built web app as served', () => {
  let database: Database;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    database = await createTestDatabase();
    app = createApp(testDeps(database));
  });
  afterAll(() => database?.close());

  const html = () => readFileSync(join(webDist, 'index.html'), 'utf8');
  const eagerScripts = () => [...html().matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);

  it('caches hashed assets for a year, compressed, and makes browsers revalidate the page', async () => {
    const [asset] = eagerScripts();
    const res = await app.request(`/${asset}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const page = await app.request('/art');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const missing = await app.request('/assets/nope-123.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBeNull();
  });

  it('loads under 300 KB of gzipped JS on first visit; the admin charts come only with their page', () => {
    const eager = eagerScripts();
    const bytes = eager.reduce((sum, a) => sum + gzipSync(readFileSync(join(webDist, a))).length, 0);
    expect(bytes).toBeLessThan(300 * 1024);
    const charts = readdirSync(join(webDist, 'assets')).filter((f) => f.startsWith('charts-'));
    expect(charts).toHaveLength(1);
    expect(eager.some((a) => a.includes('charts-'))).toBe(false);
  });
});
