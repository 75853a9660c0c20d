import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { emulatorForFile } from './testing/file-emulator.ts';

const t = await emulatorForFile();
const stripe = t.stripe;

async function paidIntent(amount = 10000, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) {
  return stripe.paymentIntents.create({
    amount,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    allowed_payment_method_types: ['card'],
    confirm: true,
    ...extra,
  });
}

describe('payment intents', () => {
  it('creates, updates, confirms with pm_card_visa and books a charge with fees', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', metadata: { order: '42' } });
    expect(pi.status).toBe('requires_payment_method');
    expect(pi.client_secret).toMatch(new RegExp(`^${pi.id}_secret_`));
    const updated = await stripe.paymentIntents.update(pi.id, { amount: 2500, description: 'Order 42' });
    expect(updated.amount).toBe(2500);
    const confirmed = await stripe.paymentIntents.confirm(pi.id, {
      payment_method: 'pm_card_visa',
      return_url: 'https://shop.example/return',
      expand: ['latest_charge.balance_transaction'],
    });
    expect(confirmed.status).toBe('succeeded');
    expect(confirmed.amount_received).toBe(2500);
    const charge = confirmed.latest_charge as Stripe.Charge;
    expect(charge.metadata).toEqual({ order: '42' });
    expect(charge.payment_method_details?.card?.last4).toBe('4242');
    expect(charge.payment_method_details?.card?.brand).toBe('visa');
    const txn = charge.balance_transaction as Stripe.BalanceTransaction;
    expect(txn.fee).toBe(Math.round(2500 * 0.029) + 30);
    expect(txn.net).toBe(2500 - txn.fee);
    expect((await stripe.balanceTransactions.retrieve(txn.id)).source).toBe(charge.id);
    const receipt = await fetch(charge.receipt_url!);
    expect(receipt.status).toBe(200);
    expect(await receipt.text()).toContain('$25.00');
    const pm = await stripe.paymentMethods.retrieve(confirmed.payment_method as string);
    expect(pm.card?.last4).toBe('4242');
    const types = (await stripe.events.list()).data.map((e) => e.type).reverse();
    expect(types).toEqual(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']);
  });

  it('declines with card errors and records charge.failed', async () => {
    const cases: Array<[string, string, string | undefined]> = [
      ['pm_card_chargeDeclined', 'card_declined', 'generic_decline'],
      ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
      ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card'],
      ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc', 'incorrect_cvc'],
    ];
    for (const [pm, code, decline] of cases) {
      const err = await paidIntent(1000, { payment_method: pm }).catch((e) => e);
      expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
      expect(err.code).toBe(code);
      expect(err.decline_code).toBe(decline);
      expect(err.payment_intent.status).toBe('requires_payment_method');
      expect(err.payment_intent.last_payment_error.code).toBe(code);
      const charge = await stripe.charges.retrieve(err.raw.charge);
      expect(charge.status).toBe('failed');
      expect(charge.failure_code).toBe(code);
    }
    const types = (await stripe.events.list({ limit: 100 })).data.map((e) => e.type);
    expect(types.filter((x) => x === 'charge.failed')).toHaveLength(4);
    expect(types.filter((x) => x === 'payment_intent.payment_failed')).toHaveLength(4);
  });

  it('retries after a decline on the same intent', async () => {
    const err = await paidIntent(1000, { payment_method: 'pm_card_chargeDeclined' }).catch((e) => e);
    const ok = await stripe.paymentIntents.confirm(err.payment_intent.id, { payment_method: 'pm_card_visa' });
    expect(ok.status).toBe('succeeded');
    expect((await stripe.charges.list({ payment_intent: ok.id })).data).toHaveLength(2);
  });

  it('handles manual capture (partial) and cancel', async () => {
    const auth = await paidIntent(5000, { capture_method: 'manual' });
    expect(auth.status).toBe('requires_capture');
    expect(auth.amount_capturable).toBe(5000);
    const captured = await stripe.paymentIntents.capture(auth.id, { amount_to_capture: 4000 });
    expect(captured.status).toBe('succeeded');
    expect(captured.amount_received).toBe(4000);
    const charge = await stripe.charges.retrieve(captured.latest_charge as string);
    expect(charge).toMatchObject({ captured: true, amount_captured: 4000, amount_refunded: 1000 });
    const again = await stripe.paymentIntents.capture(auth.id).catch((e) => e);
    expect(again.code).toBe('payment_intent_unexpected_state');

    const auth2 = await paidIntent(5000, { capture_method: 'manual' });
    const canceled = await stripe.paymentIntents.cancel(auth2.id, { cancellation_reason: 'requested_by_customer' });
    expect(canceled.status).toBe('canceled');
    expect((await stripe.charges.retrieve(canceled.latest_charge as string)).refunded).toBe(true);
    const open = await stripe.paymentIntents.create({ amount: 900, currency: 'usd' });
    expect((await stripe.paymentIntents.cancel(open.id)).status).toBe('canceled');
    const done = await paidIntent();
    expect((await stripe.paymentIntents.cancel(done.id).catch((e) => e)).code).toBe('payment_intent_unexpected_state');
    expect((await stripe.paymentIntents.confirm(open.id).catch((e) => e)).statusCode).toBe(400);
  });

  it('validates amounts and lists by customer', async () => {
    expect((await stripe.paymentIntents.create({ amount: 10, currency: 'usd' }).catch((e) => e)).code).toBe(
      'amount_too_small',
    );
    const c = await stripe.customers.create({ email: 'x@example.com' });
    await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', customer: c.id });
    await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    expect((await stripe.paymentIntents.list({ customer: c.id })).data).toHaveLength(1);
    expect((await stripe.paymentIntents.list()).data).toHaveLength(2);
  });

  it('requires_action for 3-D Secure cards until authenticated via the control API', async () => {
    const pi = await paidIntent(3000, { payment_method: 'pm_card_threeDSecure2Required' });
    expect(pi.status).toBe('requires_action');
    expect(pi.next_action?.type).toBe('use_stripe_sdk');
    const ok = await t.post(`/_emulator/payment_intents/${pi.id}/authenticate`, { outcome: 'approve' });
    expect(ok.body.status).toBe('succeeded');
    const pi2 = await paidIntent(3000, { payment_method: 'pm_card_authenticationRequired' });
    const denied = await t.post(`/_emulator/payment_intents/${pi2.id}/authenticate`, { outcome: 'deny' });
    expect(denied.status).toBe(402);
    expect(denied.body.error.code).toBe('payment_intent_authentication_failure');
  });
});

