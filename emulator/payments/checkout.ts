import { lookupCard } from '../core/cards.ts';
import { invalid, StripeError } from '../core/errors.ts';
import { emitEvent, systemOrigin, updateWithEvent } from '../core/events.ts';
import { fullAddress } from '../core/params.ts';
import type { EmulatorState, Obj, Origin, Rec } from '../core/state.ts';
import { activeRecs, clone, find, insert, nowSec, retire } from '../core/state.ts';
import { applySessionDiscount, redeemablePromotionCode, redeemDiscounts } from '../resources/coupons.ts';
import { buildCustomer } from '../resources/customers.ts';
import { createSessionInvoice } from '../resources/invoices.ts';
import { chooseShippingRate } from '../resources/shipping-rates.ts';
import { cancelPaymentIntent, confirmWithCard, createPaymentMethod } from './engine.ts';
import type { CardInput } from './objects.ts';
import { buildPaymentIntent } from './objects.ts';

/** What the hosted page (or the control API) submits to pay a session. */
export interface CheckoutPayment {
  cardNumber?: string;
  expMonth?: number;
  expYear?: number;
  cvc?: string;
  name?: string | null;
  email?: string | null;
  shipping?: {
    name?: string;
    line1?: string;
    line2?: string;
    city?: string;
    postal_code?: string;
    state?: string;
    country?: string;
  } | null;
  /** Pre-decided 3-D Secure outcome; undefined means "ask" (hosted page shows approve/deny). */
  threeDS?: 'approve' | 'deny';
  /** The shipping rate the buyer picked (one of the session's `shipping_options`); the preselected one if absent. */
  shippingRate?: string;
  /** Simulate a delayed payment method: session completes unpaid, then settles one emulator minute later. */
  asyncOutcome?: 'succeeded' | 'failed';
  /** Phone number (`phone_number_collection`); undefined (control API) fills a test number. */
  phone?: string;
  /** Raw values of the session's `custom_fields` by key; undefined (control API) fills test values. */
  customFields?: Record<string, string>;
  /** Checked consent boxes; undefined (control API) accepts the terms and declines promotions. */
  consent?: { promotions: boolean; termsOfService: boolean };
}

const TEST_PHONE = '+15555550100';

const ASYNC_SETTLE_SECONDS = 60;

function cardError(code: string, message: string, param?: string): StripeError {
  return new StripeError(402, 'card_error', message, { code, param });
}

/** Finds a session in any account scope (hosted pages and control routes have no Stripe-Account header). */
export function findSessionAnyScope(state: EmulatorState, id: string): Rec | undefined {
  const rec = state.records.get(id);
  return rec && rec.type === 'checkout.session' && !rec.deleted ? rec : undefined;
}

function checkOpen(state: EmulatorState, rec: Rec): void {
  if (rec.obj.status === 'open' && rec.obj.expires_at <= nowSec(state))
    expireSession(state, systemOrigin(rec.account), rec);
  if (rec.obj.status === 'expired')
    throw invalid('This Checkout Session has expired.', undefined, 'checkout_session_expired');
  if (rec.obj.status === 'complete')
    throw invalid('This Checkout Session is already complete.', undefined, 'checkout_session_unexpected_state');
}

function shippingDetails(session: Obj, shipping: CheckoutPayment['shipping']): Obj | null {
  if (!session.shipping_address_collection) return null;
  const s = shipping ?? {};
  for (const key of ['name', 'line1', 'city', 'postal_code', 'country'] as const) {
    if (!s[key]) throw invalid(`Please enter your shipping ${key.replace('_', ' ')}.`, `shipping[${key}]`);
  }
  const country = s.country!.toUpperCase();
  if (!session.shipping_address_collection.allowed_countries.includes(country)) {
    throw invalid(`We do not ship to ${country}.`, 'shipping[country]');
  }
  const { name, ...addr } = s;
  return { address: fullAddress({ ...addr, country }), name };
}

