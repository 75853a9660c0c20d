import { describe, expect, it } from 'vitest';
import { emulatorForFile } from './testing/file-emulator.ts';
import { client, createSession } from './testing/helpers.ts';

const t = await emulatorForFile();
const { stripe, receiver } = t;

const flush = () => t.post('/_emulator/webhooks/flush');

describe('webhook endpoints', () => {
  it('supports CRUD; secret only at creation; validates events and urls', async () => {
    const we = await stripe.webhookEndpoints.create({
      url: 'https://hooks.example/stripe',
      enabled_events: ['charge.succeeded'],
      description: 'main',
    });
    expect(we.secret).toMatch(/^whsec_/);
    expect(we.status).toBe('enabled');
    const got = await stripe.webhookEndpoints.retrieve(we.id);
    expect(got.secret).toBeUndefined();
    const upd = await stripe.webhookEndpoints.update(we.id, { disabled: true, enabled_events: ['*'] });
    expect(upd).toMatchObject({ status: 'disabled', enabled_events: ['*'] });
    expect((await stripe.webhookEndpoints.list()).data).toHaveLength(1);
    expect(await stripe.webhookEndpoints.del(we.id)).toMatchObject({ deleted: true });
    await expect(stripe.webhookEndpoints.retrieve(we.id)).rejects.toMatchObject({ statusCode: 404 });
    const badEvent = await stripe.webhookEndpoints
      .create({ url: 'https://x.example', enabled_events: ['charge.exploded' as never] })
      .catch((e) => e);
    expect(badEvent.param).toBe('enabled_events[0]');
    const badUrl = await stripe.webhookEndpoints.create({ url: 'nope', enabled_events: ['*'] }).catch((e) => e);
    expect(badUrl.param).toBe('url');
  });
});

