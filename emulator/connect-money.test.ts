import fc from 'fast-check';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { stripeFee } from './core/cards.ts';
import { balanceOf, destinationCharge, fixedTransferCharge, onboardedAccount } from './testing/connect-helpers.ts';
import { emulatorForFile } from './testing/file-emulator.ts';
import { createSession } from './testing/helpers.ts';

const t = await emulatorForFile({ autoAdvance: false });
const stripe = t.stripe;

const types = async (account?: string) =>
  (await stripe.events.list({ limit: 100 }, account ? { stripeAccount: account } : {})).data.map((e) => e.type);

describe('destination charges', () => {
  it('a paid Checkout session transfers the full amount and collects the fee back from the account', async () => {
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
    expect(tr).toMatchObject({ amount: 10000, destination: artist.id, source_transaction: charge.id, reversed: false });
    expect(tr.id).toMatch(/^tr_/);
    expect(tr.destination_payment).toMatch(/^py_/);
    const py = await stripe.charges.retrieve(tr.destination_payment as string, {}, { stripeAccount: artist.id });
    expect(py).toMatchObject({ amount: 10000, source_transfer: tr.id, application_fee: fee.id });
    expect(fee).toMatchObject({
      amount: 1000,
      account: artist.id,
      charge: py.id,
      originating_transaction: charge.id,
      amount_refunded: 0,
    });
    expect(charge).toMatchObject({ application_fee_amount: 1000, transfer_data: { destination: artist.id } });
    expect(charge.transfer_group).toBe(`group_${pi.id}`);
    const net = 1000 - stripeFee(10000, 'usd');
    expect(await balanceOf(stripe)).toEqual({ available: 0, pending: net });
    expect(await balanceOf(stripe, artist.id)).toEqual({ available: 0, pending: 9000 });
    expect(await types()).toEqual(expect.arrayContaining(['transfer.created', 'application_fee.created']));
    const artistTxns = await stripe.balanceTransactions.list({}, { stripeAccount: artist.id });
    expect(artistTxns.data.map((x) => [x.type, x.amount, x.net, x.source, x.status])).toEqual([
      ['application_fee', -1000, -1000, fee.id, 'pending'],
      ['payment', 10000, 10000, py.id, 'pending'],
    ]);
    const platformFeeTxn = await stripe.balanceTransactions.retrieve(fee.balance_transaction as string);
    expect(platformFeeTxn).toMatchObject({ type: 'application_fee', amount: 1000, source: fee.id, status: 'pending' });
    const transferTxn = await stripe.balanceTransactions.retrieve(tr.balance_transaction as string);
    expect(transferTxn).toMatchObject({ type: 'transfer', amount: -10000, source: tr.id });
    await t.post('/_emulator/clock/advance', { seconds: 2 * 86400 });
    expect(await balanceOf(stripe)).toEqual({ available: net, pending: 0 });
    expect(await balanceOf(stripe, artist.id)).toEqual({ available: 9000, pending: 0 });
  });

  it('transfers transfer_data.amount without a fee, and validates destinations like Stripe', async () => {
    const artist = await onboardedAccount(t);
    const pi = await fixedTransferCharge(stripe, artist.id, 5000, 4000);
    const charge = await stripe.charges.retrieve(pi.latest_charge as string, { expand: ['transfer'] });
    expect((charge.transfer as Stripe.Transfer).amount).toBe(4000);
    expect([charge.application_fee, charge.application_fee_amount]).toEqual([null, null]);
    expect(await balanceOf(stripe, artist.id)).toEqual({ available: 0, pending: 4000 });
    expect(await balanceOf(stripe)).toEqual({ available: 0, pending: 1000 - stripeFee(5000, 'usd') });
    const artistTypes = (await stripe.balanceTransactions.list({}, { stripeAccount: artist.id })).data.map(
      (x) => x.type,
    );
    expect(artistTypes).toEqual(['payment']);
    const both = await stripe.paymentIntents
      .create({
        amount: 5000,
        currency: 'usd',
        application_fee_amount: 500,
        transfer_data: { destination: artist.id, amount: 4000 },
      })
      .catch((e) => e);
    expect([both.statusCode, both.param]).toEqual([400, 'application_fee_amount']);
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

  it('reverses a transfer_data.amount transfer in proportion to the refund', async () => {
    const artist = await onboardedAccount(t);
    const pi = await fixedTransferCharge(stripe, artist.id, 5000, 4000);
    const r = await stripe.refunds.create({ payment_intent: pi.id, amount: 1000, reverse_transfer: true });
    const tr = await stripe.transfers.retrieve(
      (await stripe.charges.retrieve(pi.latest_charge as string)).transfer as string,
    );
    expect(tr.amount_reversed).toBe(800);
    expect((await stripe.transfers.retrieveReversal(tr.id, r.transfer_reversal as string)).amount).toBe(800);
    const a = await balanceOf(stripe, artist.id);
    expect(a.available + a.pending).toBe(3200);
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
    expect(rev).toMatchObject({ amount: 3000, source_refund: r1.id });
    const pyr = await stripe.refunds.retrieve(
      rev.destination_payment_refund as string,
      {},
      { stripeAccount: artist.id },
    );
    expect(pyr).toMatchObject({ amount: 3000, source_transfer_reversal: rev.id });
    // The account gives back its 3000 share of the transfer and gets 300 of the fee back: 9000 − 2700.
    const mid = await balanceOf(stripe, artist.id);
    expect(mid.available + mid.pending).toBe(6300);
    await stripe.refunds.create({ payment_intent: pi.id, reverse_transfer: true, refund_application_fee: true });
    const charge = await stripe.charges.retrieve(pi.latest_charge as string, {
      expand: ['transfer', 'application_fee'],
    });
    expect(charge.transfer).toMatchObject({ amount_reversed: 10000, reversed: true });
    const fee = charge.application_fee as Stripe.ApplicationFee;
    expect(fee).toMatchObject({ amount_refunded: 1000, refunded: true });
    expect((await stripe.applicationFees.listRefunds(fee.id)).data.map((r) => r.amount)).toEqual([700, 300]);
    const a = await balanceOf(stripe, artist.id);
    expect(a.available + a.pending).toBe(0);
    const p = await balanceOf(stripe);
    expect(p.available + p.pending).toBe(-stripeFee(10000, 'usd'));
    expect(await types()).toEqual(expect.arrayContaining(['transfer.reversed', 'application_fee.refunded']));
  });

  it('reverse_transfer without refund_application_fee makes the account bear the refund; the platform keeps the fee', async () => {
    const artist = await onboardedAccount(t);
    const pi = await destinationCharge(stripe, artist.id, 10000, 1000);
    const r = await stripe.refunds.create({ payment_intent: pi.id, amount: 4000, reverse_transfer: true });
    const ch = await stripe.charges.retrieve(pi.latest_charge as string, { expand: ['transfer', 'application_fee'] });
    expect((ch.transfer as Stripe.Transfer).amount_reversed).toBe(4000);
    expect((ch.application_fee as Stripe.ApplicationFee).amount_refunded).toBe(0);
    expect(r.transfer_reversal).toMatch(/^trr_/);
    const a = await balanceOf(stripe, artist.id);
    expect(a.available + a.pending).toBe(5000);
    const p = await balanceOf(stripe);
    expect(p.available + p.pending).toBe(1000 - stripeFee(10000, 'usd'));
  });

  it('property: reversals and fee refunds are proportional, exact in total, and net the account to zero', async () => {
    const artist = await onboardedAccount(t);
    const total = async (account?: string) => {
      const b = await balanceOf(stripe, account);
      return b.available + b.pending;
    };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 100, max: 200000 }),
        fc.integer({ min: 0, max: 60 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        async (amount, pct, weights, fixed) => {
          const feeAmount = Math.floor((amount * pct) / 100);
          const [artist0, platform0] = [await total(artist.id), await total()];
          // `fixed` keeps the platform's cut with transfer_data[amount] instead of an application fee.
          const pi = fixed
            ? await fixedTransferCharge(stripe, artist.id, amount, amount - feeAmount)
            : await destinationCharge(stripe, artist.id, amount, feeAmount);
          const kept = amount - feeAmount;
          expect(await total(artist.id)).toBe(artist0 + kept);
          const sum = weights.reduce((s, w) => s + w, 0);
          const parts = weights.map((w) => Math.floor((amount * w) / sum)).filter((x) => x > 0);
          parts[parts.length - 1] += amount - parts.reduce((s, x) => s + x, 0);
          let refunded = 0;
          let prevReversed = 0;
          let prevFeeRefunded = 0;
          for (const part of parts) {
            await stripe.refunds.create({
              payment_intent: pi.id,
              amount: part,
              reverse_transfer: true,
              refund_application_fee: true,
            });
            refunded += part;
            const ch = await stripe.charges.retrieve(pi.latest_charge as string, {
              expand: ['transfer', 'application_fee'],
            });
            const tr = ch.transfer as Stripe.Transfer;
            // Each cumulative reversal is within one minor unit of the exact proportional share.
            expect(Math.abs(tr.amount_reversed - (refunded * tr.amount) / amount)).toBeLessThanOrEqual(0.5);
            expect(tr.amount_reversed).toBeGreaterThanOrEqual(prevReversed);
            prevReversed = tr.amount_reversed;
            const feeRefunded = (ch.application_fee as Stripe.ApplicationFee | null)?.amount_refunded ?? 0;
            if (!fixed) {
              expect(Math.abs(feeRefunded - (refunded * feeAmount) / amount)).toBeLessThanOrEqual(0.5);
              expect(feeRefunded).toBeGreaterThanOrEqual(prevFeeRefunded);
              prevFeeRefunded = feeRefunded;
            }
            // The account gives back the refund minus the fee's share of it (or the transfer's share).
            const owed = fixed ? tr.amount_reversed : tr.amount_reversed - feeRefunded;
            expect(await total(artist.id)).toBe(artist0 + kept - owed);
          }
          const ch = await stripe.charges.retrieve(pi.latest_charge as string, {
            expand: ['transfer', 'application_fee'],
          });
          const tr = ch.transfer as Stripe.Transfer;
          expect(tr.amount).toBe(fixed ? kept : amount);
          expect(tr.amount_reversed).toBe(tr.amount);
          const reversals = await stripe.transfers.listReversals(tr.id, { limit: 100 });
          expect(reversals.data.reduce((s, r) => s + r.amount, 0)).toBe(tr.amount);
          if (!fixed && feeAmount > 0) {
            const fee = ch.application_fee as Stripe.ApplicationFee;
            const refunds = await stripe.applicationFees.listRefunds(fee.id, { limit: 100 });
            expect(refunds.data.reduce((s, r) => s + r.amount, 0)).toBe(feeAmount);
            expect(fee.amount_refunded).toBe(feeAmount);
          } else {
            expect(ch.application_fee).toBeNull();
          }
          // A full refund with reversal and fee refund costs the account exactly what it kept.
          expect(await total(artist.id)).toBe(artist0);
          expect(await total()).toBe(platform0 - stripeFee(amount, 'usd'));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('refunds application fees through the API and takes direct-charge fees from the connected account', async () => {
    const artist = await onboardedAccount(t);
    const pi = await destinationCharge(stripe, artist.id, 10000, 1000);
    const platformCharge = await stripe.charges.retrieve(pi.latest_charge as string, { expand: ['transfer'] });
    const feeId = platformCharge.application_fee as string;
    const py = (platformCharge.transfer as Stripe.Transfer).destination_payment as string;
    const fr = await stripe.applicationFees.createRefund(feeId, { amount: 400, metadata: { why: 'goodwill' } });
    expect(fr).toMatchObject({ object: 'fee_refund', amount: 400, fee: feeId, metadata: { why: 'goodwill' } });
    expect(await balanceOf(stripe, artist.id)).toEqual({ available: 400, pending: 9000 });
    expect((await stripe.applicationFees.createRefund(feeId, { amount: 700 }).catch((e) => e)).statusCode).toBe(400);
    expect((await stripe.applicationFees.retrieveRefund(feeId, fr.id)).amount).toBe(400);
    // Stripe records the connected account's `py_` as the fee's charge and the platform charge as its origin.
    const fees = await stripe.applicationFees.list({ charge: py });
    expect(fees.data.map((f) => [f.id, f.originating_transaction])).toEqual([[feeId, pi.latest_charge]]);
    const direct = await stripe.paymentIntents.create(
      {
        amount: 5000,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        allowed_payment_method_types: ['card'],
        confirm: true,
        application_fee_amount: 500,
      },
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
      allowed_payment_method_types: ['card'],
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
      allowed_payment_method_types: ['card'],
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
