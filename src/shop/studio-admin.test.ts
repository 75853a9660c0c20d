import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient } from '../../test/http.ts';
import { storageFor } from '../storage/index.ts';
import { bitmapPng, countObjects, truncatedPng } from '../storage/testing.ts';
import { type Client, countRows, shopFixture, testJpeg, upload } from './testing.ts';

let f: Awaited<ReturnType<typeof shopFixture>>;
beforeAll(async () => {
  f = await shopFixture();
});
afterAll(() => f.database.close());

async function sendFile(client: Client, path: string, bytes: Uint8Array, name = 'logo.png', field = 'file') {
  const form = new FormData();
  form.append(field, new File([bytes as BlobPart], name, { type: 'image/png' }));
  const res = await f.app.request(path, {
    method: 'POST',
    headers: {
      cookie: [...client.jar].map(([k, v]) => `${k}=${v}`).join('; '),
      'x-csrf-token': client.jar.get('gallerist_csrf') ?? '',
    },
    body: form,
  });
  return { status: res.status, body: await res.json() };
}

const getRaw = async (path: string) => {
  const res = await f.app.request(path);
  return { status: res.status, type: res.headers.get('content-type'), bytes: new Uint8Array(await res.arrayBuffer()) };
};

async function auditActions(accountId: string) {
  const rows = await f.database.db
    .selectFrom('audit_events')
    .select('action')
    .where('account_id', '=', accountId)
    .execute();
  return rows.map((r) => r.action);
}

const address = { name: 'Rival Studio', line1: 'Hauptstr. 1', city: 'Köln', postalCode: '50667', country: 'de' };
const baseSettings = {
  currency: 'EUR',
  taxRateBps: 1900,
  taxInclusive: true,
  shippingRates: [],
  accentColor: '#0f766e',
};

