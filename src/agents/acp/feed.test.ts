import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Insertable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDeps } from '../../../test/http.ts';
import type { Database } from '../../db/connect.ts';
import { withService, withUser } from '../../db/tenancy.ts';
import { createDemoTestDatabase } from '../../db/testing.ts';
import type { Database as Schema } from '../../db/types.ts';
import type { AppEnv, Deps } from '../../http/context.ts';
import { demoCatalog } from '../../marketplace/index.ts';
import { ACP_FEED_ID } from './feed.ts';
import { acpFeedRoutes } from './feed-routes.ts';
import { registerAgentPlatform } from './platforms.ts';
import { acpRoutes } from './routes.ts';
import { validateFeed } from './schema-validate.ts';

// The ACP product feed over the demo marketplace: only public works, correct prices and availability, paging that
// returns every item exactly once, and every response valid against the vendored feed JSON Schema.

let database: Database;
let deps: Deps;
let token: string;
let mira: string;
let miraName: string;
const works: Record<string, string> = {};
let imageId: string;

const FEED = `/acp/feeds/${ACP_FEED_ID}`;

// A bare app with the feed mounted before the checkout routes, the order the agents module must use.
function app() {
  const setDeps = createMiddleware<AppEnv>(async (c, next) => {
    c.set('deps', deps);
    c.set('requestId', 'req-1');
    c.set('log', deps.logger);
    await next();
  });
  return new Hono<AppEnv>().use(setDeps).route('/', acpFeedRoutes).route('/', acpRoutes);
}

