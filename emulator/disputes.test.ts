import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { balanceOf, destinationCharge, onboardedAccount } from './testing/connect-helpers.ts';
import { emulatorForFile } from './testing/file-emulator.ts';

const t = await emulatorForFile();
const stripe = t.stripe;

function pay(paymentMethod: string, amount = 10000, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) {
  return stripe.paymentIntents.create({
    amount,
    currency: 'usd',
    payment_method: paymentMethod,
    allowed_payment_method_types: ['card'],
    confirm: true,
    ...extra,
  });
}

async function disputeOf(pi: Stripe.PaymentIntent): Promise<Stripe.Dispute> {
  const list = await stripe.disputes.list({ payment_intent: pi.id });
  expect(list.data).toHaveLength(1);
  return list.data[0];
}

async function eventTypes(): Promise<string[]> {
  return (await stripe.events.list({ limit: 100 })).data.map((e) => e.type).reverse();
}

describe('disputes', () => {
  it('a fraudulent dispute follows a successful payment and withdraws amount plus fee', async () => {
    const pi = await pay('pm_card_createDispute');
    expect(pi.status).toBe('succeeded');
    const d = await disputeOf(pi);
    expect(d).toMatchObject({
      amount: 10000,
      charge: pi.latest_charge,
      currency: 'usd',
      reason: 'fraudulent',
      status: 'needs_response',
      is_charge_refundable: false,
      payment_method_details: { type: 'card', card: { case_type: 'chargeback', brand: 'visa' } },
    });
    expect(d.id).toMatch(/^du_/);
    expect(d.evidence_details.due_by).toBeGreaterThan(d.created);
    expect((await stripe.charges.retrieve(pi.latest_charge as string)).disputed).toBe(true);
    expect(d.balance_transactions).toHaveLength(1);
    const txn = await stripe.balanceTransactions.retrieve(d.balance_transactions[0].id);
    expect(txn).toMatchObject({
      type: 'adjustment',
      reporting_category: 'dispute',
      amount: -10000,
      fee: 1500,
      net: -11500,
      source: d.id,
      status: 'available',
    });
    expect(txn.fee_details).toEqual([
      expect.objectContaining({ amount: 1500, description: 'Dispute fee', type: 'stripe_fee' }),
    ]);
    expect((await eventTypes()).slice(-4)).toEqual([
      'charge.succeeded',
      'payment_intent.succeeded',
      'charge.dispute.created',
      'charge.dispute.funds_withdrawn',
    ]);
    expect((await stripe.disputes.list({ charge: pi.latest_charge as string })).data[0].id).toBe(d.id);
    expect((await stripe.disputes.list({ charge: 'ch_other' })).data).toHaveLength(0);
  });

  it('winning_evidence wins the dispute and reinstates amount and fee', async () => {
    const pi = await pay('pm_card_createDisputeProductNotReceived', 5000);
    const d = await disputeOf(pi);
    expect(d.reason).toBe('product_not_received');
    const staged = await stripe.disputes.update(d.id, {
      evidence: { customer_name: 'Jenny Rosen' },
      submit: false,
      metadata: { case: '7' },
    });
    expect(staged).toMatchObject({ status: 'needs_response', metadata: { case: '7' } });
    expect(staged.evidence_details).toMatchObject({ has_evidence: true, submission_count: 0 });
    const won = await stripe.disputes.update(d.id, { evidence: { uncategorized_text: 'winning_evidence' } });
    expect(won.status).toBe('won');
    expect(won.evidence.customer_name).toBe('Jenny Rosen');
    expect(won.evidence_details.submission_count).toBe(1);
    expect(won.balance_transactions.map((b) => [b.amount, b.fee, b.reporting_category])).toEqual([
      [-5000, 1500, 'dispute'],
      [5000, -1500, 'dispute_reversal'],
    ]);
    expect((await eventTypes()).slice(-5)).toEqual([
      'charge.dispute.funds_withdrawn',
      'charge.dispute.updated',
      'charge.dispute.updated',
      'charge.dispute.closed',
      'charge.dispute.funds_reinstated',
    ]);
    const late = await stripe.disputes.update(d.id, { evidence: { receipt: 'x' } }).catch((e) => e);
    expect(late.statusCode).toBe(400);
    expect((await stripe.disputes.close(d.id).catch((e) => e)).statusCode).toBe(400);
  });

  it('losing_evidence and close lose the dispute; the funds stay withdrawn', async () => {
    const lost = await stripe.disputes.update((await disputeOf(await pay('pm_card_createDispute'))).id, {
      evidence: { uncategorized_text: 'losing_evidence' },
    });
    expect(lost.status).toBe('lost');
    expect(lost.balance_transactions).toHaveLength(1);
    const closed = await stripe.disputes.close((await disputeOf(await pay('pm_card_createDispute'))).id);
    expect(closed.status).toBe('lost');
    expect(closed.balance_transactions).toHaveLength(1);
    const types = await eventTypes();
    expect(types.filter((x) => x === 'charge.dispute.closed')).toHaveLength(2);
    expect(types).not.toContain('charge.dispute.funds_reinstated');
  });

  it('an inquiry moves no money unless it is lost', async () => {
    const d = await disputeOf(await pay('pm_card_createDisputeInquiry'));
    expect(d).toMatchObject({ status: 'warning_needs_response', is_charge_refundable: true, balance_transactions: [] });
    const closed = await stripe.disputes.update(d.id, { evidence: { uncategorized_text: 'winning_evidence' } });
    expect(closed).toMatchObject({ status: 'warning_closed', balance_transactions: [] });
    const d2 = await disputeOf(await pay('pm_card_createDisputeInquiry'));
    const lost = await stripe.disputes.close(d2.id);
    expect(lost.status).toBe('lost');
    expect(lost.balance_transactions.map((b) => b.amount)).toEqual([-10000]);
  });

  it('an unanswered dispute is lost after its due date', async () => {
    const d = await disputeOf(await pay('pm_card_createDispute'));
    await t.post('/_emulator/clock/advance', { seconds: 9 * 86400 });
    const after = await stripe.disputes.retrieve(d.id);
    expect(after.status).toBe('lost');
    expect(after.evidence_details.past_due).toBe(true);
  });

  it('the early-fraud-warning card creates a warning, not a dispute', async () => {
    const pi = await pay('pm_card_createIssuerFraudRecord');
    expect((await stripe.disputes.list()).data).toHaveLength(0);
    const warnings = await stripe.radar.earlyFraudWarnings.list({ charge: pi.latest_charge as string });
    expect(warnings.data).toHaveLength(1);
    expect(warnings.data[0]).toMatchObject({ actionable: true, payment_intent: pi.id });
    expect((await stripe.radar.earlyFraudWarnings.retrieve(warnings.data[0].id)).charge).toBe(pi.latest_charge);
    expect(await eventTypes()).toContain('radar.early_fraud_warning.created');
  });

  it('manual capture disputes after capture; other charges can be disputed via the control API', async () => {
    const auth = await pay('pm_card_createDispute', 4000, { capture_method: 'manual' });
    expect((await stripe.disputes.list()).data).toHaveLength(0);
    await stripe.paymentIntents.capture(auth.id);
    expect((await disputeOf(auth)).amount).toBe(4000);
    const plain = await pay('pm_card_visa', 2000);
    const res = await t.post(`/_emulator/charges/${plain.latest_charge}/dispute`, { kind: 'inquiry' });
    expect(res.body).toMatchObject({
      object: 'dispute',
      status: 'warning_needs_response',
      charge: plain.latest_charge,
    });
  });

  it('a disputed destination charge debits the platform, not the connected account', async () => {
    const acct = await onboardedAccount(t);
    const pi = await destinationCharge(stripe, acct.id, 10000, 1000, 'pm_card_createDispute');
    const d = await disputeOf(pi);
    expect(d.balance_transactions).toHaveLength(1);
    const platform = await stripe.balanceTransactions.list({ type: 'adjustment' });
    expect(platform.data.map((b) => b.net)).toEqual([-11500]);
    const connected = await stripe.balanceTransactions.list({ type: 'adjustment' }, { stripeAccount: acct.id });
    expect(connected.data).toHaveLength(0);
    const before = await balanceOf(stripe);
    await stripe.disputes.update(d.id, { evidence: { uncategorized_text: 'winning_evidence' } });
    expect((await balanceOf(stripe)).available).toBe(before.available + 11500);
  });
});
