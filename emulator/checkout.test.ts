import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { emulatorForFile } from './testing/file-emulator.ts';
import { createPrice, createSession } from './testing/helpers.ts';

const t = await emulatorForFile();
const stripe = t.stripe;

describe('checkout session create', () => {
  it('builds a session from price and price_data items with totals and payment_intent_data', async () => {
    const price = await createPrice(stripe, 2500);
    const artist = await stripe.accounts.create({ type: 'express', capabilities: { transfers: { requested: true } } });
    await t.post(`/_emulator/accounts/${artist.id}/onboard`);
    const s = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        { price, quantity: 2 },
        { price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'Frame' } }, quantity: 1 },
      ],
      success_url: 'https://shop.example/ok?cs={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://shop.example/cancel',
      customer_email: 'buyer@example.com',
      metadata: { order_id: 'o_1' },
      shipping_address_collection: { allowed_countries: ['US', 'DE'] },
      payment_intent_data: {
        metadata: { order_id: 'o_1' },
        application_fee_amount: 600,
        on_behalf_of: artist.id,
        transfer_data: { destination: artist.id },
      },
    });
    expect(s.id).toMatch(/^cs_test_/);
    expect(s).toMatchObject({
      status: 'open',
      payment_status: 'unpaid',
      amount_subtotal: 6000,
      amount_total: 6000,
      currency: 'usd',
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      payment_intent: null,
      customer_email: 'buyer@example.com',
    });
    expect(s.url).toBe(`${t.emu.url}/c/pay/${s.id}`);
    expect(s.expires_at - s.created).toBe(86400);
    expect((s as any).line_items).toBeUndefined();
    const items = await stripe.checkout.sessions.listLineItems(s.id, { expand: ['data.price.product'] });
    expect(items.data.map((li) => [li.description, li.quantity, li.amount_total])).toEqual([
      ['Print', 2, 5000],
      ['Frame', 1, 1000],
    ]);
    expect(((items.data[1].price as Stripe.Price).product as Stripe.Product).name).toBe('Frame');
    const expanded = await stripe.checkout.sessions.retrieve(s.id, { expand: ['line_items'] });
    expect(expanded.line_items?.data).toHaveLength(2);
    const done = await t.post(`/_emulator/checkout/sessions/${s.id}/complete`);
    expect(done.status).toBe(200);
    const pi = await stripe.paymentIntents.retrieve(done.body.payment_intent, { expand: ['latest_charge'] });
    expect(pi).toMatchObject({
      metadata: { order_id: 'o_1' },
      application_fee_amount: 600,
      on_behalf_of: artist.id,
      transfer_data: { destination: artist.id },
    });
    expect((pi.latest_charge as Stripe.Charge).transfer_data?.destination).toBe(artist.id);
    expect(done.body.collected_information.shipping_details.address.country).toBe('US');
  });

  it('validates params like Stripe', async () => {
    const price = await createPrice(stripe);
    const bad = async (params: Record<string, unknown>) =>
      stripe.checkout.sessions
        .create({ mode: 'payment', line_items: [{ price, quantity: 1 }], ...params } as never)
        .catch((e) => e);
    const now = Math.floor(Date.now() / 1000);
    expect((await bad({ expires_at: now + 600 })).param).toBe('expires_at');
    expect((await bad({ expires_at: now + 90000 })).param).toBe('expires_at');
    expect((await bad({ expires_at: now + 3600 })).id).toMatch(/^cs_test_/);
    expect((await bad({ line_items: [{ price, quantity: 1 }], mode: 'subscription' })).param).toBe('mode');
    expect((await bad({ line_items: [{ price }] })).param).toBe('line_items[0][quantity]');
    expect((await bad({ line_items: [{ price: 'price_nope', quantity: 1 }] })).code).toBe('resource_missing');
    expect((await bad({ customer: 'cus_nope' })).statusCode).toBe(404);
    const c = await stripe.customers.create({ email: 'c@example.com' });
    expect((await bad({ customer: c.id, customer_email: 'x@example.com' })).param).toBe('customer_email');
    expect((await bad({ success_url: 'not a url' })).param).toBe('success_url');
    const recurring = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 100,
      recurring: { interval: 'month' },
      product_data: { name: 'Sub' },
    });
    expect((await bad({ line_items: [{ price: recurring.id, quantity: 1 }] })).param).toBe('line_items[0][price]');
  });

  it('lists and expires sessions', async () => {
    const a = await createSession(stripe);
    const b = await createSession(stripe);
    expect((await stripe.checkout.sessions.list()).data.map((s) => s.id)).toEqual([b.id, a.id]);
    const expired = await stripe.checkout.sessions.expire(a.id);
    expect(expired).toMatchObject({ status: 'expired', url: null });
    expect((await stripe.checkout.sessions.expire(a.id).catch((e) => e)).statusCode).toBe(400);
    expect((await stripe.checkout.sessions.list({ status: 'open' })).data.map((s) => s.id)).toEqual([b.id]);
    expect((await stripe.events.list({ type: 'checkout.session.expired' })).data).toHaveLength(1);
  });
});

