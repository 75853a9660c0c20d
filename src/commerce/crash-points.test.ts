import type Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { emu as emuAt } from '../../test/fixtures/marketplace-buy.ts';
import { createPaidSale, onboardedArtist } from '../../test/fixtures/marketplace-sales.ts';
import { recordTrial } from '../../test/reliability/trials.ts';
import { systemClock } from '../clock.ts';
import { type CrashPoint, SimulatedCrash } from '../crash-points.ts';
import { withService } from '../db/tenancy.ts';
import { testDbKind } from '../db/testing.ts';
import type { DB } from '../db/types.ts';
import { markDelivered, markShipped, runPayouts } from '../marketplace/index.ts';
import type { CommerceHooks } from '../modules.ts';
import { createCheckout } from './create-checkout.ts';
import { getOrder } from './orders.ts';
import { reconcile } from './reconcile.ts';
import { refundOrder } from './refund-order.ts';
import { countAudit, createTestOrder, modulesWithTestOffering } from './testing.ts';

// Each named crash point (src/crash-points.ts) armed once: the step after it never happens, as if the process died
// there. Then a retry or `reconcile` runs, and the state must be that of a clean run: paid once, one invoice, one
// refund, one payout, at Stripe and here.

let app: TestApp;
let db: DB;
let stripe: Stripe;
let hooks: CommerceHooks;
const converged: CrashPoint[] = [];

const arm = (p: CrashPoint) => {
  process.env.GALLERIST_CRASH_POINT = p;
};
afterEach(() => {
  delete process.env.GALLERIST_CRASH_POINT;
});

const emu = (path: string, form: Record<string, string> = {}) => emuAt(app.emulatorUrl, path, form);
const pay = (sessionId: string) =>
  emu(`/_emulator/checkout/sessions/${sessionId}/complete`, { card_number: '4242424242424242' });

function postEvent(event: Stripe.Event) {
  const payload = JSON.stringify(event);
  const secret = app.platform.deps.config.webhookSecrets[0];
  return fetch(`${app.url}/api/webhooks/stripe`, {
    method: 'POST',
    body: payload,
    headers: {
      'content-type': 'application/json',
      'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret }),
    },
  });
}

/** An order paid at Stripe whose webhooks did not arrive, and its checkout.session.completed event. */
async function paidUndelivered() {
  await emu('/_emulator/chaos', { failure_rate: '1' });
  try {
    const created = await createTestOrder(db, stripe, hooks, { baseUrl: app.url });
    await pay(created.sessionId);
    const events = await stripe.events.list({ type: 'checkout.session.completed', limit: 100 });
    const event = events.data.find((e) => (e.data.object as { id: string }).id === created.sessionId)!;
    return { ...created, event };
  } finally {
    await emu('/_emulator/chaos', { failure_rate: '0' });
  }
}

async function invoices(orderId: string) {
  return (
    await withService(db, (tx) => tx.selectFrom('invoices').select('id').where('order_id', '=', orderId).execute())
  ).length;
}

async function expectPaidOnce(orderId: string) {
  expect((await getOrder(db, orderId)).status).toBe('paid');
  expect(await countAudit(db, orderId, 'test.on_paid')).toBe(1);
  expect(await invoices(orderId)).toBe(1);
}

beforeAll(async () => {
  app = await startTestApp({ modules: modulesWithTestOffering({ shipping: true }) });
  db = app.platform.deps.db;
  stripe = app.platform.deps.stripe;
  hooks = app.platform.deps.commerce;
});
afterAll(async () => {
  recordTrial({
    test: 'crash points: a crash at each, then retry or reconcile',
    database: testDbKind(),
    seed: 0,
    tried: { crash_points: converged.length },
    lost: 0,
    duplicated: 0,
    leaked: 0,
    notes: [`converged after: ${converged.join(', ')}`],
  });
  await app?.stop();
});

