import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { emulatorForFile } from './testing/file-emulator.ts';
import { client } from './testing/helpers.ts';

const t = await emulatorForFile();
const stripe = t.stripe;

describe('auth and errors', () => {
  it('rejects missing and non-test keys with 401', async () => {
    const res = await fetch(`${t.emu.url}/v1/customers`);
    expect(res.status).toBe(401);
    expect((await res.json()).error.type).toBe('authentication_error');
    const live = new Stripe('sk_live_nope', {
      host: '127.0.0.1',
      port: t.emu.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    await expect(live.customers.list()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  });

  it('accepts Basic auth and sets request-id', async () => {
    const res = await fetch(`${t.emu.url}/v1/customers`, {
      headers: { authorization: `Basic ${Buffer.from('sk_test_abc:').toString('base64')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
  });

  it('returns 404 resource_missing for unknown ids and unknown routes', async () => {
    const err = await stripe.customers.retrieve('cus_missing').catch((e) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe('resource_missing');
    expect(err.requestId).toMatch(/^req_/);
    const res = await fetch(`${t.emu.url}/v1/nope`, { headers: { authorization: 'Bearer sk_test_x' } });
    expect(res.status).toBe(404);
  });

  it('rejects unknown params with the param name, and coerces types', async () => {
    const err = await stripe.customers.create({ nickname: 'x' } as never).catch((e) => e);
    expect(err.type).toBe('StripeInvalidRequestError');
    expect(err.param).toBe('nickname');
    const nested = await stripe.checkout.sessions
      .create({ mode: 'payment', line_items: [{ price: 'price_x', quantity: 1, bogus: 1 } as never] })
      .catch((e) => e);
    expect(nested.param).toBe('line_items[0][bogus]');
    const badInt = await t.post('/v1/customers', { balance: 'ten' }, { authorization: 'Bearer sk_test_x' });
    expect(badInt.status).toBe(400);
    expect(badInt.body.error.param).toBe('balance');
    const badBool = await t.post('/v1/products', { name: 'x', active: 'yes' }, { authorization: 'Bearer sk_test_x' });
    expect(badBool.body.error.param).toBe('active');
    const missing = await stripe.products.create({} as never).catch((e) => e);
    expect(missing.code).toBe('parameter_missing');
    expect(missing.param).toBe('name');
  });

  it('parses nested params from GET query strings', async () => {
    await stripe.customers.create({ email: 'a@example.com' });
    await stripe.customers.create({ email: 'b@example.com' });
    const res = await fetch(`${t.emu.url}/v1/customers?email=b@example.com&expand[]=data.default_source&limit=5`, {
      headers: { authorization: 'Bearer sk_test_x' },
    });
    const body = await res.json();
    expect(body.data.map((c: any) => c.email)).toEqual(['b@example.com']);
  });
});

describe('customers', () => {
  it('creates, retrieves, updates (metadata merge + unset), deletes and lists', async () => {
    const c = await stripe.customers.create({
      email: 'jenny@example.com',
      name: 'Jenny',
      metadata: { a: '1', b: '2' },
      address: { line1: '1 Main', country: 'US' },
    });
    expect(c.id).toMatch(/^cus_[0-9A-Za-z]{14}$/);
    expect(c.address?.city).toBeNull();
    const updated = await stripe.customers.update(c.id, { metadata: { a: '', c: '3' }, description: 'vip', name: '' });
    expect(updated.metadata).toEqual({ b: '2', c: '3' });
    expect(updated.name).toBeNull();
    expect(updated.description).toBe('vip');
    const deleted = await stripe.customers.del(c.id);
    expect(deleted).toMatchObject({ id: c.id, deleted: true });
    const again = await stripe.customers.retrieve(c.id);
    expect(again.deleted).toBe(true);
    expect((await stripe.customers.list()).data).toHaveLength(0);
    const types = (await stripe.events.list()).data.map((e) => e.type);
    expect(types).toEqual(['customer.deleted', 'customer.updated', 'customer.created']);
    const upd = (await stripe.events.list({ type: 'customer.updated' })).data[0];
    expect(upd.data.previous_attributes).toMatchObject({
      metadata: { a: '1', c: null },
      name: 'Jenny',
      description: null,
    });
  });
});

describe('products and prices', () => {
  it('supports CRUD, default_price_data and list filters', async () => {
    const p = await stripe.products.create({
      name: 'Canvas',
      default_price_data: { currency: 'eur', unit_amount: 9900 },
    });
    expect(p.default_price).toMatch(/^price_/);
    const price = await stripe.prices.retrieve(p.default_price as string);
    expect(price).toMatchObject({ unit_amount: 9900, currency: 'eur', type: 'one_time', product: p.id });
    const monthly = await stripe.prices.create({
      product: p.id,
      currency: 'eur',
      unit_amount: 500,
      recurring: { interval: 'month' },
      lookup_key: 'monthly',
    });
    expect(monthly.type).toBe('recurring');
    expect((await stripe.prices.list({ type: 'recurring' })).data.map((x) => x.id)).toEqual([monthly.id]);
    expect((await stripe.prices.list({ lookup_keys: ['monthly'] })).data).toHaveLength(1);
    const dup = await stripe.prices
      .create({ product: p.id, currency: 'eur', unit_amount: 1, lookup_key: 'monthly' })
      .catch((e) => e);
    expect(dup.param).toBe('lookup_key');
    const off = await stripe.prices.update(monthly.id, { active: false, nickname: 'old' });
    expect(off.active).toBe(false);
    expect((await stripe.prices.list({ active: true })).data).toHaveLength(1);
    const upd = await stripe.products.update(p.id, {
      description: 'Oil on canvas',
      images: ['https://img.example/1.jpg'],
    });
    expect(upd.images).toHaveLength(1);
    const delErr = await stripe.products.del(p.id).catch((e) => e);
    expect(delErr.statusCode).toBe(400);
    const bare = await stripe.products.create({ name: 'Bare' });
    expect(await stripe.products.del(bare.id)).toMatchObject({ deleted: true });
    await expect(stripe.products.retrieve(bare.id)).rejects.toMatchObject({ statusCode: 404 });
    expect((await stripe.products.list({ active: true })).data.map((x) => x.id)).toEqual([p.id]);
    const badPrice = await stripe.prices
      .create({ currency: 'usd', unit_amount: 1, product: 'prod_nope' })
      .catch((e) => e);
    expect(badPrice.statusCode).toBe(404);
    const types = (await stripe.events.list({ limit: 100 })).data.map((e) => e.type);
    expect(types).toContain('product.deleted');
    expect(types).toContain('price.updated');
  });
});

describe('pagination', () => {
  it('pages newest-first with starting_after / ending_before and auto-paginates both ways', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push((await stripe.customers.create({ name: `c${i}` })).id);
    const newestFirst = [...ids].reverse();
    const page1 = await stripe.customers.list({ limit: 10 });
    expect(page1.object).toBe('list');
    expect(page1.url).toBe('/v1/customers');
    expect(page1.has_more).toBe(true);
    expect(page1.data.map((c) => c.id)).toEqual(newestFirst.slice(0, 10));
    const page2 = await stripe.customers.list({ limit: 10, starting_after: page1.data[9].id });
    expect(page2.data.map((c) => c.id)).toEqual(newestFirst.slice(10, 20));
    const back = await stripe.customers.list({ limit: 5, ending_before: page2.data[0].id });
    expect(back.data.map((c) => c.id)).toEqual(newestFirst.slice(5, 10));
    expect(back.has_more).toBe(true);
    const defaultLimit = await stripe.customers.list();
    expect(defaultLimit.data).toHaveLength(10);
    const bad = await stripe.customers.list({ limit: 101 }).catch((e) => e);
    expect(bad.param).toBe('limit');

    const all: string[] = [];
    for await (const c of stripe.customers.list({ limit: 7 })) all.push(c.id);
    expect(all).toEqual(newestFirst);
    expect((await stripe.customers.list({ limit: 3 }).autoPagingToArray({ limit: 100 })).map((c) => c.id)).toEqual(
      newestFirst,
    );
    // Reverse iteration from the oldest item walks towards the newest.
    const reverse = await stripe.customers.list({ limit: 4, ending_before: ids[0] }).autoPagingToArray({ limit: 100 });
    expect(reverse.map((c) => c.id)).toEqual(ids.slice(1));
  });
});

describe('expansion', () => {
  it('expands nested paths and data. paths, and rejects bad ones', async () => {
    const p = await stripe.products.create({
      name: 'Print',
      default_price_data: { currency: 'usd', unit_amount: 100 },
    });
    const product = await stripe.products.retrieve(p.id, { expand: ['default_price.product'] });
    const price = product.default_price as Stripe.Price;
    expect(price.object).toBe('price');
    expect((price.product as Stripe.Product).id).toBe(p.id);
    const list = await stripe.prices.list({ expand: ['data.product'] });
    expect((list.data[0].product as Stripe.Product).name).toBe('Print');
    const bad = await stripe.prices.retrieve(price.id, { expand: ['nickname'] }).catch((e) => e);
    expect(bad.param).toBe('expand');
    const tooDeep = await stripe.prices.retrieve(price.id, { expand: ['a.b.c.d.e'] }).catch((e) => e);
    expect(tooDeep.message).toMatch(/4 levels/);
  });
});

describe('idempotency', () => {
  it('replays the stored response and flags it', async () => {
    const send = () =>
      fetch(`${t.emu.url}/v1/customers`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer sk_test_x',
          'idempotency-key': 'key-1',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'email=a%40example.com',
      });
    const first = await send();
    const second = await send();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect((await second.json()).id).toBe((await first.json()).id);
    expect((await stripe.customers.list()).data).toHaveLength(1);
  });

  it('works through the SDK and rejects reuse with different params', async () => {
    const a = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k2' });
    const b = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k2' });
    expect(b.id).toBe(a.id);
    expect(b.lastResponse.headers['idempotent-replayed']).toBe('true');
    const err = await stripe.customers.create({ email: 'other@example.com' }, { idempotencyKey: 'k2' }).catch((e) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    // Keys are scoped per Stripe-Account.
    const scoped = await stripe.customers.create(
      { email: 'other@example.com' },
      { idempotencyKey: 'k2', stripeAccount: 'acct_123' },
    );
    expect(scoped.id).not.toBe(a.id);
  });

  it('replays errors too and expires keys after 24h of emulator time', async () => {
    const e1 = await stripe.customers.retrieve('cus_x').catch((e) => e);
    expect(e1.statusCode).toBe(404);
    const a = await stripe.customers.create({ email: 'x@example.com' }, { idempotencyKey: 'k3' });
    await t.post('/_emulator/clock/advance', { seconds: 86401 });
    const b = await stripe.customers.create({ email: 'x@example.com' }, { idempotencyKey: 'k3' });
    expect(b.id).not.toBe(a.id);
  });

  it('purges expired keys on the clock tick, a key reused after expiry included', async () => {
    const keys = () => [...t.emu.state.idempotency.keys()];
    await stripe.customers.create({ email: 'one@example.com' }, { idempotencyKey: 'p1' });
    await t.post('/_emulator/clock/advance', { seconds: 12 * 3600 });
    await stripe.customers.create({ email: 'two@example.com' }, { idempotencyKey: 'p2' });
    await t.post('/_emulator/clock/advance', { seconds: 12 * 3600 + 1 });
    expect(keys()).toEqual([':p2']);
    // p1 again: it now expires after p2, and must not hold p2 back when p2's day is over.
    await stripe.customers.create({ email: 'one@example.com' }, { idempotencyKey: 'p1' });
    await t.post('/_emulator/clock/advance', { seconds: 12 * 3600 });
    expect(keys()).toEqual([':p1']);
  });
});

describe('Stripe-Account scoping', () => {
  it('keeps connected-account objects separate and tags their events', async () => {
    const connected = client(t.emu.port, { stripeAccount: 'acct_1Connected' });
    const c = await connected.customers.create({ email: 'c@example.com' });
    await expect(stripe.customers.retrieve(c.id)).rejects.toMatchObject({ statusCode: 404 });
    expect((await connected.customers.retrieve(c.id)).id).toBe(c.id);
    const events = await connected.events.list();
    expect(events.data[0].account).toBe('acct_1Connected');
    expect((await stripe.events.list()).data).toHaveLength(0);
  });
});