// Stripe's hosted page takes the number as typed; separators are dropped so the stored value is E.164-like.
function collectPhone(session: Obj, phone: string | undefined): string | null {
  if (!session.phone_number_collection?.enabled) return null;
  const raw = phone === undefined ? TEST_PHONE : phone.trim();
  if (!raw) throw invalid('Please enter your phone number.', 'phone');
  const normalized = raw.replace(/[\s().-]/g, '');
  if (!/^\+?\d{5,15}$/.test(normalized)) throw invalid('Your phone number is invalid.', 'phone');
  return normalized;
}

// A value a test buyer would type into a required field, so control-API completions pass validation.
function testValue(field: Obj): string {
  if (field.type === 'dropdown') return field.dropdown.default_value ?? field.dropdown.options[0].value;
  const c = field[field.type];
  if (c.default_value) return c.default_value;
  const filler = field.type === 'numeric' ? '1234' : 'test';
  return filler.padEnd(c.minimum_length ?? 0, filler[0]).slice(0, c.maximum_length ?? 255);
}

/** Checks the buyer's custom field values (required, lengths, digits, options) and returns the filled fields. */
function collectCustomFields(session: Obj, values: Record<string, string> | undefined): Obj[] {
  return (session.custom_fields as Obj[]).map((field) => {
    const label = field.label.custom;
    const param = `custom_fields[${field.key}]`;
    let value: string | null;
    if (values === undefined) value = field.optional ? (field[field.type].default_value ?? null) : testValue(field);
    else value = (values[field.key] ?? '').trim() || null;
    if (value === null) {
      if (!field.optional) throw invalid(`Please fill in “${label}”.`, param);
    } else if (field.type === 'dropdown') {
      if (!field.dropdown.options.some((o: Obj) => o.value === value)) {
        throw invalid(`Please choose one of the options for “${label}”.`, param);
      }
    } else {
      const c = field[field.type];
      if (field.type === 'numeric' && !/^\d+$/.test(value)) throw invalid(`“${label}” may only contain digits.`, param);
      if (value.length > (c.maximum_length ?? 255)) {
        throw invalid(`“${label}” must be at most ${c.maximum_length ?? 255} characters.`, param);
      }
      if (c.minimum_length && value.length < c.minimum_length) {
        throw invalid(`“${label}” must be at least ${c.minimum_length} characters.`, param);
      }
    }
    return { ...clone(field), [field.type]: { ...field[field.type], value } };
  });
}

/** The session's `consent` result; a required terms-of-service box that is unchecked blocks payment. */
function collectConsent(session: Obj, consent: CheckoutPayment['consent']): Obj | null {
  const cc = session.consent_collection;
  if (!cc) return null;
  const given = consent ?? { promotions: false, termsOfService: true };
  if (cc.terms_of_service === 'required' && !given.termsOfService) {
    throw invalid('Please accept the terms of service.', 'consent[terms_of_service]');
  }
  return {
    promotions: cc.promotions === 'auto' ? (given.promotions ? 'opt_in' : 'opt_out') : null,
    terms_of_service: cc.terms_of_service === 'required' ? 'accepted' : null,
  };
}