describe('studio branding and return address', () => {
  it('saves a structured return address (country upper-cased, optional lines defaulted)', async () => {
    const r = await f.other.put(`/api/shop/studios/${f.rivalId}/settings`, { ...baseSettings, returnAddress: address });
    expect(r.status).toBe(200);
    expect(r.body.returnAddress).toEqual({ ...address, country: 'DE', line2: '' });
    expect(r.body.accentColor).toBe('#0f766e');
  });

  it.each([
    ['a missing city', { ...address, city: '' }],
    ['a three-letter country', { ...address, country: 'DEU' }],
    ['an unknown address field', { ...address, state: 'NRW' }],
    ['a free-form address', { line1: 'somewhere' }],
  ])('rejects %s with 400 and writes nothing', async (_l, returnAddress) => {
    const before = await f.other.get(`/api/shop/studios/${f.rivalId}/settings`);
    const r = await f.other.put(`/api/shop/studios/${f.rivalId}/settings`, { ...baseSettings, returnAddress });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    expect((await f.other.get(`/api/shop/studios/${f.rivalId}/settings`)).body).toEqual(before.body);
  });

  it('uploads a logo, serves it publicly as a resized PNG, shows it on the client gallery and replaces it', async () => {
    const big = await sharp({ create: { width: 2400, height: 600, channels: 4, background: '#ff000080' } })
      .png()
      .toBuffer();
    const up = await sendFile(f.other, `/api/shop/studios/${f.rivalId}/logo`, new Uint8Array(big));
    expect(up.status).toBe(200);
    expect(up.body.logoUrl).toMatch(new RegExp(`^/api/shop/studios/${f.rivalId}/logo\\?v=logo-`));
    const served = await getRaw(up.body.logoUrl);
    expect(served.status).toBe(200);
    expect(served.type).toBe('image/png');
    // A browser revalidating the logo it holds gets a bodiless 304.
    const etag = (await f.app.request(up.body.logoUrl)).headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    const revalidated = await f.app.request(up.body.logoUrl, { headers: { 'if-none-match': etag! } });
    expect(revalidated.status).toBe(304);
    expect((await revalidated.arrayBuffer()).byteLength).toBe(0);
    expect(await sharp(served.bytes).metadata()).toMatchObject({
      format: 'png',
      width: 800,
      height: 200,
      hasAlpha: true,
    });
    // The client gallery header gets the logo and the accent colour.
    const g = await f.other.post(`/api/shop/studios/${f.rivalId}/galleries`, { title: 'Branded', status: 'published' });
    const pub = await testClient(f.app).get(`/api/shop/g/${g.body.token}`);
    expect(pub.body).toMatchObject({ logoUrl: up.body.logoUrl, accentColor: '#0f766e' });
    // Saving other settings keeps the logo.
    await f.other.put(`/api/shop/studios/${f.rivalId}/settings`, { ...baseSettings, returnAddress: null });
    expect((await f.other.get(`/api/shop/studios/${f.rivalId}/settings`)).body.logoKey).toBe(up.body.logoKey);
    // Replacing deletes the old object; removing clears the URL.
    const again = await sendFile(f.other, `/api/shop/studios/${f.rivalId}/logo`, await testJpeg(300, 100), 'l.jpg');
    expect(again.status).toBe(200);
    expect(again.body.logoKey).not.toBe(up.body.logoKey);
    expect(await storageFor(f.deps.config).get(up.body.logoKey)).toBeNull();
    const removed = await f.other.del(`/api/shop/studios/${f.rivalId}/logo`);
    expect(removed.body).toMatchObject({ logoKey: null, logoUrl: null });
    expect(await storageFor(f.deps.config).get(again.body.logoKey)).toBeNull();
    expect((await getRaw(`/api/shop/studios/${f.rivalId}/logo`)).status).toBe(404);
    expect(await auditActions(f.rivalId)).toEqual(
      expect.arrayContaining(['shop.logo.update', 'shop.logo.remove', 'shop.settings.update']),
    );
  });

  it('accepts a logo past the 1 MB JSON body limit but refuses one over 5 MB (413)', async () => {
    const noise = (side: number) =>
      sharp(
        new Uint8Array(side * side * 3).map(() => Math.floor(Math.random() * 256)),
        {
          raw: { width: side, height: side, channels: 3 },
        },
      )
        .png({ compressionLevel: 0 })
        .toBuffer();
    const two = await noise(900);
    expect(two.length).toBeGreaterThan(2 * 1024 * 1024);
    const ok = await sendFile(f.other, `/api/shop/studios/${f.rivalId}/logo`, new Uint8Array(two));
    expect(ok.status).toBe(200);
    const key = ok.body.logoKey;
    const six = await noise(1450);
    expect(six.length).toBeGreaterThan(5 * 1024 * 1024);
    const big = await sendFile(f.other, `/api/shop/studios/${f.rivalId}/logo`, new Uint8Array(six));
    expect(big.status).toBe(413);
    expect((await f.other.get(`/api/shop/studios/${f.rivalId}/settings`)).body.logoKey).toBe(key);
    await f.other.del(`/api/shop/studios/${f.rivalId}/logo`);
  });

  it('refuses a non-image logo (415) and another studio (404), storing nothing', async () => {
    const text = new TextEncoder().encode('<svg onload="alert(1)"></svg>');
    const bad = await sendFile(f.other, `/api/shop/studios/${f.rivalId}/logo`, text, 'x.svg');
    expect(bad.status).toBe(415);
    const foreign = await sendFile(f.other, `/api/shop/studios/${f.lumenId}/logo`, await testJpeg(100, 100));
    expect(foreign.status).toBe(404);
    expect((await f.studio.get(`/api/shop/studios/${f.lumenId}/settings`)).body.logoKey).toBeNull();
    const none = await sendFile(f.other, `/api/shop/studios/${f.rivalId}/logo`, await testJpeg(10, 10), 'a.jpg', 'x');
    expect(none.status).toBe(400);
    expect((await f.other.get(`/api/shop/studios/${f.rivalId}/settings`)).body.logoKey).toBeNull();
  });
});

describe('logo decoding limits', () => {
  it('refuses a logo over 25 megapixels (413) and a truncated one (422), naming the file and storing nothing', async () => {
    const path = `/api/shop/studios/${f.rivalId}/logo`;
    const objects = countObjects(f.deps.config);
    const huge = await sendFile(f.other, path, bitmapPng(6000, 5000), 'wide.png');
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatchObject({ code: 'payload_too_large', details: { file: 'wide.png' } });
    expect(huge.body.error.message).toMatch(/^wide\.png is 6000 × 5000 pixels.*at most 25 megapixels/);
    const broken = await sendFile(f.other, path, await truncatedPng(), 'half.png');
    expect(broken.status).toBe(422);
    expect(broken.body.error).toMatchObject({ code: 'unprocessable', details: { file: 'half.png' } });
    expect(broken.body.error.message).toMatch(/^half\.png could not be read/);
    expect((await f.other.get(`/api/shop/studios/${f.rivalId}/settings`)).body.logoKey).toBeNull();
    expect(countObjects(f.deps.config)).toBe(objects);
  });
});

