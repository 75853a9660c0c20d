import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient } from '../../test/http.ts';
import { withService } from '../db/tenancy.ts';
import { shopFixture } from './testing.ts';

let f: Awaited<ReturnType<typeof shopFixture>>;
type G = { id: string; token: string };
type Photo = { id: string; position: number; width: number; height: number; thumbUrl: string };
type Page = { data: Photo[]; photoCount: number; nextCursor: string | null };

/** A published gallery of the demo studio. */
const mkGallery = async (title: string, extra: Record<string, unknown> = {}): Promise<G> =>
  (await f.studio.post(`/api/shop/studios/${f.lumenId}/galleries`, { title, status: 'published', ...extra })).body;

/** Inserts photo rows directly (no files needed to page); returns their ids in display order (position, then id). */
async function addRows(g: G, count: number, position: (i: number) => number): Promise<string[]> {
  const rows = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    gallery_id: g.id,
    account_id: f.lumenId,
    original_key: `test/${g.id}/${i}-original.jpg`,
    web_key: `test/${g.id}/${i}-web.jpg`,
    thumb_key: `test/${g.id}/${i}-thumb.jpg`,
    content_type: 'image/jpeg',
    width: 6000,
    height: 4000,
    position: position(i),
    filename: `IMG_${String(i).padStart(4, '0')}.jpg`,
    bytes: 1000 + i,
  }));
  await withService(f.database.db, (tx) => tx.insertInto('gallery_photos').values(rows).execute());
  return rows.sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((r) => r.id);
}

const pagePath = (g: G, q: Record<string, string | number> = {}) =>
  `/api/shop/g/${g.token}/photos?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]))}`;

/** Follows nextCursor from `cursor` to the end; returns every id served, in order. */
async function pageAll(v: ReturnType<typeof testClient>, g: G, limit: number, cursor: string | null = null) {
  const ids: string[] = [];
  for (let guard = 0; guard < 1000; guard++) {
    const r = await v.get(pagePath(g, cursor ? { cursor, limit } : { limit }));
    expect(r.status).toBe(200);
    const page: Page = r.body;
    expect(page.data.length).toBeLessThanOrEqual(limit);
    ids.push(...page.data.map((p) => p.id));
    if (!page.nextCursor) return ids;
    expect(page.data).toHaveLength(limit);
    cursor = page.nextCursor;
  }
  throw new Error('paging never ended');
}

let big: G;
let bigIds: string[];

beforeAll(async () => {
  f = await shopFixture();
  big = await mkGallery('Wedding, 130 photos');
  // Pairs share a position so the id tie-break is exercised too.
  bigIds = await addRows(big, 130, (i) => Math.floor(i / 2));
});
afterAll(() => f.database.close());