/** Pays an open session: creates/reuses its PaymentIntent, charges the card, completes the session. */
export function payCheckoutSession(
  state: EmulatorState,
  origin: Origin,
  rec: Rec,
  pay: CheckoutPayment,
): 'complete' | 'requires_action' {
  checkOpen(state, rec);
  const session = rec.obj;
  const account = rec.account;
  const customer = session.customer ? find(state, session.customer, 'customer', account) : undefined;
  const email = pay.email || session.customer_email || customer?.obj.email || null;
  if (!email) throw invalid('Please enter your email address.', 'email');
  const shipping = shippingDetails(session, pay.shipping);
  const customFields = collectCustomFields(session, pay.customFields);
  const phone = collectPhone(session, pay.phone);
  const consent = collectConsent(session, pay.consent);
  if (pay.shippingRate) chooseShippingOption(state, rec, pay.shippingRate);
  rec.internal.pendingForm = {
    email,
    name: pay.name ?? null,
    shipping,
    asyncOutcome: pay.asyncOutcome,
    phone,
    customFields,
    consent,
  };
  if (session.payment_status === 'no_payment_required') {
    ensureCustomer(state, origin, rec, email, pay.name ?? shipping?.name ?? null, phone);
    return finish(state, origin, rec);
  }

  const card = lookupCard(pay.cardNumber ?? '4242424242424242');
  if ('invalid' in card) throw cardError(card.invalid.code, card.invalid.message, 'number');
  const year = new Date(nowSec(state) * 1000).getUTCFullYear();
  const expYear = pay.expYear ?? year + 3;
  const expMonth = pay.expMonth ?? 12;
  if (expMonth < 1 || expMonth > 12)
    throw cardError('invalid_expiry_month', "Your card's expiration month is invalid.", 'exp_month');
  if (expYear < year) throw cardError('invalid_expiry_year', "Your card's expiration year is in the past.", 'exp_year');
  if (pay.cvc !== undefined && !/^\d{3,4}$/.test(pay.cvc))
    throw cardError('incomplete_cvc', "Your card's security code is incomplete.", 'cvc');

  ensureCustomer(state, origin, rec, email, pay.name ?? shipping?.name ?? null, phone);
  const piRec = ensurePaymentIntent(state, origin, rec, shipping);
  const input: CardInput = {
    card,
    exp_month: expMonth,
    exp_year: expYear,
    billing: {
      name: pay.name ?? null,
      email,
      address: {
        country: shipping?.address.country ?? card.country,
        postal_code: shipping?.address.postal_code ?? null,
      },
    },
  };
  const pmRec = createPaymentMethod(state, account, input);
  if (pay.asyncOutcome) {
    updateWithEvent(state, origin, piRec, 'payment_intent.processing', (o) => {
      o.status = 'processing';
      o.payment_method = pmRec.id;
    });
    rec.internal.asyncPayment = {
      outcome: pay.asyncOutcome,
      dueAt: nowSec(state) + ASYNC_SETTLE_SECONDS,
      input,
      pm: pmRec.id,
    };
    return finish(state, origin, rec);
  }
  const result = confirmWithCard(state, origin, piRec, pmRec, input, pay.threeDS);
  if (result === 'requires_action') return 'requires_action';
  return finish(state, origin, rec);
}

// Stripe creates a Customer for `always`, and for `if_required` when one is needed: post-payment invoices need one.
function ensureCustomer(
  state: EmulatorState,
  origin: Origin,
  rec: Rec,
  email: string,
  name: string | null,
  phone: string | null,
): void {
  const session = rec.obj;
  if (session.customer || (session.customer_creation !== 'always' && !session.invoice_creation?.enabled)) return;
  const created = insert(state, 'customer', buildCustomer(state, { email, name, phone }), rec.account);
  emitEvent(state, origin, 'customer.created', created.obj);
  session.customer = created.id;
}

/** Finishes a session waiting on 3-D Secure with the buyer's decision (throws a 402 on deny). */
export function resolveCheckout3DS(
  state: EmulatorState,
  origin: Origin,
  rec: Rec,
  decision: 'approve' | 'deny',
): 'complete' {
  checkOpen(state, rec);
  const piRec = find(state, rec.obj.payment_intent, 'payment_intent', rec.account);
  const pending = piRec?.internal.pendingCard;
  if (!piRec || !pending) throw invalid('This Checkout Session is not awaiting authentication.');
  const pmRec = find(state, pending.paymentMethod, 'payment_method', rec.account)!;
  confirmWithCard(state, origin, piRec, pmRec, pending.input, decision);
  return finish(state, origin, rec);
}