describe('clients CRM', () => {
  it('audits client changes and isolates them per studio', async () => {
    const base = `/api/shop/studios/${f.rivalId}/clients`;
    const c = await f.other.post(base, { name: 'Dora', email: 'dora@example.com', notes: 'Newborn shoot' });
    expect(c.status).toBe(201);
    expect((await f.other.patch(`${base}/${c.body.id}`, { name: 'Dora M.' })).body.name).toBe('Dora M.');
    // Another studio cannot see, edit or delete it.
    expect((await f.studio.patch(`/api/shop/studios/${f.lumenId}/clients/${c.body.id}`, { name: 'x' })).status).toBe(
      404,
    );
    expect((await f.studio.patch(`${base}/${c.body.id}`, { name: 'x' })).status).toBe(404);
    expect((await f.studio.del(`${base}/${c.body.id}`)).status).toBe(404);
    expect((await f.other.del(`${base}/${c.body.id}`)).status).toBe(204);
    expect(await auditActions(f.rivalId)).toEqual(
      expect.arrayContaining(['shop.client.create', 'shop.client.update', 'shop.client.delete']),
    );
  });
});

describe('coupons', () => {
  const base = () => `/api/shop/studios/${f.rivalId}/coupons`;

  it('creates percent, fixed and free-shipping coupons with limits and a window, and deactivates one', async () => {
    const pct = await f.other.post(base(), {
      code: 'SPRING20',
      kind: 'percent',
      value: 20,
      minOrderAmount: 5000,
      maxRedemptions: 100,
      startsAt: '2026-03-01T00:00:00Z',
      endsAt: '2026-05-31T23:59:59Z',
    });
    expect(pct.status).toBe(201);
    expect(pct.body).toMatchObject({
      code: 'SPRING20',
      kind: 'percent',
      value: 20,
      minOrderAmount: 5000,
      active: true,
    });
    const fixed = await f.other.post(base(), { code: 'TENOFF', kind: 'fixed', value: 1000 });
    expect(fixed.status).toBe(201);
    const ship = await f.other.post(base(), { code: 'SHIPFREE', kind: 'free_shipping', value: 999 });
    expect(ship.body).toMatchObject({ kind: 'free_shipping', value: 0 });
    const off = await f.other.patch(`${base()}/${fixed.body.id}`, { active: false });
    expect(off.body.active).toBe(false);
    const list = await f.other.get(base());
    expect(list.body.data.map((c: { code: string }) => c.code).sort()).toEqual(['SHIPFREE', 'SPRING20', 'TENOFF']);
    expect(await auditActions(f.rivalId)).toEqual(expect.arrayContaining(['shop.coupon.create', 'shop.coupon.update']));
  });

  it('answers 409 for a duplicate code, ignoring case', async () => {
    const before = await countRows(f.database, 'shop_coupons');
    const r = await f.other.post(base(), { code: 'spring20', kind: 'percent', value: 5 });
    expect(r.status).toBe(409);
    expect(r.body.error.details.fieldErrors.code).toBeDefined();
    expect(await countRows(f.database, 'shop_coupons')).toBe(before);
  });

  it.each([
    ['a percent over 100', { code: 'BIG', kind: 'percent', value: 150 }],
    ['a fixed coupon without an amount', { code: 'ZERO', kind: 'fixed', value: 0 }],
    [
      'a window that ends before it starts',
      { code: 'BACK', kind: 'fixed', value: 100, startsAt: '2026-05-01T00:00:00Z', endsAt: '2026-04-01T00:00:00Z' },
    ],
    ['a code with spaces', { code: 'TWO WORDS', kind: 'fixed', value: 100 }],
    ['an unknown kind', { code: 'BOGO', kind: 'bogo', value: 1 }],
    ['a fractional amount', { code: 'FRAC', kind: 'fixed', value: 9.99 }],
  ])('rejects %s with 400 and writes nothing', async (_l, body) => {
    const before = await countRows(f.database, 'shop_coupons');
    const r = await f.other.post(base(), body);
    expect(r.status).toBe(400);
    expect(await countRows(f.database, 'shop_coupons')).toBe(before);
  });

  it('refuses an end date before the start when editing', async () => {
    const list = await f.other.get(base());
    const spring = list.body.data.find((c: { code: string }) => c.code === 'SPRING20');
    const r = await f.other.patch(`${base()}/${spring.id}`, { endsAt: '2026-01-01T00:00:00Z' });
    expect(r.status).toBe(400);
    expect((await f.other.get(base())).body.data.find((c: { id: string }) => c.id === spring.id).endsAt).toBe(
      '2026-05-31T23:59:59.000Z',
    );
  });

  it("hides another studio's coupons (404) and never lets it change them", async () => {
    const list = await f.other.get(base());
    const id = list.body.data[0].id;
    expect((await f.studio.get(base())).status).toBe(404);
    expect((await f.studio.post(base(), { code: 'HACK', kind: 'fixed', value: 100 })).status).toBe(404);
    expect((await f.studio.patch(`${base()}/${id}`, { active: false })).status).toBe(404);
    expect((await f.studio.patch(`/api/shop/studios/${f.lumenId}/coupons/${id}`, { active: false })).status).toBe(404);
    expect((await f.other.get(base())).body.data[0].active).toBe(list.body.data[0].active);
  });
});

