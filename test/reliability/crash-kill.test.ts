import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { createStripeClient } from '../../src/commerce/stripe.ts';
import type { CrashPoint } from '../../src/crash-points.ts';
import type { Database } from '../../src/db/connect.ts';
import { withService } from '../../src/db/tenancy.ts';
import { createDemoTestDatabase, testDbKind } from '../../src/db/testing.ts';
import type { DB } from '../../src/db/types.ts';
import { enqueueJob } from '../../src/jobs/index.ts';
import { payoutJob } from '../../src/marketplace/payouts/payouts.ts';
import { freePort, instanceEnv, openGallery } from '../fixtures/instances.ts';
import { createPaidSale, onboardedArtist } from '../fixtures/marketplace-sales.ts';
import { testClient } from '../http.ts';
import { recordTrial } from './trials.ts';

// The named crash points of src/crash-points.ts, with the process really dying there: `gallerist serve` runs as a
// child with the point armed and GALLERIST_CRASH_KILL=1, so it SIGKILLs itself on the spot (no rollback but
// Postgres's own, no response, no cleanup). Then a new process starts and what would follow in production runs:
// Stripe's retry, the buyer's retry, the dead job taken over when its lease lapses, or `gallerist reconcile`. The
// end state must be a clean run's: paid once with one invoice, fulfilment and mail; one refund; one payout.

const SECRET = 'whsec_crash_kill_shared_secret';

// Polls every 100 ms for up to 30 s; the assertions after it say what was expected.
async function until(done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300 && !(await done()); i++) await new Promise((r) => setTimeout(r, 100));
}
const killed: CrashPoint[] = [];