function ensurePaymentIntent(state: EmulatorState, origin: Origin, rec: Rec, shipping: Obj | null): Rec {
  const session = rec.obj;
  const existing = find(state, session.payment_intent, 'payment_intent', rec.account);
  if (
    existing &&
    ['requires_payment_method', 'requires_action', 'requires_confirmation'].includes(existing.obj.status)
  ) {
    existing.obj.customer = session.customer;
    return existing;
  }
  const data = rec.internal.paymentIntentData ?? {};
  const pi = buildPaymentIntent(state, {
    ...data,
    amount: session.amount_total,
    currency: session.currency,
    customer: session.customer,
    metadata: { ...(data.metadata ?? {}) },
    shipping: data.shipping ?? (shipping ? { ...shipping, carrier: null, phone: null, tracking_number: null } : null),
    payment_method_types: ['card'],
  });
  const piRec = insert(state, 'payment_intent', pi, rec.account);
  session.payment_intent = pi.id;
  emitEvent(state, origin, 'payment_intent.created', pi);
  return piRec;
}

// A session's total changed on the hosted page: an unpaid PaymentIntent from an earlier attempt must charge it.
function repriceOpenPaymentIntent(state: EmulatorState, rec: Rec): void {
  const pi = find(state, rec.obj.payment_intent, 'payment_intent', rec.account);
  if (pi && ['requires_payment_method', 'requires_confirmation'].includes(pi.obj.status)) {
    pi.obj.amount = rec.obj.amount_total;
  }
  state.onChange();
}

/** The buyer's pick among the session's `shipping_options` (hosted page); re-prices an unpaid PaymentIntent. */
export function chooseShippingOption(state: EmulatorState, rec: Rec, rateId: string): void {
  checkOpen(state, rec);
  const session = rec.obj;
  if (rateId === session.shipping_cost?.shipping_rate) return;
  const offered = (session.shipping_options as Obj[]).some((o) => o.shipping_rate === rateId);
  const rate = offered ? find(state, rateId, 'shipping_rate', rec.account) : undefined;
  if (!rate) throw invalid('Please choose one of the shipping options.', 'shipping_rate');
  chooseShippingRate(session, rate.obj, rec.internal.lineItems, rec.internal.lineTaxRates);
  repriceOpenPaymentIntent(state, rec);
}

/**
 * The hosted page's "Add promotion code": validates the code against the session and applies it (once; Stripe
 * allows one). The buyer sees the thrown message.
 */
export function applyPromotionCode(state: EmulatorState, rec: Rec, code: string): void {
  checkOpen(state, rec);
  const session = rec.obj;
  if (!session.allow_promotion_codes) throw invalid('This checkout does not accept promotion codes.', 'promotion_code');
  if (session.discounts.length) throw invalid('A code is already applied.', 'promotion_code');
  if (!code.trim()) throw invalid('Enter a promotion code.', 'promotion_code');
  const { promo, coupon } = redeemablePromotionCode(
    state,
    rec.account,
    { code },
    { currency: session.currency, subtotal: session.amount_subtotal },
    'promotion_code',
  );
  applySessionDiscount(
    session,
    rec.internal.lineItems,
    coupon.obj,
    promo.id,
    'promotion_code',
    rec.internal.lineTaxRates,
  );
  repriceOpenPaymentIntent(state, rec);
}