describe('catalog option editing and price sheets', () => {
  let productId: string;
  const product = (p = productId) => `/api/shop/products/${p}`;

  beforeAll(async () => {
    const r = await f.other.post(`/api/shop/studios/${f.rivalId}/products`, {
      sku: 'FINE-1',
      name: 'Fine art print',
      basePrice: 3000,
      groups: [{ name: 'Size', values: [{ label: '20×30', priceAdjustment: 0, minWidthPx: 1800, minHeightPx: 1200 }] }],
    });
    expect(r.status).toBe(201);
    productId = r.body.id;
  });

  it('edits the product and adds, renames, re-prices and deletes option groups and values', async () => {
    const edited = await f.other.patch(product(), {
      name: 'Fine art print (matte)',
      description: 'Hahnemühle',
      basePrice: 3500,
      active: false,
    });
    expect(edited.body).toMatchObject({ name: 'Fine art print (matte)', basePrice: 3500, active: false });
    const withGroup = await f.other.post(`${product()}/groups`, {
      name: 'Medium',
      values: [{ label: 'Paper' }, { label: 'Canvas', priceAdjustment: 4000 }],
    });
    expect(withGroup.status).toBe(201);
    const medium = withGroup.body.groups.find((g: { name: string }) => g.name === 'Medium');
    expect(medium.values.map((v: { label: string }) => v.label)).toEqual(['Paper', 'Canvas']);
    const size = withGroup.body.groups.find((g: { name: string }) => g.name === 'Size');
    const renamed = await f.other.patch(`${product()}/groups/${medium.id}`, { name: 'Material' });
    expect(renamed.body.groups.map((g: { name: string }) => g.name)).toEqual(['Size', 'Material']);
    const added = await f.other.post(`${product()}/groups/${size.id}/values`, {
      label: '60×90',
      priceAdjustment: 5000,
      minWidthPx: 5400,
      minHeightPx: 3600,
    });
    expect(added.status).toBe(201);
    const large = added.body.groups[0].values[1];
    expect(large).toMatchObject({ label: '60×90', priceAdjustment: 5000, minWidthPx: 5400, minHeightPx: 3600 });
    const repriced = await f.other.patch(`${product()}/values/${large.id}`, {
      priceAdjustment: 5500,
      minWidthPx: 6000,
    });
    expect(repriced.body.groups[0].values[1]).toMatchObject({
      priceAdjustment: 5500,
      minWidthPx: 6000,
      minHeightPx: 3600,
    });
    const afterDelete = await f.other.del(`${product()}/values/${large.id}`);
    expect(afterDelete.status).toBe(200);
    expect(afterDelete.body.groups[0].values).toHaveLength(1);
    const noGroup = await f.other.del(`${product()}/groups/${medium.id}`);
    expect(noGroup.body.groups.map((g: { name: string }) => g.name)).toEqual(['Size']);
    expect(await auditActions(f.rivalId)).toEqual(
      expect.arrayContaining(['shop.product.group.add', 'shop.product.value.update', 'shop.product.group.delete']),
    );
  });

  it('refuses to delete the last value of a group (409) and keeps it', async () => {
    const p = (await f.other.get(`/api/shop/studios/${f.rivalId}/products`)).body.data[0];
    const only = p.groups[0].values[0];
    const r = await f.other.del(`${product()}/values/${only.id}`);
    expect(r.status).toBe(409);
    expect(await countRows(f.database, 'print_option_values')).toBeGreaterThan(0);
    expect((await f.other.get(`/api/shop/studios/${f.rivalId}/products`)).body.data[0].groups[0].values).toHaveLength(
      1,
    );
  });

  it('rolls back an edit that would make a combination free or negative (400)', async () => {
    const p = (await f.other.get(`/api/shop/studios/${f.rivalId}/products`)).body.data[0];
    const v = p.groups[0].values[0];
    const r = await f.other.patch(`${product()}/values/${v.id}`, { priceAdjustment: -3500 });
    expect(r.status).toBe(400);
    const g = await f.other.post(`${product()}/groups`, {
      name: 'Discount',
      values: [{ label: 'Huge', priceAdjustment: -9000 }],
    });
    expect(g.status).toBe(400);
    const now = (await f.other.get(`/api/shop/studios/${f.rivalId}/products`)).body.data[0];
    expect(now).toEqual(p);
  });

  it.each([
    ['an empty group name', 'groups', { name: '', values: [{ label: 'x' }] }],
    ['a group without values', 'groups', { name: 'Finish', values: [] }],
    ['a non-integer price adjustment', 'groups', { name: 'Finish', values: [{ label: 'x', priceAdjustment: 1.5 }] }],
    ['a zero minimum width', 'groups', { name: 'Finish', values: [{ label: 'x', minWidthPx: 0 }] }],
  ])('rejects %s with 400 and writes nothing', async (_l, path, body) => {
    const before = await countRows(f.database, 'print_option_groups');
    const r = await f.other.post(`${product()}/${path}`, body);
    expect(r.status).toBe(400);
    expect(await countRows(f.database, 'print_option_groups')).toBe(before);
  });

  it("answers 404 for another studio's product, group and value edits", async () => {
    const p = (await f.other.get(`/api/shop/studios/${f.rivalId}/products`)).body.data[0];
    const g = p.groups[0];
    expect((await f.studio.patch(product(), { name: 'x' })).status).toBe(404);
    expect((await f.studio.post(`${product()}/groups`, { name: 'x', values: [{ label: 'y' }] })).status).toBe(404);
    expect((await f.studio.patch(`${product()}/groups/${g.id}`, { name: 'x' })).status).toBe(404);
    expect((await f.studio.del(`${product()}/groups/${g.id}`)).status).toBe(404);
    expect((await f.studio.post(`${product()}/groups/${g.id}/values`, { label: 'x' })).status).toBe(404);
    expect((await f.studio.patch(`${product()}/values/${g.values[0].id}`, { label: 'x' })).status).toBe(404);
    // A group of one product addressed through another product of the same studio is unknown too.
    const lumen = (await f.studio.get(`/api/shop/studios/${f.lumenId}/products`)).body.data[0];
    expect((await f.studio.patch(`/api/shop/products/${lumen.id}/groups/${g.id}`, { name: 'x' })).status).toBe(404);
    expect((await f.other.get(`/api/shop/studios/${f.rivalId}/products`)).body.data[0]).toEqual(p);
  });

  it('edits price sheets, moves the studio default, assigns one to a gallery and deletes it', async () => {
    const sheets = `/api/shop/studios/${f.rivalId}/price-sheets`;
    const a = await f.other.post(sheets, { name: 'Standard', isDefault: true, productIds: [productId] });
    const b = await f.other.post(sheets, { name: 'Weddings', productIds: [] });
    expect(b.status).toBe(201);
    const moved = await f.other.patch(`${sheets}/${b.body.id}`, {
      name: 'Weddings 2026',
      isDefault: true,
      productIds: [productId],
    });
    expect(moved.body).toMatchObject({ name: 'Weddings 2026', isDefault: true, productIds: [productId] });
    const list = await f.other.get(sheets);
    expect(list.body.data.find((s: { id: string }) => s.id === a.body.id).isDefault).toBe(false);
    const g = await f.other.post(`/api/shop/studios/${f.rivalId}/galleries`, {
      title: 'Sheet test',
      priceSheetId: a.body.id,
    });
    expect(g.body.priceSheetId).toBe(a.body.id);
    const reassigned = await f.other.patch(`/api/shop/galleries/${g.body.id}`, { priceSheetId: b.body.id });
    expect(reassigned.body.priceSheetId).toBe(b.body.id);
    expect((await f.other.del(`${sheets}/${b.body.id}`)).status).toBe(204);
    expect((await f.other.get(`/api/shop/galleries/${g.body.id}`)).body.priceSheetId).toBeNull();
  });

  it('rejects unknown products in a sheet and hides sheets across studios', async () => {
    const sheets = `/api/shop/studios/${f.rivalId}/price-sheets`;
    const s = (await f.other.get(sheets)).body.data[0];
    const lumenProduct = (await f.studio.get(`/api/shop/studios/${f.lumenId}/products`)).body.data[0].id;
    const bad = await f.other.patch(`${sheets}/${s.id}`, { name: 'Renamed', productIds: [lumenProduct] });
    expect(bad.status).toBe(400);
    expect((await f.other.get(sheets)).body.data[0]).toEqual(s);
    expect((await f.studio.patch(`${sheets}/${s.id}`, { name: 'x' })).status).toBe(404);
    expect((await f.studio.patch(`/api/shop/studios/${f.lumenId}/price-sheets/${s.id}`, { name: 'x' })).status).toBe(
      404,
    );
    expect((await f.studio.del(`/api/shop/studios/${f.lumenId}/price-sheets/${s.id}`)).status).toBe(404);
    expect((await f.other.get(sheets)).body.data[0]).toEqual(s);
  });
});

