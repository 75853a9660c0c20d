import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { testClient } from '../../test/http.ts';
import { getOrder } from '../commerce/index.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';

let app: TestApp;
let db: DB;
let token: string;
let photoId: string;

async function emu(path: string, form: Record<string, string> = {}) {
  const res = await fetch(`${app.emulatorUrl}${path}`, { method: 'POST', body: new URLSearchParams(form) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

beforeAll(async () => {
  app = await startTestApp();
  db = app.platform.deps.db;
  const g = await withService(db, (tx) =>
    tx
      .selectFrom('galleries as g')
      .innerJoin('gallery_photos as p', 'p.gallery_id', 'g.id')
      .select(['g.token', 'p.id'])
      .where('g.status', '=', 'published')
      .executeTakeFirstOrThrow(),
  );
  token = g.token;
  photoId = g.id;
});
afterAll(async () => {
  await app?.stop();
});

describe('print checkout', () => {
  it('creates a print order from the server-priced cart; payment counts the coupon and empties the cart', async () => {
    const v = testClient({ request: (path, init) => fetch(`${app.url}${path}`, init) });
    const empty = await v.post(`/api/shop/g/${token}/checkout`, { email: 'buyer@example.com' });
    expect(empty.status).toBe(409);
    const catalog = await v.get(`/api/shop/g/${token}/catalog?photoId=${photoId}`);
    const a3 = catalog.body.data.find((p: { name: string }) => p.name === 'A3 print');
    const optionValueIds = a3.groups.map((g: { values: Array<{ id: string }> }) => g.values[0].id);
    await v.post(`/api/shop/g/${token}/cart/items`, { photoId, productId: a3.id, optionValueIds, quantity: 2 });
    const cart = await v.post(`/api/shop/g/${token}/cart/coupon`, { code: 'WELCOME10' });
    expect(cart.body.totals).toMatchObject({ subtotal: 9000, discount: 900, shipping: 700, total: 8800 });
    const r = await v.post(`/api/shop/g/${token}/checkout`, { email: 'Buyer@Example.com', total: 1 });
    expect(r.status).toBe(400);
    const ok = await v.post(`/api/shop/g/${token}/checkout`, { email: 'Buyer@Example.com' });
    expect(ok.status).toBe(201);
    const order = await withService(db, (tx) => getOrder(tx, ok.body.orderId));
    expect(order).toMatchObject({
      offeringType: 'print',
      currency: 'eur',
      subtotal: 9000,
      discount: 900,
      shipping: 700,
      total: 8800,
      taxInclusive: true,
      buyerEmail: 'buyer@example.com',
    });
    await emu(`/_emulator/checkout/sessions/${order.stripeCheckoutSessionId}/complete`, {
      card_number: '4242424242424242',
    });
    await emu('/_emulator/webhooks/flush');
    await emu('/_emulator/webhooks/flush');
    await app.settle();
    expect((await withService(db, (tx) => getOrder(tx, order.id))).status).toBe('paid');
    const coupon = await withService(db, (tx) =>
      tx.selectFrom('shop_coupons').select('redemptions').where('code', '=', 'WELCOME10').executeTakeFirstOrThrow(),
    );
    expect(coupon.redemptions).toBe(1);
    expect((await v.get(`/api/shop/g/${token}/cart`)).body.items).toEqual([]);
  });
});
