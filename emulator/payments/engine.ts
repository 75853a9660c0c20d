import { invalid, StripeError } from '../core/errors.ts';
import { emitEvent, updateWithEvent } from '../core/events.ts';
import type { EmulatorState, Obj, Origin, Rec } from '../core/state.ts';
import { clone, find, insert, nowSec } from '../core/state.ts';
import { disputeTestCharge } from './disputes.ts';
import type { CardInput } from './objects.ts';
import { buildBalanceTransaction, buildCharge, buildPaymentMethod } from './objects.ts';

/** Outcome of a confirmation that did not throw. */
export type ConfirmResult = 'succeeded' | 'requires_capture' | 'requires_action';

const AUTH_FAILURE_MESSAGE =
  'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.';

/** Stores a card PaymentMethod in the PaymentIntent's scope. */
export function createPaymentMethod(state: EmulatorState, account: string | null, input: CardInput): Rec {
  return insert(state, 'payment_method', buildPaymentMethod(state, input, null), account, { input });
}

/**
 * Confirms a PaymentIntent with a card: success, manual-capture authorisation, 3-D Secure step, or a
 * decline that emits charge.failed + payment_intent.payment_failed and throws a 402 card error.
 */
export function confirmWithCard(
  state: EmulatorState,
  origin: Origin,
  piRec: Rec,
  pmRec: Rec,
  input: CardInput,
  threeDS?: 'approve' | 'deny',
): ConfirmResult {
  const pi = piRec.obj;
  const pm = pmRec.obj;
  if (input.card.threeDS && threeDS === undefined) {
    updateWithEvent(state, origin, piRec, 'payment_intent.requires_action', (o) => {
      o.payment_method = pm.id;
      o.status = 'requires_action';
      o.last_payment_error = null;
      o.next_action = {
        type: 'use_stripe_sdk',
        use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: `${state.publicUrl}/3ds/${pi.id}` },
      };
    });
    piRec.internal.pendingCard = { paymentMethod: pm.id, input };
    return 'requires_action';
  }
  delete piRec.internal.pendingCard;
  if (input.card.threeDS && threeDS === 'deny') {
    const lastError = {
      code: 'payment_intent_authentication_failure',
      doc_url: 'https://stripe.com/docs/error-codes/payment-intent-authentication-failure',
      message: AUTH_FAILURE_MESSAGE,
      payment_method: clone(pm),
      type: 'invalid_request_error',
    };
    updateWithEvent(state, origin, piRec, null, (o) => {
      o.status = 'requires_payment_method';
      o.payment_method = null;
      o.next_action = null;
      o.last_payment_error = lastError;
    });
    emitEvent(state, origin, 'payment_intent.payment_failed', pi);
    throw new StripeError(402, 'card_error', AUTH_FAILURE_MESSAGE, {
      code: 'payment_intent_authentication_failure',
      payment_intent: clone(pi),
      payment_method: clone(pm),
    });
  }
  const charge = buildCharge(state, pi, pm);
  if (input.card.threeDS) {
    charge.payment_method_details.card.three_d_secure = {
      authentication_flow: 'challenge',
      electronic_commerce_indicator: '05',
      exemption_indicator: null,
      result: 'authenticated',
      result_reason: null,
      transaction_id: crypto.randomUUID(),
      version: '2.2.0',
    };
  }
  const decline = input.card.decline;
  if (decline) {
    Object.assign(charge, {
      status: 'failed',
      failure_code: decline.code,
      failure_message: decline.message,
      outcome: outcome('issuer_declined', decline.decline_code),
    });
    const chRec = insert(state, 'charge', charge, piRec.account);
    const lastError = {
      charge: charge.id,
      code: decline.code,
      decline_code: decline.decline_code,
      doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`,
      message: decline.message,
      payment_method: clone(pm),
      type: 'card_error',
    };
    updateWithEvent(state, origin, piRec, null, (o) => {
      o.status = 'requires_payment_method';
      o.payment_method = null;
      o.next_action = null;
      o.latest_charge = charge.id;
      o.last_payment_error = lastError;
    });
    emitEvent(state, origin, 'charge.failed', chRec.obj);
    emitEvent(state, origin, 'payment_intent.payment_failed', pi);
    throw new StripeError(402, 'card_error', decline.message, {
      code: decline.code,
      decline_code: decline.decline_code,
      charge: charge.id,
      payment_intent: clone(pi),
      payment_method: clone(pm),
    });
  }
  const manual = pi.capture_method === 'manual';
  Object.assign(charge, { status: 'succeeded', paid: true, outcome: outcome('authorized', null) });
  const chRec = insert(state, 'charge', charge, piRec.account);
  updateWithEvent(state, origin, piRec, null, (o) => {
    o.payment_method = pm.id;
    o.latest_charge = charge.id;
    o.last_payment_error = null;
    o.next_action = null;
    if (manual) {
      o.status = 'requires_capture';
      o.amount_capturable = o.amount;
    }
  });
  if (manual) {
    emitEvent(state, origin, 'charge.succeeded', chRec.obj);
    emitEvent(state, origin, 'payment_intent.amount_capturable_updated', pi);
    return 'requires_capture';
  }
  settleCapture(state, origin, piRec, chRec, pi.amount);
  emitEvent(state, origin, 'charge.succeeded', chRec.obj);
  emitEvent(state, origin, 'payment_intent.succeeded', pi);
  disputeTestCharge(state, origin, chRec);
  return 'succeeded';
}

// Marks the charge captured, books the balance transaction, then lets Connect hooks add transfers/fees.
function settleCapture(state: EmulatorState, origin: Origin, piRec: Rec, chRec: Rec, amount: number): void {
  const charge = chRec.obj;
  const txn = buildBalanceTransaction(state, 'charge', charge.id, amount, charge.currency, charge.description);
  insert(state, 'balance_transaction', txn, chRec.account);
  Object.assign(charge, {
    captured: true,
    amount_captured: amount,
    amount_refunded: charge.amount - amount,
    balance_transaction: txn.id,
  });
  Object.assign(piRec.obj, { status: 'succeeded', amount_received: amount, amount_capturable: 0 });
  for (const hook of state.hooks.chargeSucceeded) hook(state, origin, chRec, piRec);
  state.onChange();
}

/** Captures an authorised PaymentIntent (optionally partially). */
export function capturePaymentIntent(state: EmulatorState, origin: Origin, piRec: Rec, amountToCapture?: number): void {
  const pi = piRec.obj;
  if (pi.status !== 'requires_capture') {
    throw unexpectedState(pi, 'capture', ['requires_capture']);
  }
  const amount = amountToCapture ?? pi.amount_capturable;
  if (amount <= 0 || amount > pi.amount_capturable) {
    throw invalid('The amount to capture must be positive and at most the amount capturable.', 'amount_to_capture');
  }
  const chRec = find(state, pi.latest_charge, 'charge', piRec.account)!;
  settleCapture(state, origin, piRec, chRec, amount);
  emitEvent(state, origin, 'charge.captured', chRec.obj);
  emitEvent(state, origin, 'payment_intent.succeeded', pi);
  disputeTestCharge(state, origin, chRec);
}

const CANCELABLE = [
  'requires_payment_method',
  'requires_capture',
  'requires_confirmation',
  'requires_action',
  'processing',
];

/** Cancels a PaymentIntent; an uncaptured charge is released (refunded in full). */
export function cancelPaymentIntent(state: EmulatorState, origin: Origin, piRec: Rec, reason: string | null): void {
  const pi = piRec.obj;
  if (!CANCELABLE.includes(pi.status)) throw unexpectedState(pi, 'cancel', CANCELABLE);
  if (pi.status === 'requires_capture') {
    const chRec = find(state, pi.latest_charge, 'charge', piRec.account);
    if (chRec) {
      updateWithEvent(state, origin, chRec, 'charge.refunded', (c) => {
        c.amount_refunded = c.amount;
        c.refunded = true;
      });
    }
  }
  delete piRec.internal.pendingCard;
  updateWithEvent(state, origin, piRec, null, (o) => {
    o.status = 'canceled';
    o.canceled_at = nowSec(state);
    o.cancellation_reason = reason;
    o.amount_capturable = 0;
    o.next_action = null;
  });
  emitEvent(state, origin, 'payment_intent.canceled', pi);
}

function unexpectedState(pi: Obj, action: string, allowed: string[]): StripeError {
  return new StripeError(
    400,
    'invalid_request_error',
    `You cannot ${action} this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be ${action === 'cancel' ? 'canceled' : 'captured'}: ${allowed.join(', ')}.`,
    { code: 'payment_intent_unexpected_state', payment_intent: clone(pi) },
  );
}

function outcome(type: 'authorized' | 'issuer_declined', reason: string | null): Obj {
  return {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: type === 'authorized' ? 'approved_by_network' : 'declined_by_network',
    reason,
    risk_level: 'normal',
    risk_score: 20 + Math.floor(Math.random() * 30),
    seller_message:
      type === 'authorized' ? 'Payment complete.' : 'The bank did not return any further details with this decline.',
    type,
  };
}
