import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, postHostedForm, setupEmulator, type TestEmulator } from './testing/helpers.ts';

let t: TestEmulator;
let stripe: Stripe;
beforeAll(async () => {
  t = await setupEmulator();
  stripe = t.stripe;
});
afterAll(() => t.emu.stop());

const pay = {
  email: 'buyer@example.com',
  cardNumber: '4242424242424242',
  cardExpiry: '12/34',
  cardCvc: '123',
  shippingName: 'Jenny Rosen',
  shippingLine1: '1 Gallery Way',
  shippingCity: 'Berlin',
  shippingPostalCode: '10115',
  shippingCountry: 'DE',
};

describe('shipping rates in Checkout', () => {
  it('creates, retrieves, updates and lists shipping rates', async () => {
    const rate = await stripe.shippingRates.create({
      display_name: 'Ground',
      type: 'fixed_amount',
      fixed_amount: { amount: 500, currency: 'usd' },
      delivery_estimate: { minimum: { unit: 'business_day', value: 3 }, maximum: { unit: 'business_day', value: 5 } },
    });
    expect(rate).toMatchObject({ object: 'shipping_rate', active: true, tax_behavior: 'unspecified' });
    expect(rate.id).toMatch(/^shr_/);
    expect((await stripe.shippingRates.retrieve(rate.id)).fixed_amount?.amount).toBe(500);
    expect((await stripe.shippingRates.update(rate.id, { active: false })).active).toBe(false);
    expect((await stripe.shippingRates.list({ active: false })).data.map((r) => r.id)).toContain(rate.id);
    await expect(
      stripe.shippingRates.create({ display_name: 'x', type: 'fixed_amount' } as Stripe.ShippingRateCreateParams),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('offers shipping options, preselects the first, lets the buyer switch, and charges the chosen one', async () => {
    const express = await stripe.shippingRates.create({
      display_name: 'Express',
      type: 'fixed_amount',
      fixed_amount: { amount: 1500, currency: 'usd' },
    });
    const s = await createSession(stripe, {
      shipping_address_collection: { allowed_countries: ['DE'] },
      shipping_options: [
        {
          shipping_rate_data: {
            display_name: 'Standard',
            type: 'fixed_amount',
            fixed_amount: { amount: 500, currency: 'usd' },
          },
        },
        { shipping_rate: express.id },
      ],
    });
    // 2500 of goods + the preselected 500 standard shipping.
    expect(s).toMatchObject({ amount_subtotal: 2500, amount_total: 3000, total_details: { amount_shipping: 500 } });
    expect(s.shipping_options.map((o) => o.shipping_amount)).toEqual([500, 1500]);
    expect(s.shipping_cost?.shipping_rate).toBe(s.shipping_options[0].shipping_rate);
    const page = await fetch(s.url!).then((r) => r.text());
    expect(page).toContain('id="shippingOptions"');
    expect(page).toContain('Express');

    const updated = await postHostedForm(s, { ...pay, action: 'update_shipping', shippingRate: express.id });
    expect(updated.html).toContain('$15.00');
    expect((await stripe.checkout.sessions.retrieve(s.id)).amount_total).toBe(4000);
    expect((await postHostedForm(s, { ...pay, shippingRate: 'shr_not_offered' })).html).toContain(
      'Please choose one of the shipping options.',
    );
    expect((await postHostedForm(s, { ...pay, shippingRate: express.id })).status).toBe(303);
    const paid = await stripe.checkout.sessions.retrieve(s.id);
    expect(paid).toMatchObject({
      status: 'complete',
      amount_total: 4000,
      shipping_cost: { amount_total: 1500, shipping_rate: express.id },
    });
    expect((await stripe.paymentIntents.retrieve(paid.payment_intent as string)).amount).toBe(4000);
  });

  it('refuses more than five options, an inactive or foreign-currency rate', async () => {
    const eur = await stripe.shippingRates.create({
      display_name: 'EU',
      type: 'fixed_amount',
      fixed_amount: { amount: 400, currency: 'eur' },
    });
    await expect(createSession(stripe, { shipping_options: [{ shipping_rate: eur.id }] })).rejects.toMatchObject({
      param: 'shipping_options[0]',
    });
    const off = await stripe.shippingRates.create({
      display_name: 'Off',
      type: 'fixed_amount',
      fixed_amount: { amount: 1, currency: 'usd' },
    });
    await stripe.shippingRates.update(off.id, { active: false });
    await expect(createSession(stripe, { shipping_options: [{ shipping_rate: off.id }] })).rejects.toMatchObject({
      statusCode: 400,
    });
    const six = Array.from({ length: 6 }, () => ({ shipping_rate: off.id }));
    await expect(createSession(stripe, { shipping_options: six })).rejects.toMatchObject({ param: 'shipping_options' });
  });

  it('a coupon discounts the goods, never the shipping', async () => {
    const coupon = await stripe.coupons.create({ percent_off: 50 });
    const s = await createSession(stripe, {
      discounts: [{ coupon: coupon.id }],
      shipping_options: [
        {
          shipping_rate_data: {
            display_name: 'Std',
            type: 'fixed_amount',
            fixed_amount: { amount: 700, currency: 'usd' },
          },
        },
      ],
    });
    expect(s).toMatchObject({
      amount_total: 1250 + 700,
      total_details: { amount_discount: 1250, amount_shipping: 700 },
    });
  });
});
