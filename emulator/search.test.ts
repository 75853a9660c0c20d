import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from './core/search.ts';
import { emulatorForFile } from './testing/file-emulator.ts';
import { createPrice, createSession } from './testing/helpers.ts';

const t = await emulatorForFile();
const stripe = t.stripe;
const auth = { authorization: 'Bearer sk_test_x' };

async function getJson(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.emu.url}${path}`, { headers: auth });
  return { status: res.status, body: await res.json() };
}

async function searchError(query: string, resource = 'customers'): Promise<any> {
  const res = await getJson(`/v1/${resource}/search?query=${encodeURIComponent(query)}`);
  expect(res.status, query).toBe(400);
  expect(res.body.error.type).toBe('invalid_request_error');
  return res.body.error;
}

async function pay(amount: number, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) {
  return stripe.paymentIntents.create({
    amount,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    allowed_payment_method_types: ['card'],
    confirm: true,
    ...extra,
  });
}

describe('search query parser', () => {
  it('parses clauses, negation, metadata, null and connectives', () => {
    expect(parseSearchQuery('email:"a@x.io" -name~"bob" metadata["k"]:"v\\"w" phone:null')).toEqual({
      join: 'and',
      clauses: [
        { field: 'email', key: null, op: ':', value: 'a@x.io', quoted: true, negated: false },
        { field: 'name', key: null, op: '~', value: 'bob', quoted: true, negated: true },
        { field: 'metadata', key: 'k', op: ':', value: 'v"w', quoted: true, negated: false },
        { field: 'phone', key: null, op: ':', value: null, quoted: false, negated: false },
      ],
    });
    const or = parseSearchQuery('amount>=100 or currency:"usd" OR amount<5');
    expect(or.join).toBe('or');
    expect(or.clauses.map((c) => c.op)).toEqual(['>=', ':', '<']);
  });
});

describe('customers.search', () => {
  it('matches email, name, phone, metadata and created with AND, OR, negation and null', async () => {
    const ann = await stripe.customers.create({
      email: 'Ann@Example.com',
      name: 'Ann Rocket',
      metadata: { tier: 'gold' },
    });
    await t.post('/_emulator/clock/advance', { seconds: 100 });
    const bob = await stripe.customers.create({ email: 'bob@example.com', name: 'Bob Stone', phone: '+15550001' });
    const ids = async (query: string) => (await stripe.customers.search({ query })).data.map((c) => c.id);

    const res = await stripe.customers.search({ query: 'email:"ann@example.com"' });
    expect(res).toMatchObject({
      object: 'search_result',
      has_more: false,
      next_page: null,
      url: '/v1/customers/search',
    });
    expect(res).not.toHaveProperty('total_count');
    expect(res.data.map((c) => c.id)).toEqual([ann.id]);
    expect(await ids('name~"rock"')).toEqual([ann.id]);
    expect(await ids('metadata["tier"]:"gold"')).toEqual([ann.id]);
    expect(await ids('metadata["tier"]:"Gold"')).toEqual([]);
    expect(await ids('-metadata["tier"]:"gold"')).toEqual([bob.id]);
    expect(await ids('phone:null')).toEqual([ann.id]);
    expect(await ids('-phone:null')).toEqual([bob.id]);
    expect(await ids(`created>${ann.created}`)).toEqual([bob.id]);
    expect(await ids(`created<=${ann.created}`)).toEqual([ann.id]);
    expect(await ids('name~"stone" OR email:"ann@example.com"')).toEqual([bob.id, ann.id]);
    expect(await ids('name~"stone" AND email:"ann@example.com"')).toEqual([]);
    expect(await ids('name~"stone" phone:"+15550001"')).toEqual([bob.id]);
    await stripe.customers.del(bob.id);
    expect(await ids('name~"stone"')).toEqual([]);
  });

  it('pages with limit and next_page, autoPagingToArray and expand total_count', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.unshift((await stripe.customers.create({ name: `Page ${i}` })).id);
    await stripe.customers.create({ name: 'Other' });
    const first = await stripe.customers.search({ query: 'name~"page"', limit: 2, expand: ['total_count'] });
    expect(first.data.map((c) => c.id)).toEqual(made.slice(0, 2));
    expect(first).toMatchObject({ has_more: true, total_count: 5 });
    expect(first.next_page).toEqual(expect.any(String));
    const second = await stripe.customers.search({ query: 'name~"page"', limit: 2, page: first.next_page! });
    expect(second.data.map((c) => c.id)).toEqual(made.slice(2, 4));
    const all = await stripe.customers.search({ query: 'name~"page"', limit: 2 }).autoPagingToArray({ limit: 100 });
    expect(all.map((c) => c.id)).toEqual(made);
    const last = await stripe.customers.search({ query: 'name~"page"', limit: 5 });
    expect(last).toMatchObject({ has_more: false, next_page: null });
    const bad = await stripe.customers.search({ query: 'name~"page"', page: 'nope' }).catch((e) => e);
    expect(bad).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(bad.param).toBe('page');
  });

  it('is routed before /:id, and ids still resolve', async () => {
    const c = await stripe.customers.create({ email: 'route@example.com' });
    const res = await getJson('/v1/customers/search?query=email%3A%22route%40example.com%22');
    expect(res.status).toBe(200);
    expect(res.body.data[0].id).toBe(c.id);
    expect((await stripe.customers.retrieve(c.id)).id).toBe(c.id);
    const missing = await getJson('/v1/customers/search');
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'parameter_missing', param: 'query' });
  });

  it('rejects malformed queries with a 400 naming the problem', async () => {
    expect((await searchError('email:ann')).message).toMatch(/double quotes/);
    expect((await searchError('email:"a" AND name:"b" OR phone:"c"')).message).toMatch(/AND and OR cannot be combined/);
    const unknown = await searchError('nickname:"x"');
    expect(unknown.message).toMatch(/`nickname` is an unsupported search field for resource `customers`/);
    expect(unknown.param).toBe('query');
    expect((await searchError('name~"ab"')).message).toMatch(/at least 3 characters/);
    expect((await searchError('email:"unterminated')).message).toMatch(/unterminated/);
    expect((await searchError('email"x"')).message).toMatch(/expected an operator/);
    expect((await searchError('created>"soon"')).message).toMatch(/integer/);
    expect((await searchError('email>"a"')).message).toMatch(/`>` operator is not supported/);
    expect((await searchError('metadata:"x"')).message).toMatch(/metadata must be followed by/);
    expect((await searchError('   ')).message).toMatch(/empty/);
    expect((await searchError('email:"a@x.io" AND')).message).toMatch(/expected a clause after AND/);
    const eleven = Array.from({ length: 11 }, (_, i) => `name:"n${i}"`).join(' OR ');
    expect((await searchError(eleven)).message).toMatch(/at most 10 clauses/);
    expect((await searchError('currency~"usd"', 'payment_intents')).message).toMatch(/`~` operator/);
    const sdk = await stripe.customers.search({ query: 'email:' }).catch((e) => e);
    expect(sdk).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(sdk.statusCode).toBe(400);
  });
});

describe('payment intents, charges, prices and products search', () => {
  it('searches PaymentIntents by amount, currency, customer, status and metadata', async () => {
    const cus = await stripe.customers.create({ email: 'pi@example.com' });
    const big = await pay(5000, { customer: cus.id, metadata: { order: 'o_1' } });
    const small = await stripe.paymentIntents.create({ amount: 700, currency: 'eur' });
    const ids = async (query: string) => (await stripe.paymentIntents.search({ query })).data.map((p) => p.id);
    expect(await ids('amount>=1000')).toEqual([big.id]);
    expect(await ids('amount:"700"')).toEqual([small.id]);
    expect(await ids('currency:"eur"')).toEqual([small.id]);
    expect(await ids(`customer:"${cus.id}"`)).toEqual([big.id]);
    expect(await ids('status:"succeeded"')).toEqual([big.id]);
    expect(await ids('-status:"succeeded"')).toEqual([small.id]);
    expect(await ids('metadata["order"]:"o_1" AND amount>4999')).toEqual([big.id]);
    const res = await stripe.paymentIntents.search({ query: 'amount>0', expand: ['data.customer', 'total_count'] });
    expect(res).toMatchObject({ url: '/v1/payment_intents/search', total_count: 2 });
    expect((res.data[1].customer as Stripe.Customer).email).toBe('pi@example.com');
  });

  it('searches charges by amount, status, refunded, disputed and card last4', async () => {
    const paid = await pay(2000, { metadata: { k: 'v' } });
    const refunded = await pay(3000);
    await stripe.refunds.create({ payment_intent: refunded.id });
    await pay(1000, { payment_method: 'pm_card_mastercard' });
    const ids = async (query: string) => (await stripe.charges.search({ query })).data.map((c) => c.amount);
    expect(await ids('refunded:"true"')).toEqual([3000]);
    expect(await ids('refunded:"false" AND disputed:"false"')).toEqual([1000, 2000]);
    expect(await ids('payment_method_details.card.last4:"4242"')).toEqual([3000, 2000]);
    expect(await ids('status:"succeeded" AND amount<2500')).toEqual([1000, 2000]);
    expect(await ids(`payment_intent:"${paid.id}"`)).toEqual([2000]);
    expect(await ids('metadata["k"]:"v"')).toEqual([2000]);
  });

  it('searches prices and products', async () => {
    const priceId = await createPrice(stripe, 1500);
    const price = await stripe.prices.update(priceId, { lookup_key: 'poster_large' });
    await stripe.products.create({ name: 'Canvas Frame', description: 'Oak', shippable: true, metadata: { a: 'b' } });
    const priceIds = async (query: string) => (await stripe.prices.search({ query })).data.map((p) => p.id);
    expect(await priceIds('lookup_key~"poster"')).toEqual([priceId]);
    expect(await priceIds(`product:"${price.product}" AND active:"true" AND type:"one_time"`)).toEqual([priceId]);
    expect(await priceIds('currency:"eur"')).toEqual([]);
    const names = async (query: string) => (await stripe.products.search({ query })).data.map((p) => p.name);
    expect(await names('name~"frame"')).toEqual(['Canvas Frame']);
    expect(await names('shippable:"true" metadata["a"]:"b" description:"oak"')).toEqual(['Canvas Frame']);
    expect(await names('-name:"Canvas Frame"')).toEqual(['Print']);
    expect(await names('url:null')).toHaveLength(2);
  });
});

describe('checkout sessions', () => {
  it('filters the list by payment_intent, customer, status, customer_details and created', async () => {
    const cus = await stripe.customers.create({ email: 'buyer@example.com' });
    const open = await createSession(stripe, { customer: cus.id });
    await t.post('/_emulator/clock/advance', { seconds: 60 });
    const done = await createSession(stripe);
    await t.post(`/_emulator/checkout/sessions/${done.id}/complete`, { email: 'paid@example.com' });
    const completed = await stripe.checkout.sessions.retrieve(done.id);
    const ids = async (params: Stripe.Checkout.SessionListParams) =>
      (await stripe.checkout.sessions.list(params)).data.map((s) => s.id);
    expect(await ids({ status: 'open' })).toEqual([open.id]);
    expect(await ids({ status: 'complete' })).toEqual([done.id]);
    expect(await ids({ customer: cus.id })).toEqual([open.id]);
    expect(await ids({ payment_intent: completed.payment_intent as string })).toEqual([done.id]);
    expect(await ids({ customer_details: { email: 'paid@example.com' } })).toEqual([done.id]);
    expect(await ids({ created: { gte: done.created } })).toEqual([done.id]);
    expect(await ids({ created: { lt: done.created } })).toEqual([open.id]);
    expect(await ids({ payment_link: 'plink_x' })).toEqual([]);
    expect(await ids({ customer_account: 'acct_x' })).toEqual([]);
  });

  it('accepts allowed_payment_method_types or payment_method_types on create', async () => {
    const allowed = await createSession(stripe, { allowed_payment_method_types: ['card'] });
    expect(allowed).toMatchObject({ allowed_payment_method_types: ['card'], payment_method_types: ['card'] });
    const plain = await createSession(stripe);
    expect(plain).toMatchObject({ allowed_payment_method_types: null, payment_method_types: ['card'] });
    const typed = await createSession(stripe, { payment_method_types: ['card'] } as never);
    expect(typed).toMatchObject({ allowed_payment_method_types: null, payment_method_types: ['card'] });
    await t.post(`/_emulator/checkout/sessions/${allowed.id}/complete`);
    expect((await stripe.checkout.sessions.retrieve(allowed.id)).status).toBe('complete');
  });
});