describe('crash points', () => {
  it('after the inbox commit, before the response: Stripe retries, the retry is a duplicate, applied once', async () => {
    const { order, event } = await paidUndelivered();
    arm('webhook.after_inbox_commit');
    expect((await postEvent(event)).status).toBe(500);
    delete process.env.GALLERIST_CRASH_POINT;
    const again = await postEvent(event);
    expect(await again.json()).toEqual({ received: true, status: 'duplicate' });
    await app.settle();
    await expectPaidOnce(order.id);
    converged.push('webhook.after_inbox_commit');
  });

  it('after fulfilment writes, before their commit: nothing stays; the retry applies it once', async () => {
    const { order, event } = await paidUndelivered();
    arm('webhook.before_fulfilment_commit');
    expect(await (await postEvent(event)).json()).toEqual({ received: true, status: 'queued' });
    await app.settle();
    expect((await getOrder(db, order.id)).status).toBe('pending');
    expect(await invoices(order.id)).toBe(0);
    expect(await countAudit(db, order.id, 'test.on_paid')).toBe(0);
    delete process.env.GALLERIST_CRASH_POINT;
    // Stripe's next delivery makes the waiting job due now.
    expect(await (await postEvent(event)).json()).toEqual({ received: true, status: 'duplicate' });
    await app.settle();
    await expectPaidOnce(order.id);
    converged.push('webhook.before_fulfilment_commit');
  });

  it('between creating the Checkout Session and recording it: the retry records the same session', async () => {
    const before = (await stripe.checkout.sessions.list({ limit: 100 })).data.length;
    arm('checkout.after_stripe_call');
    await expect(createTestOrder(db, stripe, hooks, { buyerEmail: 'crash-checkout@example.com' })).rejects.toThrow(
      SimulatedCrash,
    );
    delete process.env.GALLERIST_CRASH_POINT;
    const order = await withService(db, (tx) =>
      tx
        .selectFrom('orders')
        .select(['id', 'stripe_checkout_session_id'])
        .where('buyer_email', '=', 'crash-checkout@example.com')
        .executeTakeFirstOrThrow(),
    );
    expect(order.stripe_checkout_session_id).toBeNull();
    // The buyer's retry: the same request as before (createTestOrder's URLs), so the same idempotency key replays.
    const retried = await createCheckout(db, stripe, hooks, order.id, {
      successUrl: 'http://localhost/checkout/success?session_id={CHECKOUT_SESSION_ID}',
      cancelUrl: 'http://localhost/checkout/cancel',
    });
    expect((await stripe.checkout.sessions.list({ limit: 100 })).data.length).toBe(before + 1);
    expect((await getOrder(db, order.id)).stripeCheckoutSessionId).toBe(retried.sessionId);
    await pay(retried.sessionId);
    await emu('/_emulator/webhooks/flush');
    await app.settle();
    await expectPaidOnce(order.id);
    converged.push('checkout.after_stripe_call');
  });

  it('between the Stripe refund and recording it: the webhook settles the pending refund, once', async () => {
    const { order, sessionId } = await createTestOrder(db, stripe, hooks, { baseUrl: app.url });
    await pay(sessionId);
    await emu('/_emulator/webhooks/flush');
    await app.settle();
    await expectPaidOnce(order.id);
    const admin = await withService(db, (tx) =>
      tx.selectFrom('users').select('id').where('email', '=', 'admin@demo.gallerist.dev').executeTakeFirstOrThrow(),
    );
    arm('refund.after_stripe_call');
    await expect(
      refundOrder(
        db,
        stripe,
        hooks,
        order.id,
        { amount: 1000 },
        { kind: 'test', userId: admin.id, isPlatformAdmin: true },
      ),
    ).rejects.toThrow(SimulatedCrash);
    delete process.env.GALLERIST_CRASH_POINT;
    await emu('/_emulator/webhooks/flush');
    await app.settle();
    const rows = await withService(db, (tx) =>
      tx
        .selectFrom('refunds')
        .select(['amount', 'status', 'stripe_refund_id'])
        .where('order_id', '=', order.id)
        .execute(),
    );
    expect(rows.map((r) => ({ ...r, amount: Number(r.amount) }))).toEqual([
      { amount: 1000, status: 'succeeded', stripe_refund_id: expect.stringMatching(/^re_/) },
    ]);
    const paid = await getOrder(db, order.id);
    expect(paid.status).toBe('partially_refunded');
    const pi = await stripe.paymentIntents.retrieve(paid.stripePaymentIntentId!, { expand: ['latest_charge'] });
    expect((pi.latest_charge as Stripe.Charge).amount_refunded).toBe(1000);
    expect((await stripe.refunds.list({ payment_intent: pi.id })).data).toHaveLength(1);
    // Reconcile finds nothing left to do.
    await reconcile(db, stripe, hooks, systemClock);
    expect(
      await withService(db, (tx) => tx.selectFrom('refunds').select('id').where('order_id', '=', order.id).execute()),
    ).toHaveLength(1);
    converged.push('refund.after_stripe_call');
  });

  it('between the Stripe payout and recording it: the next run finds it at Stripe and records it once', async () => {
    const ctx = { db, stripe, emulatorUrl: app.emulatorUrl };
    const artist = await withService(db, (tx) =>
      tx.selectFrom('accounts').select('id').where('slug', '=', 'mira-okafor').executeTakeFirstOrThrow(),
    );
    const acct = await onboardedArtist(ctx, artist.id);
    const sale = await createPaidSale(ctx, { accountId: artist.id, priceAmount: 30_000, shippingAmount: 0 });
    const delivered = { ...systemClock, now: () => new Date(Date.now() - 10 * 86_400_000) };
    await withService(db, async (tx) => {
      await markShipped(
        tx,
        { kind: 'test' },
        sale.saleId,
        { carrier: 'UPS', trackingNumber: '1ZCRASH' },
        { clock: delivered, hooks },
      );
      await markDelivered(tx, { kind: 'test' }, sale.saleId, delivered, hooks);
    });
    arm('payout.after_stripe_call');
    const crashed = await runPayouts(db, stripe, systemClock);
    expect(crashed).toMatchObject({ created: 0, errors: 1 });
    delete process.env.GALLERIST_CRASH_POINT;
    const next = await runPayouts(db, stripe, systemClock);
    // Stripe's payout.created event may have reached the app's job runner first and recorded it; either way, once.
    expect(next.errors).toBe(0);
    expect(next.resubmitted).toBeLessThanOrEqual(1);
    const rows = await withService(db, (tx) =>
      tx
        .selectFrom('marketplace_payouts')
        .select(['stripe_payout_id', 'amount'])
        .where('account_id', '=', artist.id)
        .execute(),
    );
    const atStripe = await stripe.payouts.list({ limit: 100 }, { stripeAccount: acct });
    expect(atStripe.data).toHaveLength(1);
    expect(rows.map((r) => ({ ...r, amount: Number(r.amount) }))).toEqual([
      { stripe_payout_id: atStripe.data[0].id, amount: atStripe.data[0].amount },
    ]);
    converged.push('payout.after_stripe_call');
  });
});