describe('client gallery paging', () => {
  it('answers the gallery with the first 60 photos, the count and a cursor that pages through the rest', async () => {
    const v = testClient(f.app);
    const g = await v.get(`/api/shop/g/${big.token}`);
    expect(g.status).toBe(200);
    expect(g.body.photoCount).toBe(130);
    expect(g.body.photos.map((p: Photo) => p.id)).toEqual(bigIds.slice(0, 60));
    expect(g.body.photos[0]).toMatchObject({ width: 6000, height: 4000 });
    expect(typeof g.body.nextCursor).toBe('string');

    const p2 = await v.get(pagePath(big, { cursor: g.body.nextCursor }));
    expect(p2.status).toBe(200);
    expect(p2.body.data.map((p: Photo) => p.id)).toEqual(bigIds.slice(60, 120));
    expect(p2.body.photoCount).toBe(130);
    const p3 = await v.get(pagePath(big, { cursor: p2.body.nextCursor }));
    expect(p3.body.data.map((p: Photo) => p.id)).toEqual(bigIds.slice(120));
    expect(p3.body.nextCursor).toBeNull();
  });

  it('pages through completely in display order with no duplicates or gaps, whatever the page size', async () => {
    const v = testClient(f.app);
    for (const limit of [7, 13, 60, 100]) {
      const ids = await pageAll(v, big, limit);
      expect(ids, `limit ${limit}`).toEqual(bigIds);
    }
    // An empty cursor means the first page, as the brief's `?cursor=&limit=` suggests.
    const first = await v.get(`/api/shop/g/${big.token}/photos?cursor=&limit=5`);
    expect(first.body.data.map((p: Photo) => p.id)).toEqual(bigIds.slice(0, 5));
    const dflt = await v.get(pagePath(big));
    expect(dflt.body.data).toHaveLength(60);
  });

  it('keeps limit within 1–100', async () => {
    const v = testClient(f.app);
    for (const limit of ['0', '101', '-1', 'ten', '2.5']) {
      const r = await v.get(pagePath(big, { limit }));
      expect(r.status, `limit=${limit}`).toBe(400);
      expect(r.body.error.details.fieldErrors.limit).toBeDefined();
    }
    expect((await v.get(pagePath(big, { limit: 100 }))).body.data).toHaveLength(100);
  });

  it('rejects a malformed cursor with a 400, never a 500', async () => {
    const v = testClient(f.app);
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    const bad = [
      'not a cursor!',
      'x'.repeat(201),
      b64('hello'),
      b64('v1.12.not-a-uuid'),
      b64(`v1.99999999999.${randomUUID()}`),
      b64(`v2.1.${randomUUID()}`),
      b64(`v1.1.${randomUUID()}'; drop table gallery_photos; --`),
    ];
    for (const cursor of bad) {
      const r = await v.get(pagePath(big, { cursor }));
      expect(r.status, cursor).toBe(400);
      expect(r.body.error.details.fieldErrors.cursor).toBeDefined();
    }
    expect((await v.get(pagePath(big))).body.photoCount).toBe(130);
  });

  it('applies the gallery access rules: 404 unknown, 403 until the PIN is entered, 410 expired', async () => {
    const v = testClient(f.app);
    expect((await v.get(`/api/shop/g/${'A'.repeat(43)}/photos`)).status).toBe(404);
    const locked = await mkGallery('Locked', { pin: '2468' });
    await addRows(locked, 3, (i) => i);
    const denied = await v.get(pagePath(locked));
    expect(denied.status).toBe(403);
    expect(denied.body.error.details.pinRequired).toBe(true);
    expect(JSON.stringify(denied.body)).not.toContain('IMG_');
    expect((await v.post(`/api/shop/g/${locked.token}/unlock`, { pin: '2468' })).status).toBe(204);
    expect((await v.get(pagePath(locked))).body.data).toHaveLength(3);
    // The unlock is for that gallery only.
    expect((await testClient(f.app).get(pagePath(locked))).status).toBe(403);

    const expired = await mkGallery('Expired');
    await addRows(expired, 2, (i) => i);
    await f.studio.patch(`/api/shop/galleries/${expired.id}`, { expiresAt: '2026-10-01T00:00:00Z' });
    expect((await v.get(pagePath(expired))).status).toBe(410);

    const draft = (await f.studio.post(`/api/shop/studios/${f.lumenId}/galleries`, { title: 'Draft' })).body;
    expect((await v.get(pagePath(draft))).status).toBe(404);
  });

  it("never serves gallery B's photos through gallery A's token, even with B's cursor", async () => {
    const v = testClient(f.app);
    const a = await mkGallery('Gallery A');
    const b = await mkGallery('Gallery B');
    const aIds = await addRows(a, 10, (i) => i * 10);
    const bIds = await addRows(b, 10, (i) => i * 10 + 5);
    const bPage = await v.get(pagePath(b, { limit: 3 }));
    expect(bPage.body.data.map((p: Photo) => p.id)).toEqual(bIds.slice(0, 3));
    const mixed = await v.get(pagePath(a, { cursor: bPage.body.nextCursor, limit: 100 }));
    expect(mixed.status).toBe(200);
    // B's cursor names a photo A does not have, so A continues after its stored position (25): A's 4th photo on.
    expect(mixed.body.data.map((p: Photo) => p.id)).toEqual(aIds.slice(3));
    expect(mixed.body.data.every((p: Photo) => p.thumbUrl.startsWith(`/api/shop/media/${a.token}/`))).toBe(true);
    expect(mixed.body.photoCount).toBe(10);
  });

  it('survives a reorder between pages: only the moved photo is skipped or repeated', async () => {
    const v = testClient(f.app);
    const g = await mkGallery('Reordered');
    const ids = await addRows(g, 30, (i) => i);
    const reorder = async (order: string[]) =>
      expect((await f.studio.put(`/api/shop/galleries/${g.id}/photos/order`, { ids: order })).status).toBe(204);
    const move = (order: string[], from: number, to: number) => {
      const next = [...order];
      next.splice(to, 0, next.splice(from, 1)[0]);
      return next;
    };

    // A photo not yet seen moves onto the seen part: it is skipped, nothing else is.
    const p1 = await v.get(pagePath(g, { limit: 10 }));
    const seen = p1.body.data.map((p: Photo) => p.id);
    expect(seen).toEqual(ids.slice(0, 10));
    await reorder(move(ids, 20, 3));
    const rest = await pageAll(v, g, 10, p1.body.nextCursor);
    expect([...seen, ...rest]).toEqual(ids.filter((id) => id !== ids[20]));

    // A seen photo moves into the unseen part: it is repeated, nothing else is.
    const order = move(ids, 20, 3);
    await reorder(order);
    const q1 = await v.get(pagePath(g, { limit: 10 }));
    expect(q1.body.data.map((p: Photo) => p.id)).toEqual(order.slice(0, 10));
    await reorder(move(order, 2, 25));
    const tail = await pageAll(v, g, 10, q1.body.nextCursor);
    expect([...q1.body.data.map((p: Photo) => p.id), ...tail]).toEqual([
      ...order.slice(0, 10),
      ...move(order, 2, 25).slice(9),
    ]);
    expect(tail).toContain(order[2]);

    // The cursor's own photo is deleted: paging continues from where it stood.
    const r1 = await v.get(pagePath(g, { limit: 10 }));
    const current = r1.body.data.map((p: Photo) => p.id);
    expect((await f.studio.del(`/api/shop/galleries/${g.id}/photos/${current[9]}`)).status).toBe(204);
    const after = await pageAll(v, g, 10, r1.body.nextCursor);
    expect(after).toHaveLength(20);
    expect(new Set([...current, ...after]).size).toBe(30);
  });
});