describe.skipIf(testDbKind() !== 'postgres')('crash points with the server killed there', () => {
  let database: Database;
  let db: DB;
  let emulator: RunningEmulator;
  let stripe: Stripe;
  let env: Record<string, string>;
  const dataDir = mkdtempSync(join(tmpdir(), 'crash-kill-'));
  const running = new Set<ChildProcess>();

  const serve = async (extra: Record<string, string> = {}) => {
    const port = await freePort();
    const proc = spawn(process.execPath, ['bin/gallerist.js', 'serve'], {
      env: { ...env, ...extra, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    running.add(proc);
    const exited = new Promise<NodeJS.Signals | null>((r) => proc.once('exit', (_code, signal) => r(signal)));
    exited.then(() => running.delete(proc));
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (
        await fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (proc.exitCode !== null || i > 600) throw new Error(`gallerist serve on ${port} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { url, proc, exited };
  };

  const deliver = (url: string, payload: string) =>
    fetch(`${url}/api/webhooks/stripe`, {
      method: 'POST',
      body: payload,
      headers: {
        'content-type': 'application/json',
        'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
      },
    });

  // A buyer with one print in the cart of a gallery, browsing the instance at `url` (the cart lives in the database,
  // so it survives a change of instance: `at` moves the buyer to another one).
  const printBuyer = async (url: string) => {
    const g = await openGallery(db);
    let base = url;
    const buyer = testClient({ request: (path, init) => fetch(`${base}${path}`, init) });
    const catalog = (await buyer.get(`/api/shop/g/${g.token}/catalog?photoId=${g.photoId}`)).body.data;
    const product = catalog[0] as { id: string; groups: Array<{ values: Array<{ id: string }> }> };
    await buyer.post(`/api/shop/g/${g.token}/cart/items`, {
      photoId: g.photoId,
      productId: product.id,
      optionValueIds: product.groups.map((grp) => grp.values[0].id),
      quantity: 1,
    });
    return {
      checkout: (email: string) => buyer.post(`/api/shop/g/${g.token}/checkout`, { email }),
      at: (next: string) => {
        base = next;
      },
    };
  };

  const event = async (type: string, sessionId: string) => {
    const events = await stripe.events.list({ type, limit: 100 });
    const found = events.data.find((e) => (e.data.object as { id: string }).id === sessionId);
    if (!found) throw new Error(`no ${type} for ${sessionId}`);
    return { event: found, payload: JSON.stringify(found) };
  };

  const sessionOf = async (orderId: string) =>
    (
      await withService(db, (tx) =>
        tx
          .selectFrom('orders')
          .select('stripe_checkout_session_id')
          .where('id', '=', orderId)
          .executeTakeFirstOrThrow(),
      )
    ).stripe_checkout_session_id;

  // Pays the order's Checkout Session at Stripe; its checkout.session.completed event, not yet delivered.
  const payAtStripe = async (orderId: string) => {
    const sessionId = await sessionOf(orderId);
    const paid = await fetch(`${emulator.url}/_emulator/checkout/sessions/${sessionId}/complete`, {
      method: 'POST',
      body: new URLSearchParams({ card_number: '4242424242424242' }),
    });
    expect(paid.ok).toBe(true);
    return { orderId, ...(await event('checkout.session.completed', sessionId!)) };
  };

  // A buyer's print order through the instance at `url`, paid at Stripe; its checkout.session.completed event.
  const paidPrintOrder = async (url: string, email: string) => {
    const r = await (await printBuyer(url)).checkout(email);
    expect(r.status).toBe(201);
    return payAtStripe(r.body.orderId as string);
  };

  const state = (orderId: string, email: string, eventId: string) =>
    withService(db, async (tx) => ({
      status: (await tx.selectFrom('orders').select('status').where('id', '=', orderId).executeTakeFirstOrThrow())
        .status,
      invoices: (await tx.selectFrom('invoices').select('id').where('order_id', '=', orderId).execute()).length,
      fulfilments: (
        await tx.selectFrom('print_fulfilments').select('order_id').where('order_id', '=', orderId).execute()
      ).length,
      confirmations: (await tx.selectFrom('mail_outbox').select('id').where('to_address', '=', email).execute()).length,
      inbox: (await tx.selectFrom('stripe_events').select('status').where('id', '=', eventId).executeTakeFirst())
        ?.status,
    }));

  const paidOnce = { status: 'paid', invoices: 1, fulfilments: 1, confirmations: 1, inbox: 'processed' };

  beforeAll(async () => {
    database = await createDemoTestDatabase();
    db = database.db;
    emulator = await startEmulator({ port: 0 });
    stripe = createStripeClient('sk_test_crash_kill', emulator.url);
    env = {
      ...(await instanceEnv(database, emulator, {
        stripeKey: 'sk_test_crash_kill',
        webhookSecret: SECRET,
        sessionSecret: 'crash-kill-session-secret-shared-by-the-instances',
      })),
      DATA_DIR: dataDir,
    };
  }, 120_000);

  afterAll(async () => {
    recordTrial({
      test: 'crash points with the server process killed there (SIGKILL), then a new process',
      database: testDbKind(),
      seed: 0,
      tried: { crash_points: killed.length, kills: killed.length },
      lost: 0,
      duplicated: 0,
      leaked: 0,
      notes: [`converged after a kill at: ${killed.join(', ')}`],
    });
    for (const p of running) p.kill('SIGKILL');
    await emulator?.stop();
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('killed after the inbox commit, before the response: the new process applies it, Stripe’s retry is a duplicate', async () => {
    const first = await serve({ GALLERIST_CRASH_POINT: 'webhook.after_inbox_commit', GALLERIST_CRASH_KILL: '1' });
    const email = 'killed-after-inbox@example.com';
    const { orderId, event, payload } = await paidPrintOrder(first.url, email);
    // The connection drops with no answer, so Stripe would retry.
    await expect(deliver(first.url, payload)).rejects.toThrow();
    expect(await first.exited).toBe('SIGKILL');
    expect(await state(orderId, email, event.id)).toMatchObject({ status: 'pending', invoices: 0, inbox: 'received' });

    const second = await serve();
    const retry = await deliver(second.url, payload);
    expect(await retry.json()).toMatchObject({ received: true, status: 'duplicate' });
    await until(async () => (await state(orderId, email, event.id)).status === 'paid');
    expect(await state(orderId, email, event.id)).toEqual(paidOnce);
    second.proc.kill('SIGTERM');
    await second.exited;
    killed.push('webhook.after_inbox_commit');
  }, 120_000);

  it('killed after the fulfilment writes, before their commit: nothing stays, and reconcile pays it once', async () => {
    const first = await serve({ GALLERIST_CRASH_POINT: 'webhook.before_fulfilment_commit', GALLERIST_CRASH_KILL: '1' });
    const email = 'killed-before-commit@example.com';
    const { orderId, event, payload } = await paidPrintOrder(first.url, email);
    expect(await (await deliver(first.url, payload)).json()).toMatchObject({ status: 'queued' });
    // The job runner dies inside the settlement's transaction: Postgres rolls every write of it back.
    expect(await first.exited).toBe('SIGKILL');
    expect(await state(orderId, email, event.id)).toMatchObject({
      status: 'pending',
      invoices: 0,
      fulfilments: 0,
      confirmations: 0,
      inbox: 'received',
    });

    // The dead worker's job keeps its lease (30 s by default); `gallerist reconcile` settles from Stripe sooner.
    const second = await serve();
    await promisify(execFile)(process.execPath, ['bin/gallerist.js', 'reconcile'], { env });
    expect(await state(orderId, email, event.id)).toEqual(paidOnce);
    // Stripe's retry and the process's own runner find it applied.
    expect(await (await deliver(second.url, payload)).json()).toMatchObject({ status: 'duplicate' });
    expect(await state(orderId, email, event.id)).toEqual(paidOnce);
    second.proc.kill('SIGTERM');
    await second.exited;
    killed.push('webhook.before_fulfilment_commit');
  }, 120_000);

  it('killed inside the webhook job: a new process takes the job over once its lease lapses, without reconcile', async () => {
    // Short leases on both processes, so the dead worker's claim lapses within the test.
    const lease = { JOB_LEASE_SECONDS: '3' };
    const first = await serve({
      ...lease,
      GALLERIST_CRASH_POINT: 'webhook.before_fulfilment_commit',
      GALLERIST_CRASH_KILL: '1',
    });
    const email = 'killed-in-job@example.com';
    const { orderId, event, payload } = await paidPrintOrder(first.url, email);
    expect(await (await deliver(first.url, payload)).json()).toMatchObject({ status: 'queued' });
    expect(await first.exited).toBe('SIGKILL');
    const job = () =>
      withService(db, (tx) =>
        tx
          .selectFrom('jobs')
          .select(['status', 'attempts', 'locked_by'])
          .where('unique_key', '=', `stripe-event:${event.id}`)
          .executeTakeFirstOrThrow(),
      );
    const dead = await job();
    expect(dead).toMatchObject({ status: 'running', attempts: 1 });

    const second = await serve(lease);
    await until(async () => (await state(orderId, email, event.id)).status === 'paid');
    expect(await state(orderId, email, event.id)).toEqual(paidOnce);
    const taken = await job();
    expect(taken).toMatchObject({ status: 'done', attempts: 2 });
    second.proc.kill('SIGTERM');
    await second.exited;
  }, 120_000);

  it('killed between the Stripe payout and recording it: the job taken over finds it at Stripe and records it once', async () => {
    const lease = { JOB_LEASE_SECONDS: '3' };
    const ctx = { db, stripe, emulatorUrl: emulator.url };
    const artist = await withService(db, (tx) =>
      tx.selectFrom('accounts').select('id').where('slug', '=', 'mira-okafor').executeTakeFirstOrThrow(),
    );
    const acct = await onboardedArtist(ctx, artist.id);
    const sale = await createPaidSale(ctx, { accountId: artist.id, priceAmount: 30_000, shippingAmount: 0 });
    // Delivered and past its return window, as the fixture's sales are made: payable now.
    await withService(db, (tx) =>
      tx
        .updateTable('marketplace_sales')
        .set({
          status: 'delivered',
          shipped_at: sql<Date>`now() - interval '12 days'`,
          delivered_at: sql<Date>`now() - interval '10 days'`,
          return_window_ends_at: sql<Date>`now() - interval '1 day'`,
        })
        .where('id', '=', sale.saleId)
        .execute(),
    );
    const first = await serve({
      ...lease,
      GALLERIST_CRASH_POINT: 'payout.after_stripe_call',
      GALLERIST_CRASH_KILL: '1',
    });
    // The hourly run, now: queued here, the instance's runner is woken by the notification.
    await enqueueJob(db, payoutJob, {}, { uniqueKey: 'crash-kill-payout' });
    expect(await first.exited).toBe('SIGKILL');
    const rows = () =>
      withService(db, (tx) =>
        tx
          .selectFrom('marketplace_payouts')
          .select(['stripe_payout_id', 'amount'])
          .where('account_id', '=', artist.id)
          .execute(),
      );
    // Stripe has the payout; our row does not know it yet.
    expect((await stripe.payouts.list({ limit: 100 }, { stripeAccount: acct })).data).toHaveLength(1);
    expect((await rows()).map((r) => r.stripe_payout_id)).toEqual([expect.stringMatching(/^unsubmitted:/)]);

    // The dead run still holds the payout run's lease (a minute unrenewed, so two instances never run at once):
    // stand in for that wait. Its job's own lease lapses in seconds, and a new process takes the job over.
    await withService(db, (tx) =>
      tx
        .updateTable('commerce_checkpoints')
        .set({ leased_until: sql<Date>`now() - interval '1 second'` })
        .where('name', '=', 'marketplace_payouts')
        .execute(),
    );
    const second = await serve(lease);
    await until(async () => !(await rows()).some((r) => !r.stripe_payout_id?.startsWith('po_')));
    const atStripe = (await stripe.payouts.list({ limit: 100 }, { stripeAccount: acct })).data;
    expect(atStripe).toHaveLength(1);
    expect((await rows()).map((r) => ({ ...r, amount: Number(r.amount) }))).toEqual([
      { stripe_payout_id: atStripe[0].id, amount: atStripe[0].amount },
    ]);
    second.proc.kill('SIGTERM');
    await second.exited;
    killed.push('payout.after_stripe_call');
  }, 120_000);

  it('killed between the Stripe refund and recording it: Stripe’s refund events settle the pending refund, once', async () => {
    const email = 'killed-in-refund@example.com';
    const seller = await serve();
    const { orderId, event, payload } = await paidPrintOrder(seller.url, email);
    await deliver(seller.url, payload);
    await until(async () => (await state(orderId, email, event.id)).status === 'paid');
    expect(await state(orderId, email, event.id)).toEqual(paidOnce);
    seller.proc.kill('SIGTERM');
    await seller.exited;

    const first = await serve({ GALLERIST_CRASH_POINT: 'refund.after_stripe_call', GALLERIST_CRASH_KILL: '1' });
    const admin = testClient({ request: (path, init) => fetch(`${first.url}${path}`, init) });
    await admin.signIn('admin@demo.gallerist.dev');
    // Stripe made the refund; the process died before our refund row learned it, and the admin got no answer.
    await expect(admin.post(`/api/orders/${orderId}/refunds`, { amount: 500 })).rejects.toThrow();
    expect(await first.exited).toBe('SIGKILL');
    const refunds = () =>
      withService(db, (tx) =>
        tx
          .selectFrom('refunds')
          .select(['amount', 'status', 'stripe_refund_id'])
          .where('order_id', '=', orderId)
          .execute(),
      );
    expect((await refunds()).map((r) => r.status)).toEqual(['pending']);
    const { stripe_payment_intent_id: pi } = await withService(db, (tx) =>
      tx.selectFrom('orders').select('stripe_payment_intent_id').where('id', '=', orderId).executeTakeFirstOrThrow(),
    );
    expect((await stripe.refunds.list({ payment_intent: pi! })).data).toHaveLength(1);

    // Stripe's events about the refund reach a new process, each twice, as retries would.
    const second = await serve();
    const about = (await stripe.events.list({ limit: 100 })).data.filter(
      (e) =>
        /^(charge\.refunded|refund\.|charge\.refund\.)/.test(e.type) &&
        (e.data.object as { payment_intent?: string }).payment_intent === pi,
    );
    expect(about.length).toBeGreaterThan(0);
    for (const e of [...about, ...about]) expect((await deliver(second.url, JSON.stringify(e))).ok).toBe(true);
    await until(async () => !(await refunds()).some((r) => r.status === 'pending'));
    expect((await refunds()).map((r) => ({ ...r, amount: Number(r.amount) }))).toEqual([
      { amount: 500, status: 'succeeded', stripe_refund_id: expect.stringMatching(/^re_/) },
    ]);
    expect((await state(orderId, email, event.id)).status).toBe('partially_refunded');
    expect((await stripe.refunds.list({ payment_intent: pi! })).data).toHaveLength(1);
    second.proc.kill('SIGTERM');
    await second.exited;
    killed.push('refund.after_stripe_call');
  }, 120_000);

  it('killed between creating the Checkout Session and recording it: the retry pays once, the orphan expires', async () => {
    const first = await serve({ GALLERIST_CRASH_POINT: 'checkout.after_stripe_call', GALLERIST_CRASH_KILL: '1' });
    const email = 'killed-in-checkout@example.com';
    const buyer = await printBuyer(first.url);
    // Stripe made the session; the process died before the order learned its id, and the buyer got no answer.
    await expect(buyer.checkout(email)).rejects.toThrow();
    expect(await first.exited).toBe('SIGKILL');
    const orphan = await withService(db, (tx) =>
      tx
        .selectFrom('orders')
        .select(['id', 'status', 'stripe_checkout_session_id'])
        .where('buyer_email', '=', email)
        .executeTakeFirstOrThrow(),
    );
    expect(orphan).toMatchObject({ status: 'pending', stripe_checkout_session_id: null });
    const orphanSessions = (await stripe.checkout.sessions.list({ limit: 100 })).data.filter(
      (x) => x.metadata?.order_id === orphan.id,
    );
    expect(orphanSessions).toHaveLength(1);

    // The buyer tries again on a new process: the cart is still there, and this checkout opens and is paid.
    const second = await serve();
    buyer.at(second.url);
    const retry = await buyer.checkout(email);
    expect(retry.status).toBe(201);
    const paid = await payAtStripe(retry.body.orderId as string);
    expect((await (await deliver(second.url, paid.payload)).json()).status).toBe('queued');
    await until(async () => (await state(paid.orderId, email, paid.event.id)).status === 'paid');
    expect(await state(paid.orderId, email, paid.event.id)).toEqual(paidOnce);

    // The session nobody recorded expires at Stripe (a day later); its event closes the orphan order, never paid.
    await stripe.checkout.sessions.expire(orphanSessions[0].id);
    const expired = await event('checkout.session.expired', orphanSessions[0].id);
    expect((await (await deliver(second.url, expired.payload)).json()).status).toBe('queued');
    await until(async () => {
      const o = await withService(db, (tx) =>
        tx.selectFrom('orders').select('status').where('id', '=', orphan.id).executeTakeFirstOrThrow(),
      );
      return o.status !== 'pending';
    });
    const orders = await withService(db, (tx) =>
      tx.selectFrom('orders').select(['id', 'status']).where('buyer_email', '=', email).orderBy('created_at').execute(),
    );
    expect(orders).toEqual([
      { id: orphan.id, status: 'expired' },
      { id: paid.orderId, status: 'paid' },
    ]);
    expect(await state(paid.orderId, email, paid.event.id)).toEqual(paidOnce);
    second.proc.kill('SIGTERM');
    await second.exited;
    killed.push('checkout.after_stripe_call');
  }, 120_000);
});