describe('audit trail', () => {
  it('records gallery and product changes with the acting user', async () => {
    const g = await f.other.post(`/api/shop/studios/${f.rivalId}/galleries`, { title: 'Audited' });
    await f.other.patch(`/api/shop/galleries/${g.body.id}`, { watermark: true });
    const p = await f.other.post(`/api/shop/studios/${f.rivalId}/products`, {
      sku: 'AUD-1',
      name: 'Audited',
      basePrice: 100,
    });
    await f.other.patch(`/api/shop/products/${p.body.id}`, { basePrice: 200 });
    await f.other.del(`/api/shop/products/${p.body.id}`);
    await f.other.del(`/api/shop/galleries/${g.body.id}`);
    const rows = await f.database.db
      .selectFrom('audit_events')
      .select(['action', 'actor_user_id', 'entity_id'])
      .where('entity_id', 'in', [g.body.id, p.body.id])
      .execute();
    expect(rows.map((r) => r.action).sort()).toEqual(
      [
        'shop.gallery.create',
        'shop.gallery.update',
        'shop.product.create',
        'shop.product.update',
        'shop.product.delete',
        'shop.gallery.delete',
      ].sort(),
    );
    expect(new Set(rows.map((r) => r.actor_user_id))).toEqual(new Set([f.rivalUserId]));
  });
});