describe('cart thumbnails', () => {
  it('returns each line with its photo thumbnail, whichever page the photo is on', async () => {
    const v = testClient(f.app);
    const products = (await f.studio.get(`/api/shop/studios/${f.lumenId}/products`)).body.data;
    const a4 = products.find((p: { name: string }) => p.name === 'A4 print');
    const catalog = await v.get(`/api/shop/g/${big.token}/catalog?photoId=${bigIds[125]}`);
    const product = catalog.body.data.find((p: { id: string }) => p.id === a4.id);
    const added = await v.post(`/api/shop/g/${big.token}/cart/items`, {
      photoId: bigIds[125],
      productId: product.id,
      optionValueIds: product.groups.map((gr: { values: Array<{ id: string }> }) => gr.values[0].id),
      quantity: 1,
    });
    expect(added.status).toBe(201);
    const cart = await v.get(`/api/shop/g/${big.token}/cart`);
    expect(cart.body.items).toHaveLength(1);
    expect(cart.body.items[0]).toMatchObject({
      photoId: bigIds[125],
      thumbUrl: `/api/shop/media/${big.token}/${bigIds[125]}/thumb`,
      filename: expect.stringMatching(/^IMG_\d{4}\.jpg$/),
    });
  });
});

describe('API reference', () => {
  it('documents the photo page endpoint, the paged gallery and cart thumbnails', async () => {
    const spec = await (await f.app.request('/api/openapi.json')).json();
    const get = spec.paths['/shop/g/{token}/photos'].get;
    expect(get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['cursor', 'limit', 'token']);
    const schemas = spec.components.schemas;
    expect(Object.keys(schemas.GalleryPhotoPage.properties).sort()).toEqual(['data', 'nextCursor', 'photoCount']);
    expect(schemas.PublicGallery.properties).toHaveProperty('nextCursor');
    // ClientCart extends Cart (allOf), overriding its lines with the photo's filename and thumbnail.
    expect(JSON.stringify(schemas.ClientCart)).toContain('"thumbUrl"');
    expect(spec.paths['/shop/g/{token}/cart'].get.responses['200'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/ClientCart',
    );
  });
});
