import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { stripeFee } from './core/cards.ts';
import { balanceOf, destinationCharge, onboardedAccount } from './testing/connect-helpers.ts';
import { emulatorForFile } from './testing/file-emulator.ts';
import { createSession } from './testing/helpers.ts';

const t = await emulatorForFile({ autoAdvance: false });
const stripe = t.stripe;

const advance = (seconds: number) => t.post('/_emulator/clock/advance', { seconds });

/** An onboarded account with `amount` available (a matured destination charge without a fee). */
async function fundedAccount(amount: number, fields: Record<string, string> = {}): Promise<Stripe.Account> {
  const a = await onboardedAccount(t, fields);
  await destinationCharge(stripe, a.id, amount, null);
  await advance(2 * 86400);
  return a;
}

describe('payouts', () => {
  it('moves pending → in_transit → paid on the emulator clock with connect events', async () => {
    const r = await t.receiver();
    await stripe.webhookEndpoints.create({ url: r.url, enabled_events: ['*'], connect: true });
    const a = await fundedAccount(9000);
    const opts = { stripeAccount: a.id };
    const short = await stripe.payouts.create({ amount: 9001, currency: 'usd' }, opts).catch((e) => e);
    expect([short.statusCode, short.code]).toEqual([400, 'balance_insufficient']);
    const po = await stripe.payouts.create({ amount: 4000, currency: 'usd', metadata: { run: '1' } }, opts);
    expect(po).toMatchObject({ status: 'pending', amount: 4000, method: 'standard', automatic: false });
    expect(po.arrival_date - po.created).toBe(2 * 86400);
    expect(po.destination).toBe(a.external_accounts?.data[0].id);
    expect(await balanceOf(stripe, a.id)).toEqual({ available: 5000, pending: 0 });
    await advance(3601);
    expect((await stripe.payouts.retrieve(po.id, {}, opts)).status).toBe('in_transit');
    await advance(2 * 86400);
    expect((await stripe.payouts.retrieve(po.id, {}, opts)).status).toBe('paid');
    expect((await stripe.payouts.list({ status: 'paid' }, opts)).data.map((p) => p.id)).toEqual([po.id]);
    expect((await stripe.payouts.list({ status: 'pending' }, opts)).data).toHaveLength(0);
    await t.post('/_emulator/webhooks/flush');
    const payoutEvents = r.received.filter((x) => x.event.type.startsWith('payout.'));
    expect(payoutEvents.map((x) => [x.event.type, x.event.data.object.status])).toEqual([
      ['payout.created', 'pending'],
      ['payout.updated', 'in_transit'],
      ['payout.updated', 'paid'],
      ['payout.paid', 'paid'],
    ]);
    expect(payoutEvents.every((x) => x.event.account === a.id)).toBe(true);
    const txns = await stripe.balanceTransactions.list({ payout: po.id }, opts);
    expect(txns.data.map((x) => [x.type, x.amount])).toEqual([['payout', -4000]]);
  });

  it('cancels pending payouts (funds return) and fails payouts to the failing test account', async () => {
    const a = await fundedAccount(5000);
    const opts = { stripeAccount: a.id };
    const po = await stripe.payouts.create({ amount: 3000, currency: 'usd' }, opts);
    const canceled = await stripe.payouts.cancel(po.id, {}, opts);
    expect(canceled.status).toBe('canceled');
    expect(await balanceOf(stripe, a.id)).toEqual({ available: 5000, pending: 0 });
    expect((await stripe.payouts.cancel(po.id, {}, opts).catch((e) => e)).statusCode).toBe(400);
    const types = (await stripe.events.list({}, opts)).data.map((e) => e.type);
    expect(types).toContain('payout.canceled');
    const failing = await fundedAccount(5000, { account_number: '000111111116' });
    const fo = { stripeAccount: failing.id };
    const bad = await stripe.payouts.create({ amount: 5000, currency: 'usd' }, fo);
    expect(await balanceOf(stripe, failing.id)).toEqual({ available: 0, pending: 0 });
    await advance(3 * 86400);
    const failed = await stripe.payouts.retrieve(bad.id, {}, fo);
    expect(failed).toMatchObject({ status: 'failed', failure_code: 'account_closed' });
    expect(failed.failure_balance_transaction).toMatch(/^txn_/);
    expect(await balanceOf(stripe, failing.id)).toEqual({ available: 5000, pending: 0 });
    expect((await stripe.events.list({ type: 'payout.failed' }, fo)).data).toHaveLength(1);
  });

  it('pays out the platform balance once charges mature', async () => {
    await stripe.paymentIntents.create({
      amount: 10000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      allowed_payment_method_types: ['card'],
      confirm: true,
    });
    const net = 10000 - stripeFee(10000, 'usd');
    expect(await balanceOf(stripe)).toEqual({ available: 0, pending: net });
    const early = await stripe.payouts.create({ amount: 100, currency: 'usd' }).catch((e) => e);
    expect(early.code).toBe('balance_insufficient');
    await advance(2 * 86400 - 10);
    expect((await balanceOf(stripe)).pending).toBe(net);
    await advance(10);
    expect(await balanceOf(stripe)).toEqual({ available: net, pending: 0 });
    const po = await stripe.payouts.create({ amount: net, currency: 'usd' });
    expect(po.destination).toMatch(/^ba_/);
    expect(await balanceOf(stripe)).toEqual({ available: 0, pending: 0 });
    const charges = await stripe.balanceTransactions.list({ type: 'charge' });
    expect(charges.data[0]).toMatchObject({ status: 'available', net });
  });
});

describe('dashboard', () => {
  it('renders payments, accounts, transfers, payouts, events and deliveries with JSON links', async () => {
    const r = await t.receiver();
    await stripe.webhookEndpoints.create({ url: r.url, enabled_events: ['*'] });
    const a = await fundedAccount(7000);
    const po = await stripe.payouts.create({ amount: 1000, currency: 'usd' }, { stripeAccount: a.id });
    const s = await createSession(stripe);
    await t.post(`/_emulator/checkout/sessions/${s.id}/complete`);
    const session = await stripe.checkout.sessions.retrieve(s.id);
    const refund = await stripe.refunds.create({ payment_intent: session.payment_intent as string, amount: 500 });
    await t.post('/_emulator/webhooks/flush');
    const tr = (await stripe.transfers.list()).data[0];
    const html = await (await fetch(`${t.emu.url}/_emulator/dashboard`)).text();
    for (const id of ['payments', 'refunds', 'accounts', 'transfers', 'payouts', 'events', 'deliveries']) {
      expect(html).toContain(`<section id="${id}">`);
    }
    for (const id of [session.payment_intent as string, refund.id, a.id, tr.id, po.id]) {
      expect(html).toContain(`href="/_emulator/objects/${id}"`);
    }
    expect(html).toContain('checkout.session.completed');
    expect(html).toContain('onboarded');
    const json = await t.get(`/_emulator/objects/${tr.id}`);
    expect(json.body).toMatchObject({ id: tr.id, object: 'transfer' });
    expect((await t.get('/_emulator/objects/nope')).status).toBe(404);
  });
});
