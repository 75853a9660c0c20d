import type { Hono } from 'hono';
import type { ReqCtx } from '../core/context.ts';
import { api, getCtx } from '../core/context.ts';
import { invalid, missing, StripeError } from '../core/errors.ts';
import { emitEvent, registerEventTypes, systemOrigin, updateWithEvent } from '../core/events.ts';
import { registerReferenceFields } from '../core/expand.ts';
import { listResponse } from '../core/list.ts';
import type { V } from '../core/params.ts';
import { arr, bool, listParams, mergeMetadata, metadata, obj, oneOf, req, str, validate } from '../core/params.ts';
import type { EmulatorState, Obj, Rec } from '../core/state.ts';
import { all, clone, find, insert, mustFind } from '../core/state.ts';
import { buildSetupIntent, confirmSetup, onChargeSucceededSaveCard } from '../payments/setup.ts';
import { assertReturnUrl, resolvePaymentMethod } from './payment-intents.ts';

registerEventTypes([
  'setup_intent.created',
  'setup_intent.requires_action',
  'setup_intent.setup_failed',
  'setup_intent.succeeded',
  'setup_intent.canceled',
]);
registerReferenceFields(['latest_attempt', 'mandate', 'single_use_mandate']);

const pmOptions: V = obj({
  card: obj({ request_three_d_secure: oneOf('any', 'automatic', 'challenge'), network: str, moto: bool }),
});

const writable: Record<string, V> = {
  customer: str,
  description: str,
  metadata,
  payment_method: str,
  payment_method_types: arr(str),
  // The SDK's pinned version (2026-10-28) replaced payment_method_types with this on requests.
  allowed_payment_method_types: arr(str),
  flow_directions: arr(oneOf('inbound', 'outbound')),
  attach_to_self: bool,
  payment_method_options: pmOptions,
};

const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

function unexpected(si: Obj, message: string): StripeError {
  const extra = { code: 'setup_intent_unexpected_state', setup_intent: clone(si) };
  return new StripeError(400, 'invalid_request_error', message, extra as StripeError['extra']);
}

function assertCustomer(state: EmulatorState, id: string | undefined, account: string | null): void {
  if (id && !find(state, id, 'customer', account)) throw missing('customer', id, 'customer');
}

function applyCardOptions(si: Obj, opts: Obj | undefined): void {
  const req3ds = opts?.card?.request_three_d_secure;
  if (req3ds) si.payment_method_options.card.request_three_d_secure = req3ds;
}

/** Confirms with the given or stored payment method (a `pm_card_*` token or a saved pm_). */
function confirm(ctx: ReqCtx, rec: Rec, p: Obj): void {
  const si = rec.obj;
  if (!CONFIRMABLE.includes(si.status)) {
    throw unexpected(si, `You cannot confirm this SetupIntent because it has a status of ${si.status}.`);
  }
  assertReturnUrl(si.automatic_payment_methods, p.return_url);
  const pmId = p.payment_method ?? si.payment_method;
  if (!pmId) {
    throw unexpected(
      si,
      "You cannot confirm this SetupIntent because it's missing a payment method. To confirm the SetupIntent with a payment method, please provide a `payment_method`.",
    );
  }
  const { rec: pmRec, input } = resolvePaymentMethod(ctx, pmId);
  if (pmRec.obj.customer && si.customer && pmRec.obj.customer !== si.customer) {
    throw invalid('The provided PaymentMethod is attached to a different Customer.', 'payment_method');
  }
  applyCardOptions(si, p.payment_method_options);
  confirmSetup(ctx.state, ctx, rec, pmRec, input);
}