function finish(state: EmulatorState, origin: Origin, rec: Rec): 'complete' {
  const session = rec.obj;
  redeemDiscounts(state, rec.account, session.discounts ?? []);
  const form = rec.internal.pendingForm ?? {};
  const pi = find(state, session.payment_intent, 'payment_intent', rec.account)?.obj;
  const customer = session.customer ? find(state, session.customer, 'customer', rec.account)?.obj : null;
  const billingCountry = pi?.payment_method
    ? find(state, pi.payment_method, 'payment_method', rec.account)?.obj.billing_details.address
    : null;
  Object.assign(session, {
    status: 'complete',
    url: null,
    payment_status:
      session.payment_status === 'no_payment_required'
        ? 'no_payment_required'
        : pi?.status === 'succeeded'
          ? 'paid'
          : 'unpaid',
    customer_details: {
      address: fullAddress(form.shipping?.address ?? billingCountry ?? customer?.address),
      business_name: null,
      email: form.email,
      individual_name: null,
      name: form.name ?? form.shipping?.name ?? customer?.name ?? null,
      phone: form.phone ?? null,
      tax_exempt: 'none',
      tax_ids: [],
    },
    collected_information: form.shipping
      ? { business_name: null, individual_name: null, shipping_details: clone(form.shipping) }
      : null,
    custom_fields: form.customFields ?? session.custom_fields,
    consent: form.consent ?? null,
  });
  delete rec.internal.pendingForm;
  state.onChange();
  if (session.payment_status !== 'unpaid') invoiceIfEnabled(state, origin, rec);
  emitEvent(state, origin, 'checkout.session.completed', session);
  return 'complete';
}

// `invoice_creation`: the paid invoice exists (and `session.invoice` is set) before the session's completion event.
function invoiceIfEnabled(state: EmulatorState, origin: Origin, rec: Rec): void {
  if (!rec.obj.invoice_creation?.enabled || rec.obj.invoice) return;
  rec.obj.invoice = createSessionInvoice(state, origin, rec).id;
  state.onChange();
}

/** Expires an open session (cancelling its PaymentIntent) and emits checkout.session.expired. */
export function expireSession(state: EmulatorState, origin: Origin, rec: Rec): void {
  const piRec = find(state, rec.obj.payment_intent, 'payment_intent', rec.account);
  if (piRec && ['requires_payment_method', 'requires_action', 'requires_confirmation'].includes(piRec.obj.status)) {
    cancelPaymentIntent(state, origin, piRec, 'abandoned');
  }
  rec.obj.status = 'expired';
  rec.obj.url = null;
  state.onChange();
  emitEvent(state, origin, 'checkout.session.expired', rec.obj);
}

/** Tick hook: expires sessions past expires_at and settles simulated async payments. */
export function checkoutTick(state: EmulatorState): void {
  const now = nowSec(state);
  for (const rec of activeRecs(state, 'checkout.session')) {
    if (rec.obj.status === 'open' && rec.obj.expires_at <= now) expireSession(state, systemOrigin(rec.account), rec);
    const pending = rec.internal.asyncPayment;
    if (pending && pending.dueAt <= now) settleAsync(state, rec, pending);
    // Closed with no payment left to settle: no timer changes this session again.
    if (rec.obj.status !== 'open' && !rec.internal.asyncPayment) retire(state, rec);
  }
}

function settleAsync(state: EmulatorState, rec: Rec, pending: Obj): void {
  delete rec.internal.asyncPayment;
  const origin = systemOrigin(rec.account);
  const piRec = find(state, rec.obj.payment_intent, 'payment_intent', rec.account)!;
  const pmRec = find(state, pending.pm, 'payment_method', rec.account)!;
  const card = lookupCard(pending.outcome === 'succeeded' ? '4242424242424242' : '4000000000000002');
  const input: CardInput = {
    ...pending.input,
    card: { ...pending.input.card, decline: 'decline' in card ? card.decline : undefined },
  };
  try {
    confirmWithCard(state, origin, piRec, pmRec, input, 'approve');
    rec.obj.payment_status = 'paid';
    state.onChange();
    invoiceIfEnabled(state, origin, rec);
    emitEvent(state, origin, 'checkout.session.async_payment_succeeded', rec.obj);
  } catch (err) {
    if (!(err instanceof StripeError)) throw err;
    emitEvent(state, origin, 'checkout.session.async_payment_failed', rec.obj);
  }
}
