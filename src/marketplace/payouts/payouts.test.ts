import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/app.ts';
import { createPaidSale, type FixtureCtx, onboardedArtist } from '../../../test/fixtures/marketplace-sales.ts';
import { testClient } from '../../../test/http.ts';
import { fixedClock, systemClock } from '../../clock.ts';
import { processStripeEvent } from '../../commerce/index.ts';
import { withService, withUser } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { enqueueJob } from '../../jobs/index.ts';
import { markDelivered, markShipped } from '../sales/shipments.ts';
import { approvedArtist, type MarketplaceTestEnv } from '../testing.ts';
import { payoutJob, runPayouts } from './payouts.ts';

let app: TestApp;
let ctx: FixtureCtx;
let db: DB;
let stripe: Stripe;
let miraId: string;
let miraAcct: string;
let beaId: string;
let beaUserId: string;
let beaAcct: string;
type Client = ReturnType<typeof testClient>;
let mira: Client;
let bea: Client;
let admin: Client;

const client = () => testClient({ request: (p, init) => fetch(`${app.url}${p}`, init) });
const actor = { kind: 'test' };
const DAY = 86_400_000;

beforeAll(async () => {
  app = await startTestApp();
  db = app.platform.deps.db;
  stripe = app.platform.deps.stripe;
  ctx = { db, stripe, emulatorUrl: app.emulatorUrl };
  miraId = (await db.selectFrom('accounts').select('id').where('slug', '=', 'mira-okafor').executeTakeFirstOrThrow())
    .id;
  miraAcct = await onboardedArtist(ctx, miraId);
  const env = {
    client,
    emulator: { url: app.emulatorUrl },
    database: app.platform.database,
  } as unknown as MarketplaceTestEnv;
  const b = await approvedArtist(env, 'bea.failing@example.com', 'Bea Failing');
  beaId = b.accountId;
  beaUserId = b.userId;
  bea = b.c;
  beaAcct = await onboardedArtist(ctx, beaId, { failingBank: true });
  mira = client();
  await mira.signIn('artist@demo.gallerist.dev');
  admin = client();
  await admin.signIn('admin@demo.gallerist.dev');
}, 90_000);
afterAll(() => app?.stop());

/** Ships and delivers a sale `daysAgo` days ago, so its return window ends `daysAgo - 7` days from now. */
async function deliveredDaysAgo(saleId: string, daysAgo: number) {
  const clock = fixedClock(new Date(Date.now() - daysAgo * DAY));
  await withService(db, async (tx) => {
    const hooks = app.platform.deps.commerce;
    await markShipped(
      tx,
      actor,
      saleId,
      { carrier: 'UPS', trackingNumber: `1Z${saleId.slice(0, 8)}` },
      { clock, hooks },
    );
    await markDelivered(tx, actor, saleId, clock, hooks);
  });
}

const payoutsOf = (accountId: string) =>
  withService(db, (tx) =>
    tx
      .selectFrom('marketplace_payouts')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .execute(),
  );
const payoutIdOf = async (saleId: string) =>
  (
    await withService(db, (tx) =>
      tx.selectFrom('marketplace_sales').select('payout_id').where('id', '=', saleId).executeTakeFirstOrThrow(),
    )
  ).payout_id;
const stripePayouts = async (acct: string) => (await stripe.payouts.list({ limit: 100 }, { stripeAccount: acct })).data;
const chaos = (body: Record<string, string>) =>
  fetch(`${app.emulatorUrl}/_emulator/chaos`, { method: 'POST', body: new URLSearchParams(body) });
async function flush() {
  await fetch(`${app.emulatorUrl}/_emulator/webhooks/flush`, { method: 'POST' });
  await app.settle();
}
async function advanceEmulator(seconds: number) {
  const r = await fetch(`${app.emulatorUrl}/_emulator/clock/advance`, {
    method: 'POST',
    body: new URLSearchParams({ seconds: String(seconds) }),
  });
  expect(r.status).toBe(200);
  await flush();
}
const statusOf = async (id: string) =>
  (
    await withService(db, (tx) =>
      tx.selectFrom('marketplace_payouts').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    )
  ).status;