async function call(path: string, opts: { auth?: string | null; method?: string; version?: string | null } = {}) {
  const headers: Record<string, string> = {};
  if (opts.auth !== null) headers.Authorization = `Bearer ${opts.auth ?? token}`;
  if (opts.version !== null) headers['API-Version'] = opts.version ?? '2026-04-17';
  const res = await app().request(path, { method: opts.method ?? 'GET', headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

/** Follows `Link: rel="next"` from the first page; returns the pages in order. */
async function allPages(limit: number) {
  const pages: Record<string, any>[] = [];
  let path: string | null = `${FEED}/products?limit=${limit}`;
  while (path) {
    const r = await call(path);
    expect(r.status).toBe(200);
    pages.push(r.body);
    const link = r.headers.get('link');
    const m = link ? /^<([^>]+)>; rel="next"$/.exec(link) : null;
    path = m ? new URL(m[1]).pathname + new URL(m[1]).search : null;
    expect(pages.length).toBeLessThan(50);
  }
  return pages;
}

const ids = (page: Record<string, any>) => (page.products as { id: string }[]).map((p) => p.id);
const item = (title: string) => `artwork_${works[title]}`;

beforeAll(async () => {
  database = await createDemoTestDatabase();
  deps = testDeps(database);
  const db = database.db;
  const admin = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'admin@demo.gallerist.dev')
    .executeTakeFirstOrThrow();
  token = (
    await withUser(db, { sub: admin.id }, (tx) =>
      registerAgentPlatform(tx, { kind: 'user', userId: admin.id }, { name: 'Feed reader' }),
    )
  ).token;
  await withService(db, async (tx) => {
    const acc = await tx
      .selectFrom('accounts')
      .select(['id', 'name'])
      .where('slug', '=', 'mira-okafor')
      .executeTakeFirstOrThrow();
    mira = acc.id;
    miraName = acc.name;
    const suspended = await tx
      .insertInto('accounts')
      .values({ kind: 'artist', slug: 'feed-suspended', name: 'Suspended Artist', suspended_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const now = Date.now();
    const tie = new Date(now - 60_000);
    const base = {
      account_id: mira,
      medium: 'painting' as const,
      price_amount: '10000',
      currency: 'eur',
      width_mm: 300,
      height_mm: 400,
    };
    const rows: (Insertable<Schema['artworks']> & { title: string })[] = [
      { ...base, title: 'Feed Sold', status: 'sold', published_at: new Date(now - 120_000) },
      {
        ...base,
        title: 'Feed Reserved',
        status: 'reserved',
        reserved_until: new Date(now + 600_000),
        published_at: new Date(now - 110_000),
      },
      {
        ...base,
        title: 'Feed Lapsed Reservation',
        status: 'reserved',
        reserved_until: new Date(now - 600_000),
        published_at: new Date(now - 100_000),
      },
      {
        ...base,
        title: 'Feed Edition Sold Out',
        status: 'published',
        edition_type: 'edition',
        edition_size: 5,
        editions_sold: 5,
        medium: 'print',
        published_at: new Date(now - 90_000),
      },
      {
        ...base,
        title: 'Feed Edition Open',
        status: 'published',
        edition_type: 'edition',
        edition_size: 5,
        editions_sold: 2,
        medium: 'print',
        year: 2022,
        depth_mm: 45,
        price_amount: '12345',
        published_at: new Date(now - 80_000),
      },
      // Five works published in the same microsecond: the keyset's id tie-break must still page them exactly once.
      ...[1, 2, 3, 4, 5].map((n) => ({
        ...base,
        title: `Feed Tie ${n}`,
        status: 'published' as const,
        published_at: tie,
      })),
      // Never in the feed, whatever their published_at says.
      { ...base, title: 'Feed Rejected', status: 'rejected', published_at: new Date(now - 70_000) },
      { ...base, title: 'Feed Submitted', status: 'submitted', published_at: new Date(now - 70_000) },
      { ...base, title: 'Feed Draft', status: 'draft', published_at: new Date(now - 70_000) },
      {
        ...base,
        account_id: suspended.id,
        title: 'Feed Suspended Artist',
        status: 'published',
        published_at: new Date(now - 70_000),
      },
    ];
    for (const r of rows) {
      const w = await tx.insertInto('artworks').values(r).returning('id').executeTakeFirstOrThrow();
      works[r.title] = w.id;
    }
    for (const w of await tx.selectFrom('artworks').select(['id', 'title']).execute()) works[w.title] ??= w.id;
    const img = await tx
      .insertInto('artwork_images')
      .values({
        artwork_id: works['Feed Edition Open'],
        account_id: mira,
        storage_key: 'x/y.jpg',
        width: 10,
        height: 10,
        is_primary: true,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    imageId = img.id;
  });
});
afterAll(() => database?.close());

describe('ACP product feed', () => {
  it('is only for registered agent platforms, with the ACP headers', async () => {
    const none = await call(`${FEED}/products`, { auth: null });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ type: 'invalid_request', code: 'unauthorized' });
    expect((await call(`${FEED}/products`, { auth: 'gacp_not_a_token' })).status).toBe(401);
    expect((await call(FEED, { auth: null })).status).toBe(401);
    const noVersion = await call(`${FEED}/products`, { version: null });
    expect(noVersion.status).toBe(400);
    expect(noVersion.body.code).toBe('missing_api_version');
    const ok = await call(`${FEED}/products`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('api-version')).toBe('2026-04-17');
  });

  it('serves the feed metadata and 404s unknown feeds in the spec error shape', async () => {
    const meta = await call(FEED);
    expect(meta.status).toBe(200);
    expect(meta.body.id).toBe(ACP_FEED_ID);
    expect(typeof meta.body.updated_at).toBe('string');
    expect(validateFeed('FeedMetadata', meta.body)).toEqual([]);
    for (const path of ['/acp/feeds/feed_other', '/acp/feeds/feed_other/products']) {
      const missing = await call(path);
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({
        type: 'invalid_request',
        code: 'feed_not_found',
        message: 'Feed not found',
        param: 'id',
      });
      expect(validateFeed('Error', missing.body)).toEqual([]);
    }
  });

  it('lists the published demo works with price, availability, seller and links', async () => {
    const [page] = await allPages(100);
    expect(validateFeed('ProductsResponse', page)).toEqual([]);
    const byId = new Map((page.products as Record<string, any>[]).map((p) => [p.id, p]));
    const harmattan = byId.get(item('Harmattan Light'));
    expect(harmattan).toBeDefined();
    const url = `${deps.config.publicUrl}/art/${works['Harmattan Light']}`;
    expect(harmattan).toMatchObject({
      title: 'Harmattan Light',
      description: { plain: 'Oil on linen; the dry season haze over Lagos lagoon.' },
      url,
    });
    expect(harmattan?.variants).toEqual([
      {
        id: item('Harmattan Light'),
        title: 'Harmattan Light',
        description: { plain: 'Oil on linen; the dry season haze over Lagos lagoon.' },
        url,
        price: { amount: 240_000, currency: 'EUR' },
        availability: { available: true, status: 'in_stock' },
        categories: [{ value: 'Art > Painting', taxonomy: 'merchant' }],
        condition: ['new'],
        variant_options: [
          { name: 'Medium', value: 'Painting' },
          { name: 'Dimensions', value: '90 × 120 cm' },
          { name: 'Year', value: '2024' },
          { name: 'Edition', value: 'Original' },
        ],
        seller: { name: miraName },
        marketplace: { name: 'Gallerist' },
      },
    ]);
    expect(byId.get(item('Market Geometry II'))?.variants[0].price).toEqual({ amount: 45_000, currency: 'EUR' });
    const open = byId.get(item('Feed Edition Open'));
    const media = [
      {
        type: 'image',
        url: `${deps.config.publicUrl}/api/marketplace/media/${imageId}/web`,
        alt_text: 'Feed Edition Open',
      },
    ];
    expect(open?.media).toEqual(media);
    expect(open?.variants[0]).toMatchObject({
      price: { amount: 12_345, currency: 'EUR' },
      media,
      variant_options: [
        { name: 'Medium', value: 'Print' },
        { name: 'Dimensions', value: '30 × 40 × 4.5 cm' },
        { name: 'Year', value: '2022' },
        { name: 'Edition', value: 'Edition of 5' },
      ],
    });
    const stock = (title: string) => byId.get(item(title))?.variants[0].availability;
    expect(stock('Feed Edition Open')).toEqual({ available: true, status: 'in_stock' });
    expect(stock('Feed Lapsed Reservation')).toEqual({ available: true, status: 'in_stock' });
    expect(stock('Feed Sold')).toEqual({ available: false, status: 'out_of_stock' });
    expect(stock('Feed Reserved')).toEqual({ available: false, status: 'out_of_stock' });
    expect(stock('Feed Edition Sold Out')).toEqual({ available: false, status: 'out_of_stock' });
  });

  it('never shows drafts, submitted or rejected works, nor works of suspended artists', async () => {
    const [page] = await allPages(100);
    const listed = new Set(ids(page));
    for (const title of [
      'Indigo Study',
      'Night Bus',
      'Feed Rejected',
      'Feed Submitted',
      'Feed Draft',
      'Feed Suspended Artist',
    ]) {
      expect(works[title], title).toBeDefined();
      expect(listed.has(item(title)), title).toBe(false);
    }
    // Exactly the works anon may see: the demo works, the demo catalog and the public fixtures.
    const expected = [
      'Harmattan Light',
      'Market Geometry II',
      ...demoCatalog.flatMap((a) => a.works.map((w) => w.title)),
      'Feed Sold',
      'Feed Reserved',
      'Feed Lapsed Reservation',
      'Feed Edition Sold Out',
      'Feed Edition Open',
      'Feed Tie 1',
      'Feed Tie 2',
      'Feed Tie 3',
      'Feed Tie 4',
      'Feed Tie 5',
    ];
    expect([...listed].sort()).toEqual(expected.map(item).sort());
  });

  it('pages with a cursor: every item exactly once, in the same order, each page schema-valid', async () => {
    const [full] = await allPages(100);
    for (const limit of [1, 2, 5]) {
      const pages = await allPages(limit);
      for (const page of pages) {
        expect(validateFeed('ProductsResponse', page)).toEqual([]);
        expect(page.products.length).toBeLessThanOrEqual(limit);
      }
      const seen = pages.flatMap(ids);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(ids(full));
      expect(pages.length).toBe(Math.ceil(seen.length / limit));
    }
    for (const product of full.products) {
      expect(validateFeed('Product', product), product.id).toEqual([]);
      expect(validateFeed('Variant', product.variants[0]), product.id).toEqual([]);
    }
  });

  it('rejects bad paging parameters and writes with ACP errors', async () => {
    for (const q of ['limit=0', 'limit=101', 'limit=abc']) {
      const r = await call(`${FEED}/products?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body).toMatchObject({ type: 'invalid_request', code: 'invalid', param: 'limit' });
    }
    for (const cursor of ['garbage', Buffer.from('["x","y"]').toString('base64url')]) {
      const r = await call(`${FEED}/products?cursor=${cursor}`);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ type: 'invalid_request', code: 'invalid_cursor', param: 'cursor' });
    }
    const patch = await call(`${FEED}/products`, { method: 'PATCH' });
    expect(patch.status).toBe(405);
    expect((await call('/acp/feeds', { method: 'POST' })).status).toBe(405);
    // The checkout routes mounted after the feed still answer their own paths.
    const session = await call('/acp/checkout_sessions/cs_nope');
    expect(session.status).toBe(404);
    expect(session.body.type).toBe('invalid_request');
  });

  it('the official feed examples validate against the vendored schema', () => {
    const examples = JSON.parse(
      readFileSync(new URL('./spec/examples/examples.feed.json', import.meta.url), 'utf8'),
    ) as Record<string, unknown>;
    const defOf: Record<string, string> = {
      create_feed_request_minimal: 'CreateFeedRequest',
      create_feed_response: 'FeedMetadata',
      get_feed_response: 'FeedMetadata',
      get_products_response: 'ProductsResponse',
      upsert_products_request_single_product: 'UpsertProductsRequest',
      feed_error_not_found: 'Error',
      feed_error_invalid_request: 'Error',
    };
    expect(Object.keys(examples).sort()).toEqual(Object.keys(defOf).sort());
    for (const [name, value] of Object.entries(examples)) {
      expect(validateFeed(defOf[name], value), name).toEqual([]);
    }
  });
});
