import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { fixedClock, systemClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import type { CommerceHooks } from '../modules.ts';
import { checkWebhookInbox, checkWebhookRoute } from './doctor.ts';
import { getOrder } from './orders.ts';
import { reconcile } from './reconcile.ts';
import { countAudit, createTestOrder, modulesWithTestOffering } from './testing.ts';

let app: TestApp;
let db: DB;
let stripe: Stripe;
let hooks: CommerceHooks;

async function emu(path: string, form: Record<string, string> = {}) {
  const res = await fetch(`${app.emulatorUrl}${path}`, { method: 'POST', body: new URLSearchParams(form) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const pay = (sessionId: string) =>
  emu(`/_emulator/checkout/sessions/${sessionId}/complete`, { card_number: '4242424242424242' });

function postEvent(event: Stripe.Event) {
  const payload = JSON.stringify(event);
  const sig = stripe.webhooks.generateTestHeaderString({ payload, secret: app.platform.deps.config.webhookSecrets[0] });
  return fetch(`${app.url}/api/webhooks/stripe`, {
    method: 'POST',
    body: payload,
    headers: { 'stripe-signature': sig },
  });
}

async function findEvent(type: string, match: (o: Record<string, unknown>) => boolean): Promise<Stripe.Event> {
  const events = await stripe.events.list({ type, limit: 100 }).autoPagingToArray({ limit: 1000 });
  const e = events.find((x) => match(x.data.object as unknown as Record<string, unknown>));
  if (!e) throw new Error(`no ${type}`);
  return e;
}

beforeAll(async () => {
  app = await startTestApp({ modules: modulesWithTestOffering() });
  db = app.platform.deps.db;
  stripe = app.platform.deps.stripe;
  hooks = app.platform.deps.commerce;
});

afterAll(async () => {
  await emu('/_emulator/chaos', { failure_rate: '0' }).catch(() => {});
  await app?.stop();
});

describe('reconciliation and out-of-order events', () => {
  it('recovers a payment whose webhooks all failed', async () => {
    await emu('/_emulator/chaos', { failure_rate: '1' });
    const { order, sessionId } = await createTestOrder(db, stripe, hooks, { baseUrl: app.url });
    await pay(sessionId);
    await emu('/_emulator/webhooks/flush');
    await app.settle();
    expect((await getOrder(db, order.id)).status).toBe('pending');
    await emu('/_emulator/chaos', { failure_rate: '0' });

    const r = await reconcile(db, stripe, hooks, systemClock);
    expect(r.skipped).toBe(false);
    expect(r.failed).toBe(0);
    expect(r.applied).toBeGreaterThan(0);
    expect((await getOrder(db, order.id)).status).toBe('paid');

    const again = await reconcile(db, stripe, hooks, systemClock);
    expect(again.applied).toBe(0);
    expect(await countAudit(db, order.id, 'test.on_paid')).toBe(1);
  });

  it('settles a stale pending order from its session when no event is left to replay', async () => {
    await emu('/_emulator/chaos', { failure_rate: '1' });
    const { order, sessionId } = await createTestOrder(db, stripe, hooks, { baseUrl: app.url });
    await pay(sessionId);
    await emu('/_emulator/chaos', { failure_rate: '0' });
    // Pretend the events were already seen (e.g. a checkpoint past them): only the pending re-check can help.
    await withService(db, (tx) =>
      tx
        .updateTable('commerce_checkpoints')
        .set({ value: Math.floor(Date.now() / 1000) + 3600 })
        .execute(),
    );
    const later = fixedClock(new Date(Date.now() + 31 * 60_000));
    const r = await reconcile(db, stripe, hooks, later);
    expect(r.pendingChecked).toBeGreaterThanOrEqual(1);
    expect(r.completed).toBeGreaterThanOrEqual(1);
    expect((await getOrder(db, order.id)).status).toBe('paid');
  });

  const inboxStatus = async (id: string) =>
    (
      await withService(db, (tx) =>
        tx.selectFrom('stripe_events').select('status').where('id', '=', id).executeTakeFirst(),
      )
    )?.status;

  it('parks a refund that arrives before the payment, and applies it once the order is paid', async () => {
    await emu('/_emulator/chaos', { failure_rate: '1' });
    const { order, sessionId } = await createTestOrder(db, stripe, hooks, { baseUrl: app.url });
    await pay(sessionId);
    const session = await stripe.checkout.sessions.retrieve(sessionId);
    const pi = session.payment_intent as string;
    await stripe.refunds.create({ payment_intent: pi, amount: 700 });
    await emu('/_emulator/chaos', { failure_rate: '0' });

    const refunded = await findEvent('charge.refunded', (o) => o.payment_intent === pi);
    const res = await postEvent(refunded);
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe('queued');
    await app.settle();
    expect(await inboxStatus(refunded.id)).toBe('parked');
    expect((await getOrder(db, order.id)).status).toBe('pending');

    const completed = await findEvent('checkout.session.completed', (o) => o.id === sessionId);
    expect((await postEvent(completed)).status).toBe(200);
    await app.settle();
    const after = await getOrder(db, order.id);
    expect(after).toMatchObject({ status: 'partially_refunded', amountRefunded: 700 });
    const parked = await withService(db, (tx) =>
      tx.selectFrom('stripe_events').select('status').where('id', '=', refunded.id).executeTakeFirstOrThrow(),
    );
    expect(parked.status).toBe('processed');
    // Replaying the refund event changes nothing.
    expect((await (await postEvent(refunded)).json()).status).toBe('duplicate');
    expect(await countAudit(db, order.id, 'test.on_refunded')).toBe(1);
  });

  it('waits for delayed payments: async success pays, async failure fails the order', async () => {
    const ok = await createTestOrder(db, stripe, hooks, { baseUrl: app.url });
    const bad = await createTestOrder(db, stripe, hooks, { baseUrl: app.url });
    await emu(`/_emulator/checkout/sessions/${ok.sessionId}/complete`, { async_outcome: 'succeeded' });
    await emu(`/_emulator/checkout/sessions/${bad.sessionId}/complete`, { async_outcome: 'failed' });
    await emu('/_emulator/webhooks/flush');
    await app.settle();
    expect((await getOrder(db, ok.order.id)).status).toBe('pending');
    expect((await getOrder(db, bad.order.id)).status).toBe('pending');
    await emu('/_emulator/clock/advance', { seconds: '61' });
    await emu('/_emulator/webhooks/flush');
    await app.settle();
    expect((await getOrder(db, ok.order.id)).status).toBe('paid');
    expect((await getOrder(db, bad.order.id)).status).toBe('payment_failed');
    expect(await countAudit(db, ok.order.id, 'test.on_paid')).toBe(1);
    expect(await countAudit(db, bad.order.id, 'test.on_paid')).toBe(0);
  });

  it('expires the order when the session expires, and a late expiry never undoes a payment', async () => {
    const { order } = await createTestOrder(db, stripe, hooks, { baseUrl: app.url });
    await emu('/_emulator/clock/advance', { seconds: String(25 * 3600) });
    await emu('/_emulator/webhooks/flush');
    await app.settle();
    expect((await getOrder(db, order.id)).status).toBe('expired');
    expect(await countAudit(db, order.id, 'test.on_expired')).toBe(1);
    const paidOrders = await withService(db, (tx) =>
      tx.selectFrom('orders').select('status').where('status', '=', 'expired').execute(),
    );
    expect(paidOrders).toHaveLength(1);
  });

  it('doctor: the webhook route accepts a signed event and rejects an unsigned one', async () => {
    const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'gallerist-doctor-')), LOG_LEVEL: 'silent' });
    const [check] = await checkWebhookRoute(config, { db });
    expect(check).toMatchObject({ ok: true });
    const [missing] = await checkWebhookRoute(
      { ...config, STRIPE_SECRET_KEY: 'sk_live_x', webhookSecrets: [] },
      { db },
    );
    expect(missing).toMatchObject({ ok: false });
  });

  it('doctor: the inbox check names events left waiting and events that failed', async () => {
    const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'gallerist-doctor-')), LOG_LEVEL: 'silent' });
    const clean = await checkWebhookInbox(config, { db });
    expect(clean).toEqual([expect.objectContaining({ ok: true })]);
    const old = new Date(Date.now() - 3_600_000);
    const row = (id: string, status: 'received' | 'failed') => ({
      id,
      type: 'checkout.session.completed',
      payload: JSON.stringify({ id }),
      status,
      received_at: old,
      ...(status === 'failed' ? { error: 'boom while applying' } : {}),
    });
    await withService(db, (tx) =>
      tx
        .insertInto('stripe_events')
        .values([row('evt_doctor_waiting', 'received'), row('evt_doctor_failed', 'failed')])
        .execute(),
    );
    try {
      const checks = await checkWebhookInbox(config, { db });
      expect(checks.map((c) => c.ok)).toEqual([false, false]);
      expect(checks[0].detail).toMatch(/1 event\(s\) stored but not applied/);
      expect(checks[1].detail).toMatch(/evt_doctor_failed .*boom while applying/);
    } finally {
      await withService(db, (tx) =>
        tx.deleteFrom('stripe_events').where('id', 'in', ['evt_doctor_waiting', 'evt_doctor_failed']).execute(),
      );
    }
  });

  it('runs one reconcile at a time across instances', async () => {
    // Hold the first run inside its Stripe read so the second one starts while the lease is certainly held.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let listing!: () => void;
    const listed = new Promise<void>((resolve) => {
      listing = resolve;
    });
    const held = {
      ...stripe,
      events: {
        list: () => ({
          autoPagingToArray: async () => {
            listing();
            await gate;
            return [];
          },
        }),
      },
    } as unknown as Stripe;
    const first = reconcile(db, held, hooks, systemClock);
    await listed;
    expect((await reconcile(db, stripe, hooks, systemClock)).skipped).toBe(true);
    release();
    expect((await first).skipped).toBe(false);
    expect((await reconcile(db, stripe, hooks, systemClock)).skipped).toBe(false);
  });
});
