import type { TestCard } from '../core/cards.ts';
import { invalid, StripeError } from '../core/errors.ts';
import { emitEvent, updateWithEvent } from '../core/events.ts';
import { base62, newId } from '../core/ids.ts';
import type { EmulatorState, Obj, Origin, Rec } from '../core/state.ts';
import { clone, find, insert, nowSec } from '../core/state.ts';
import type { CardInput } from './objects.ts';

const AUTH_FAILURE_MESSAGE =
  'The latest attempt to set up the payment method has failed because authentication failed.';

const AUTH_REQUIRED = {
  code: 'authentication_required',
  decline_code: 'authentication_required',
  message: 'Your card was declined. This transaction requires authentication.',
};

const docUrl = (code: string): string => `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`;

/** A new SetupIntent object from validated create params. */
export function buildSetupIntent(state: EmulatorState, p: Obj): Obj {
  const id = newId('seti');
  return {
    id,
    object: 'setup_intent',
    allowed_payment_method_types: p.allowed_payment_method_types ?? null,
    application: null,
    automatic_payment_methods: p.automatic_payment_methods ?? null,
    cancellation_reason: null,
    client_secret: `${id}_secret_${base62(25)}`,
    created: nowSec(state),
    customer: p.customer ?? null,
    customer_account: null,
    description: p.description ?? null,
    excluded_payment_method_types: null,
    flow_directions: p.flow_directions ?? null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: p.metadata ?? {},
    next_action: null,
    on_behalf_of: p.on_behalf_of ?? null,
    payment_method: p.payment_method ?? null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: p.payment_method_types ?? p.allowed_payment_method_types ?? ['card'],
    single_use_mandate: null,
    status: p.payment_method ? 'requires_confirmation' : 'requires_payment_method',
    usage: p.usage ?? 'off_session',
  };
}

function buildAttempt(state: EmulatorState, si: Obj, pm: Obj): Obj {
  const card = pm.card;
  return {
    id: newId('setatt'),
    object: 'setup_attempt',
    application: null,
    created: nowSec(state),
    customer: si.customer,
    customer_account: null,
    flow_directions: si.flow_directions,
    livemode: false,
    on_behalf_of: si.on_behalf_of,
    payment_method: pm.id,
    payment_method_details: {
      card: {
        brand: card.brand,
        checks: card.checks,
        country: card.country,
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        fingerprint: card.fingerprint,
        funding: card.funding,
        last4: card.last4,
        network: card.brand,
        three_d_secure: null,
        wallet: null,
      },
      type: 'card',
    },
    setup_error: null,
    setup_intent: si.id,
    status: 'requires_confirmation',
    usage: si.usage,
  };
}

/** Declines that stop a setup or attach; a $0 verification cannot fail for lack of funds. */
export function setupDecline(card: TestCard): TestCard['decline'] | null {
  if (!card.decline || card.decline.decline_code === 'insufficient_funds') return null;
  return card.decline;
}

/** Saves a PaymentMethod to a customer (emits payment_method.attached); a no-op when already theirs. */
export function attachPaymentMethod(state: EmulatorState, origin: Origin, pmRec: Rec, customer: string): void {
  if (pmRec.obj.customer === customer) return;
  pmRec.obj.customer = customer;
  delete pmRec.internal.detached;
  state.onChange();
  emitEvent(state, origin, 'payment_method.attached', pmRec.obj);
}

