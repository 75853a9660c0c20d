import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient } from '../../test/http.ts';
import { withUser } from '../db/tenancy.ts';
import { countRows, shopFixture } from './testing.ts';

let f: Awaited<ReturnType<typeof shopFixture>>;
beforeAll(async () => {
  f = await shopFixture();
});
afterAll(() => f.database.close());

const settings = {
  currency: 'JPY',
  taxRateBps: 1000,
  taxInclusive: false,
  shippingRates: [{ id: 'std', name: 'Standard', amount: 800 }],
  returnAddress: { name: 'Rival Studio', line1: '1-2-3 Shibuya', city: 'Tokyo', postalCode: '150-0002', country: 'JP' },
  accentColor: '#112233',
};

describe('studio settings', () => {
  it('reads seeded settings and lets owners replace them', async () => {
    const r = await f.studio.get(`/api/shop/studios/${f.lumenId}/settings`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ currency: 'EUR', taxRateBps: 2000, taxInclusive: true });
    const put = await f.other.put(`/api/shop/studios/${f.rivalId}/settings`, settings);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ currency: 'JPY', accentColor: '#112233' });
  });

  it.each([
    ['a bad colour', { ...settings, accentColor: '#GGG' }],
    ['a lowercase currency', { ...settings, currency: 'eur' }],
    ['a tax rate over 100%', { ...settings, taxRateBps: 10_001 }],
    ['duplicate shipping ids', { ...settings, shippingRates: [settings.shippingRates[0], settings.shippingRates[0]] }],
    ['an unknown field', { ...settings, logoKey: 'x' }],
  ])('rejects %s with 400 and changes nothing', async (_l, body) => {
    const before = await f.other.get(`/api/shop/studios/${f.rivalId}/settings`);
    const r = await f.other.put(`/api/shop/studios/${f.rivalId}/settings`, body);
    expect(r.status).toBe(400);
    expect((await f.other.get(`/api/shop/studios/${f.rivalId}/settings`)).body).toEqual(before.body);
  });

  it('lets plain members read settings but only admins change them', async () => {
    await sql`insert into memberships (account_id, user_id, role)
      select ${f.lumenId}, id, 'member' from users where email = 'member@demo.gallerist.dev'`.execute(f.database.db);
    const m = testClient(f.app);
    await m.signIn('member@demo.gallerist.dev');
    expect((await m.get(`/api/shop/studios/${f.lumenId}/settings`)).status).toBe(200);
    const r = await m.put(`/api/shop/studios/${f.lumenId}/settings`, settings);
    expect(r.status).toBe(403);
    expect((await f.studio.get(`/api/shop/studios/${f.lumenId}/settings`)).body.currency).toBe('EUR');
    const denied = await withUser(f.database.db, { sub: (await m.get('/api/auth/session')).body.user.id }, (tx) =>
      tx.updateTable('studio_settings').set({ tax_rate_bps: 0 }).where('account_id', '=', f.lumenId).executeTakeFirst(),
    );
    expect(Number(denied.numUpdatedRows)).toBe(0);
  });

  it("hides another studio's settings (404)", async () => {
    expect((await f.other.get(`/api/shop/studios/${f.lumenId}/settings`)).status).toBe(404);
    expect((await f.other.put(`/api/shop/studios/${f.lumenId}/settings`, settings)).status).toBe(404);
  });
});

