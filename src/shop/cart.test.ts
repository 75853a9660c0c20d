import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient } from '../../test/http.ts';
import { countRows, shopFixture, testJpeg, upload } from './testing.ts';

let f: Awaited<ReturnType<typeof shopFixture>>;
let gallery: { id: string; token: string };
let other: { id: string; token: string };
let bigPhoto: string;
let smallPhoto: string;
type Product = {
  id: string;
  name: string;
  groups: Array<{ name: string; values: Array<{ id: string; label: string }> }>;
};
let a4: Product;
let canvas: Product;

const pick = (p: Product, ...labels: string[]) =>
  p.groups.map((g) => (g.values.find((v) => labels.includes(v.label)) ?? g.values[0]).id);

beforeAll(async () => {
  f = await shopFixture();
  const mk = async (title: string) =>
    (await f.studio.post(`/api/shop/studios/${f.lumenId}/galleries`, { title, status: 'published' })).body;
  gallery = await mk('Cart gallery');
  other = await mk('Other gallery');
  const up = await upload(f.app, f.studio, `/api/shop/galleries/${gallery.id}/photos`, [
    { name: 'big.jpg', bytes: await testJpeg(3000, 2000) },
    { name: 'small.jpg', bytes: await testJpeg(1000, 700) },
  ]);
  [bigPhoto, smallPhoto] = up.body.data.map((p: { id: string }) => p.id);
  await upload(f.app, f.studio, `/api/shop/galleries/${other.id}/photos`, [
    { name: 'o.jpg', bytes: await testJpeg(3000, 2000) },
  ]);
  const products: Product[] = (await f.studio.get(`/api/shop/studios/${f.lumenId}/products`)).body.data;
  a4 = products.find((p) => p.name === 'A4 print')!;
  canvas = products.find((p) => p.name.startsWith('Canvas'))!;
});
afterAll(() => f.database.close());

const cartPath = (token = gallery.token) => `/api/shop/g/${token}/cart`;

describe('catalog for a photo', () => {
  it('lists active products and hides sizes the photo is too small for', async () => {
    const v = testClient(f.app);
    const big = await v.get(`/api/shop/g/${gallery.token}/catalog?photoId=${bigPhoto}`);
    expect(big.status).toBe(200);
    expect(big.body.data.map((p: Product) => p.name).sort()).toEqual(['A3 print', 'A4 print', 'Canvas 40×60']);
    const small = await v.get(`/api/shop/g/${gallery.token}/catalog?photoId=${smallPhoto}`);
    expect(small.body.data).toEqual([]);
    const foreign = (await f.studio.get(`/api/shop/galleries/${other.id}`)).body.photos[0].id;
    expect((await v.get(`/api/shop/g/${gallery.token}/catalog?photoId=${foreign}`)).status).toBe(404);
  });
});

