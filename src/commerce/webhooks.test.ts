import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { withService } from '../db/tenancy.ts';
import { testDbKind } from '../db/testing.ts';
import type { DB } from '../db/types.ts';
import type { CommerceHooks } from '../modules.ts';
import { applyInboxEvent, processStripeEvent, type StripeEventJob } from './handle-webhook.ts';
import { getOrder } from './orders.ts';
import { countAudit, createTestOrder, modulesWithTestOffering } from './testing.ts';
import { receiveStripeEvent } from './webhook-inbox.ts';

let app: TestApp;
let db: DB;
let stripe: Stripe;
let hooks: CommerceHooks;
let failOnPaid = false;

async function emu(path: string, form: Record<string, string> = {}) {
  const res = await fetch(`${app.emulatorUrl}${path}`, { method: 'POST', body: new URLSearchParams(form) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function pay(sessionId: string) {
  await emu(`/_emulator/checkout/sessions/${sessionId}/complete`, { card_number: '4242424242424242' });
}

async function flush() {
  await emu('/_emulator/webhooks/flush');
  await app.settle();
}

function postEvent(payload: string, signature?: string) {
  const secret = app.platform.deps.config.webhookSecrets[0];
  const sig = signature ?? stripe.webhooks.generateTestHeaderString({ payload, secret });
  return fetch(`${app.url}/api/webhooks/stripe`, {
    method: 'POST',
    body: payload,
    headers: { 'content-type': 'application/json', 'stripe-signature': sig },
  });
}

async function sessionEvent(sessionId: string, type: string): Promise<Stripe.Event> {
  const events = await stripe.events.list({ type, limit: 100 }).autoPagingToArray({ limit: 1000 });
  const e = events.find((x) => (x.data.object as { id: string }).id === sessionId);
  if (!e) throw new Error(`no ${type} for ${sessionId}`);
  return e;
}

async function inbox(id: string) {
  return withService(db, (tx) => tx.selectFrom('stripe_events').selectAll().where('id', '=', id).executeTakeFirst());
}

// Stores the event as the webhook route does and returns the payload of the job it queued. The job is taken off the
// queue in the same transaction, so the app's own job runner never sees it and cannot race the workers the test
// plays (it would apply the event with the app's hooks).
async function receivedJob(event: Stripe.Event): Promise<StripeEventJob> {
  return withService(db, async (tx) => {
    expect(await receiveStripeEvent(tx, event, new Date())).toBe('queued');
    const row = await tx
      .deleteFrom('jobs')
      .where('unique_key', '=', `stripe-event:${event.id}`)
      .returning('payload')
      .executeTakeFirstOrThrow();
    return row.payload as StripeEventJob;
  });
}

/** An order paid on Stripe whose webhooks all failed to arrive: the test delivers them itself. */
async function paidUndelivered() {
  await emu('/_emulator/chaos', { failure_rate: '1' });
  try {
    const created = await createTestOrder(db, stripe, hooks, { baseUrl: app.url });
    await pay(created.sessionId);
    return created;
  } finally {
    await emu('/_emulator/chaos', { failure_rate: '0' });
  }
}

/** Paid, with the offering told once and one invoice, however often the payment was delivered. */
async function expectPaidOnce(orderId: string) {
  expect((await getOrder(db, orderId)).status).toBe('paid');
  expect(await countAudit(db, orderId, 'test.on_paid')).toBe(1);
  expect(await invoiceCount(orderId)).toBe(1);
}

async function eventJob(eventId: string) {
  return withService(db, (tx) =>
    tx
      .selectFrom('jobs')
      .select(['status', 'attempts', 'last_error', 'run_at'])
      .where('unique_key', '=', `stripe-event:${eventId}`)
      .orderBy('id', 'desc')
      .executeTakeFirst(),
  );
}

async function invoiceCount(orderId: string) {
  const r = await withService(db, (tx) =>
    tx.selectFrom('invoices').select('id').where('order_id', '=', orderId).execute(),
  );
  return r.length;
}

beforeAll(async () => {
  app = await startTestApp({ modules: modulesWithTestOffering({ shipping: true, failOnPaid: () => failOnPaid }) });
  db = app.platform.deps.db;
  stripe = app.platform.deps.stripe;
  hooks = app.platform.deps.commerce;
});

afterAll(async () => {
  await app?.stop();
});

describe('Stripe webhooks', () => {
  it('pays an order once through the emulator, then ignores 1–20 sequential redeliveries', async () => {
    const { order, sessionId } = await createTestOrder(db, stripe, hooks, { baseUrl: app.url });
    expect(order.total).toBe(6000 + 500 + 1140);
    await pay(sessionId);
    await flush();
    const paid = await getOrder(db, order.id);
    expect(paid.status).toBe('paid');
    expect(paid.stripePaymentIntentId).toMatch(/^pi_/);
    expect(paid.receiptUrl).toBeTruthy();
    const event = await sessionEvent(sessionId, 'checkout.session.completed');
    expect((await inbox(event.id))?.status).toBe('processed');
    const payload = JSON.stringify(event);
    for (let i = 0; i < 20; i++) {
      const res = await postEvent(payload);
      expect(res.status).toBe(200);
      expect((await res.json()).status).toBe('duplicate');
    }
    expect(await countAudit(db, order.id, 'test.on_paid')).toBe(1);
    expect(await countAudit(db, order.id, 'order.paid')).toBe(1);
    expect(await invoiceCount(order.id)).toBe(1);
    const mails = await app.mailbox('buyer@example.com');
    expect(
      mails.filter((m) => m.template === 'orders.confirmation' && m.text.includes('INV-')).length,
    ).toBeGreaterThanOrEqual(1);
    const sellerMails = await app.mailbox('studio@demo.gallerist.dev');
    expect(sellerMails.some((m) => m.template === 'orders.seller_notification')).toBe(true);
    const session = await stripe.checkout.sessions.retrieve(sessionId);
    expect(session.metadata).toEqual({ order_id: order.id, account_id: order.accountId });
    expect(session.amount_total).toBe(order.total);
    expect(session.shipping_address_collection?.allowed_countries).toEqual(['DE', 'GB']);
  });

  it('acknowledges at once and retries in the job runner when a handler fails, applying the event once', async () => {
    const { order, sessionId } = await paidUndelivered();
    const event = await sessionEvent(sessionId, 'checkout.session.completed');
    const payload = JSON.stringify(event);
    failOnPaid = true;
    try {
      const res = await postEvent(payload);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: true, status: 'queued' });
      await app.settle();
    } finally {
      failOnPaid = false;
    }
    // The failed attempt rolled back: nothing paid, the row says why, and the job waits out its backoff.
    expect((await getOrder(db, order.id)).status).toBe('pending');
    expect(await invoiceCount(order.id)).toBe(0);
    const failed = await inbox(event.id);
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toBeTruthy();
    const job = await eventJob(event.id);
    expect(job).toMatchObject({ status: 'queued', attempts: 1 });
    expect(job!.last_error).toBeTruthy();
    expect(job!.run_at.getTime()).toBeGreaterThan(Date.now());

    // Stripe redelivers: the waiting job runs now, and applies the event once.
    const retry = await postEvent(payload);
    expect(retry.status).toBe(200);
    expect((await retry.json()).status).toBe('duplicate');
    await app.settle();
    expect((await getOrder(db, order.id)).status).toBe('paid');
    expect((await inbox(event.id))?.status).toBe('processed');
    expect(await eventJob(event.id)).toMatchObject({ status: 'done', attempts: 2 });
    expect(await countAudit(db, order.id, 'test.on_paid')).toBe(1);
    expect(await invoiceCount(order.id)).toBe(1);
  });

  it('queues an event whose retries were used up again when Stripe redelivers it', async () => {
    const { order, sessionId } = await paidUndelivered();
    const event = await sessionEvent(sessionId, 'checkout.session.completed');
    const payload = JSON.stringify(event);
    failOnPaid = true;
    try {
      expect((await (await postEvent(payload)).json()).status).toBe('queued');
      await app.settle();
      // As if every attempt had failed: the job is finished for good, the row stays failed.
      await withService(db, (tx) =>
        tx
          .updateTable('jobs')
          .set({ status: 'failed', finished_at: new Date() })
          .where('unique_key', '=', `stripe-event:${event.id}`)
          .execute(),
      );
    } finally {
      failOnPaid = false;
    }
    const again = await postEvent(payload);
    expect((await again.json()).status).toBe('queued');
    await app.settle();
    expect((await getOrder(db, order.id)).status).toBe('paid');
    expect((await inbox(event.id))?.status).toBe('processed');
    expect(await countAudit(db, order.id, 'test.on_paid')).toBe(1);
  });

  it.runIf(testDbKind() === 'postgres')('fulfils once when the same event arrives 20 times concurrently', async () => {
    const { order, sessionId } = await paidUndelivered();
    const payload = JSON.stringify(await sessionEvent(sessionId, 'checkout.session.completed'));
    const results = await Promise.all(Array.from({ length: 20 }, () => postEvent(payload).then((r) => r.json())));
    expect(results.filter((r) => r.status === 'queued')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(19);
    await app.settle();
    await expectPaidOnce(order.id);
  });

  it('applies an event once when the webhook job, reconcile and a second worker race for it', async () => {
    const { order, sessionId } = await paidUndelivered();
    const event = await sessionEvent(sessionId, 'checkout.session.completed');
    // The job as stored says the event needs a Stripe read; a job queued before that hint existed names only the id.
    const queued = await receivedJob(event);
    expect(queued).toEqual({ eventId: event.id, prefetch: true });
    const outcomes = await Promise.all([
      applyInboxEvent(db, stripe, hooks, queued),
      applyInboxEvent(db, stripe, hooks, { eventId: event.id }),
      processStripeEvent(db, stripe, hooks, event),
    ]);
    const applied = outcomes.map((o) => (typeof o === 'string' ? o : (o?.outcome ?? 'skipped')));
    expect(applied.filter((o) => o === 'processed')).toHaveLength(1);
    await app.settle();
    await expectPaidOnce(order.id);
  });

  it('applies an event that needs nothing from Stripe once, in one transaction, however many workers race', async () => {
    let calls = 0;
    let fail = true;
    const custom: CommerceHooks = {
      ...hooks,
      stripeEvents: new Map([
        [
          'test.no_prefetch',
          [
            async () => {
              calls++;
              if (fail) throw new Error('handler failed (test)');
              return 'processed' as const;
            },
          ],
        ],
      ]),
    };
    const event = {
      id: `evt_test_noprefetch_${Date.now()}`,
      object: 'event',
      type: 'test.no_prefetch',
      data: { object: { id: 'obj_1' } },
    } as unknown as Stripe.Event;
    const queued = await receivedJob(event);
    expect(queued).toEqual({ eventId: event.id, prefetch: false });
    // A failing handler rolls its transaction back and leaves the row failed with the error, for the retry.
    await expect(applyInboxEvent(db, stripe, custom, queued)).rejects.toThrow('handler failed (test)');
    expect(await inbox(event.id)).toMatchObject({ status: 'failed', error: 'handler failed (test)' });
    fail = false;
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => applyInboxEvent(db, stripe, custom, queued)));
    expect(outcomes.filter((o) => o !== null)).toEqual([{ outcome: 'processed', reason: null }]);
    expect(calls).toBe(2);
    expect(await inbox(event.id)).toMatchObject({ status: 'processed', error: null });
    expect(await applyInboxEvent(db, stripe, custom, queued)).toBeNull();
  });

  it('webhook and success page racing give one paid order and one invoice', async () => {
    const { order, sessionId } = await paidUndelivered();
    const payload = JSON.stringify(await sessionEvent(sessionId, 'checkout.session.completed'));
    const [hook, page] = await Promise.all([
      postEvent(payload),
      fetch(`${app.url}/api/checkout/sessions/${sessionId}/complete`),
    ]);
    expect(hook.status).toBe(200);
    expect(page.status).toBe(200);
    await app.settle();
    expect(await page.json()).toEqual({ orderId: order.id, status: 'paid' });
    await expectPaidOnce(order.id);
    const again = await fetch(`${app.url}/api/checkout/sessions/${sessionId}/complete`);
    expect((await again.json()).status).toBe('paid');
    expect(await countAudit(db, order.id, 'order.paid')).toBe(1);
  });

  it('rejects a bad or missing signature with 400 and writes nothing', async () => {
    const payload = JSON.stringify({
      id: 'evt_forged_1',
      object: 'event',
      type: 'checkout.session.completed',
      data: { object: {} },
    });
    const bad = await postEvent(payload, 't=1,v1=deadbeef');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('bad_request');
    const missing = await fetch(`${app.url}/api/webhooks/stripe`, { method: 'POST', body: payload });
    expect(missing.status).toBe(400);
    const wrongSecret = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_wrong' });
    expect((await postEvent(payload, wrongSecret)).status).toBe(400);
    const stale = stripe.webhooks.generateTestHeaderString({
      payload,
      secret: app.platform.deps.config.webhookSecrets[0],
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect((await postEvent(payload, stale)).status).toBe(400);
    expect(await inbox('evt_forged_1')).toBeUndefined();
  });

  it('acknowledges unknown event types and foreign sessions and stores them ignored', async () => {
    const unknown = JSON.stringify({
      id: 'evt_unknown_type_1',
      object: 'event',
      type: 'customer.created',
      created: 1,
      data: { object: { id: 'cus_x', object: 'customer' } },
    });
    const res = await postEvent(unknown);
    expect(res.status).toBe(200);
    await app.settle();
    expect((await inbox('evt_unknown_type_1'))?.status).toBe('ignored');

    const foreign = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        { quantity: 1, price_data: { currency: 'eur', unit_amount: 1500, product_data: { name: 'Not ours' } } },
      ],
      success_url: 'https://example.com/ok',
    });
    await pay(foreign.id);
    await flush();
    const event = await sessionEvent(foreign.id, 'checkout.session.completed');
    expect((await inbox(event.id))?.status).toBe('ignored');
  });
});