describe('clients', () => {
  it('creates, searches, pages, updates and deletes clients', async () => {
    const base = `/api/shop/studios/${f.rivalId}/clients`;
    for (const n of ['Ann', 'Bob', 'Cy']) {
      const r = await f.other.post(base, { name: `${n} Client`, email: `${n}@Example.com` });
      expect(r.status).toBe(201);
      expect(r.body.email).toBe(`${n.toLowerCase()}@example.com`);
    }
    const page = await f.other.get(`${base}?limit=2`);
    expect(page.body.total).toBe(3);
    expect(page.body.data).toHaveLength(2);
    const search = await f.other.get(`${base}?q=bob`);
    expect(search.body.data.map((c: { name: string }) => c.name)).toEqual(['Bob Client']);
    // A fragment from the middle of the email or name, in any case.
    expect((await f.other.get(`${base}?q=B%40EXAMP`)).body.data.map((c: { name: string }) => c.name)).toEqual([
      'Bob Client',
    ]);
    expect((await f.other.get(`${base}?q=NN%20CLI`)).body.total).toBe(1);
    // Another studio's member searching this studio's clients gets the usual 404.
    expect((await f.studio.get(`${base}?q=bob`)).status).toBe(404);
    const id = search.body.data[0].id;
    expect((await f.other.patch(`${base}/${id}`, { notes: 'VIP' })).body.notes).toBe('VIP');
    expect((await f.other.del(`${base}/${id}`)).status).toBe(204);
    expect((await f.other.get(`${base}?q=bob`)).body.data).toEqual([]);
  });

  it.each([
    ['a duplicate email (any case)', { name: 'Dup', email: 'ANN@example.com' }, 409],
    ['a bad email', { name: 'X', email: 'nope' }, 400],
    ['an empty name', { name: '', email: 'x@example.com' }, 400],
    ['an unknown field', { name: 'X', email: 'x2@example.com', vip: true }, 400],
  ])('rejects %s and writes nothing', async (_l, body, status) => {
    const before = await countRows(f.database, 'studio_clients');
    const r = await f.other.post(`/api/shop/studios/${f.rivalId}/clients`, body);
    expect(r.status).toBe(status);
    expect(await countRows(f.database, 'studio_clients')).toBe(before);
  });
});

describe('galleries', () => {
  it('creates a gallery with an unguessable link and a hashed PIN, then updates it', async () => {
    const r = await f.other.post(`/api/shop/studios/${f.rivalId}/galleries`, {
      title: 'Smith family',
      pin: '1234',
      eventDate: '2026-09-01',
    });
    expect(r.status).toBe(201);
    expect(r.body.token).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(r.body).toMatchObject({ hasPin: true, status: 'draft', eventDate: '2026-09-01', photoCount: 0 });
    const row = await f.database.db
      .selectFrom('galleries')
      .select('pin_hash')
      .where('id', '=', r.body.id)
      .executeTakeFirstOrThrow();
    expect(row.pin_hash).toMatch(/^scrypt\$/);
    const p = await f.other.patch(`/api/shop/galleries/${r.body.id}`, {
      status: 'published',
      pin: null,
      watermark: true,
    });
    expect(p.body).toMatchObject({ status: 'published', hasPin: false, watermark: true });
    const list = await f.other.get(`/api/shop/studios/${f.rivalId}/galleries`);
    expect(list.body.data.map((g: { id: string }) => g.id)).toContain(r.body.id);
  });

  it.each([
    ['a short PIN', { title: 'x', pin: '12' }],
    ['a non-digit PIN', { title: 'x', pin: 'abcd' }],
    ['no title', { pin: '1234' }],
    ['a bad date', { title: 'x', eventDate: '2026-13-45' }],
    ['a bad status', { title: 'x', status: 'live' }],
    ['an unknown field', { title: 'x', token: 'mine' }],
  ])('rejects %s with 400 and writes nothing', async (_l, body) => {
    const before = await countRows(f.database, 'galleries');
    const r = await f.other.post(`/api/shop/studios/${f.rivalId}/galleries`, body);
    expect(r.status).toBe(400);
    expect(await countRows(f.database, 'galleries')).toBe(before);
  });

  it("refuses another studio's client as the gallery client", async () => {
    const lumenClient = (await f.studio.get(`/api/shop/studios/${f.lumenId}/clients`)).body.data[0];
    const before = await countRows(f.database, 'galleries');
    const r = await f.other.post(`/api/shop/studios/${f.rivalId}/galleries`, { title: 'x', clientId: lumenClient.id });
    expect(r.status).toBe(400);
    expect(await countRows(f.database, 'galleries')).toBe(before);
  });
});