/** SetupIntents (create, retrieve, update, confirm, cancel, list) and SetupAttempts (list). */
export const setupIntents = (app: Hono, state: EmulatorState): void => {
  state.hooks.chargeSucceeded.push(onChargeSucceededSaveCard);

  api(app, 'post', '/v1/setup_intents', (ctx) => {
    const p = validate(ctx.params, {
      ...writable,
      automatic_payment_methods: obj({ enabled: req(bool), allow_redirects: oneOf('always', 'never') }),
      usage: oneOf('on_session', 'off_session'),
      confirm: bool,
      return_url: str,
      on_behalf_of: str,
      use_stripe_sdk: bool,
      payment_method_configuration: str,
    });
    assertCustomer(ctx.state, p.customer, ctx.account);
    // Since API 2023-08-16, automatic payment methods are on unless (allowed_)payment_method_types is given.
    const types = p.payment_method_types ?? p.allowed_payment_method_types;
    const apm = p.automatic_payment_methods ?? (types ? null : { enabled: true, allow_redirects: 'always' });
    if (apm?.enabled && !apm.allow_redirects) apm.allow_redirects = 'always';
    // Checked before anything is stored, as Stripe creates nothing for these 400s/404s.
    if (p.confirm) assertReturnUrl(apm, p.return_url);
    const pmId = p.payment_method ? resolvePaymentMethod(ctx, p.payment_method).rec.id : undefined;
    const si = buildSetupIntent(ctx.state, {
      ...p,
      payment_method: pmId,
      automatic_payment_methods: apm,
      metadata: mergeMetadata({}, p.metadata),
    });
    applyCardOptions(si, p.payment_method_options);
    const rec = insert(ctx.state, 'setup_intent', si, ctx.account);
    emitEvent(ctx.state, ctx, 'setup_intent.created', si);
    if (p.confirm) confirm(ctx, rec, { return_url: p.return_url });
    return rec.obj;
  });

  api(app, 'get', '/v1/setup_intents/:id', (ctx) => {
    validate(ctx.params, { client_secret: str });
    return mustFind(ctx.state, ctx.path.id, 'setup_intent', ctx.account).obj;
  });

  api(app, 'post', '/v1/setup_intents/:id', (ctx) => {
    const p = validate(ctx.params, writable);
    const rec = mustFind(ctx.state, ctx.path.id, 'setup_intent', ctx.account);
    const si = rec.obj;
    const lockedKey = ['customer', 'payment_method', 'payment_method_types', 'allowed_payment_method_types'].find(
      (k) => p[k] !== undefined,
    );
    if (lockedKey && ['succeeded', 'canceled'].includes(si.status)) {
      throw unexpected(si, `You cannot update ${lockedKey} on a SetupIntent with status ${si.status}.`);
    }
    assertCustomer(ctx.state, p.customer, ctx.account);
    const pmId = p.payment_method ? resolvePaymentMethod(ctx, p.payment_method).rec.id : undefined;
    // SetupIntents have no `updated` event type, so changes are recorded silently.
    updateWithEvent(ctx.state, ctx, rec, null, (o) => {
      for (const [k, v] of Object.entries(p)) {
        if (k === 'expand' || k === 'attach_to_self') continue;
        if (k === 'metadata') o.metadata = mergeMetadata(o.metadata, v as Obj | null);
        else if (k === 'payment_method_options') applyCardOptions(o, v as Obj);
        else if (k === 'payment_method') o.payment_method = pmId;
        else o[k] = v;
      }
      if (pmId && o.status === 'requires_payment_method') o.status = 'requires_confirmation';
    });
    return rec.obj;
  });

  api(app, 'post', '/v1/setup_intents/:id/confirm', (ctx) => {
    const p = validate(ctx.params, {
      payment_method: str,
      return_url: str,
      use_stripe_sdk: bool,
      client_secret: str,
      payment_method_options: pmOptions,
      mandate_data: obj({ customer_acceptance: obj({ type: str, accepted_at: str, online: obj({}) }) }),
    });
    const rec = mustFind(ctx.state, ctx.path.id, 'setup_intent', ctx.account);
    confirm(ctx, rec, p);
    return rec.obj;
  });

  api(app, 'post', '/v1/setup_intents/:id/cancel', (ctx) => {
    const p = validate(ctx.params, {
      cancellation_reason: oneOf('abandoned', 'duplicate', 'requested_by_customer'),
    });
    const rec = mustFind(ctx.state, ctx.path.id, 'setup_intent', ctx.account);
    const si = rec.obj;
    if (!CONFIRMABLE.includes(si.status)) {
      throw unexpected(
        si,
        `You cannot cancel this SetupIntent because it has a status of ${si.status}. Only a SetupIntent with one of the following statuses may be canceled: ${CONFIRMABLE.join(', ')}.`,
      );
    }
    const attempt = find(ctx.state, rec.internal.pendingCard?.attempt, 'setup_attempt', rec.account);
    if (attempt) attempt.obj.status = 'abandoned';
    delete rec.internal.pendingCard;
    updateWithEvent(ctx.state, ctx, rec, null, (o) => {
      Object.assign(o, { status: 'canceled', cancellation_reason: p.cancellation_reason ?? null, next_action: null });
    });
    emitEvent(ctx.state, ctx, 'setup_intent.canceled', si);
    return si;
  });

  api(app, 'get', '/v1/setup_intents', (ctx) => {
    const p = validate(ctx.params, { ...listParams, customer: str, payment_method: str, attach_to_self: bool });
    const recs = all(ctx.state, 'setup_intent', ctx.account).filter(
      (r) =>
        (!p.customer || r.obj.customer === p.customer) &&
        (!p.payment_method || r.obj.payment_method === p.payment_method),
    );
    return listResponse('/v1/setup_intents', recs, p);
  });

  api(app, 'get', '/v1/setup_attempts', (ctx) => {
    const p = validate(ctx.params, { ...listParams, setup_intent: req(str) });
    const recs = all(ctx.state, 'setup_attempt', ctx.account).filter((r) => r.obj.setup_intent === p.setup_intent);
    return listResponse('/v1/setup_attempts', recs, p);
  });

  // Test control: completes (approve) or fails (deny) a SetupIntent's pending 3-D Secure step.
  app.post('/_emulator/setup_intents/:id/authenticate', (c) => {
    const p = validate(getCtx(c).params, { outcome: oneOf('approve', 'deny') });
    const rec = state.records.get(c.req.param('id'));
    const pending = rec?.internal.pendingCard;
    if (rec?.type !== 'setup_intent' || !pending) throw invalid('This SetupIntent is not awaiting authentication.');
    const pmRec = state.records.get(pending.paymentMethod)!;
    confirmSetup(state, systemOrigin(rec.account), rec, pmRec, pending.input, p.outcome ?? 'approve');
    return c.json(clone(rec.obj));
  });
};
