import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { emulatorForFile } from './testing/file-emulator.ts';

const t = await emulatorForFile();
const stripe = t.stripe;
const cards = { allowed_payment_method_types: ['card'] };

async function eventTypes(): Promise<string[]> {
  return (await stripe.events.list({ limit: 100 })).data.map((e) => e.type).reverse();
}

/** A customer with a card saved through a confirmed SetupIntent (3-D Secure approved when asked). */
async function savedCard(token: string) {
  const customer = await stripe.customers.create({ email: 'saver@example.com' });
  let si = await stripe.setupIntents.create({ customer: customer.id, payment_method: token, confirm: true, ...cards });
  if (si.status === 'requires_action') {
    si = (await t.post(`/_emulator/setup_intents/${si.id}/authenticate`, { outcome: 'approve' })).body;
  }
  expect(si.status).toBe('succeeded');
  return { customer: customer.id, pm: si.payment_method as string };
}

function offSession(customer: string, pm: string, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) {
  return stripe.paymentIntents.create({
    amount: 1500,
    currency: 'usd',
    customer,
    payment_method: pm,
    off_session: true,
    confirm: true,
    ...cards,
    ...extra,
  });
}

describe('setup intents', () => {
  it('creates, confirms, attaches the card and records a setup attempt', async () => {
    const customer = await stripe.customers.create({ email: 'a@example.com' });
    const si = await stripe.setupIntents.create({ customer: customer.id, metadata: { k: 'v' } });
    expect(si).toMatchObject({ status: 'requires_payment_method', usage: 'off_session', payment_method: null });
    expect(si.client_secret).toMatch(new RegExp(`^${si.id}_secret_`));
    expect(si.automatic_payment_methods).toEqual({ enabled: true, allow_redirects: 'always' });
    const noReturn = await stripe.setupIntents.confirm(si.id, { payment_method: 'pm_card_visa' }).catch((e) => e);
    expect(noReturn.message).toContain('return_url');
    const done = await stripe.setupIntents.confirm(si.id, {
      payment_method: 'pm_card_visa',
      return_url: 'https://shop.example/back',
      expand: ['latest_attempt', 'payment_method'],
    });
    expect(done.status).toBe('succeeded');
    const pm = done.payment_method as Stripe.PaymentMethod;
    expect(pm.customer).toBe(customer.id);
    expect((done.latest_attempt as Stripe.SetupAttempt).status).toBe('succeeded');
    const attempts = await stripe.setupAttempts.list({ setup_intent: si.id });
    expect(attempts.data.map((a) => a.payment_method)).toEqual([pm.id]);
    expect(await eventTypes()).toEqual([
      'customer.created',
      'setup_intent.created',
      'payment_method.attached',
      'setup_intent.succeeded',
    ]);
    const again = await stripe.setupIntents.confirm(si.id).catch((e) => e);
    expect(again.code).toBe('setup_intent_unexpected_state');
  });

  it('lets webhook endpoints subscribe to the new event types', async () => {
    const types = ['setup_intent.succeeded', 'setup_intent.setup_failed', 'charge.dispute.funds_withdrawn'] as const;
    const we = await stripe.webhookEndpoints.create({ url: 'https://x.example/h', enabled_events: [...types] });
    expect(we.enabled_events).toEqual(types);
  });

  it('updates, lists and cancels', async () => {
    const c = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({ ...cards, usage: 'on_session' });
    const updated = await stripe.setupIntents.update(si.id, { customer: c.id, payment_method: 'pm_card_mastercard' });
    expect(updated).toMatchObject({ customer: c.id, status: 'requires_confirmation', usage: 'on_session' });
    await stripe.setupIntents.create(cards);
    expect((await stripe.setupIntents.list({ customer: c.id })).data.map((s) => s.id)).toEqual([si.id]);
    const canceled = await stripe.setupIntents.cancel(si.id, { cancellation_reason: 'abandoned' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    expect((await stripe.setupIntents.cancel(si.id).catch((e) => e)).code).toBe('setup_intent_unexpected_state');
    expect((await eventTypes()).filter((x) => x.startsWith('setup_intent.'))).toEqual([
      'setup_intent.created',
      'setup_intent.created',
      'setup_intent.canceled',
    ]);
  });

  it('fails setup on declines and denied 3-D Secure with setup_intent in the error', async () => {
    const err = await stripe.setupIntents
      .create({ payment_method: 'pm_card_chargeDeclined', confirm: true, ...cards })
      .catch((e) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(err.code).toBe('card_declined');
    expect(err.raw.setup_intent.status).toBe('requires_payment_method');
    expect(err.raw.setup_intent.last_setup_error.decline_code).toBe('generic_decline');
    const si = await stripe.setupIntents.create({
      payment_method: 'pm_card_threeDSecure2Required',
      confirm: true,
      ...cards,
    });
    expect(si.status).toBe('requires_action');
    expect(si.next_action?.type).toBe('use_stripe_sdk');
    const denied = await t.post(`/_emulator/setup_intents/${si.id}/authenticate`, { outcome: 'deny' });
    expect(denied.status).toBe(402);
    expect(denied.body.error.code).toBe('setup_intent_authentication_failure');
    expect((await stripe.setupIntents.retrieve(si.id)).last_setup_error?.code).toBe(
      'setup_intent_authentication_failure',
    );
    expect((await eventTypes()).filter((x) => x === 'setup_intent.setup_failed')).toHaveLength(2);
  });
});

describe('saved cards off-session', () => {
  it('charges a saved card off-session', async () => {
    const { customer, pm } = await savedCard('pm_card_visa');
    const pi = await offSession(customer, pm);
    expect(pi).toMatchObject({ status: 'succeeded', customer, payment_method: pm });
    const withoutCustomer = await stripe.paymentIntents
      .create({ amount: 900, currency: 'usd', payment_method: pm, confirm: true, ...cards })
      .catch((e) => e);
    expect(withoutCustomer.statusCode).toBe(400);
    expect(withoutCustomer.param).toBe('payment_method');
  });

  it('4000002500003155 needs authentication off-session unless it was set up', async () => {
    const fresh = await stripe.customers.create({});
    const pmFresh = await stripe.paymentMethods.create({
      type: 'card',
      card: { token: 'tok_authenticationRequiredOnSetup' },
    });
    await stripe.paymentMethods.attach(pmFresh.id, { customer: fresh.id });
    const err = await offSession(fresh.id, pmFresh.id).catch((e) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(err.type).toBe('StripeCardError');
    expect(err.raw.type).toBe('card_error');
    expect(err.code).toBe('authentication_required');
    expect(err.decline_code).toBe('authentication_required');
    expect(err.payment_intent.status).toBe('requires_payment_method');
    expect(err.payment_intent.last_payment_error.code).toBe('authentication_required');
    expect((await stripe.charges.retrieve(err.raw.charge)).failure_code).toBe('authentication_required');

    const { customer, pm } = await savedCard('pm_card_authenticationRequiredOnSetup');
    expect((await offSession(customer, pm)).status).toBe('succeeded');
    // On-session payments still authenticate.
    const onSession = await offSession(customer, pm, { off_session: undefined });
    expect(onSession.status).toBe('requires_action');
  });

  it('4000002760003184 always authenticates; 4000003800000446 is already set up', async () => {
    const always = await savedCard('pm_card_authenticationRequired');
    expect((await offSession(always.customer, always.pm).catch((e) => e)).code).toBe('authentication_required');
    const c = await stripe.customers.create({});
    const preset = await stripe.paymentMethods.create({
      type: 'card',
      card: { number: '4000003800000446', exp_month: 12, exp_year: 2040, cvc: '123' },
    });
    await stripe.paymentMethods.attach(preset.id, { customer: c.id });
    expect((await offSession(c.id, preset.id)).status).toBe('succeeded');
  });

  it('setup_future_usage saves the card to the customer for later off-session payments', async () => {
    const c = await stripe.customers.create({});
    const first = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      customer: c.id,
      payment_method: 'pm_card_authenticationRequiredOnSetup',
      setup_future_usage: 'off_session',
      confirm: true,
      ...cards,
    });
    expect(first.status).toBe('requires_action');
    await t.post(`/_emulator/payment_intents/${first.id}/authenticate`, { outcome: 'approve' });
    const pm = await stripe.paymentMethods.retrieve(first.payment_method as string);
    expect(pm.customer).toBe(c.id);
    expect((await offSession(c.id, pm.id)).status).toBe('succeeded');
  });
});

describe('payment methods', () => {
  it('creates from tokens and numbers, attaches, lists, updates and detaches', async () => {
    const c = await stripe.customers.create({});
    const visa = await stripe.paymentMethods.create({
      type: 'card',
      card: { token: 'tok_visa' },
      billing_details: { name: 'Jenny Rosen' },
      metadata: { a: '1' },
    });
    expect(visa).toMatchObject({ type: 'card', customer: null, card: { brand: 'visa', last4: '4242' } });
    const mc = await stripe.paymentMethods.create({
      type: 'card',
      card: { number: '5555555555554444', exp_month: 4, exp_year: 2035, cvc: '314' },
    });
    expect(mc.card).toMatchObject({ brand: 'mastercard', exp_month: 4, exp_year: 2035 });
    const bad = await stripe.paymentMethods
      .create({ type: 'card', card: { number: '4242424242424241', exp_month: 1, exp_year: 2040 } })
      .catch((e) => e);
    expect(bad).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(bad.code).toBe('incorrect_number');
    const noToken = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_nope' } }).catch((e) => e);
    expect(noToken.statusCode).toBe(404);

    const notSaved = await stripe.paymentMethods.update(visa.id, { metadata: { b: '2' } }).catch((e) => e);
    expect(notSaved.statusCode).toBe(400);
    await stripe.paymentMethods.attach(visa.id, { customer: c.id });
    await stripe.paymentMethods.attach(mc.id, { customer: c.id });
    const list = await stripe.customers.listPaymentMethods(c.id, { type: 'card' });
    expect(list.data.map((p) => p.id)).toEqual([mc.id, visa.id]);
    expect((await stripe.paymentMethods.list({ customer: c.id, type: 'card' })).data).toHaveLength(2);
    expect((await stripe.customers.retrievePaymentMethod(c.id, visa.id)).id).toBe(visa.id);
    const updated = await stripe.paymentMethods.update(visa.id, {
      metadata: { b: '2' },
      card: { exp_year: 2041 },
      billing_details: { email: 'j@example.com' },
    });
    expect(updated.metadata).toEqual({ a: '1', b: '2' });
    expect(updated.card?.exp_year).toBe(2041);
    expect(updated.billing_details).toMatchObject({ name: 'Jenny Rosen', email: 'j@example.com' });

    const detached = await stripe.paymentMethods.detach(visa.id);
    expect(detached.customer).toBeNull();
    expect((await stripe.customers.listPaymentMethods(c.id)).data.map((p) => p.id)).toEqual([mc.id]);
    expect((await stripe.paymentMethods.attach(visa.id, { customer: c.id }).catch((e) => e)).statusCode).toBe(400);
    expect((await stripe.paymentMethods.detach(visa.id).catch((e) => e)).statusCode).toBe(400);
    const declined = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_chargeDeclined' } });
    const refused = await stripe.paymentMethods.attach(declined.id, { customer: c.id }).catch((e) => e);
    expect(refused.code).toBe('card_declined');
    expect((await stripe.customers.listPaymentMethods('cus_missing').catch((e) => e)).statusCode).toBe(404);
    const types = await eventTypes();
    expect(types.filter((x) => x.startsWith('payment_method.'))).toEqual([
      'payment_method.attached',
      'payment_method.attached',
      'payment_method.updated',
      'payment_method.detached',
    ]);
  });
});