describe('catalog', () => {
  const product = {
    sku: 'P-1',
    name: 'Print',
    basePrice: 1000,
    groups: [{ name: 'Frame', values: [{ label: 'None' }, { label: 'Oak', priceAdjustment: 2000 }] }],
  };
  it('creates products with option groups and toggles them', async () => {
    const r = await f.other.post(`/api/shop/studios/${f.rivalId}/products`, product);
    expect(r.status).toBe(201);
    expect(r.body.groups[0].values.map((v: { priceAdjustment: number }) => v.priceAdjustment)).toEqual([0, 2000]);
    const p = await f.other.patch(`/api/shop/products/${r.body.id}`, { active: false });
    expect(p.body.active).toBe(false);
    expect((await f.other.post(`/api/shop/studios/${f.rivalId}/products`, product)).status).toBe(409);
  });

  it.each([
    ['a zero base price', { ...product, sku: 'z', basePrice: 0 }],
    [
      'options that make a price non-positive',
      { ...product, sku: 'n', groups: [{ name: 'x', values: [{ label: 'cut', priceAdjustment: -1000 }] }] },
    ],
    [
      'a bad aspect ratio',
      { ...product, sku: 'a', groups: [{ name: 'x', values: [{ label: 'y', aspectRatio: '2/3' }] }] },
    ],
    ['an empty group', { ...product, sku: 'e', groups: [{ name: 'x', values: [] }] }],
  ])('rejects %s with 400 and writes nothing', async (_l, body) => {
    const before = await countRows(f.database, 'print_products');
    expect((await f.other.post(`/api/shop/studios/${f.rivalId}/products`, body)).status).toBe(400);
    expect(await countRows(f.database, 'print_products')).toBe(before);
  });
});

describe('tenant isolation', () => {
  it('RLS shows a studio none of another studio’s shop rows', async () => {
    const seen = await withUser(f.database.db, { sub: f.rivalUserId }, async (tx) => ({
      galleries: await tx.selectFrom('galleries').select('id').where('account_id', '=', f.lumenId).execute(),
      clients: await tx.selectFrom('studio_clients').select('id').where('account_id', '=', f.lumenId).execute(),
      products: await tx.selectFrom('print_products').select('id').where('account_id', '=', f.lumenId).execute(),
      photos: await tx.selectFrom('gallery_photos').select('id').where('account_id', '=', f.lumenId).execute(),
      carts: await tx.selectFrom('shop_carts').select('id').where('account_id', '=', f.lumenId).execute(),
      coupons: await tx.selectFrom('shop_coupons').select('id').where('account_id', '=', f.lumenId).execute(),
      settings: await tx
        .selectFrom('studio_settings')
        .select('account_id')
        .where('account_id', '=', f.lumenId)
        .execute(),
    }));
    for (const rows of Object.values(seen)) expect(rows).toEqual([]);
    const updated = await withUser(f.database.db, { sub: f.rivalUserId }, (tx) =>
      tx.updateTable('galleries').set({ title: 'pwned' }).where('account_id', '=', f.lumenId).executeTakeFirst(),
    );
    expect(Number(updated.numUpdatedRows)).toBe(0);
  });

  it('answers 404 for another studio’s galleries, clients and products over the API', async () => {
    const g = (await f.studio.get(`/api/shop/studios/${f.lumenId}/galleries`)).body.data[0];
    const p = (await f.studio.get(`/api/shop/studios/${f.lumenId}/products`)).body.data[0];
    const cl = (await f.studio.get(`/api/shop/studios/${f.lumenId}/clients`)).body.data[0];
    expect((await f.other.get(`/api/shop/galleries/${g.id}`)).status).toBe(404);
    expect((await f.other.patch(`/api/shop/galleries/${g.id}`, { title: 'x' })).status).toBe(404);
    expect((await f.other.del(`/api/shop/galleries/${g.id}`)).status).toBe(404);
    expect((await f.other.patch(`/api/shop/products/${p.id}`, { active: false })).status).toBe(404);
    expect((await f.other.get(`/api/shop/studios/${f.lumenId}/clients`)).status).toBe(404);
    expect((await f.other.patch(`/api/shop/studios/${f.lumenId}/clients/${cl.id}`, { notes: 'x' })).status).toBe(404);
    expect((await f.other.get(`/api/shop/studios/${f.lumenId}/galleries`)).status).toBe(404);
    expect((await f.studio.get(`/api/shop/galleries/${g.id}`)).status).toBe(200);
  });
});