/** Confirms a SetupIntent with a card: 3-D Secure step, decline (402 with `setup_intent`) or success. */
export function confirmSetup(
  state: EmulatorState,
  origin: Origin,
  siRec: Rec,
  pmRec: Rec,
  input: CardInput,
  threeDS?: 'approve' | 'deny',
): void {
  const si = siRec.obj;
  const pm = pmRec.obj;
  const pendingAttempt = threeDS ? siRec.internal.pendingCard?.attempt : undefined;
  const attempt = find(state, pendingAttempt, 'setup_attempt', siRec.account) ?? insertAttempt(state, siRec, pm);
  if (input.card.threeDS && threeDS === undefined) {
    attempt.obj.status = 'requires_action';
    siRec.internal.pendingCard = { paymentMethod: pm.id, input, attempt: attempt.id };
    updateWithEvent(state, origin, siRec, 'setup_intent.requires_action', (o) => {
      Object.assign(o, { payment_method: pm.id, status: 'requires_action', last_setup_error: null });
      o.latest_attempt = attempt.id;
      o.next_action = {
        type: 'use_stripe_sdk',
        use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: `${state.publicUrl}/3ds/${si.id}` },
      };
    });
    return;
  }
  delete siRec.internal.pendingCard;
  const decline = threeDS === 'deny' ? null : setupDecline(input.card);
  if (threeDS === 'deny' || decline) {
    const code = decline?.code ?? 'setup_intent_authentication_failure';
    const message = decline?.message ?? AUTH_FAILURE_MESSAGE;
    const type = decline ? 'card_error' : 'invalid_request_error';
    const lastError: Obj = { code, doc_url: docUrl(code), message, payment_method: clone(pm), type };
    if (decline) lastError.decline_code = decline.decline_code;
    Object.assign(attempt.obj, { status: 'failed', setup_error: lastError });
    updateWithEvent(state, origin, siRec, null, (o) => {
      Object.assign(o, { status: 'requires_payment_method', payment_method: null, next_action: null });
      o.last_setup_error = lastError;
      o.latest_attempt = attempt.id;
    });
    emitEvent(state, origin, 'setup_intent.setup_failed', si);
    // StripeError's typed extras predate SetupIntents; the renderer copies every key, so setup_intent goes out too.
    const extra = { code, decline_code: decline?.decline_code, setup_intent: clone(si), payment_method: clone(pm) };
    throw new StripeError(402, 'card_error', message, extra as StripeError['extra']);
  }
  if (input.card.threeDS) attempt.obj.payment_method_details.card.three_d_secure = threeDSecureDetails();
  attempt.obj.status = 'succeeded';
  if (si.usage === 'off_session') pmRec.internal.setUpFor = 'off_session';
  else pmRec.internal.setUpFor ??= 'on_session';
  if (si.customer) attachPaymentMethod(state, origin, pmRec, si.customer);
  updateWithEvent(state, origin, siRec, null, (o) => {
    Object.assign(o, { status: 'succeeded', payment_method: pm.id, next_action: null, last_setup_error: null });
    o.latest_attempt = attempt.id;
  });
  emitEvent(state, origin, 'setup_intent.succeeded', si);
}

function insertAttempt(state: EmulatorState, siRec: Rec, pm: Obj): Rec {
  return insert(state, 'setup_attempt', buildAttempt(state, siRec.obj, pm), siRec.account);
}

function threeDSecureDetails(): Obj {
  return {
    authentication_flow: 'challenge',
    electronic_commerce_indicator: '05',
    result: 'authenticated',
    result_reason: null,
    transaction_id: crypto.randomUUID(),
    version: '2.2.0',
  };
}

/** True when a PaymentIntent's `off_session` param asks for a merchant-initiated payment. */
export function isOffSession(value: unknown): boolean {
  return value === 'true' || value === 'one_off' || value === 'recurring' || value === true;
}

/**
 * The card as charged for this PaymentIntent: a saved card must belong to the intent's customer, and an
 * off-session payment cannot authenticate, so a 3DS card either skips the step (set up) or is declined.
 */
export function savedCardInput(piRec: Rec, pmRec: Rec, input: CardInput, offSession: unknown): CardInput {
  const pi = piRec.obj;
  const owner = pmRec.obj.customer;
  if (owner && pi.customer !== owner) {
    throw invalid(
      pi.customer
        ? `The provided PaymentMethod (${pmRec.id}) is attached to a different Customer than this PaymentIntent's.`
        : `The provided PaymentMethod (${pmRec.id}) is attached to a Customer. Pass that Customer as \`customer\` to use it.`,
      'payment_method',
    );
  }
  if (!isOffSession(offSession) || !input.card.threeDS) return input;
  const mode = input.card.offSession;
  const ready = mode === 'succeeds' || (mode === 'after_setup' && pmRec.internal.setUpFor === 'off_session');
  const card: TestCard = ready
    ? { ...input.card, threeDS: false }
    : { ...input.card, threeDS: false, decline: AUTH_REQUIRED };
  return { ...input, card };
}

/**
 * chargeSucceeded hook: a PaymentIntent with `setup_future_usage` saves its card to the customer, and an
 * authenticated card is then set up for later off-session payments.
 */
export function onChargeSucceededSaveCard(state: EmulatorState, origin: Origin, _chRec: Rec, piRec: Rec): void {
  const pi = piRec.obj;
  if (!pi.setup_future_usage) return;
  const pmRec = find(state, pi.payment_method, 'payment_method', piRec.account);
  if (!pmRec) return;
  if (pi.setup_future_usage === 'off_session') pmRec.internal.setUpFor = 'off_session';
  else pmRec.internal.setUpFor ??= 'on_session';
  if (pi.customer) attachPaymentMethod(state, origin, pmRec, pi.customer);
}