describe('charges', () => {
  it('retrieves, updates (charge.updated) and lists', async () => {
    const pi = await paidIntent();
    const ch = await stripe.charges.update(pi.latest_charge as string, { metadata: { note: 'gift' } });
    expect(ch.metadata.note).toBe('gift');
    expect((await stripe.events.list({ type: 'charge.updated' })).data).toHaveLength(1);
    expect((await stripe.charges.list({ payment_intent: pi.id })).data[0].id).toBe(ch.id);
    expect(ch).toMatchObject({ transfer: null, application_fee: null, refunded: false, amount_refunded: 0 });
  });
});

describe('refunds', () => {
  it('refunds partially and cumulatively, rejects over-refunds, fully refunds', async () => {
    const pi = await paidIntent(10000);
    const r1 = await stripe.refunds.create({ payment_intent: pi.id, amount: 3000, reason: 'requested_by_customer' });
    expect(r1).toMatchObject({ status: 'succeeded', amount: 3000, charge: pi.latest_charge, payment_intent: pi.id });
    const r2 = await stripe.refunds.create({ charge: pi.latest_charge as string, amount: 5000 });
    let charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ amount_refunded: 8000, refunded: false });
    const over = await stripe.refunds.create({ payment_intent: pi.id, amount: 2001 }).catch((e) => e);
    expect(over).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(over.code).toBe('amount_too_large');
    const rest = await stripe.refunds.create({ payment_intent: pi.id });
    expect(rest.amount).toBe(2000);
    charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ amount_refunded: 10000, refunded: true });
    expect(charge.refunds?.data.map((r) => r.id)).toEqual([rest.id, r2.id, r1.id]);
    const done = await stripe.refunds.create({ payment_intent: pi.id, amount: 1 }).catch((e) => e);
    expect(done.code).toBe('charge_already_refunded');
    const txn = await stripe.balanceTransactions.retrieve(r1.balance_transaction as string);
    expect(txn).toMatchObject({ amount: -3000, type: 'refund', source: r1.id });
    expect((await stripe.refunds.list({ payment_intent: pi.id })).data).toHaveLength(3);
    expect((await stripe.refunds.list({ charge: 'ch_other' })).data).toHaveLength(0);
    const types = (await stripe.events.list({ limit: 100 })).data.map((e) => e.type);
    expect(types.filter((x) => x === 'refund.created')).toHaveLength(3);
    expect(types.filter((x) => x === 'charge.refunded')).toHaveLength(3);
  });

  it('updates refund metadata and stores Connect flags', async () => {
    const pi = await paidIntent(5000);
    const r = await stripe.refunds.create({
      payment_intent: pi.id,
      reverse_transfer: true,
      refund_application_fee: true,
    });
    const rec = t.emu.state.records.get(r.id)!;
    expect(rec.internal).toMatchObject({ reverse_transfer: true, refund_application_fee: true });
    const u = await stripe.refunds.update(r.id, { metadata: { reason: 'damaged' } });
    expect(u.metadata?.reason).toBe('damaged');
    const types = (await stripe.events.list({ limit: 5 })).data.map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(['charge.refund.updated', 'refund.updated']);
    expect((await stripe.refunds.retrieve(r.id)).metadata?.reason).toBe('damaged');
  });

  it('rejects refunds of unpaid intents and missing targets', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    expect((await stripe.refunds.create({ payment_intent: pi.id }).catch((e) => e)).statusCode).toBe(400);
    expect((await stripe.refunds.create({ charge: 'ch_missing' }).catch((e) => e)).statusCode).toBe(404);
    expect((await stripe.refunds.create({}).catch((e) => e)).statusCode).toBe(400);
  });

  it('matures balance transactions on the emulator clock', async () => {
    const pi = await paidIntent(5000, { expand: ['latest_charge'] });
    const txnId = (pi.latest_charge as Stripe.Charge).balance_transaction as string;
    expect((await stripe.balanceTransactions.retrieve(txnId)).status).toBe('pending');
    await t.post('/_emulator/clock/advance', { seconds: 2 * 86400 });
    expect((await stripe.balanceTransactions.retrieve(txnId)).status).toBe('available');
  });
});
