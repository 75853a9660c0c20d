import { invalid, missing, StripeError } from '../core/errors.ts';
import { emitEvent, registerEventTypes } from '../core/events.ts';
import { base62, newId } from '../core/ids.ts';
import type { EmulatorState, Obj, Origin, Rec } from '../core/state.ts';
import { activeRecs, allScopes, find, insert, nowSec, retire } from '../core/state.ts';
import { createPaymentMethod } from './engine.ts';
import type { CardInput } from './objects.ts';

/** Stripe `object` value (and record type) of a Shared Payment Granted Token. */
export const GRANTED_TOKEN = 'shared_payment.granted_token';

registerEventTypes(['shared_payment.granted_token.used']);

/** Where a PaymentIntent's SPT came from: the token and the PaymentMethod cloned from it for this intent. */
interface SptLink {
  token: string;
  paymentMethod: string;
}

/** A new granted token sharing `pm` (a stored card PaymentMethod) within `limits`. */
export function buildGrantedToken(state: EmulatorState, pm: Obj, limits: Obj, sharedMetadata: Obj): Obj {
  const { card, billing_details: billing } = pm;
  return {
    id: newId('spt'),
    object: GRANTED_TOKEN,
    agent_details: { network_business_profile: `profile_test_${base62(56)}` },
    created: nowSec(state),
    deactivated_at: null,
    deactivated_reason: null,
    livemode: false,
    payment_method_details: {
      type: 'card',
      billing_details: {
        address: billing.address,
        email: billing.email,
        name: billing.name,
        phone: billing.phone,
      },
      card: {
        brand: card.brand,
        country: card.country,
        display_brand: card.display_brand,
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        fingerprint: card.fingerprint,
        funding: card.funding,
        last4: card.last4,
        networks: card.networks,
        wallet: null,
      },
    },
    shared_metadata: sharedMetadata,
    usage_details: { amount_captured: { value: 0, currency: limits.currency } },
    usage_limits: {
      currency: limits.currency,
      expires_at: limits.expires_at ?? null,
      max_amount: limits.max_amount,
    },
  };
}

/** Marks an active token past `usage_limits.expires_at` as deactivated (`expired`, at its expiry time). */
export function refreshExpiry(state: EmulatorState, rec: Rec): void {
  const t = rec.obj;
  const expiresAt = t.usage_limits.expires_at;
  if (t.deactivated_reason || expiresAt === null || expiresAt > nowSec(state)) return;
  t.deactivated_at = expiresAt;
  t.deactivated_reason = 'expired';
  state.onChange();
}

/** Deactivates every token whose expiry has passed (runs on each clock tick/advance). */
export function expireGrantedTokens(state: EmulatorState): void {
  for (const rec of activeRecs(state, GRANTED_TOKEN)) {
    refreshExpiry(state, rec);
    // Deactivated, or never expiring: the timer has nothing left to do for it.
    if (rec.obj.deactivated_reason || rec.obj.usage_limits.expires_at === null) retire(state, rec);
  }
}

/** Revokes a token (test helper); an already deactivated token keeps its first reason. */
export function revokeGrantedToken(state: EmulatorState, rec: Rec): void {
  refreshExpiry(state, rec);
  if (rec.obj.deactivated_reason) return;
  rec.obj.deactivated_at = nowSec(state);
  rec.obj.deactivated_reason = 'revoked';
  state.onChange();
}

/** Amount held by other uncaptured (manual-capture) PaymentIntents confirmed with this token. */
function reservedAmount(state: EmulatorState, token: Rec, exceptPi: string | null): number {
  let total = 0;
  for (const pi of allScopes(state, 'payment_intent')) {
    const link = pi.internal.spt as SptLink | undefined;
    if (link?.token === token.id && pi.id !== exceptPi && pi.obj.status === 'requires_capture') {
      total += pi.obj.amount_capturable;
    }
  }
  return total;
}