describe('photo audit', () => {
  it('records uploads and deletions of photos', async () => {
    const g = await f.other.post(`/api/shop/studios/${f.rivalId}/galleries`, { title: 'Photo audit' });
    const up = await upload(f.app, f.other, `/api/shop/galleries/${g.body.id}/photos`, [
      { name: 'a.jpg', bytes: await testJpeg(300, 200) },
    ]);
    expect(up.status).toBe(201);
    const photoId = up.body.data[0].id;
    expect((await f.other.del(`/api/shop/galleries/${g.body.id}/photos/${photoId}`)).status).toBe(204);
    const rows = await f.database.db
      .selectFrom('audit_events')
      .select(['action', 'after'])
      .where('entity_id', 'in', [g.body.id, photoId])
      .where('action', 'in', ['shop.photos.upload', 'shop.photo.delete'])
      .execute();
    expect(rows.map((r) => r.action).sort()).toEqual(['shop.photo.delete', 'shop.photos.upload']);
    expect(rows.find((r) => r.action === 'shop.photos.upload')?.after).toMatchObject({
      photos: [{ id: photoId, filename: 'a.jpg' }],
    });
  });
});

describe('gallery list', () => {
  it('pages through galleries by cursor with a total', async () => {
    const base = `/api/shop/studios/${f.rivalId}/galleries`;
    const all = await f.other.get(base);
    expect(all.body.total).toBe(all.body.data.length);
    expect(all.body.total).toBeGreaterThanOrEqual(2);
    const first = await f.other.get(`${base}?limit=1`);
    const page = await f.other.get(`${base}?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(page.body.data).toHaveLength(1);
    expect(page.body.total).toBe(all.body.total);
    expect(page.body.data[0].id).toBe(all.body.data[1].id);
  });
});

describe('demo seed', () => {
  it('writes demo photos to the storage the app uses', async () => {
    const g = await f.database.db
      .selectFrom('gallery_photos')
      .select(['web_key'])
      .where('account_id', '=', f.lumenId)
      .executeTakeFirstOrThrow();
    const bytes = await storageFor(f.deps.config).get(g.web_key);
    expect(bytes).not.toBeNull();
    expect(await sharp(bytes as Uint8Array).metadata()).toMatchObject({ format: 'jpeg' });
  });
});