describe('payouts on connected accounts', () => {
  let firstPayoutId: string;

  it('pays out sales past the return window exactly once, even when runs race', async () => {
    const s1 = await createPaidSale(ctx, { accountId: miraId, priceAmount: 100_000, shippingAmount: 2_000 });
    const s2 = await createPaidSale(ctx, { accountId: miraId, priceAmount: 50_000, shippingAmount: 0 });
    const inside = await createPaidSale(ctx, { accountId: miraId, priceAmount: 30_000 });
    const refunded = await createPaidSale(ctx, { accountId: miraId, priceAmount: 40_000 });
    const notDelivered = await createPaidSale(ctx, { accountId: miraId, priceAmount: 20_000 });
    await deliveredDaysAgo(s1.saleId, 10);
    await deliveredDaysAgo(s2.saleId, 8);
    await deliveredDaysAgo(inside.saleId, 2);
    await deliveredDaysAgo(refunded.saleId, 10);
    await withService(db, (tx) =>
      tx.updateTable('marketplace_sales').set({ status: 'refunded' }).where('id', '=', refunded.saleId).execute(),
    );
    expect(s1.artistAmount + s2.artistAmount).toBe(76_000);

    const runs = await Promise.all([
      runPayouts(db, stripe, systemClock),
      runPayouts(db, stripe, systemClock),
      runPayouts(db, stripe, systemClock),
    ]);
    expect(runs.reduce((a, r) => a + r.created, 0)).toBe(1);
    expect(runs.reduce((a, r) => a + r.errors + r.failed, 0)).toBe(0);
    const again = await runPayouts(db, stripe, systemClock);
    expect(again).toMatchObject({ skipped: false, created: 0 });

    const rows = await payoutsOf(miraId);
    expect(rows).toHaveLength(1);
    firstPayoutId = rows[0].id;
    expect(Number(rows[0].amount)).toBe(76_000);
    expect(rows[0].stripe_payout_id).toMatch(/^po_/);
    expect(await payoutIdOf(s1.saleId)).toBe(firstPayoutId);
    expect(await payoutIdOf(s2.saleId)).toBe(firstPayoutId);
    for (const s of [inside, refunded, notDelivered]) expect(await payoutIdOf(s.saleId)).toBeNull();

    const atStripe = await stripePayouts(miraAcct);
    expect(atStripe).toHaveLength(1);
    expect(atStripe[0]).toMatchObject({ id: rows[0].stripe_payout_id, amount: 76_000, currency: 'eur' });
    expect(atStripe[0].metadata?.payout_row_id).toBe(firstPayoutId);
  });

  it('the admin button runs the same job; others may not', async () => {
    const r = await admin.post('/api/admin/marketplace/payouts/run');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ skipped: false, created: 0 });
    expect((await mira.post('/api/admin/marketplace/payouts/run')).status).toBe(403);
    expect(await stripePayouts(miraAcct)).toHaveLength(1);
  });

  it('a payout whose Stripe response was lost is resubmitted, never duplicated', async () => {
    const s = await createPaidSale(ctx, { accountId: miraId, priceAmount: 10_000, shippingAmount: 0 });
    await deliveredDaysAgo(s.saleId, 9);
    // The call reaches Stripe, then the connection drops before we hear back.
    const lossy = new Proxy(stripe, {
      get(target, prop, receiver) {
        if (prop !== 'payouts') return Reflect.get(target, prop, receiver);
        return {
          list: target.payouts.list.bind(target.payouts),
          create: async (...args: Parameters<Stripe['payouts']['create']>) => {
            await target.payouts.create(...args);
            throw Object.assign(new Error('socket hang up'), { type: 'StripeConnectionError' });
          },
        };
      },
    });
    // Hold webhooks back, so the retry (not the payout.created event) has to find the payout.
    await flush();
    await chaos({ failure_rate: '1' });
    const crashed = await runPayouts(db, lossy, systemClock);
    expect(crashed).toMatchObject({ created: 0, errors: 1 });
    const pending = (await payoutsOf(miraId)).find((p) => p.id !== firstPayoutId)!;
    expect(pending.stripe_payout_id).toMatch(/^unsubmitted:/);
    expect(await payoutIdOf(s.saleId)).toBe(pending.id);

    const retry = await runPayouts(db, stripe, systemClock).finally(() => chaos({ failure_rate: '0' }));
    expect(retry).toMatchObject({ resubmitted: 1, created: 0, errors: 0 });
    const atStripe = await stripePayouts(miraAcct);
    expect(atStripe).toHaveLength(2);
    const fixed = (await payoutsOf(miraId)).find((p) => p.id === pending.id)!;
    expect(fixed.stripe_payout_id).toBe(atStripe.find((p) => p.amount === 5_000)?.id);
  });

  it('payout events from the connected account move the row to paid through the webhook', async () => {
    expect(await statusOf(firstPayoutId)).toBe('pending');
    await advanceEmulator(3 * 86_400);
    await expect.poll(() => statusOf(firstPayoutId), { timeout: 15_000 }).toBe('paid');
    const events = await withService(db, (tx) =>
      tx
        .selectFrom('stripe_events')
        .select(['type', 'status'])
        .where('account', '=', miraAcct)
        .where('type', 'like', 'payout.%')
        .execute(),
    );
    // payout.updated (status paid) and payout.paid share a second: whichever lands first applies, the other is a
    // no-op; so is payout.created when the create response already stored the same state.
    expect(events.some((e) => e.type === 'payout.updated' && e.status === 'processed')).toBe(true);
    expect(events.some((e) => e.type === 'payout.paid')).toBe(true);
    expect(events.every((e) => e.status === 'processed' || e.status === 'ignored')).toBe(true);
  });

  it('ignores a stale event and a same-second event with an earlier status', async () => {
    const row = (await payoutsOf(miraId)).find((p) => p.id === firstPayoutId)!;
    const po = await stripe.payouts.retrieve(row.stripe_payout_id, {}, { stripeAccount: miraAcct });
    const at = Math.floor(row.stripe_state_at!.getTime() / 1000);
    const event = (id: string, created: number) =>
      ({
        id,
        object: 'event',
        type: 'payout.updated',
        account: miraAcct,
        created,
        data: { object: { ...po, status: 'in_transit' } },
      }) as unknown as Stripe.Event;
    expect(
      await processStripeEvent(db, stripe, app.platform.deps.commerce, event('evt_test_stale_payout', at - 3600)),
    ).toBe('ignored');
    expect(await processStripeEvent(db, stripe, app.platform.deps.commerce, event('evt_test_tie_payout', at))).toBe(
      'ignored',
    );
    expect(await statusOf(firstPayoutId)).toBe('paid');
  });

  it('a failed payout emails the artist and releases its sales into the next payout', async () => {
    const s = await createPaidSale(ctx, { accountId: beaId, priceAmount: 60_000, shippingAmount: 0 });
    await deliveredDaysAgo(s.saleId, 12);
    expect((await runPayouts(db, stripe, systemClock)).created).toBe(1);
    const [row] = await payoutsOf(beaId);
    expect(Number(row.amount)).toBe(30_000);
    expect(await payoutIdOf(s.saleId)).toBe(row.id);

    await advanceEmulator(3 * 86_400);
    await expect.poll(() => statusOf(row.id), { timeout: 15_000 }).toBe('failed');
    const failed = (await payoutsOf(beaId))[0];
    expect(failed.failure_code).toBe('account_closed');
    expect(failed.failure_message).toMatch(/closed/);
    expect(await payoutIdOf(s.saleId)).toBeNull();
    const mail = (await app.mailbox('bea.failing@example.com')).filter(
      (m) => m.template === 'marketplace.payout_failed',
    );
    expect(mail).toHaveLength(1);
    expect(mail[0].text).toContain('EUR 300.00');

    // The returned funds and the released sale go out again in the next run.
    expect((await runPayouts(db, stripe, systemClock)).created).toBe(1);
    const next = (await payoutsOf(beaId)).find((p) => p.id !== row.id)!;
    expect(Number(next.amount)).toBe(30_000);
    expect(await payoutIdOf(s.saleId)).toBe(next.id);
    expect((await stripePayouts(beaAcct)).map((p) => p.status)).toEqual(['pending', 'failed']);
  });

  it('shows each artist only their own payouts and balance (API and RLS)', async () => {
    const own = await mira.get(`/api/marketplace/accounts/${miraId}/payouts`);
    expect(own.status).toBe(200);
    expect(own.body.total).toBe(2);
    expect(own.body.data[0]).toMatchObject({ currency: 'eur' });
    expect(own.body.data.map((p: { salesCount: number }) => p.salesCount).sort()).toEqual([1, 2]);
    expect((await bea.get(`/api/marketplace/accounts/${miraId}/payouts`)).status).toBe(404);
    expect((await bea.get(`/api/marketplace/accounts/${miraId}/balance`)).status).toBe(404);
    expect((await mira.get(`/api/marketplace/accounts/${beaId}/payouts`)).status).toBe(404);
    expect((await admin.get(`/api/marketplace/accounts/${beaId}/payouts`)).body.total).toBe(2);

    const seen = await withUser(db, { sub: beaUserId }, (tx) =>
      tx.selectFrom('marketplace_payouts').select('account_id').execute(),
    );
    expect(seen.length).toBe(2);
    expect(seen.every((r) => r.account_id === beaId)).toBe(true);

    const bal = await mira.get(`/api/marketplace/accounts/${miraId}/balance`);
    expect(bal.status).toBe(200);
    expect(bal.body.balance).toMatchObject({ currency: 'eur', amountOwed: 0, returnWindowDays: 7 });
    expect(bal.body.balance.available).toBeGreaterThan(0);
    // Unpaid: the sale inside its window (16 000) and the undelivered one (11 000); the refunded one never counts.
    expect(bal.body.balance.awaitingPayout).toBe(27_000);
    const next = new Date(bal.body.balance.nextPayoutAt).getTime();
    expect(next).toBeGreaterThan(Date.now() + 4 * DAY);
    expect(next).toBeLessThan(Date.now() + 6 * DAY);
  });

  it('is scheduled hourly and pays out through the job runner', async () => {
    const schedule = await withService(db, (tx) =>
      tx.selectFrom('job_schedules').selectAll().where('name', '=', payoutJob).executeTakeFirst(),
    );
    expect(schedule?.interval_seconds).toBe(3600);
    const s = await createPaidSale(ctx, { accountId: miraId, priceAmount: 8_000, shippingAmount: 0 });
    await deliveredDaysAgo(s.saleId, 30);
    const job = await enqueueJob(db, payoutJob, {});
    await expect
      .poll(
        async () =>
          (
            await withService(db, (tx) =>
              tx.selectFrom('jobs').select('status').where('id', '=', job.id).executeTakeFirstOrThrow(),
            )
          ).status,
        { timeout: 15_000 },
      )
      .toBe('done');
    const payoutId = await payoutIdOf(s.saleId);
    expect(payoutId).toBeTruthy();
    const row = (await payoutsOf(miraId)).find((p) => p.id === payoutId)!;
    expect(Number(row.amount)).toBe(4_000);
  });
});
