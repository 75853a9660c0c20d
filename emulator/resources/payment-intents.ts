import type { Hono } from 'hono';
import { assertDestinationCharge } from '../connect/destination-check.ts';
import { lookupCard, PAYMENT_METHOD_TOKENS } from '../core/cards.ts';
import type { ReqCtx } from '../core/context.ts';
import { api } from '../core/context.ts';
import { invalid, missing, StripeError } from '../core/errors.ts';
import { emitEvent, updateWithEvent } from '../core/events.ts';
import { listResponse } from '../core/list.ts';
import type { V } from '../core/params.ts';
import {
  address,
  arr,
  bool,
  currency,
  int,
  listParams,
  mergeMetadata,
  metadata,
  obj,
  oneOf,
  req,
  str,
  validate,
} from '../core/params.ts';
import { searchRoute } from '../core/search.ts';
import type { Obj, Rec } from '../core/state.ts';
import { all, find, insert, mustFind } from '../core/state.ts';
import { cancelPaymentIntent, capturePaymentIntent, confirmWithCard, createPaymentMethod } from '../payments/engine.ts';
import type { CardInput } from '../payments/objects.ts';
import { buildPaymentIntent } from '../payments/objects.ts';
import { savedCardInput } from '../payments/setup.ts';
import { assertTokenUsable, findGrantedToken, linkedToken, paymentMethodFromToken } from '../payments/shared-tokens.ts';

const shipping: V = obj({ address: req(address), name: req(str), carrier: str, phone: str, tracking_number: str });

const confirmParams: Record<string, V> = {
  payment_method: str,
  return_url: str,
  receipt_email: str,
  off_session: str,
  error_on_requires_action: bool,
  setup_future_usage: oneOf('off_session', 'on_session'),
  shipping,
  payment_method_types: arr(str),
  // The SDK's pinned version (2026-10-28) replaced payment_method_types with this on requests.
  allowed_payment_method_types: arr(str),
  capture_method: oneOf('automatic', 'automatic_async', 'manual'),
  use_stripe_sdk: bool,
  // Only Shared Payment Granted Tokens are supported as payment_method_data (agentic commerce).
  payment_method_data: obj({ shared_payment_granted_token: req(str) }),
  // The top-level spelling Stripe's agentic-commerce guides also show.
  shared_payment_granted_token: str,
};

/** The SPT named by `payment_method_data[shared_payment_granted_token]` or `shared_payment_granted_token`. */
function sptParam(p: Obj): { id: string; param: string } | null {
  const nested = p.payment_method_data?.shared_payment_granted_token;
  if (nested && p.shared_payment_granted_token) {
    throw invalid(
      'You cannot provide both `payment_method_data[shared_payment_granted_token]` and `shared_payment_granted_token`.',
      'shared_payment_granted_token',
      'parameters_exclusive',
    );
  }
  const param = nested ? 'payment_method_data[shared_payment_granted_token]' : 'shared_payment_granted_token';
  const id = nested ?? p.shared_payment_granted_token;
  if (!id) return null;
  if (p.payment_method) {
    throw invalid(`You cannot provide both \`payment_method\` and \`${param}\`.`, param, 'parameters_exclusive');
  }
  return { id, param };
}

/** Minimum charge amount in minor units (Stripe's are currency-specific; this is a close approximation). */
function minimumAmount(cur: string): number {
  return cur === 'gbp' ? 30 : 50;
}

/** Resolves `payment_method` (a `pm_card_*` token or a stored pm_ id) to a stored PaymentMethod. */
export function resolvePaymentMethod(
  ctx: ReqCtx,
  id: string,
  param = 'payment_method',
): { rec: Rec; input: CardInput } {
  const token = PAYMENT_METHOD_TOKENS[id];
  if (token) {
    const card = lookupCard(token);
    if ('invalid' in card) throw invalid('Invalid test card token', param);
    const input: CardInput = { card, exp_month: 12, exp_year: new Date().getFullYear() + 3, billing: {} };
    return { rec: createPaymentMethod(ctx.state, ctx.account, input), input };
  }
  const rec = mustFind(ctx.state, id, 'payment_method', ctx.account, 'PaymentMethod', param);
  return { rec, input: rec.internal.input };
}

const TYPE_KEYS = ['payment_method_types', 'allowed_payment_method_types'];

/** Stripe refuses to confirm without `return_url` when automatic payment methods may redirect. */
export function assertReturnUrl(apm: Obj | null, returnUrl: unknown): void {
  if (!apm?.enabled || apm.allow_redirects === 'never' || returnUrl) return;
  throw invalid(
    'A `return_url` must be specified because this Payment Intent is configured to automatically accept the payment methods enabled in the Dashboard, some of which may require a full page redirect to succeed. If you do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.',
  );
}

