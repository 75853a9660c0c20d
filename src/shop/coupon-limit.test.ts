import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { emu as emuAt } from '../../test/fixtures/marketplace-buy.ts';
import { testClient } from '../../test/http.ts';
import { recordTrial } from '../../test/reliability/trials.ts';
import { getOrder } from '../commerce/index.ts';
import { withService } from '../db/tenancy.ts';
import { testDbKind } from '../db/testing.ts';
import type { DB } from '../db/types.ts';

// A code with a usage limit, used by more buyers at once than it has uses left: open checkouts hold uses, so the
// limit holds even when every buyer applied the code while uses were still free.

let app: TestApp;
let db: DB;
let token: string;
let photoId: string;
let studioId: string;

const buyer = () => testClient({ request: (path, init) => fetch(`${app.url}${path}`, init) });
const emu = (path: string, form: Record<string, string> = {}) => emuAt(app.emulatorUrl, path, form);

async function coupon(code: string, maxRedemptions: number) {
  await withService(db, (tx) =>
    tx
      .insertInto('shop_coupons')
      .values({ account_id: studioId, code, kind: 'percent', value: 20, max_redemptions: maxRedemptions })
      .execute(),
  );
}
const redemptions = async (code: string) =>
  (
    await withService(db, (tx) =>
      tx.selectFrom('shop_coupons').select('redemptions').where('code', '=', code).executeTakeFirstOrThrow(),
    )
  ).redemptions;

/** A buyer with one print in the cart and the code applied. */
async function withCode(code: string) {
  const v = buyer();
  const catalog = await v.get(`/api/shop/g/${token}/catalog?photoId=${photoId}`);
  const product = catalog.body.data[0];
  const optionValueIds = product.groups.map((g: { values: Array<{ id: string }> }) => g.values[0].id);
  await v.post(`/api/shop/g/${token}/cart/items`, { photoId, productId: product.id, optionValueIds, quantity: 1 });
  const applied = await v.post(`/api/shop/g/${token}/cart/coupon`, { code });
  expect(applied.status).toBe(200);
  return v;
}

async function sessionOf(orderId: string) {
  return (await getOrder(db, orderId)).stripeCheckoutSessionId!;
}

beforeAll(async () => {
  app = await startTestApp();
  db = app.platform.deps.db;
  const g = await withService(db, (tx) =>
    tx
      .selectFrom('galleries as g')
      .innerJoin('gallery_photos as p', 'p.gallery_id', 'g.id')
      .select(['g.token', 'g.account_id', 'p.id'])
      .where('g.status', '=', 'published')
      .where('g.pin_hash', 'is', null)
      .executeTakeFirstOrThrow(),
  );
  token = g.token;
  photoId = g.id;
  studioId = g.account_id;
});
afterAll(async () => {
  await app?.stop();
});

describe('a coupon at its usage limit', () => {
  it('lets exactly as many buyers check out at once as it has uses, and counts each paid use once', async () => {
    await coupon('LIMIT2', 2);
    const buyers = await Promise.all(Array.from({ length: 6 }, () => withCode('LIMIT2')));
    const results = await Promise.all(
      buyers.map((v, i) => v.post(`/api/shop/g/${token}/checkout`, { email: `limit${i}@example.com` })),
    );
    const opened = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    recordTrial({
      test: '6 buyers check out at once with a code that has 2 uses',
      database: testDbKind(),
      seed: 0,
      tried: { buyers: 6, checkouts_opened: opened.length, refused: refused.length },
      lost: 0,
      duplicated: Math.max(0, opened.length - 2),
      leaked: 0,
    });
    expect(opened).toHaveLength(2);
    expect(refused).toHaveLength(4);
    for (const r of refused)
      expect(r.body.error).toMatchObject({ code: 'conflict', details: { reason: 'coupon_used_up' } });

    for (const r of opened) {
      await emu(`/_emulator/checkout/sessions/${await sessionOf(r.body.orderId)}/complete`, {
        card_number: '4242424242424242',
      });
    }
    await emu('/_emulator/webhooks/flush');
    await app.settle();
    for (const r of opened) expect((await getOrder(db, r.body.orderId)).discount).toBeGreaterThan(0);
    expect(await redemptions('LIMIT2')).toBe(2);
    // Used up: the code no longer applies to a new cart.
    const late = buyer();
    const catalog = await late.get(`/api/shop/g/${token}/catalog?photoId=${photoId}`);
    const product = catalog.body.data[0];
    await late.post(`/api/shop/g/${token}/cart/items`, {
      photoId,
      productId: product.id,
      optionValueIds: product.groups.map((g: { values: Array<{ id: string }> }) => g.values[0].id),
      quantity: 1,
    });
    expect((await late.post(`/api/shop/g/${token}/cart/coupon`, { code: 'LIMIT2' })).status).toBe(422);
  });

  it('gives a use back when a checkout holding it expires', async () => {
    await coupon('LIMIT1', 1);
    const first = await withCode('LIMIT1');
    const second = await withCode('LIMIT1');
    const a = await first.post(`/api/shop/g/${token}/checkout`, { email: 'first@example.com' });
    expect(a.status).toBe(201);
    expect((await second.post(`/api/shop/g/${token}/checkout`, { email: 'second@example.com' })).status).toBe(409);
    await app.platform.deps.stripe.checkout.sessions.expire(await sessionOf(a.body.orderId));
    await emu('/_emulator/webhooks/flush');
    await app.settle();
    expect((await getOrder(db, a.body.orderId)).status).toBe('expired');
    const b = await second.post(`/api/shop/g/${token}/checkout`, { email: 'second@example.com' });
    expect(b.status).toBe(201);
    expect(await redemptions('LIMIT1')).toBe(0);
  });
});
