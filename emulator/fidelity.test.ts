import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { api } from './core/context.ts';
import { SUPPORTED_CURRENCIES } from './core/currencies.ts';
import { insert } from './core/state.ts';
import { emulatorForFile } from './testing/file-emulator.ts';
import { client, createPrice } from './testing/helpers.ts';

// A route that fails with a 500 after changing state on its first call, then succeeds.
let flakyCalls = 0;
const t = await emulatorForFile({
  modules: [
    (app, state) => {
      api(app, 'post', '/v1/test_flaky', (ctx) => {
        flakyCalls += 1;
        insert(state, 'test_flaky', { id: `flaky_${flakyCalls}`, object: 'test_flaky' }, ctx.account);
        if (flakyCalls === 1) throw new Error('boom');
        return { id: `flaky_${flakyCalls}`, object: 'test_flaky' };
      });
    },
  ],
});
const { stripe } = t;
const auth = { authorization: 'Bearer sk_test_x' };
const flush = () => t.post('/_emulator/webhooks/flush');

async function raw(path: string, headers: Record<string, string> = {}, body?: Record<string, string>) {
  const res = await fetch(`${t.emu.url}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: body ? new URLSearchParams(body).toString() : undefined,
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

describe('API versions', () => {
  it("replies with Stripe-Version: the SDK's pinned version by default, or the well-formed one requested", async () => {
    const plain = await raw('/v1/customers');
    expect(plain.headers.get('stripe-version')).toBe(Stripe.API_VERSION);
    expect((await stripe.customers.list()).lastResponse.apiVersion).toBe(Stripe.API_VERSION);
    const clover = client(t.emu.port, { apiVersion: '2025-09-30.clover' as never });
    expect((await clover.customers.create({})).lastResponse.apiVersion).toBe('2025-09-30.clover');
    expect((await raw('/v1/customers', { 'stripe-version': '2024-06-20' })).headers.get('stripe-version')).toBe(
      '2024-06-20',
    );
    // Errors carry it too.
    expect((await raw('/v1/customers/cus_missing')).headers.get('stripe-version')).toBe(Stripe.API_VERSION);
    expect((await raw('/v1/customers', { authorization: '' })).headers.get('stripe-version')).toBe(Stripe.API_VERSION);
  });

  it('rejects a malformed Stripe-Version with 400 invalid_request_error', async () => {
    for (const version of ['not-a-version', '2025-02-30', '2024-6-20', '2025-09-30.Clover']) {
      const res = await raw('/v1/customers', { 'stripe-version': version }, { email: 'a@example.com' });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        type: 'invalid_request_error',
        message: `Invalid Stripe API version: ${version}`,
      });
    }
    const bad = client(t.emu.port, { apiVersion: 'not-a-version' as never });
    const err = await bad.customers.create({}).catch((e) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err.statusCode).toBe(400);
    expect((await stripe.customers.list()).data).toHaveLength(0);
  });

  it("stamps events with the account's version and webhook payloads with the endpoint's pinned version", async () => {
    const pinnedHook = await t.receiver();
    const plainHook = await t.receiver();
    const pinned = await stripe.webhookEndpoints.create({
      url: pinnedHook.url,
      enabled_events: ['customer.created'],
      api_version: '2025-09-30.clover' as never,
    });
    expect(pinned.api_version).toBe('2025-09-30.clover');
    expect((await stripe.webhookEndpoints.retrieve(pinned.id)).api_version).toBe('2025-09-30.clover');
    const plain = await stripe.webhookEndpoints.create({ url: plainHook.url, enabled_events: ['*'] });
    expect(plain.api_version).toBeNull();
    const badVersion = await stripe.webhookEndpoints
      .create({ url: plainHook.url, enabled_events: ['*'], api_version: 'soon' as never })
      .catch((e) => e);
    expect([badVersion.statusCode, badVersion.param]).toEqual([400, 'api_version']);

    // A request's own Stripe-Version does not change how the event is recorded.
    const clover = client(t.emu.port, { apiVersion: '2024-06-20' as never });
    const customer = await clover.customers.create({ email: 'v@example.com' });
    const [event] = (await stripe.events.list({ type: 'customer.created' })).data;
    expect(event.api_version).toBe(Stripe.API_VERSION);
    await flush();
    expect(pinnedHook.received.map((r) => r.event.api_version)).toEqual(['2025-09-30.clover']);
    expect(plainHook.received.map((r) => r.event.api_version)).toEqual([Stripe.API_VERSION]);
    const delivered = stripe.webhooks.constructEvent(
      pinnedHook.received[0].body,
      pinnedHook.received[0].signature,
      pinned.secret!,
    );
    expect(delivered).toMatchObject({ id: event.id, data: { object: { id: customer.id } } });
  });
});

describe('currency validation', () => {
  it('accepts supported currencies in any case and rejects unknown codes with param currency', async () => {
    expect(SUPPORTED_CURRENCIES.size).toBeGreaterThan(130);
    for (const code of ['usd', 'eur', 'jpy', 'kwd']) expect(SUPPORTED_CURRENCIES.has(code)).toBe(true);
    const upper = await stripe.paymentIntents.create({ amount: 1000, currency: 'EUR' });
    expect(upper.currency).toBe('eur');
    for (const code of ['xyz', 'abc', 'US', 'usdd']) {
      const err = await stripe.paymentIntents.create({ amount: 1000, currency: code }).catch((e) => e);
      expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect([err.statusCode, err.param]).toEqual([400, 'currency']);
      expect(err.message).toMatch(
        new RegExp(`^Invalid currency: ${code}\\. Stripe currently supports these currencies: usd, `),
      );
    }
    const price = await stripe.prices
      .create({ currency: 'xyz', unit_amount: 100, product_data: { name: 'P' } })
      .catch((e) => e);
    expect([price.statusCode, price.param]).toEqual([400, 'currency']);
    const session = await stripe.checkout.sessions
      .create({
        mode: 'payment',
        success_url: 'https://shop.example/ok',
        line_items: [{ price_data: { currency: 'qqq', unit_amount: 500, product_data: { name: 'P' } }, quantity: 1 }],
      })
      .catch((e) => e);
    expect([session.statusCode, session.param]).toEqual([400, 'line_items[0][price_data][currency]']);
    expect((await stripe.prices.list({ currency: 'usd' })).data).toHaveLength(0);
    await createPrice(stripe, 500, 'chf');
    expect((await stripe.prices.list({ currency: 'CHF' })).data).toHaveLength(1);
  });
});

describe('idempotency', () => {
  it('does not save validation failures, so a corrected retry with the same key succeeds', async () => {
    const key = { idempotencyKey: 'fix-me' };
    const bad = await stripe.paymentIntents.create({ amount: 1000, currency: 'xyz' }, key).catch((e) => e);
    expect(bad.statusCode).toBe(400);
    const good = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' }, key);
    expect(good.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    const replay = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' }, key);
    expect(replay.id).toBe(good.id);
    expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');
    const other = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd' }, key).catch((e) => e);
    expect(other).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(other.statusCode).toBe(400);

    // Unknown params and missing references are validation failures too.
    const unknown = await t.post('/v1/customers', { nickname: 'x' }, { ...auth, 'idempotency-key': 'cust-1' });
    expect(unknown.status).toBe(400);
    const fixed = await t.post('/v1/customers', { name: 'x' }, { ...auth, 'idempotency-key': 'cust-1' });
    expect(fixed.status).toBe(200);
    const missingPm = { amount: 1000, currency: 'usd', payment_method: 'pm_missing' };
    const notFound = await stripe.paymentIntents.create(missingPm, { idempotencyKey: 'pm-1' }).catch((e) => e);
    expect(notFound.statusCode).toBe(404);
    const withCard = await stripe.paymentIntents.create(
      { ...missingPm, payment_method: 'pm_card_visa' },
      { idempotencyKey: 'pm-1' },
    );
    expect(withCard.status).toBe('requires_confirmation');
    expect((await stripe.paymentIntents.list()).data.map((p) => p.id)).toEqual([withCard.id, good.id]);
  });

  it('saves results once execution began (a card decline is replayed) but never a 500', async () => {
    const params = {
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_chargeDeclined',
      allowed_payment_method_types: ['card'],
      confirm: true,
    };
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: 'decline' }).catch((e) => e);
    expect(first.statusCode).toBe(402);
    const again = await stripe.paymentIntents.create(params, { idempotencyKey: 'decline' }).catch((e) => e);
    expect(again.statusCode).toBe(402);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.payment_intent.id).toBe(first.payment_intent.id);
    expect((await stripe.paymentIntents.list()).data).toHaveLength(1);

    const boom = await t.post('/v1/test_flaky', {}, { ...auth, 'idempotency-key': 'flaky' });
    expect(boom.status).toBe(500);
    const retry = await t.post('/v1/test_flaky', {}, { ...auth, 'idempotency-key': 'flaky' });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    const replay = await t.post('/v1/test_flaky', {}, { ...auth, 'idempotency-key': 'flaky' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(retry.body.id);
  });
});

describe('PaymentIntents: automatic payment methods', () => {
  it('turns automatic_payment_methods on unless (allowed_)payment_method_types is given', async () => {
    const auto = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    expect(auto.automatic_payment_methods).toEqual({ enabled: true, allow_redirects: 'always' });
    expect(auto).toMatchObject({ payment_method_types: ['card'], allowed_payment_method_types: null });
    const allowed = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      allowed_payment_method_types: ['card'],
    });
    expect(allowed).toMatchObject({ automatic_payment_methods: null, allowed_payment_method_types: ['card'] });
    // Clients pinned before 2026-10-28 still send payment_method_types.
    const clover = client(t.emu.port, { apiVersion: '2025-09-30.clover' as never });
    const typed = await clover.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method_types: ['card'],
    } as never);
    expect(typed).toMatchObject({ automatic_payment_methods: null, payment_method_types: ['card'] });
    const never = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    });
    expect(never.automatic_payment_methods).toEqual({ enabled: true, allow_redirects: 'never' });
    expect((await stripe.paymentIntents.retrieve(auto.id)).automatic_payment_methods?.enabled).toBe(true);
  });

  it('refuses confirm without return_url while redirects are allowed', async () => {
    const base = { amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true };
    const err = await stripe.paymentIntents.create(base).catch((e) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err.statusCode).toBe(400);
    expect(err.message).toMatch(/^A `return_url` must be specified because this Payment Intent is configured/);
    expect((await stripe.paymentIntents.list()).data).toHaveLength(0);

    const withUrl = await stripe.paymentIntents.create({ ...base, return_url: 'https://shop.example/return' });
    expect(withUrl.status).toBe('succeeded');
    const noRedirects = await stripe.paymentIntents.create({
      ...base,
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    });
    expect(noRedirects.status).toBe('succeeded');
    const cardOnly = await stripe.paymentIntents.create({ ...base, allowed_payment_method_types: ['card'] });
    expect(cardOnly.status).toBe('succeeded');

    // The confirm endpoint applies the same rule.
    const open = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const refused = await stripe.paymentIntents.confirm(open.id, { payment_method: 'pm_card_visa' }).catch((e) => e);
    expect([refused.statusCode, refused.type]).toEqual([400, 'StripeInvalidRequestError']);
    expect((await stripe.paymentIntents.retrieve(open.id)).status).toBe('requires_payment_method');
    const confirmed = await stripe.paymentIntents.confirm(open.id, {
      payment_method: 'pm_card_visa',
      return_url: 'https://shop.example/return',
    });
    expect(confirmed.status).toBe('succeeded');
  });
});