/** Confirms a PaymentIntent with its (possibly new) payment method; declines surface as 402 card errors. */
export function confirm(ctx: ReqCtx, rec: Rec, p: Obj): void {
  const pi = rec.obj;
  if (!['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(pi.status)) {
    throw new StripeError(
      400,
      'invalid_request_error',
      `This PaymentIntent's status is ${pi.status}, so it cannot be confirmed.`,
      { code: 'payment_intent_unexpected_state' },
    );
  }
  assertReturnUrl(pi.automatic_payment_methods, p.return_url);
  for (const key of ['receipt_email', 'setup_future_usage', 'shipping', 'capture_method', ...TYPE_KEYS]) {
    if (p[key] !== undefined) pi[key] = p[key];
  }
  const spt = sptParam(p);
  if (spt) {
    const token = findGrantedToken(ctx.state, spt.id, ctx.account, spt.param);
    assertTokenUsable(ctx.state, token, pi.amount, pi.currency, spt.param, pi.id);
    const { rec: pmRec, input } = paymentMethodFromToken(ctx.state, rec, token);
    confirmWithCard(ctx.state, ctx, rec, pmRec, input);
    return;
  }
  const pmId = p.payment_method ?? pi.payment_method;
  if (!pmId) {
    throw new StripeError(
      400,
      'invalid_request_error',
      "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with a payment method, please provide a `payment_method`.",
      { code: 'payment_intent_unexpected_state' },
    );
  }
  // A PaymentMethod cloned from an SPT stays bound to that token's limits.
  const token = linkedToken(ctx.state, rec, pmId);
  if (token) assertTokenUsable(ctx.state, token, pi.amount, pi.currency, 'payment_method', pi.id);
  const { rec: pmRec, input } = resolvePaymentMethod(ctx, pmId);
  confirmWithCard(ctx.state, ctx, rec, pmRec, savedCardInput(rec, pmRec, input, p.off_session));
}

/** PaymentIntents: create, retrieve, update, confirm, capture, cancel, list. */
export const paymentIntents = (app: Hono): void => {
  api(app, 'post', '/v1/payment_intents', (ctx) => {
    const p = validate(ctx.params, {
      ...confirmParams,
      amount: req(int(0)),
      currency: req(currency),
      confirm: bool,
      customer: str,
      description: str,
      metadata,
      confirmation_method: oneOf('automatic', 'manual'),
      statement_descriptor: str,
      statement_descriptor_suffix: str,
      transfer_data: obj({ destination: req(str), amount: int(0) }),
      application_fee_amount: int(0),
      on_behalf_of: str,
      transfer_group: str,
      automatic_payment_methods: obj({ enabled: req(bool), allow_redirects: oneOf('always', 'never') }),
      payment_method_options: obj({}),
    });
    if (p.amount < minimumAmount(p.currency)) {
      throw invalid('Amount must be at least 50 cents', 'amount', 'amount_too_small');
    }
    if (p.customer && !find(ctx.state, p.customer, 'customer', ctx.account))
      throw missing('customer', p.customer, 'customer');
    assertDestinationCharge(ctx.state, ctx.account, p);
    // Since API 2023-08-16, automatic payment methods are on unless (allowed_)payment_method_types is given.
    const types = p.payment_method_types ?? p.allowed_payment_method_types;
    const apm = p.automatic_payment_methods ?? (types ? null : { enabled: true, allow_redirects: 'always' });
    if (apm?.enabled && !apm.allow_redirects) apm.allow_redirects = 'always';
    // Checked before anything is stored: Stripe creates no PaymentIntent for this 400.
    if (p.confirm) assertReturnUrl(apm, p.return_url);
    // Resolved first, so an unknown payment_method is a 404 that leaves no PaymentIntent behind.
    const pmId = p.payment_method ? resolvePaymentMethod(ctx, p.payment_method).rec.id : undefined;
    // Likewise an unknown, deactivated or insufficient SPT is refused before anything is stored.
    const spt = sptParam(p);
    const token = spt ? findGrantedToken(ctx.state, spt.id, ctx.account, spt.param) : undefined;
    if (token && spt) assertTokenUsable(ctx.state, token, p.amount, p.currency, spt.param);
    const pi = buildPaymentIntent(ctx.state, {
      ...p,
      payment_method: pmId,
      automatic_payment_methods: apm,
      metadata: mergeMetadata({}, p.metadata),
    });
    const rec = insert(ctx.state, 'payment_intent', pi, ctx.account);
    if (token) {
      pi.payment_method = paymentMethodFromToken(ctx.state, rec, token).rec.id;
      pi.status = 'requires_confirmation';
    }
    emitEvent(ctx.state, ctx, 'payment_intent.created', pi);
    // The token (if any) is already the intent's payment_method, so confirm without the request's PM params.
    const pmParams = {
      payment_method: undefined,
      payment_method_data: undefined,
      shared_payment_granted_token: undefined,
    };
    if (p.confirm) confirm(ctx, rec, { ...p, ...pmParams });
    return rec.obj;
  });

  searchRoute(app, 'payment_intents', 'payment_intent', {
    amount: 'numeric',
    created: 'numeric',
    currency: 'token',
    customer: 'token',
    status: 'token',
  });

  api(app, 'get', '/v1/payment_intents/:id', (ctx) => {
    validate(ctx.params, { client_secret: str });
    return mustFind(ctx.state, ctx.path.id, 'payment_intent', ctx.account).obj;
  });

  api(app, 'post', '/v1/payment_intents/:id', (ctx) => {
    const p = validate(ctx.params, {
      amount: int(0),
      currency,
      customer: str,
      description: str,
      metadata,
      payment_method: str,
      receipt_email: str,
      shipping,
      statement_descriptor: str,
      statement_descriptor_suffix: str,
      transfer_data: obj({ amount: int(0) }),
      application_fee_amount: int(0),
      transfer_group: str,
      setup_future_usage: oneOf('off_session', 'on_session'),
      payment_method_types: arr(str),
      allowed_payment_method_types: arr(str),
      capture_method: oneOf('automatic', 'automatic_async', 'manual'),
    });
    const rec = mustFind(ctx.state, ctx.path.id, 'payment_intent', ctx.account);
    const pi = rec.obj;
    const locked = ['succeeded', 'canceled', 'processing', 'requires_capture'].includes(pi.status);
    const moneyKeys = ['amount', 'currency', 'payment_method', 'capture_method', ...TYPE_KEYS, 'transfer_data'];
    const lockedKey = moneyKeys.find((k) => p[k] !== undefined);
    if (locked && lockedKey) {
      throw invalid(
        `You cannot update ${lockedKey} on a PaymentIntent with status ${pi.status}.`,
        lockedKey,
        'payment_intent_unexpected_state',
      );
    }
    if (p.customer && !find(ctx.state, p.customer, 'customer', ctx.account))
      throw missing('customer', p.customer, 'customer');
    const pmId = p.payment_method ? resolvePaymentMethod(ctx, p.payment_method).rec.id : undefined;
    updateWithEvent(ctx.state, ctx, rec, null, (o) => {
      for (const [k, v] of Object.entries(p)) {
        if (k === 'expand') continue;
        if (k === 'metadata') o.metadata = mergeMetadata(o.metadata, v as Obj | null);
        else if (k === 'transfer_data')
          o.transfer_data = o.transfer_data ? { ...o.transfer_data, ...(v as Obj) } : null;
        else if (k === 'payment_method') o.payment_method = pmId;
        else o[k] = v;
      }
      if (pmId && o.status === 'requires_payment_method') o.status = 'requires_confirmation';
    });
    return rec.obj;
  });

  api(app, 'post', '/v1/payment_intents/:id/confirm', (ctx) => {
    const p = validate(ctx.params, { ...confirmParams, client_secret: str });
    const rec = mustFind(ctx.state, ctx.path.id, 'payment_intent', ctx.account);
    confirm(ctx, rec, p);
    return rec.obj;
  });

  api(app, 'post', '/v1/payment_intents/:id/capture', (ctx) => {
    const p = validate(ctx.params, {
      amount_to_capture: int(1),
      metadata,
      application_fee_amount: int(0),
      statement_descriptor: str,
      statement_descriptor_suffix: str,
      transfer_data: obj({ amount: int(0) }),
      final_capture: bool,
    });
    const rec = mustFind(ctx.state, ctx.path.id, 'payment_intent', ctx.account);
    if (p.metadata !== undefined) rec.obj.metadata = mergeMetadata(rec.obj.metadata, p.metadata);
    if (p.application_fee_amount !== undefined) rec.obj.application_fee_amount = p.application_fee_amount;
    capturePaymentIntent(ctx.state, ctx, rec, p.amount_to_capture ?? undefined);
    return rec.obj;
  });

  api(app, 'post', '/v1/payment_intents/:id/cancel', (ctx) => {
    const p = validate(ctx.params, {
      cancellation_reason: oneOf('duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'),
    });
    const rec = mustFind(ctx.state, ctx.path.id, 'payment_intent', ctx.account);
    cancelPaymentIntent(ctx.state, ctx, rec, p.cancellation_reason ?? null);
    return rec.obj;
  });

  api(app, 'get', '/v1/payment_intents', (ctx) => {
    const p = validate(ctx.params, { ...listParams, customer: str });
    const recs = all(ctx.state, 'payment_intent', ctx.account).filter(
      (r) => !p.customer || r.obj.customer === p.customer,
    );
    return listResponse('/v1/payment_intents', recs, p);
  });
};
