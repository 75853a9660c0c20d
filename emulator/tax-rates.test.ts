import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrice, setupEmulator, type TestEmulator } from './testing/helpers.ts';

let t: TestEmulator;
let stripe: Stripe;
beforeAll(async () => {
  t = await setupEmulator();
  stripe = t.stripe;
});
afterAll(() => t.emu.stop());

describe('tax rates in Checkout', () => {
  it('creates, retrieves, updates and lists tax rates', async () => {
    const vat = await stripe.taxRates.create({ display_name: 'VAT', percentage: 19, inclusive: false, country: 'DE' });
    expect(vat).toMatchObject({ object: 'tax_rate', percentage: 19, inclusive: false, active: true, country: 'DE' });
    expect(vat.id).toMatch(/^txr_/);
    expect((await stripe.taxRates.retrieve(vat.id)).display_name).toBe('VAT');
    expect((await stripe.taxRates.update(vat.id, { description: 'VAT Germany' })).description).toBe('VAT Germany');
    expect((await stripe.taxRates.list({ inclusive: false })).data.map((r) => r.id)).toContain(vat.id);
    await expect(
      stripe.taxRates.create({ display_name: 'x', percentage: 5 } as Stripe.TaxRateCreateParams),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('adds exclusive tax per line, carves inclusive tax out, and charges the total', async () => {
    const excl = await stripe.taxRates.create({ display_name: 'Sales tax', percentage: 8.25, inclusive: false });
    const incl = await stripe.taxRates.create({ display_name: 'VAT', percentage: 20, inclusive: true });
    const [a, b] = [await createPrice(stripe, 1000), await createPrice(stripe, 1200)];
    const s = await stripe.checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://shop.example/ok',
      line_items: [
        { price: a, quantity: 2, tax_rates: [excl.id] },
        { price: b, quantity: 1, tax_rates: [incl.id] },
      ],
    });
    // 2000 × 8.25 % = 165 added; 1200 incl. 20 % holds 200 of tax.
    expect(s).toMatchObject({ amount_subtotal: 3200, amount_total: 3365, total_details: { amount_tax: 365 } });
    const lines = (await stripe.checkout.sessions.listLineItems(s.id)).data;
    expect(lines.map((l) => [l.amount_tax, l.amount_total])).toEqual([
      [165, 2165],
      [200, 1200],
    ]);
    await t.post(`/_emulator/checkout/sessions/${s.id}/complete`);
    const paid = await stripe.checkout.sessions.retrieve(s.id);
    expect((await stripe.paymentIntents.retrieve(paid.payment_intent as string)).amount).toBe(3365);
  });

  it('taxes what is left after a discount, and never the shipping', async () => {
    const excl = await stripe.taxRates.create({ display_name: 'Tax', percentage: 10, inclusive: false });
    const coupon = await stripe.coupons.create({ amount_off: 500, currency: 'usd' });
    const s = await stripe.checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://shop.example/ok',
      line_items: [{ price: await createPrice(stripe, 2500), quantity: 1, tax_rates: [excl.id] }],
      discounts: [{ coupon: coupon.id }],
      shipping_options: [
        {
          shipping_rate_data: {
            display_name: 'Std',
            type: 'fixed_amount',
            fixed_amount: { amount: 300, currency: 'usd' },
          },
        },
      ],
    });
    // (2500 − 500) + 10 % tax + 300 shipping.
    expect(s).toMatchObject({
      amount_total: 2000 + 200 + 300,
      total_details: { amount_discount: 500, amount_tax: 200, amount_shipping: 300 },
    });
  });

  it('shows one tax line per rate on the hosted page, summed over the lines, after a discount', async () => {
    const vat = await stripe.taxRates.create({ display_name: 'VAT', percentage: 19, inclusive: false });
    const incl = await stripe.taxRates.create({ display_name: 'GST', percentage: 10, inclusive: true });
    const coupon = await stripe.coupons.create({ amount_off: 1000, currency: 'usd' });
    const s = await stripe.checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://shop.example/ok',
      line_items: [
        { price: await createPrice(stripe, 1500), quantity: 2, tax_rates: [vat.id] },
        { price: await createPrice(stripe, 1000), quantity: 1, tax_rates: [vat.id] },
        { price: await createPrice(stripe, 1100), quantity: 1, tax_rates: [incl.id] },
      ],
      discounts: [{ coupon: coupon.id }],
    });
    const html = await fetch(s.url!).then((r) => r.text());
    const lines = [...html.matchAll(/class="sum tax-line"[^>]*><span>([^<]+)<\/span><span>([^<]+)<\/span>/g)].map(
      (m) => [m[1], m[2]],
    );
    const items = (await stripe.checkout.sessions.listLineItems(s.id)).data;
    // VAT is the sum of the first two lines' tax, GST the third's (carved out of its price); together the session's.
    expect(lines.map(([label]) => label)).toEqual(['VAT (19%)', 'Includes GST (10%)']);
    const cents = (v: string) => Math.round(Number(v.replace(/[^0-9.]/g, '')) * 100);
    expect(cents(lines[0][1])).toBe(items[0].amount_tax + items[1].amount_tax);
    expect(cents(lines[1][1])).toBe(items[2].amount_tax);
    expect(cents(lines[0][1]) + cents(lines[1][1])).toBe(s.total_details?.amount_tax);
    expect(html).toContain('id="taxLines"');
    // Without tax rates there are no tax lines.
    const plain = await stripe.checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://shop.example/ok',
      line_items: [{ price: await createPrice(stripe, 1000), quantity: 1 }],
    });
    expect(await fetch(plain.url!).then((r) => r.text())).not.toContain('id="taxLines"');
  });

  it('refuses an unknown or inactive rate and two inclusive rates on a line', async () => {
    const price = await createPrice(stripe, 1000);
    const create = (tax_rates: string[]) =>
      stripe.checkout.sessions.create({
        mode: 'payment',
        success_url: 'https://shop.example/ok',
        line_items: [{ price, quantity: 1, tax_rates }],
      });
    await expect(create(['txr_nope'])).rejects.toMatchObject({ statusCode: 404 });
    const off = await stripe.taxRates.create({ display_name: 'Old', percentage: 5, inclusive: false });
    await stripe.taxRates.update(off.id, { active: false });
    await expect(create([off.id])).rejects.toMatchObject({ statusCode: 400 });
    const i1 = await stripe.taxRates.create({ display_name: 'A', percentage: 5, inclusive: true });
    const i2 = await stripe.taxRates.create({ display_name: 'B', percentage: 7, inclusive: true });
    await expect(create([i1.id, i2.id])).rejects.toMatchObject({ param: 'line_items[0][tax_rates]' });
  });
});