/** Finds a token visible from `account` or throws Stripe's 404 naming the request param. */
export function findGrantedToken(state: EmulatorState, id: string, account: string | null, param: string): Rec {
  const rec = find(state, id, GRANTED_TOKEN, account);
  if (!rec) throw missing('shared_payment_granted_token', id, param);
  refreshExpiry(state, rec);
  return rec;
}

/**
 * Checks that a token can pay `amount` `currency` now: active, same currency, within what is left of
 * `max_amount` (captured usage plus amounts other intents hold uncaptured). Throws Stripe-shaped 400s.
 */
export function assertTokenUsable(
  state: EmulatorState,
  token: Rec,
  amount: number,
  currency: string,
  param: string,
  piId: string | null = null,
): void {
  const t = token.obj;
  if (t.deactivated_reason) {
    throw new StripeError(
      400,
      'invalid_request_error',
      `The SharedPaymentGrantedToken ${t.id} is deactivated (${t.deactivated_reason}) and can no longer be used to confirm a PaymentIntent.`,
      { code: 'payment_method_unexpected_state', param },
    );
  }
  const limits = t.usage_limits;
  if (currency !== limits.currency) {
    throw invalid(
      `The currency of this PaymentIntent (${currency}) does not match the currency allowed by the SharedPaymentGrantedToken ${t.id} (${limits.currency}).`,
      'currency',
      'payment_intent_invalid_parameter',
    );
  }
  const remaining = limits.max_amount - t.usage_details.amount_captured.value - reservedAmount(state, token, piId);
  if (amount > remaining) {
    throw invalid(
      `The amount of this PaymentIntent (${amount} ${currency}) exceeds the amount remaining on the SharedPaymentGrantedToken ${t.id} (${Math.max(remaining, 0)} ${currency}).`,
      'amount',
      'amount_too_large',
    );
  }
}

/** Clones the token's PaymentMethod for one PaymentIntent (as Stripe does) and links the intent to the token. */
export function paymentMethodFromToken(state: EmulatorState, piRec: Rec, token: Rec): { rec: Rec; input: CardInput } {
  const input = token.internal.input as CardInput;
  const rec = createPaymentMethod(state, piRec.account, input);
  rec.obj.shared_payment_granted_token = token.id;
  piRec.internal.spt = { token: token.id, paymentMethod: rec.id } satisfies SptLink;
  return { rec, input };
}

/** The token a PaymentIntent's current PaymentMethod came from, if any. */
export function linkedToken(state: EmulatorState, piRec: Rec, pmId: unknown): Rec | undefined {
  const link = piRec.internal.spt as SptLink | undefined;
  if (!link || link.paymentMethod !== pmId) return undefined;
  return find(state, link.token, GRANTED_TOKEN, piRec.account);
}

/** chargeSucceeded hook: adds a captured amount to the token's usage; reaching max_amount consumes it. */
export function recordTokenUsage(state: EmulatorState, origin: Origin, charge: Rec, piRec: Rec): void {
  const token = linkedToken(state, piRec, charge.obj.payment_method);
  if (!token) return;
  const t = token.obj;
  t.usage_details.amount_captured.value += charge.obj.amount_captured;
  if (!t.deactivated_reason && t.usage_details.amount_captured.value >= t.usage_limits.max_amount) {
    t.deactivated_at = nowSec(state);
    t.deactivated_reason = 'consumed';
  }
  state.onChange();
  emitEvent(state, origin, 'shared_payment.granted_token.used', t);
}

/** Stores a token for the PaymentMethod `pmRec` in `account`'s scope. */
export function insertGrantedToken(
  state: EmulatorState,
  account: string | null,
  token: Obj,
  internal: { input: CardInput; paymentMethod: string; customer: string | null; sellerDetails: Obj | null },
): Rec {
  return insert(state, GRANTED_TOKEN, token, account, internal);
}