describe('cart', () => {
  it('prices lines on the server with VAT included and shipping', async () => {
    const v = testClient(f.app);
    const r = await v.post(`${cartPath()}/items`, {
      photoId: bigPhoto,
      productId: a4.id,
      optionValueIds: pick(a4, 'Fine art (Hahnemühle)', 'Oak frame'),
      quantity: 2,
      crop: { x: 0.1, y: 0, width: 0.8, height: 1 },
    });
    expect(r.status).toBe(201);
    // (2900 + 800 + 3500) × 2 = 14400, + 700 shipping; 20% VAT inside the goods = 2400.
    expect(r.body.totals).toEqual({
      subtotal: 14400,
      discount: 0,
      shipping: 700,
      tax: 2400,
      taxInclusive: true,
      total: 15100,
    });
    expect(r.body.items[0]).toMatchObject({ unitPrice: 7200, quantity: 2, available: true });
    const itemId = r.body.items[0].id;
    const p = await v.patch(`${cartPath()}/items/${itemId}`, { quantity: 1 });
    expect(p.body.totals.subtotal).toBe(7200);
    const s = await v.patch(cartPath(), { shippingRateId: 'express' });
    expect(s.body.totals.shipping).toBe(1500);
    expect((await v.del(`${cartPath()}/items/${itemId}`)).body.items).toEqual([]);
  });

  it('keeps each gallery link to its own cart and photos', async () => {
    const v = testClient(f.app);
    const r = await v.post(`${cartPath()}/items`, {
      photoId: bigPhoto,
      productId: a4.id,
      optionValueIds: pick(a4),
      quantity: 1,
    });
    const itemId = r.body.items[0].id;
    expect((await v.get(cartPath(other.token))).body.items).toEqual([]);
    expect((await v.patch(`${cartPath(other.token)}/items/${itemId}`, { quantity: 5 })).status).toBe(404);
    expect((await v.del(`${cartPath(other.token)}/items/${itemId}`)).status).toBe(404);
    const otherPhoto = (await f.studio.get(`/api/shop/galleries/${other.id}`)).body.photos[0].id;
    const before = await countRows(f.database, 'shop_cart_items');
    const cross = await v.post(`${cartPath()}/items`, {
      photoId: otherPhoto,
      productId: a4.id,
      optionValueIds: pick(a4),
      quantity: 1,
    });
    expect(cross.status).toBe(400);
    expect(await countRows(f.database, 'shop_cart_items')).toBe(before);
    // Another visitor of the same gallery has their own cart.
    expect((await testClient(f.app).get(cartPath())).body.items).toEqual([]);
  });

  it('rejects crafted lines with 4xx and writes nothing', async () => {
    const rival = await f.other.post(`/api/shop/studios/${f.rivalId}/products`, {
      sku: 'R',
      name: 'Rival',
      basePrice: 100,
    });
    await f.studio.post(`/api/shop/studios/${f.lumenId}/products`, {
      sku: 'OFF',
      name: 'Off',
      basePrice: 100,
      active: false,
    });
    const off = (await f.studio.get(`/api/shop/studios/${f.lumenId}/products`)).body.data.find(
      (p: Product) => p.name === 'Off',
    );
    await f.studio.put(`/api/shop/studios/${f.lumenId}/settings`, {
      currency: 'EUR',
      taxRateBps: 2000,
      taxInclusive: true,
      shippingRates: [{ id: 'standard', name: 'Standard', amount: 700 }],
      returnAddress: null,
      accentColor: null,
    });
    const ok = { photoId: bigPhoto, productId: a4.id, optionValueIds: pick(a4), quantity: 1 };
    const cases: Array<[string, unknown]> = [
      ['foreign product', { ...ok, productId: rival.body.id, optionValueIds: [] }],
      ['inactive product', { ...ok, productId: off.id, optionValueIds: [] }],
      ['bogus option', { ...ok, optionValueIds: [...pick(a4).slice(1), '00000000-0000-4000-8000-000000000000'] }],
      ['option of another product', { ...ok, optionValueIds: [pick(canvas)[0], ...pick(a4).slice(1)] }],
      ['missing group', { ...ok, optionValueIds: pick(a4).slice(1) }],
      ['duplicate option', { ...ok, optionValueIds: [...pick(a4), pick(a4)[0]] }],
      ['quantity 0', { ...ok, quantity: 0 }],
      ['quantity 1000', { ...ok, quantity: 1000 }],
      ['client price', { ...ok, unitPrice: 1 }],
      ['client total', { ...ok, lineTotal: 1 }],
      ['crop outside the photo', { ...ok, crop: { x: 0.5, y: 0, width: 0.8, height: 1 } }],
      ['too-small photo', { ...ok, photoId: smallPhoto }],
    ];
    const v = testClient(f.app);
    const before = await countRows(f.database, 'shop_cart_items');
    for (const [label, body] of cases) {
      const r = await v.post(`${cartPath()}/items`, body);
      expect([label, r.status]).toEqual([label, 400]);
    }
    const unknown = await v.post(`${cartPath()}/items`, { ...ok, unitPrice: 1 });
    expect(unknown.body.error.details.fieldErrors.unitPrice).toEqual(['Unknown field']);
    expect(await countRows(f.database, 'shop_cart_items')).toBe(before);
  });

  it('hides the store when the gallery does not sell prints', async () => {
    await f.studio.patch(`/api/shop/galleries/${other.id}`, { storeEnabled: false });
    const v = testClient(f.app);
    expect((await v.get(cartPath(other.token))).status).toBe(403);
    await f.studio.patch(`/api/shop/galleries/${other.id}`, { storeEnabled: true });
  });
});

