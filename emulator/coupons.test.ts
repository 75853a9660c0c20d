import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrice, createSession, postHostedForm, setupEmulator, type TestEmulator } from './testing/helpers.ts';

let t: TestEmulator;
let stripe: Stripe;
beforeAll(async () => {
  t = await setupEmulator();
  stripe = t.stripe;
});
afterAll(() => t.emu.stop());

const card = { email: 'buyer@example.com', cardNumber: '4242424242424242', cardExpiry: '12/34', cardCvc: '123' };

async function twoLineSession(extra: Partial<Stripe.Checkout.SessionCreateParams> = {}) {
  const [a, b] = [await createPrice(stripe, 1000), await createPrice(stripe, 2333)];
  return stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [
      { price: a, quantity: 2 },
      { price: b, quantity: 1 },
    ],
    success_url: 'https://shop.example/ok',
    ...extra,
  });
}

describe('coupons and promotion codes', () => {
  it('creates, retrieves, lists, updates and deletes coupons with Stripe’s validation', async () => {
    const pct = await stripe.coupons.create({ percent_off: 20, duration: 'once', name: 'Spring' });
    expect(pct).toMatchObject({ object: 'coupon', percent_off: 20, amount_off: null, valid: true, times_redeemed: 0 });
    expect(pct.id).toMatch(/^[A-Za-z0-9]{8}$/);
    const fixed = await stripe.coupons.create({ id: 'TENOFF', amount_off: 1000, currency: 'usd' });
    expect(fixed).toMatchObject({ id: 'TENOFF', currency: 'usd', duration: 'once' });
    expect((await stripe.coupons.retrieve('TENOFF')).amount_off).toBe(1000);
    expect((await stripe.coupons.update('TENOFF', { name: 'Ten off' })).name).toBe('Ten off');
    expect((await stripe.coupons.list({ limit: 100 })).data.map((c) => c.id)).toEqual(
      expect.arrayContaining([pct.id, 'TENOFF']),
    );
    await expect(stripe.coupons.create({ duration: 'once' })).rejects.toMatchObject({ statusCode: 400 });
    await expect(stripe.coupons.create({ amount_off: 5 })).rejects.toMatchObject({ param: 'currency' });
    await expect(stripe.coupons.create({ percent_off: 150 })).rejects.toMatchObject({ statusCode: 400 });
    await expect(stripe.coupons.create({ id: 'TENOFF', percent_off: 5 })).rejects.toMatchObject({
      code: 'resource_already_exists',
    });
    const gone = await stripe.coupons.create({ percent_off: 1 });
    expect(await stripe.coupons.del(gone.id)).toMatchObject({ deleted: true });
    await expect(stripe.coupons.retrieve(gone.id)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('applies a coupon given in `discounts`: totals, line discounts and the PaymentIntent amount', async () => {
    const coupon = await stripe.coupons.create({ percent_off: 15 });
    const s = await twoLineSession({ discounts: [{ coupon: coupon.id }] });
    // 2×1000 + 2333 = 4333; 15 % = 650 (rounded), spread over the lines in proportion.
    expect(s).toMatchObject({
      amount_subtotal: 4333,
      amount_total: 3683,
      total_details: { amount_discount: 650 },
      discounts: [{ coupon: coupon.id, promotion_code: null }],
    });
    const lines = (await stripe.checkout.sessions.listLineItems(s.id)).data;
    expect(lines.map((l) => l.amount_discount).reduce((a, b) => a + b, 0)).toBe(650);
    for (const l of lines) expect(l.amount_total).toBe(l.amount_subtotal - l.amount_discount);
    expect((await postHostedForm(s, card)).status).toBe(303);
    const paid = await stripe.checkout.sessions.retrieve(s.id);
    expect((await stripe.paymentIntents.retrieve(paid.payment_intent as string)).amount).toBe(3683);
    expect((await stripe.coupons.retrieve(coupon.id)).times_redeemed).toBe(1);
    // A discount without a promotion code still expands (to null), as on Stripe; so do its coupon and a null cost.
    const expanded = await stripe.checkout.sessions.retrieve(s.id, {
      expand: ['discounts.promotion_code', 'discounts.coupon', 'shipping_cost.shipping_rate'],
    });
    expect(expanded.discounts).toMatchObject([{ promotion_code: null, coupon: { id: coupon.id, percent_off: 15 } }]);
    expect(expanded.shipping_cost).toBeNull();
  });

  it('refuses discounts with allow_promotion_codes, two discounts, an unknown coupon and a foreign currency', async () => {
    const c = await stripe.coupons.create({ amount_off: 500, currency: 'eur' });
    await expect(twoLineSession({ discounts: [{ coupon: c.id }], allow_promotion_codes: true })).rejects.toMatchObject({
      statusCode: 400,
      param: 'discounts',
    });
    await expect(twoLineSession({ discounts: [{ coupon: c.id }, { coupon: c.id }] })).rejects.toMatchObject({
      param: 'discounts',
    });
    await expect(twoLineSession({ discounts: [{ coupon: 'NOPE' }] })).rejects.toMatchObject({ statusCode: 404 });
    await expect(twoLineSession({ discounts: [{ coupon: c.id }] })).rejects.toMatchObject({
      param: 'discounts[0]',
      message: expect.stringContaining('currency'),
    });
  });

  it('an amount_off coupon never takes more than the subtotal, and a free order needs no payment', async () => {
    const c = await stripe.coupons.create({ amount_off: 100_000, currency: 'usd' });
    const s = await createSession(stripe, { discounts: [{ coupon: c.id }] });
    expect(s).toMatchObject({ amount_total: 0, payment_status: 'no_payment_required' });
    expect(s.total_details?.amount_discount).toBe(2500);
  });

  it('takes a promotion code on the hosted page, with its limits, and counts the redemption once paid', async () => {
    const coupon = await stripe.coupons.create({ percent_off: 10 });
    const promo = await stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'WELCOME10',
      max_redemptions: 1,
      restrictions: { minimum_amount: 3000, minimum_amount_currency: 'usd' },
    });
    expect(promo).toMatchObject({ object: 'promotion_code', active: true, promotion: { coupon: coupon.id } });
    await expect(
      stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'welcome10' }),
    ).rejects.toMatchObject({ param: 'code' });
    expect((await stripe.promotionCodes.list({ code: 'welcome10' })).data.map((p) => p.id)).toEqual([promo.id]);

    const small = await createSession(stripe, { allow_promotion_codes: true });
    const page = await fetch(small.url!).then((r) => r.text());
    expect(page).toContain('id="promotionCode"');
    expect((await postHostedForm(small, { action: 'apply_code', promotionCode: 'welcome10' })).html).toContain(
      'This code requires a larger order.',
    );
    expect((await postHostedForm(small, { action: 'apply_code', promotionCode: 'NOPE' })).html).toContain(
      'This code is invalid.',
    );

    const s = await twoLineSession({ allow_promotion_codes: true });
    const applied = await postHostedForm(s, { action: 'apply_code', promotionCode: ' welcome10 ' });
    expect(applied.html).toContain('id="discount"');
    expect(applied.html).not.toContain('id="promotionCode"');
    expect(await stripe.checkout.sessions.retrieve(s.id)).toMatchObject({
      amount_total: 4333 - 433,
      discounts: [{ coupon: coupon.id, promotion_code: promo.id }],
      total_details: { amount_discount: 433 },
    });
    const withCode = await stripe.checkout.sessions.retrieve(s.id, { expand: ['discounts.promotion_code'] });
    expect(withCode.discounts?.[0].promotion_code).toMatchObject({ id: promo.id, code: 'WELCOME10' });
    expect((await postHostedForm(s, card)).status).toBe(303);
    const paid = await stripe.checkout.sessions.retrieve(s.id);
    expect((await stripe.paymentIntents.retrieve(paid.payment_intent as string)).amount).toBe(3900);
    expect((await stripe.promotionCodes.retrieve(promo.id)).times_redeemed).toBe(1);
    // max_redemptions reached: the next buyer is told, and the API refuses it in `discounts` too.
    const next = await twoLineSession({ allow_promotion_codes: true });
    expect((await postHostedForm(next, { action: 'apply_code', promotionCode: 'WELCOME10' })).html).toContain(
      'This code is no longer valid.',
    );
    await expect(twoLineSession({ discounts: [{ promotion_code: promo.id }] })).rejects.toMatchObject({
      code: 'promotion_code_invalid',
    });
    expect((await stripe.promotionCodes.update(promo.id, { active: false })).active).toBe(false);
  });

  it('asks for the shipping country instead of picking the first allowed one', async () => {
    const s = await createSession(stripe, { shipping_address_collection: { allowed_countries: ['AT', 'FR'] } });
    const html = await fetch(s.url!).then((r) => r.text());
    expect(html).toMatch(/<option value="" selected>Choose a country<\/option>/);
    expect(html).toContain('France (FR)');
    const r = await postHostedForm(s, {
      ...card,
      shippingName: 'Camille Martin',
      shippingLine1: '1 rue de la République',
      shippingCity: 'Lyon',
      shippingPostalCode: '69002',
    });
    expect(r.html).toContain('Please enter your shipping country.');
    expect((await stripe.checkout.sessions.retrieve(s.id)).status).toBe('open');
  });
});
