import fc from 'fast-check';
import type Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stripeFee } from './core/cards.ts';
import { balanceOf, destinationCharge, onboardedAccount } from './testing/connect-helpers.ts';
import type { TestEmulator } from './testing/helpers.ts';
import { createSession, setupEmulator } from './testing/helpers.ts';

let t: TestEmulator;
let stripe: Stripe;

beforeAll(async () => {
  t = await setupEmulator({ autoAdvance: false });
  stripe = t.stripe;
});
afterAll(() => t.emu.stop());
beforeEach(() => t.emu.reset());

const types = async (account?: string) =>
  (await stripe.events.list({ limit: 100 }, account ? { stripeAccount: account } : {})).data.map((e) => e.type);

describe('destination charges', () => {
  it('a paid Checkout session transfers amount − fee and records the application fee', async () => {
    const artist = await onboardedAccount(t);
    const s = await createSession(
      stripe,
      { payment_intent_data: { application_fee_amount: 1000, transfer_data: { destination: artist.id } } },
      10000,
    );
    expect((await t.post(`/_emulator/checkout/sessions/${s.id}/complete`)).status).toBe(200);
    const pi = await stripe.paymentIntents.retrieve(
      (await stripe.checkout.sessions.retrieve(s.id)).payment_intent as string,
    );
    const charge = await stripe.charges.retrieve(pi.latest_charge as string, {
      expand: ['transfer', 'application_fee'],
    });
    const tr = charge.transfer as Stripe.Transfer;
    const fee = charge.application_fee as Stripe.ApplicationFee;
    expect(tr).toMatchObject({ amount: 9000, destination: artist.id, source_transaction: charge.id, reversed: false });
    expect(tr.id).toMatch(/^tr_/);
    expect(tr.destination_payment).toMatch(/^py_/);
    expect(fee).toMatchObject({ amount: 1000, account: artist.id, charge: charge.id, amount_refunded: 0 });
    expect(charge).toMatchObject({ application_fee_amount: 1000, transfer_data: { destination: artist.id } });
    expect(charge.transfer_group).toBe(`group_${pi.id}`);
    const py = await stripe.charges.retrieve(tr.destination_payment as string, {}, { stripeAccount: artist.id });
    expect(py).toMatchObject({ amount: 9000, source_transfer: tr.id });
    const net = 1000 - stripeFee(10000, 'usd');
    expect(await balanceOf(stripe)).toEqual({ available: 0, pending: net });
    expect(await balanceOf(stripe, artist.id)).toEqual({ available: 0, pending: 9000 });
    expect(await types()).toEqual(expect.arrayContaining(['transfer.created', 'application_fee.created']));
    const txns = await stripe.balanceTransactions.list({ type: 'payment' }, { stripeAccount: artist.id });
    expect(txns.data.map((x) => [x.amount, x.source, x.status])).toEqual([[9000, py.id, 'pending']]);
    await t.post('/_emulator/clock/advance', { seconds: 2 * 86400 });
    expect(await balanceOf(stripe)).toEqual({ available: net, pending: 0 });
    expect(await balanceOf(stripe, artist.id)).toEqual({ available: 9000, pending: 0 });
  });

  it('uses transfer_data.amount when given and validates destinations like Stripe', async () => {
    const artist = await onboardedAccount(t);
    const pi = await stripe.paymentIntents.create({
      amount: 5000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      transfer_data: { destination: artist.id, amount: 4000 },
    });
    const charge = await stripe.charges.retrieve(pi.latest_charge as string, { expand: ['transfer'] });
    expect((charge.transfer as Stripe.Transfer).amount).toBe(4000);
    expect(charge.application_fee).toBeNull();
    const missing = await destinationCharge(stripe, 'acct_nope', 5000, 100).catch((e) => e);
    expect([missing.statusCode, missing.param]).toEqual([400, 'transfer_data[destination]']);
    const fresh = await stripe.accounts.create({ type: 'express', capabilities: { transfers: { requested: true } } });
    const notReady = await createSession(stripe, {
      payment_intent_data: { transfer_data: { destination: fresh.id } },
    }).catch((e) => e);
    expect([notReady.statusCode, notReady.param, notReady.code]).toEqual([
      400,
      'payment_intent_data[transfer_data][destination]',
      'insufficient_capabilities_for_transfer',
    ]);
    const noDest = await stripe.paymentIntents
      .create({ amount: 5000, currency: 'usd', application_fee_amount: 100 })
      .catch((e) => e);
    expect(noDest.param).toBe('application_fee_amount');
  });

  it('refunds with reverse_transfer and refund_application_fee reverse proportionally, exactly in total', async () => {
    const artist = await onboardedAccount(t);
    const pi = await destinationCharge(stripe, artist.id, 10000, 1000);
    const r1 = await stripe.refunds.create({
      payment_intent: pi.id,
      amount: 3000,
      reverse_transfer: true,
      refund_application_fee: true,
    });
    expect(r1.transfer_reversal).toMatch(/^trr_/);
    const rev = await stripe.transfers.retrieveReversal(
      (await stripe.charges.retrieve(pi.latest_charge as string)).transfer as string,
      r1.transfer_reversal as string,
    );
    expect(rev).toMatchObject({ amount: 2700, source_refund: r1.id });
    const pyr = await stripe.refunds.retrieve(
      rev.destination_payment_refund as string,
      {},
      { stripeAccount: artist.id },
    );
    expect(pyr).toMatchObject({ amount: 2700, source_transfer_reversal: rev.id });
    await stripe.refunds.create({ payment_intent: pi.id, reverse_transfer: true, refund_application_fee: true });
    const charge = await stripe.charges.retrieve(pi.latest_charge as string, {
      expand: ['transfer', 'application_fee'],
    });
    expect(charge.transfer).toMatchObject({ amount_reversed: 9000, reversed: true });
    const fee = charge.application_fee as Stripe.ApplicationFee;
    expect(fee).toMatchObject({ amount_refunded: 1000, refunded: true });
    expect((await stripe.applicationFees.listRefunds(fee.id)).data.map((r) => r.amount)).toEqual([700, 300]);
    const a = await balanceOf(stripe, artist.id);
    expect(a.available + a.pending).toBe(0);
    const p = await balanceOf(stripe);
    expect(p.available + p.pending).toBe(-stripeFee(10000, 'usd'));
    expect(await types()).toEqual(expect.arrayContaining(['transfer.reversed', 'application_fee.refunded']));
  });

  it('property: reversals sum to the transfer and fee refunds to the fee for any refund split', async () => {
    const artist = await onboardedAccount(t);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 100, max: 200000 }),
        fc.integer({ min: 0, max: 60 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 5 }),
        async (amount, pct, weights) => {
          const feeAmount = Math.floor((amount * pct) / 100);
          const pi = await destinationCharge(stripe, artist.id, amount, feeAmount);
          const total = weights.reduce((s, w) => s + w, 0);
          const parts = weights.map((w) => Math.floor((amount * w) / total)).filter((x) => x > 0);
          parts[parts.length - 1] += amount - parts.reduce((s, x) => s + x, 0);
          let refunded = 0;
          let prevReversed = 0;
          for (const part of parts) {
            await stripe.refunds.create({
              payment_intent: pi.id,
              amount: part,
              reverse_transfer: true,
              refund_application_fee: true,
            });
            refunded += part;
            const ch = await stripe.charges.retrieve(pi.latest_charge as string, { expand: ['transfer'] });
            const tr = ch.transfer as Stripe.Transfer;
            // Each cumulative reversal is within one minor unit of the exact proportional share.
            expect(Math.abs(tr.amount_reversed - (refunded * tr.amount) / amount)).toBeLessThanOrEqual(0.5);
            expect(tr.amount_reversed).toBeGreaterThanOrEqual(prevReversed);
            prevReversed = tr.amount_reversed;
          }
          const ch = await stripe.charges.retrieve(pi.latest_charge as string, {
            expand: ['transfer', 'application_fee'],
          });
          const tr = ch.transfer as Stripe.Transfer;
          expect(tr.amount).toBe(amount - feeAmount);
          expect(tr.amount_reversed).toBe(tr.amount);
          const reversals = await stripe.transfers.listReversals(tr.id, { limit: 100 });
          expect(reversals.data.reduce((s, r) => s + r.amount, 0)).toBe(tr.amount);
          if (feeAmount > 0) {
            const fee = ch.application_fee as Stripe.ApplicationFee;
            const refunds = await stripe.applicationFees.listRefunds(fee.id, { limit: 100 });
            expect(refunds.data.reduce((s, r) => s + r.amount, 0)).toBe(feeAmount);
            expect(fee.amount_refunded).toBe(feeAmount);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('refunds application fees through the API and takes direct-charge fees from the connected account', async () => {
    const artist = await onboardedAccount(t);
    const pi = await destinationCharge(stripe, artist.id, 10000, 1000);
    const feeId = (await stripe.charges.retrieve(pi.latest_charge as string)).application_fee as string;
    const fr = await stripe.applicationFees.createRefund(feeId, { amount: 400, metadata: { why: 'goodwill' } });
    expect(fr).toMatchObject({ object: 'fee_refund', amount: 400, fee: feeId, metadata: { why: 'goodwill' } });
    expect(await balanceOf(stripe, artist.id)).toEqual({ available: 400, pending: 9000 });
    expect((await stripe.applicationFees.createRefund(feeId, { amount: 700 }).catch((e) => e)).statusCode).toBe(400);
    expect((await stripe.applicationFees.retrieveRefund(feeId, fr.id)).amount).toBe(400);
    expect((await stripe.applicationFees.list({ charge: pi.latest_charge as string })).data).toHaveLength(1);
    const direct = await stripe.paymentIntents.create(
      { amount: 5000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, application_fee_amount: 500 },
      { stripeAccount: artist.id },
    );
    const ch = await stripe.charges.retrieve(
      direct.latest_charge as string,
      { expand: ['balance_transaction'] },
      { stripeAccount: artist.id },
    );
    const txn = ch.balance_transaction as Stripe.BalanceTransaction;
    expect(txn.fee).toBe(stripeFee(5000, 'usd') + 500);
    expect(txn.fee_details.map((f) => f.type)).toEqual(['stripe_fee', 'application_fee']);
    const fee = await stripe.applicationFees.retrieve(ch.application_fee as string);
    expect(fee).toMatchObject({ amount: 500, account: artist.id });
    const platformFeeTxn = await stripe.balanceTransactions.retrieve(fee.balance_transaction as string);
    expect(platformFeeTxn).toMatchObject({ type: 'application_fee', amount: 500 });
  });
});

describe('transfers', () => {
  it('needs available balance, reverses partially and fully, and refuses over-reversal', async () => {
    const artist = await onboardedAccount(t);
    const params = { amount: 5000, currency: 'usd', destination: artist.id };
    const short = await stripe.transfers.create(params).catch((e) => e);
    expect([short.statusCode, short.type, short.code]).toEqual([
      400,
      'StripeInvalidRequestError',
      'balance_insufficient',
    ]);
    await stripe.paymentIntents.create({
      amount: 10000,
      currency: 'usd',
      payment_method: 'pm_card_bypassPending',
      confirm: true,
    });
    const available = 10000 - stripeFee(10000, 'usd');
    expect(await balanceOf(stripe)).toEqual({ available, pending: 0 });
    const tr = await stripe.transfers.create({ ...params, transfer_group: 'order_1', metadata: { order: '1' } });
    expect(tr).toMatchObject({ amount: 5000, amount_reversed: 0, transfer_group: 'order_1', source_transaction: null });
    expect(await balanceOf(stripe)).toEqual({ available: available - 5000, pending: 0 });
    expect(await balanceOf(stripe, artist.id)).toEqual({ available: 5000, pending: 0 });
    const rev1 = await stripe.transfers.createReversal(tr.id, { amount: 2000 });
    expect(rev1).toMatchObject({ object: 'transfer_reversal', amount: 2000, transfer: tr.id });
    const over = await stripe.transfers.createReversal(tr.id, { amount: 4000 }).catch((e) => e);
    expect([over.statusCode, over.param]).toEqual([400, 'amount']);
    const rev2 = await stripe.transfers.createReversal(tr.id);
    expect(rev2.amount).toBe(3000);
    expect(await stripe.transfers.retrieve(tr.id)).toMatchObject({ amount_reversed: 5000, reversed: true });
    expect((await stripe.transfers.listReversals(tr.id)).data.map((r) => r.id)).toEqual([rev2.id, rev1.id]);
    expect(await balanceOf(stripe, artist.id)).toEqual({ available: 0, pending: 0 });
    const upd = await stripe.transfers.update(tr.id, { metadata: { note: 'x' } });
    expect(upd.metadata).toEqual({ order: '1', note: 'x' });
    expect((await stripe.transfers.list({ destination: artist.id })).data).toHaveLength(1);
    expect((await stripe.transfers.list({ destination: 'acct_other' })).data).toHaveLength(0);
    expect(await types()).toEqual(
      expect.arrayContaining(['transfer.created', 'transfer.updated', 'transfer.reversed']),
    );
  });

  it('allows source_transaction transfers from pending funds and rejects unusable destinations', async () => {
    const artist = await onboardedAccount(t);
    const pi = await stripe.paymentIntents.create({
      amount: 3000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const tr = await stripe.transfers.create({
      amount: 2000,
      currency: 'usd',
      destination: artist.id,
      source_transaction: pi.latest_charge as string,
    });
    expect(tr.source_transaction).toBe(pi.latest_charge);
    expect(await balanceOf(stripe, artist.id)).toEqual({ available: 0, pending: 2000 });
    const fresh = await stripe.accounts.create({ type: 'express', capabilities: { transfers: { requested: true } } });
    const bad = await stripe.transfers
      .create({ amount: 100, currency: 'usd', destination: fresh.id, source_transaction: pi.latest_charge as string })
      .catch((e) => e);
    expect(bad.code).toBe('insufficient_capabilities_for_transfer');
  });
});