describe('coupons', () => {
  const add = async (v: ReturnType<typeof testClient>) =>
    v.post(`${cartPath()}/items`, { photoId: bigPhoto, productId: a4.id, optionValueIds: pick(a4), quantity: 1 });
  const coupon = (code: string, extra: Record<string, unknown>) =>
    f.studio.post(`/api/shop/studios/${f.lumenId}/coupons`, { code, ...extra });

  it('applies percent, fixed and free-shipping codes case-insensitively', async () => {
    expect((await coupon('FIXED5', { kind: 'fixed', value: 500 })).status).toBe(201);
    expect((await coupon('fixed5', { kind: 'fixed', value: 500 })).status).toBe(409);
    await coupon('SHIPFREE', { kind: 'free_shipping' });
    const v = testClient(f.app);
    await add(v);
    const pct = await v.post(`${cartPath()}/coupon`, { code: 'welcome10' });
    expect(pct.status).toBe(200);
    expect(pct.body.totals).toMatchObject({ subtotal: 2900, discount: 290, shipping: 700, total: 3310 });
    const fixed = await v.post(`${cartPath()}/coupon`, { code: 'Fixed5' });
    expect(fixed.body.totals).toMatchObject({ discount: 500, total: 3100 });
    const ship = await v.post(`${cartPath()}/coupon`, { code: 'SHIPFREE' });
    expect(ship.body.totals).toMatchObject({ discount: 0, shipping: 0, total: 2900 });
    expect(ship.body.couponCode).toBe('SHIPFREE');
  });

  it('enforces minimum order, validity window and redemption limits', async () => {
    await coupon('BIGSPEND', { kind: 'percent', value: 20, minOrderAmount: 10_000 });
    await coupon('LATER', { kind: 'fixed', value: 100, startsAt: '2026-12-01T00:00:00Z' });
    await coupon('OVER', { kind: 'fixed', value: 100, endsAt: '2026-10-01T00:00:00Z' });
    await coupon('USEDUP', { kind: 'fixed', value: 100, maxRedemptions: 1 });
    await f.database.db.updateTable('shop_coupons').set({ redemptions: 1 }).where('code', '=', 'USEDUP').execute();
    const v = testClient(f.app);
    await add(v);
    for (const code of ['BIGSPEND', 'LATER', 'OVER', 'USEDUP', 'NOPE']) {
      const r = await v.post(`${cartPath()}/coupon`, { code });
      expect([code, r.status]).toEqual([code, 422]);
    }
    expect((await v.get(cartPath())).body.couponCode).toBeNull();
    // Another studio's code does not work here.
    await f.other.post(`/api/shop/studios/${f.rivalId}/coupons`, { code: 'RIVAL50', kind: 'percent', value: 50 });
    expect((await v.post(`${cartPath()}/coupon`, { code: 'RIVAL50' })).status).toBe(422);
  });

  it('stops applying a coupon the studio switched off, and keeps other studios out', async () => {
    const c = await coupon('SWITCH', { kind: 'fixed', value: 100 });
    const path = `/api/shop/studios/${f.lumenId}/coupons/${c.body.id}`;
    expect((await f.other.patch(path, { active: false })).status).toBe(404);
    expect((await f.studio.patch(path, { active: false })).body.active).toBe(false);
    const v = testClient(f.app);
    await add(v);
    expect((await v.post(`${cartPath()}/coupon`, { code: 'SWITCH' })).status).toBe(422);
  });

  it('rejects a percent coupon over 100', async () => {
    expect((await coupon('TOOMUCH', { kind: 'percent', value: 150 })).status).toBe(400);
  });
});