describe('delivery', () => {
  it('signs deliveries so stripe.webhooks.constructEvent accepts them, filtered by enabled_events', async () => {
    const r = await receiver();
    const we = await stripe.webhookEndpoints.create({
      url: r.url,
      enabled_events: ['checkout.session.completed', 'charge.succeeded'],
    });
    const s = await createSession(stripe);
    await t.post(`/_emulator/checkout/sessions/${s.id}/complete`);
    await flush();
    expect(r.received.map((x) => x.event.type)).toEqual(['charge.succeeded', 'checkout.session.completed']);
    for (const hit of r.received) {
      const event = stripe.webhooks.constructEvent(hit.body, hit.signature, we.secret!);
      expect(event.object).toBe('event');
    }
    expect(() => stripe.webhooks.constructEvent(r.received[0].body, r.received[0].signature, 'whsec_wrong')).toThrow();
    const completed = r.received[1].event;
    expect(completed.data.object.id).toBe(s.id);
    expect(completed).toHaveProperty('pending_webhooks', 1);
    const evt = await stripe.events.retrieve(completed.id);
    expect(evt.pending_webhooks).toBe(0);
    const deliveries = await t.get(`/_emulator/deliveries?event=${completed.id}`);
    expect(deliveries.body.data).toHaveLength(1);
    expect(deliveries.body.data[0]).toMatchObject({ status: 200, ok: true, attempt: 1, endpoint: we.id });
    expect((await stripe.events.list({ delivery_success: true })).data.map((e) => e.id)).toContain(completed.id);
  });

  it('retries failed deliveries with backoff on the emulator clock', async () => {
    const r = await receiver((n) => (n <= 2 ? 500 : 200));
    await stripe.webhookEndpoints.create({ url: r.url, enabled_events: ['customer.created'] });
    const c = await stripe.customers.create({ email: 'r@example.com' });
    await flush();
    expect(r.attempts()).toBe(1);
    const evt = (await stripe.events.list({ type: 'customer.created' })).data[0];
    expect(evt.pending_webhooks).toBe(1);
    expect((await stripe.events.list({ delivery_success: false })).data.map((e) => e.id)).toEqual([evt.id]);
    await t.post('/_emulator/clock/advance', { seconds: 30 });
    expect(r.attempts()).toBe(1);
    await t.post('/_emulator/clock/advance', { seconds: 31 });
    expect(r.attempts()).toBe(2);
    await t.post('/_emulator/clock/advance', { seconds: 300 });
    expect(r.attempts()).toBe(3);
    expect(r.received[0].event.data.object.id).toBe(c.id);
    expect((await stripe.events.retrieve(evt.id)).pending_webhooks).toBe(0);
    const attempts = (await t.get(`/_emulator/deliveries?event=${evt.id}`)).body.data;
    expect(attempts.map((a: any) => [a.attempt, a.status])).toEqual([
      [3, 200],
      [2, 500],
      [1, 500],
    ]);
    expect(attempts[2].next_retry_at).toBeGreaterThan(0);
  });

  it('retries network errors', async () => {
    await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:1/unreachable', enabled_events: ['*'] });
    await stripe.customers.create({});
    await flush();
    const [attempt] = (await t.get('/_emulator/deliveries?type=customer.created')).body.data;
    expect(attempt.ok).toBe(false);
    expect(attempt.error).toBeTruthy();
  });

  it('chaos: duplicates deliver the same event twice; failures are retried later', async () => {
    const r = await receiver();
    await stripe.webhookEndpoints.create({ url: r.url, enabled_events: ['customer.created'] });
    await t.post('/_emulator/chaos', { duplicate_rate: 1 });
    await stripe.customers.create({});
    await flush();
    expect(r.received).toHaveLength(2);
    expect(r.received[0].event.id).toBe(r.received[1].event.id);
    await t.post('/_emulator/chaos', { duplicate_rate: 0, failure_rate: 1 });
    await stripe.customers.create({});
    await flush();
    expect(r.received).toHaveLength(2);
    await t.post('/_emulator/chaos', { failure_rate: 0 });
    await t.post('/_emulator/clock/advance', { seconds: 60 });
    expect(r.received).toHaveLength(3);
    const bad = await t.post('/_emulator/chaos', { failure_rate: 2 });
    expect(bad.status).toBe(400);
  });

  it('chaos: reorder still delivers every event', async () => {
    const r = await receiver();
    await stripe.webhookEndpoints.create({ url: r.url, enabled_events: ['*'] });
    await t.post('/_emulator/chaos', { reorder_rate: 1 });
    const s = await createSession(stripe);
    await t.post(`/_emulator/checkout/sessions/${s.id}/complete`);
    await flush();
    const types = r.received.map((x) => x.event.type);
    expect(types.sort()).toEqual(
      [
        'product.created',
        'price.created',
        'payment_intent.created',
        'charge.succeeded',
        'payment_intent.succeeded',
        'checkout.session.completed',
      ].sort(),
    );
  });

  it('routes connected-account events only to connect endpoints', async () => {
    const platform = await receiver();
    const connect = await receiver();
    await stripe.webhookEndpoints.create({ url: platform.url, enabled_events: ['*'] });
    await stripe.webhookEndpoints.create({ url: connect.url, enabled_events: ['*'], connect: true });
    await stripe.customers.create({ email: 'platform@example.com' });
    await client(t.emu.port, { stripeAccount: 'acct_1Seller' }).customers.create({ email: 'seller@example.com' });
    await flush();
    expect(platform.received.map((x) => x.event.data.object.email)).toEqual(['platform@example.com']);
    expect(connect.received.map((x) => x.event.account)).toEqual(['acct_1Seller']);
    expect(platform.received[0].event.account).toBeUndefined();
  });
});

describe('events API', () => {
  it('filters by type, types[], wildcard and created range', async () => {
    await stripe.customers.create({});
    await t.post('/_emulator/clock/advance', { seconds: 100 });
    const later = Math.floor((await t.get('/_emulator/clock')).body.now);
    await stripe.products.create({ name: 'P' });
    expect((await stripe.events.list({ type: 'customer.created' })).data).toHaveLength(1);
    expect((await stripe.events.list({ types: ['customer.created', 'product.created'] })).data).toHaveLength(2);
    expect((await stripe.events.list({ type: 'product.*' })).data).toHaveLength(1);
    expect((await stripe.events.list({ created: { gte: later } })).data.map((e) => e.type)).toEqual([
      'product.created',
    ]);
    expect((await stripe.events.list({ created: { lt: later } })).data.map((e) => e.type)).toEqual([
      'customer.created',
    ]);
    const e = (await stripe.events.list()).data[0];
    expect(await stripe.events.retrieve(e.id)).toMatchObject({
      id: e.id,
      livemode: false,
      api_version: expect.any(String),
    });
    expect(e.request?.id).toMatch(/^req_/);
  });

  it('records the idempotency key on events', async () => {
    await stripe.customers.create({}, { idempotencyKey: 'evt-key' });
    const e = (await stripe.events.list()).data[0];
    expect(e.request?.idempotency_key).toBe('evt-key');
  });
});