describe('completing via /_emulator', () => {
  it('pays with the default card and emits events in Stripe order', async () => {
    const s = await createSession(stripe, { customer_email: 'buyer@example.com' });
    const res = await t.post(`/_emulator/checkout/sessions/${s.id}/complete`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'complete', payment_status: 'paid', url: null });
    expect(res.body.customer_details.email).toBe('buyer@example.com');
    const types = (await stripe.events.list()).data.map((e) => e.type).reverse();
    expect(types.slice(-4)).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.completed',
    ]);
    const again = await t.post(`/_emulator/checkout/sessions/${s.id}/complete`);
    expect(again.status).toBe(400);
    const bySession = await stripe.checkout.sessions.list({ payment_intent: res.body.payment_intent });
    expect(bySession.data[0].id).toBe(s.id);
  });

  it.each([
    ['4000000000000002', 'card_declined', 'generic_decline'],
    ['4000000000009995', 'card_declined', 'insufficient_funds'],
    ['4000000000000069', 'expired_card', 'expired_card'],
    ['4000000000000127', 'incorrect_cvc', 'incorrect_cvc'],
  ])('declines card %s with %s', async (card, code, decline) => {
    const s = await createSession(stripe);
    const res = await t.post(`/_emulator/checkout/sessions/${s.id}/complete`, { card_number: card });
    expect(res.status).toBe(402);
    expect(res.body.error).toMatchObject({ type: 'card_error', code, decline_code: decline });
    const session = await stripe.checkout.sessions.retrieve(s.id);
    expect(session.status).toBe('open');
    const types = (await stripe.events.list()).data.map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(['payment_intent.payment_failed', 'charge.failed']);
    const ok = await t.post(`/_emulator/checkout/sessions/${s.id}/complete`);
    expect(ok.body.payment_intent).toBe(session.payment_intent);
    expect(ok.body.payment_status).toBe('paid');
  });

  it('handles 3-D Secure cards (approve by default, deny on request)', async () => {
    const s = await createSession(stripe);
    const denied = await t.post(`/_emulator/checkout/sessions/${s.id}/complete`, {
      card_number: '4000002500003155',
      three_d_secure: 'deny',
    });
    expect(denied.body.error.code).toBe('payment_intent_authentication_failure');
    const ok = await t.post(`/_emulator/checkout/sessions/${s.id}/complete`, { card_number: '4000000000003220' });
    expect(ok.body.status).toBe('complete');
  });

  it('creates a customer when customer_creation=always and uses an existing customer', async () => {
    const s = await createSession(stripe, { customer_creation: 'always' });
    const res = await t.post(`/_emulator/checkout/sessions/${s.id}/complete`, {
      email: 'new@example.com',
      name: 'New',
    });
    const customer = await stripe.customers.retrieve(res.body.customer);
    expect((customer as Stripe.Customer).email).toBe('new@example.com');
    const c = await stripe.customers.create({ email: 'known@example.com' });
    const s2 = await createSession(stripe, { customer: c.id });
    const res2 = await t.post(`/_emulator/checkout/sessions/${s2.id}/complete`);
    expect(res2.body.customer).toBe(c.id);
    expect(res2.body.customer_details.email).toBe('known@example.com');
    const pi = await stripe.paymentIntents.retrieve(res2.body.payment_intent);
    expect(pi.customer).toBe(c.id);
  });

  it('validates shipping countries and zero-amount sessions need no payment', async () => {
    const s = await createSession(stripe, { shipping_address_collection: { allowed_countries: ['DE'] } });
    const bad = await t.post(`/_emulator/checkout/sessions/${s.id}/complete`, {
      shipping_name: 'A',
      shipping_line1: 'B',
      shipping_city: 'C',
      shipping_postal_code: '1',
      shipping_country: 'FR',
    });
    expect(bad.status).toBe(400);
    const free = await createSession(stripe, {}, 0);
    expect(free.payment_status).toBe('no_payment_required');
    const done = await t.post(`/_emulator/checkout/sessions/${free.id}/complete`);
    expect(done.body).toMatchObject({
      status: 'complete',
      payment_status: 'no_payment_required',
      payment_intent: null,
    });
  });

  it('simulates async payments settling on the emulator clock', async () => {
    const a = await createSession(stripe);
    const b = await createSession(stripe);
    await t.post(`/_emulator/checkout/sessions/${a.id}/complete`, { async_outcome: 'succeeded' });
    const pending = await t.post(`/_emulator/checkout/sessions/${b.id}/complete`, { async_outcome: 'failed' });
    expect(pending.body).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    await t.post('/_emulator/clock/advance', { seconds: 61 });
    expect((await stripe.checkout.sessions.retrieve(a.id)).payment_status).toBe('paid');
    expect((await stripe.checkout.sessions.retrieve(b.id)).payment_status).toBe('unpaid');
    const types = (await stripe.events.list({ type: 'checkout.session.*' })).data.map((e) => e.type);
    expect(types).toContain('checkout.session.async_payment_succeeded');
    expect(types).toContain('checkout.session.async_payment_failed');
  });
});

describe('expiry on the emulator clock', () => {
  it('expires open sessions past expires_at and cancels their intent', async () => {
    // A few seconds of slack: the emulator clock may tick over a second between these two lines.
    const s = await createSession(stripe, { expires_at: Math.floor(Date.now() / 1000) + 1805 });
    await t.post(`/_emulator/checkout/sessions/${s.id}/complete`, { card_number: '4000000000000002' });
    const before = await t.get('/_emulator/clock');
    const adv = await t.post('/_emulator/clock/advance', { seconds: 1806 });
    expect(adv.body.now).toBeGreaterThanOrEqual(before.body.now + 1806);
    const session = await stripe.checkout.sessions.retrieve(s.id, { expand: ['payment_intent'] });
    expect(session.status).toBe('expired');
    expect((session.payment_intent as Stripe.PaymentIntent).status).toBe('canceled');
    const evt = (await stripe.events.list({ type: 'checkout.session.expired' })).data[0];
    expect(evt.request).toEqual({ id: null, idempotency_key: null });
    const late = await t.post(`/_emulator/checkout/sessions/${s.id}/complete`);
    expect(late.status).toBe(400);
    const page = await fetch(`${t.emu.url}/c/pay/${s.id}`);
    expect(await page.text()).toContain('expired');
  });
});
