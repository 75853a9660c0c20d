import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/app.ts';
import { demoIds, emu, httpClient, onboardedArtist, publishedArtwork } from '../../../test/fixtures/marketplace-buy.ts';
import { fixedClock, systemClock } from '../../clock.ts';
import { orderRef } from '../../commerce/index.ts';
import { withService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { disputeRecoveryJob, runDisputeRecovery } from '../sales/dispute-recovery.ts';
import { markDelivered, markShipped } from '../sales/shipments.ts';
import { getArtistBalance, runPayouts } from './payouts.ts';

// A marketplace artwork is a destination charge: the dispute is on the platform, which bears the loss, so the
// platform's admins are told as well as the artist, and a sale lost to a dispute is never paid out.

let app: TestApp;
let db: DB;
let stripe: Stripe;
let ids: Record<string, string>;
const DAY = 86_400_000;
const ARTIST = 'artist@demo.gallerist.dev';
const PLATFORM_ADMIN = 'admin@demo.gallerist.dev';

async function flush() {
  await emu(app.emulatorUrl, '/_emulator/webhooks/flush');
  await app.settle();
}

/** Buys a fresh original of Mira's through the real checkout route, paying with `card`. */
async function buy(card: string, price: number, artist = 'mira-okafor') {
  const artwork = await publishedArtwork(db, ids[artist], { price, title: `Dispute study ${price}` });
  const r = await httpClient(app.url).post(`/api/marketplace/artworks/${artwork}/checkout`, {
    email: `collector-${price}@example.com`,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const orderId = r.body.orderId as string;
  const order = await withService(db, (tx) =>
    tx.selectFrom('orders').select('stripe_checkout_session_id').where('id', '=', orderId).executeTakeFirstOrThrow(),
  );
  await emu(app.emulatorUrl, `/_emulator/checkout/sessions/${order.stripe_checkout_session_id}/complete`, {
    card_number: card,
  });
  await flush();
  const sale = await withService(db, (tx) =>
    tx
      .selectFrom('marketplace_sales')
      .select(['id', 'artist_amount', 'payout_id'])
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow(),
  );
  return { orderId, saleId: sale.id, artistAmount: Number(sale.artist_amount) };
}

/** Ships and delivers a sale ten days ago, so its return window is over. */
async function deliveredLongAgo(saleId: string) {
  const clock = fixedClock(new Date(Date.now() - 10 * DAY));
  const hooks = app.platform.deps.commerce;
  await withService(db, async (tx) => {
    await markShipped(
      tx,
      { kind: 'test' },
      saleId,
      { carrier: 'UPS', trackingNumber: `1Z${saleId.slice(0, 8)}` },
      {
        clock,
        hooks,
      },
    );
    await markDelivered(tx, { kind: 'test' }, saleId, clock, hooks);
  });
}

const mailsAbout = async (to: string, template: string, orderId: string) =>
  (await app.mailbox(to)).filter((m) => m.template === template && m.subject.includes(orderRef(orderId)));

const payoutOf = (saleId: string) =>
  withService(db, (tx) =>
    tx.selectFrom('marketplace_sales').select('payout_id').where('id', '=', saleId).executeTakeFirstOrThrow(),
  ).then((s) => s.payout_id);

beforeAll(async () => {
  app = await startTestApp();
  db = app.platform.deps.db;
  stripe = app.platform.deps.stripe;
  ids = await demoIds(db);
  await onboardedArtist(db, stripe, app.emulatorUrl, ids['mira-okafor']);
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

describe('disputes on marketplace sales', () => {
  it('tells the artist and the platform admins, refuses the refund, and never pays out a lost sale', async () => {
    const disputed = await buy('4000000000000259', 40_000);
    // Funds available at once, so the payout below has a balance to pay from.
    const clean = await buy('4000000000000077', 30_000);
    const [row] = await withService(db, (tx) =>
      tx.selectFrom('disputes').selectAll().where('order_id', '=', disputed.orderId).execute(),
    );
    expect(row).toMatchObject({ status: 'needs_response', platform_liable: true, account_id: ids['mira-okafor'] });
    expect(await mailsAbout(ARTIST, 'orders.dispute_opened', disputed.orderId)).toHaveLength(1);
    const platform = await mailsAbout(PLATFORM_ADMIN, 'orders.dispute_opened_platform', disputed.orderId);
    expect(platform).toHaveLength(1);
    expect(platform[0].text).toContain('platform account bears the loss');

    // The artist's refund goes through commerce, which refuses a charge under a chargeback.
    const artist = httpClient(app.url);
    await artist.signIn(ARTIST);
    const refused = await artist.post(`/api/marketplace/sales/${disputed.saleId}/refunds`, { reason: 'Changed mind' });
    expect(refused.status).toBe(409);

    await stripe.disputes.close(row.stripe_dispute_id);
    await flush();
    expect(await mailsAbout(ARTIST, 'orders.dispute_closed', disputed.orderId)).toHaveLength(1);
    expect(await mailsAbout(PLATFORM_ADMIN, 'orders.dispute_closed_platform', disputed.orderId)).toHaveLength(1);

    await deliveredLongAgo(disputed.saleId);
    await deliveredLongAgo(clean.saleId);
    const before = await getArtistBalance(db, stripe, ids['mira-okafor'], systemClock);
    expect(before.awaitingPayout).toBe(clean.artistAmount);
    const run = await runPayouts(db, stripe, systemClock);
    expect(run).toMatchObject({ created: 1, errors: 0, failed: 0, amount: clean.artistAmount });
    expect(await payoutOf(clean.saleId)).not.toBeNull();
    expect(await payoutOf(disputed.saleId)).toBeNull();
    expect((await runPayouts(db, stripe, systemClock)).created).toBe(0);
  });

  it('takes the artist’s share of a lost sale back from the transfer, once, even when the job is replayed', async () => {
    const sale = await buy('4000000000000259', 36_000);
    const [d] = await withService(db, (tx) =>
      tx.selectFrom('disputes').selectAll().where('order_id', '=', sale.orderId).execute(),
    );
    const { stripe_transfer_id: transferId } = await withService(db, (tx) =>
      tx
        .selectFrom('marketplace_sales')
        .select('stripe_transfer_id')
        .where('id', '=', sale.saleId)
        .executeTakeFirstOrThrow(),
    );
    expect(transferId).toMatch(/^tr_/);
    const account = (await stripe.transfers.retrieve(transferId!)).destination as string;
    const held = async () => {
      const b = await stripe.balance.retrieve({}, { stripeAccount: account });
      return [...b.available, ...b.pending].filter((x) => x.currency === 'eur').reduce((a, x) => a + x.amount, 0);
    };
    const before = await held();

    await stripe.disputes.close(d.stripe_dispute_id);
    await flush();
    const recoveries = () =>
      withService(db, (tx) =>
        tx.selectFrom('marketplace_dispute_recoveries').selectAll().where('sale_id', '=', sale.saleId).execute(),
      );
    const [r] = await recoveries();
    // The disputed amount less the platform fee's share: exactly what the artist received.
    expect({ status: r.status, amount: Number(r.amount), owed: Number(r.amount_owed) }).toEqual({
      status: 'reversed',
      amount: sale.artistAmount,
      owed: 0,
    });
    const reversals = async () => (await stripe.transfers.listReversals(transferId!)).data;
    expect((await reversals()).map((x) => x.amount)).toEqual([sale.artistAmount]);
    expect((await reversals())[0].id).toBe(r.stripe_transfer_reversal_id);
    expect(await held()).toBe(before - sale.artistAmount);
    const mail = await mailsAbout(ARTIST, 'orders.dispute_closed', sale.orderId);
    expect(mail).toHaveLength(1);
    expect(mail[0].text).toContain('taken back from your Stripe balance');

    // The closing delivered again changes nothing; a crash after Stripe's answer replays the same reversal.
    const closedEvents = await stripe.events.list({ type: 'charge.dispute.closed', limit: 100 });
    const closedEvent = closedEvents.data.find((e) => (e.data.object as Stripe.Dispute).id === d.stripe_dispute_id);
    expect(closedEvent).toBeDefined();
    const payload = JSON.stringify(closedEvent);
    const secret = app.platform.deps.config.webhookSecrets[0];
    const redelivered = await fetch(`${app.url}/api/webhooks/stripe`, {
      method: 'POST',
      body: payload,
      headers: { 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret }) },
    });
    expect(redelivered.status).toBe(200);
    await app.settle();
    await withService(db, (tx) =>
      tx
        .updateTable('marketplace_dispute_recoveries')
        .set({ status: 'pending', stripe_transfer_reversal_id: null })
        .where('id', '=', r.id)
        .execute(),
    );
    await runDisputeRecovery(db, stripe, systemClock, r.id);
    expect(await recoveries()).toHaveLength(1);
    expect((await recoveries())[0]).toMatchObject({
      status: 'reversed',
      stripe_transfer_reversal_id: r.stripe_transfer_reversal_id,
    });
    expect(await reversals()).toHaveLength(1);
    expect(await held()).toBe(before - sale.artistAmount);
    const jobs = await withService(db, (tx) =>
      tx.selectFrom('jobs').select('status').where('name', '=', disputeRecoveryJob).execute(),
    );
    expect(jobs.length).toBeGreaterThanOrEqual(1);
    expect(jobs.every((j) => j.status === 'done')).toBe(true);
    const audit = await withService(db, (tx) =>
      tx
        .selectFrom('audit_events')
        .select('action')
        .where('entity_id', '=', sale.saleId)
        .where('action', 'like', 'sale.dispute_%')
        .execute(),
    );
    // Requested once; recorded again only by the simulated crash's replay above.
    expect(audit.filter((a) => a.action === 'sale.dispute_recovery_requested')).toHaveLength(1);
    expect(audit.some((a) => a.action === 'sale.dispute_recovered')).toBe(true);
  });

  // Another artist's sale, so the owing it leaves doesn't reach the other tests' balances.
  it('records what the artist owes when a sale already paid out is lost to a dispute later', async () => {
    await onboardedArtist(db, stripe, app.emulatorUrl, ids['lena-ferreira']);
    const sale = await buy('4000000000000077', 28_000, 'lena-ferreira');
    await deliveredLongAgo(sale.saleId);
    const run = await runPayouts(db, stripe, systemClock);
    expect(run, JSON.stringify(run)).toMatchObject({ errors: 0, created: 1 });
    expect(await payoutOf(sale.saleId)).not.toBeNull();
    const { stripe_charge_id: chargeId } = await withService(db, (tx) =>
      tx
        .selectFrom('marketplace_sales')
        .select('stripe_charge_id')
        .where('id', '=', sale.saleId)
        .executeTakeFirstOrThrow(),
    );
    // Months later the cardholder disputes, and the platform loses.
    const opened = await emu(app.emulatorUrl, `/_emulator/charges/${chargeId}/dispute`, { kind: 'fraudulent' });
    await flush();
    await stripe.disputes.close(opened.id);
    await flush();
    const [r] = await withService(db, (tx) =>
      tx.selectFrom('marketplace_dispute_recoveries').selectAll().where('sale_id', '=', sale.saleId).execute(),
    );
    expect(r.status).toBe('reversed');
    expect(Number(r.amount)).toBe(sale.artistAmount);
    // The payout emptied the balance, so the whole reversal is owed and Stripe nets it against later funds.
    expect(Number(r.amount_owed)).toBe(sale.artistAmount);
    const balance = await getArtistBalance(db, stripe, ids['lena-ferreira'], systemClock);
    expect(balance.amountOwed).toBeGreaterThanOrEqual(sale.artistAmount);
  });

  it('holds an open dispute’s sale until it is won, then pays it out', async () => {
    const sale = await buy('4000000000002685', 25_000);
    await deliveredLongAgo(sale.saleId);
    // Its funds leave the connected account's pending balance after a few days (the dispute is due in seven).
    await emu(app.emulatorUrl, '/_emulator/clock/advance', { seconds: String(3 * 86_400) });
    await flush();
    const balance = await getArtistBalance(db, stripe, ids['mira-okafor'], systemClock);
    expect(balance.available).toBeGreaterThanOrEqual(sale.artistAmount);
    expect((await runPayouts(db, stripe, systemClock)).created).toBe(0);
    expect(await payoutOf(sale.saleId)).toBeNull();
    const [d] = (
      await stripe.disputes.list({
        payment_intent: (
          await withService(db, (tx) =>
            tx
              .selectFrom('orders')
              .select('stripe_payment_intent_id')
              .where('id', '=', sale.orderId)
              .executeTakeFirstOrThrow(),
          )
        ).stripe_payment_intent_id!,
      })
    ).data;
    await stripe.disputes.update(d.id, { evidence: { uncategorized_text: 'winning_evidence' } });
    await flush();
    const run = await runPayouts(db, stripe, systemClock);
    expect(run).toMatchObject({ created: 1, amount: sale.artistAmount });
    expect(await payoutOf(sale.saleId)).not.toBeNull();
  });
});
