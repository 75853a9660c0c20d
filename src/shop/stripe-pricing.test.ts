import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { testClient } from '../../test/http.ts';
import { getOrder } from '../commerce/index.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';

// Decision 030: the print shop on Stripe Checkout's promotion codes, shipping choice and tax lines.
let app: TestApp;
let db: DB;
let stripe: Stripe;
let token: string;
let photoId: string;
let lumenId: string;
let studio: ReturnType<typeof testClient>;

const http = () => testClient({ request: (path, init) => fetch(`${app.url}${path}`, init) });

const baseSettings = {
  currency: 'EUR',
  taxRateBps: 1900,
  taxInclusive: false,
  shippingRates: [
    { id: 'standard', name: 'Standard', amount: 500, deliveryDays: { min: 3, max: 5 } },
    { id: 'express', name: 'Express', amount: 1500, deliveryDays: { min: 1, max: 2 } },
  ],
  returnAddress: null,
  accentColor: null,
  stripePromotionCodes: true,
  stripeShippingChoice: true,
};

async function emu(path: string, form: Record<string, string> = {}) {
  const res = await fetch(`${app.emulatorUrl}${path}`, { method: 'POST', body: new URLSearchParams(form) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Posts the hosted Checkout form, as the buyer's browser does. */
async function hosted(url: string, form: Record<string, string>) {
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' });
  return { status: res.status, html: await res.text() };
}

const card = {
  email: 'buyer@example.com',
  cardNumber: '4242424242424242',
  cardExpiry: '12 / 34',
  cardCvc: '123',
  billingName: 'Ada Buyer',
  shippingName: 'Ada Buyer',
  shippingLine1: 'Torstraße 1',
  shippingCity: 'Berlin',
  shippingPostalCode: '10119',
  shippingCountry: 'DE',
};

async function deliver() {
  await emu('/_emulator/webhooks/flush');
  await emu('/_emulator/webhooks/flush');
  await app.settle();
}

/** A visitor's cart with two A3 prints (2 × 4500) and one more line, optionally with a studio coupon. */
async function cartWithPrints(coupon?: string) {
  const v = http();
  const catalog = await v.get(`/api/shop/g/${token}/catalog?photoId=${photoId}`);
  const a3 = catalog.body.data.find((p: { name: string }) => p.name === 'A3 print');
  const optionValueIds = a3.groups.map((g: { values: Array<{ id: string }> }) => g.values[0].id);
  await v.post(`/api/shop/g/${token}/cart/items`, { photoId, productId: a3.id, optionValueIds, quantity: 2 });
  let cart = (await v.get(`/api/shop/g/${token}/cart`)).body;
  if (coupon) cart = (await v.post(`/api/shop/g/${token}/cart/coupon`, { code: coupon })).body;
  return { v, cart };
}

async function checkout(v: ReturnType<typeof http>, email = 'buyer@example.com') {
  const r = await v.post(`/api/shop/g/${token}/checkout`, { email });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const order = await withService(db, (tx) => getOrder(tx, r.body.orderId));
  const session = await stripe.checkout.sessions.retrieve(order.stripeCheckoutSessionId as string, {
    expand: ['line_items'],
  });
  return { order, session, url: r.body.checkoutUrl as string };
}

const invoiceOf = (orderId: string) =>
  withService(db, (tx) =>
    tx.selectFrom('invoices').selectAll().where('order_id', '=', orderId).executeTakeFirstOrThrow(),
  );

beforeAll(async () => {
  app = await startTestApp();
  db = app.platform.deps.db;
  stripe = app.platform.deps.stripe;
  const g = await withService(db, (tx) =>
    tx
      .selectFrom('galleries as g')
      .innerJoin('gallery_photos as p', 'p.gallery_id', 'g.id')
      .select(['g.token', 'p.id', 'g.account_id'])
      .where('g.status', '=', 'published')
      .executeTakeFirstOrThrow(),
  );
  token = g.token;
  photoId = g.id;
  lumenId = g.account_id;
  studio = http();
  await studio.signIn('studio@demo.gallerist.dev');
  const put = await studio.put(`/api/shop/studios/${lumenId}/settings`, baseSettings);
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  const coupon = await stripe.coupons.create({ percent_off: 25, duration: 'once', name: 'Summer' });
  await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'SUMMER25' });
});
afterAll(async () => {
  await app?.stop();
});

describe('print checkout on Stripe pricing', () => {
  it('sends tax lines, the studio rates as shipping options and promotion codes; settles what Stripe charged', async () => {
    const { v, cart } = await cartWithPrints();
    // The cart holds no shipping yet and says the payment page takes codes.
    expect(cart).toMatchObject({
      shippingOnPaymentPage: true,
      promotionCodesOnPaymentPage: true,
      shippingRateId: null,
    });
    expect(cart.totals).toMatchObject({ subtotal: 9000, shipping: 0, tax: 1710, total: 10710 });
    const { order, session, url } = await checkout(v);
    expect(order).toMatchObject({ subtotal: 9000, shipping: 0, tax: 1710, total: 10710, discount: 0 });
    expect(order.metadata.shipping_rate_id).toBeUndefined();
    expect(session.allow_promotion_codes).toBe(true);
    expect(session.line_items?.data.map((l) => l.description)).not.toContain('Tax');
    expect(session.line_items?.data.map((l) => l.description)).not.toContain('Shipping');
    expect(session.total_details).toMatchObject({ amount_tax: 1710, amount_shipping: 500 });
    const rates = await Promise.all(
      (session.shipping_options ?? []).map((o) => stripe.shippingRates.retrieve(o.shipping_rate as string)),
    );
    expect(rates.map((r) => [r.display_name, r.fixed_amount?.amount, r.delivery_estimate?.maximum?.value])).toEqual([
      ['Standard', 500, 5],
      ['Express', 1500, 2],
    ]);
    const taxRate = await withService(db, (tx) =>
      tx.selectFrom('shop_stripe_tax_rates').selectAll().where('account_id', '=', lumenId).execute(),
    );
    expect(taxRate).toHaveLength(1);
    expect((await stripe.taxRates.retrieve(taxRate[0].stripe_tax_rate_id)).percentage).toBe(19);

    // The buyer sees the tax line, switches to Express, enters the code and pays.
    const page = await fetch(url).then((r) => r.text());
    expect(page).toMatch(/Tax \(19%\)/);
    await hosted(url, { action: 'update_shipping', shippingRate: rates[1].id });
    expect((await hosted(url, { action: 'apply_code', promotionCode: 'summer25' })).html).toContain('id="discount"');
    expect((await hosted(url, { ...card, shippingRate: rates[1].id })).status).toBe(303);
    await deliver();

    // 9000 − 2250 = 6750 goods; 19 % = 1282.5 → Stripe rounds per line; Express 1500.
    const paid = await withService(db, (tx) => getOrder(tx, order.id));
    const charged = await stripe.checkout.sessions.retrieve(session.id);
    expect(paid).toMatchObject({
      status: 'paid',
      subtotal: 9000,
      discount: 2250,
      shipping: 1500,
      tax: charged.total_details?.amount_tax,
      total: charged.amount_total,
    });
    expect(Math.abs(paid.tax - 1283)).toBeLessThanOrEqual(1);
    expect(paid.metadata).toMatchObject({
      promotion_code: 'SUMMER25',
      shipping_rate_id: 'express',
      shipping_rate_name: 'Express',
    });
    // The invoice, the buyer's summary and the refundable amount are the settled numbers.
    const invoice = await invoiceOf(order.id);
    expect([invoice.discount, invoice.shipping, invoice.tax, invoice.total].map(Number)).toEqual([
      2250,
      1500,
      paid.tax,
      paid.total,
    ]);
    // The invoice names them too, beside their amounts.
    const document = await studio.get(`/invoices/${invoice.id}`);
    expect(document.status).toBe(200);
    expect(document.body).toContain('Discount (SUMMER25)');
    expect(document.body).toContain('Shipping (Express)');
    const summary = await v.get(`/api/shop/g/${token}/orders/${session.id}`);
    expect(summary.body).toMatchObject({ discount: 2250, shipping: 1500, tax: paid.tax, total: paid.total });
    expect(summary.body).toMatchObject({ discountLabel: 'SUMMER25', shippingLabel: 'Express' });
    const studioView = await studio.get(`/api/shop/studios/${lumenId}/orders/${order.id}`);
    expect(studioView.body).toMatchObject({ total: paid.total, discountLabel: 'SUMMER25', shippingLabel: 'Express' });
    const mails = await app.mailbox('buyer@example.com');
    const confirmation = mails.find((m) => m.template === 'shop.order_confirmation');
    expect(confirmation?.text).toContain('SUMMER25');
    expect(confirmation?.text).toContain('Express');
    const tooMuch = await studio.post(`/api/shop/studios/${lumenId}/orders/${order.id}/refunds`, {
      amount: paid.total + 1,
    });
    expect(tooMuch.status).toBeGreaterThanOrEqual(400);
    const audit = await withService(db, (tx) =>
      tx
        .selectFrom('audit_events')
        .select(['before', 'after'])
        .where('entity_id', '=', order.id)
        .where('action', '=', 'order.paid')
        .executeTakeFirstOrThrow(),
    );
    expect(audit.before).toMatchObject({ total: 10710 });
    expect(audit.after).toMatchObject({ total: paid.total, promotionCode: 'SUMMER25' });
  });

  it('duplicated, reordered and late completions change nothing: one invoice, one confirmation, the same amounts', async () => {
    const { v } = await cartWithPrints();
    const { order, session, url } = await checkout(v, 'twice@example.com');
    await emu('/_emulator/chaos', { duplicate_rate: '1', reorder_rate: '1' });
    try {
      expect((await hosted(url, { ...card, email: 'twice@example.com' })).status).toBe(303);
      // The buyer's success page settles first; then every event arrives twice, in shuffled order.
      const summary = await v.get(`/api/shop/g/${token}/orders/${session.id}`);
      expect(summary.body).toMatchObject({ status: 'paid', shipping: 500, total: 11210 });
      await deliver();
    } finally {
      await emu('/_emulator/chaos', { duplicate_rate: '0', reorder_rate: '0' });
    }
    // And once more by hand, signed like Stripe's.
    const events = await stripe.events.list({ type: 'checkout.session.completed', limit: 20 });
    const event = events.data.find((e) => (e.data.object as { id: string }).id === session.id);
    const payload = JSON.stringify(event);
    const secret = app.platform.deps.config.webhookSecrets[0];
    const res = await fetch(`${app.url}/api/webhooks/stripe`, {
      method: 'POST',
      body: payload,
      headers: {
        'content-type': 'application/json',
        'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret }),
      },
    });
    expect(res.status).toBe(200);
    await app.settle();
    const paid = await withService(db, (tx) => getOrder(tx, order.id));
    // Standard (the preselected option) and no code: 9000 + 1710 + 500.
    expect(paid).toMatchObject({ status: 'paid', discount: 0, shipping: 500, tax: 1710, total: 11210 });
    expect(paid.metadata.shipping_rate_name).toBe('Standard');
    const invoices = await withService(db, (tx) =>
      tx.selectFrom('invoices').select('total').where('order_id', '=', order.id).execute(),
    );
    expect(invoices.map((i) => Number(i.total))).toEqual([11210]);
    const mails = (await app.mailbox('twice@example.com')).filter((m) => m.template === 'shop.order_confirmation');
    expect(mails).toHaveLength(1);
    const paidEvents = await withService(db, (tx) =>
      tx
        .selectFrom('order_events')
        .select('id')
        .where('order_id', '=', order.id)
        .where('to_status', '=', 'paid')
        .execute(),
    );
    expect(paidEvents).toHaveLength(1);
  });

  it('a studio coupon turns promotion codes off and keeps its summary line; shipping options stay free to choose', async () => {
    const { v, cart } = await cartWithPrints('WELCOME10');
    expect(cart).toMatchObject({ couponCode: 'WELCOME10', promotionCodesOnPaymentPage: false });
    const { order, session } = await checkout(v);
    expect(session.allow_promotion_codes).not.toBe(true);
    expect(session.line_items?.data).toHaveLength(1);
    // 9000 − 900 = 8100 goods + 19 % = 1539 in the summary line; shipping is Checkout's.
    expect(session.amount_subtotal).toBe(8100 + 1539);
    expect(session.shipping_options).toHaveLength(2);
    expect(order).toMatchObject({ discount: 900, tax: 1539, shipping: 0 });
    await emu(`/_emulator/checkout/sessions/${session.id}/complete`, { card_number: '4242424242424242' });
    await deliver();
    const paid = await withService(db, (tx) => getOrder(tx, order.id));
    expect(paid).toMatchObject({ status: 'paid', discount: 900, tax: 1539, shipping: 500, total: 8100 + 1539 + 500 });
    expect(paid.metadata.promotion_code).toBeUndefined();
  });

  it('inclusive tax stays inside the prices and is recomputed on what is left after a promotion code', async () => {
    const put = await studio.put(`/api/shop/studios/${lumenId}/settings`, {
      ...baseSettings,
      taxRateBps: 2000,
      taxInclusive: true,
      stripeShippingChoice: false,
    });
    expect(put.status).toBe(200);
    try {
      const { v, cart } = await cartWithPrints();
      expect(cart).toMatchObject({ shippingOnPaymentPage: false, shippingRateId: 'standard' });
      const { order, session, url } = await checkout(v);
      expect(session.line_items?.data.every((l) => !l.taxes?.length)).toBe(true);
      expect(session.shipping_options).toHaveLength(1);
      expect(order).toMatchObject({ shipping: 500, tax: 1500, total: 9500 });
      await hosted(url, { action: 'apply_code', promotionCode: 'SUMMER25' });
      expect((await hosted(url, card)).status).toBe(303);
      await deliver();
      const paid = await withService(db, (tx) => getOrder(tx, order.id));
      // 9000 − 2250 = 6750 incl. 20 % VAT = 1125; total 6750 + 500.
      expect(paid).toMatchObject({ discount: 2250, shipping: 500, tax: 1125, total: 7250, taxInclusive: true });
      expect(paid.metadata.shipping_rate_name).toBe('Standard');
    } finally {
      await studio.put(`/api/shop/studios/${lumenId}/settings`, baseSettings);
    }
  });
});

describe('the new settings', () => {
  it('are refused to strangers, other studios and plain members, writing nothing', async () => {
    const before = (await studio.get(`/api/shop/studios/${lumenId}/settings`)).body;
    expect(before).toMatchObject({ stripePromotionCodes: true, stripeShippingChoice: true });
    const stranger = http();
    expect((await stranger.put(`/api/shop/studios/${lumenId}/settings`, baseSettings)).status).toBe(401);
    const other = http();
    await other.signIn('artist@demo.gallerist.dev');
    const r = await other.put(`/api/shop/studios/${lumenId}/settings`, {
      ...baseSettings,
      stripePromotionCodes: false,
    });
    expect(r.status).toBe(404);
    expect((await studio.get(`/api/shop/studios/${lumenId}/settings`)).body).toEqual(before);
  });

  it.each([
    ['a non-boolean switch', { stripePromotionCodes: 'yes' }],
    ['shipping choice without rates', { shippingRates: [] }],
    [
      'shipping choice with rates for different countries',
      {
        shippingRates: [
          { id: 'eu', name: 'EU', amount: 500, countries: ['DE', 'FR'] },
          { id: 'world', name: 'World', amount: 2500 },
        ],
      },
    ],
    [
      'a delivery estimate that ends before it starts',
      { shippingRates: [{ ...baseSettings.shippingRates[0], deliveryDays: { min: 5, max: 2 } }] },
    ],
  ])('rejects %s with 400 and changes nothing', async (_l, patch) => {
    const before = (await studio.get(`/api/shop/studios/${lumenId}/settings`)).body;
    const r = await studio.put(`/api/shop/studios/${lumenId}/settings`, { ...baseSettings, ...patch });
    expect(r.status).toBe(400);
    expect((await studio.get(`/api/shop/studios/${lumenId}/settings`)).body).toEqual(before);
  });

  it('keeps a saved switch when an older client omits it', async () => {
    const { stripePromotionCodes: _p, stripeShippingChoice: _s, ...older } = baseSettings;
    const r = await studio.put(`/api/shop/studios/${lumenId}/settings`, older);
    expect(r.body).toMatchObject({ stripePromotionCodes: true, stripeShippingChoice: true });
  });
});
