import type { Hono } from 'hono';
import { lookupCard, PAYMENT_METHOD_TOKENS } from '../core/cards.ts';
import type { ReqCtx } from '../core/context.ts';
import { api } from '../core/context.ts';
import { invalid, missing, requiredParam, StripeError } from '../core/errors.ts';
import { updateWithEvent } from '../core/events.ts';
import { listResponse } from '../core/list.ts';
import type { V } from '../core/params.ts';
import {
  address,
  fullAddress,
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
import type { Obj, Rec } from '../core/state.ts';
import { all, insert, mustFind, nowSec } from '../core/state.ts';
import type { CardInput } from '../payments/objects.ts';
import { buildPaymentMethod } from '../payments/objects.ts';
import { attachPaymentMethod, setupDecline } from '../payments/setup.ts';

const billingDetails: V = obj({ address, email: str, name: str, phone: str, tax_id: str });
const allowRedisplay: V = oneOf('always', 'limited', 'unspecified');

function cardError(code: string, message: string, param: string, declineCode?: string): StripeError {
  return new StripeError(402, 'card_error', message, { code, param, decline_code: declineCode });
}

/** Card details from `card[token]` (`tok_visa`…, same names as `pm_card_*`) or a raw test number. */
function cardInput(ctx: ReqCtx, card: Obj | undefined, billing: Obj | undefined): CardInput {
  if (!card) throw requiredParam('card');
  const year = new Date(nowSec(ctx.state) * 1000).getUTCFullYear();
  let number: string | undefined;
  if (card.token) {
    number = PAYMENT_METHOD_TOKENS[`pm_card_${card.token.replace(/^tok_/, '')}`];
    if (!card.token.startsWith('tok_') || !number) throw missing('token', card.token, 'card[token]');
  } else {
    if (!card.number) throw requiredParam('card[number]');
    if (card.exp_month == null) throw requiredParam('card[exp_month]');
    if (card.exp_year == null) throw requiredParam('card[exp_year]');
    number = card.number as string;
  }
  const found = lookupCard(number);
  if ('invalid' in found) throw cardError(found.invalid.code, found.invalid.message, 'card[number]');
  // Two-digit years are accepted, as on Stripe.
  const expYear = card.exp_year == null ? year + 3 : card.exp_year < 100 ? 2000 + card.exp_year : card.exp_year;
  if (expYear < year) {
    throw cardError('invalid_expiry_year', "Your card's expiration year is invalid.", 'card[exp_year]');
  }
  return { card: found, exp_month: card.exp_month ?? 12, exp_year: expYear, billing: billing ?? {} };
}

function mustFindCustomer(ctx: ReqCtx, id: string): Rec {
  return mustFind(ctx.state, id, 'customer', ctx.account, 'customer', 'customer');
}

/** PaymentMethods: create (card), retrieve, update, attach, detach, list; a customer's payment methods. */
export const paymentMethods = (app: Hono): void => {
  api(app, 'post', '/v1/payment_methods', (ctx) => {
    const p = validate(ctx.params, {
      type: req(oneOf('card')),
      card: obj({ token: str, number: str, exp_month: int(1, 12), exp_year: int(0, 9999), cvc: str }),
      billing_details: billingDetails,
      metadata,
      allow_redisplay: allowRedisplay,
    });
    const input = cardInput(ctx, p.card, p.billing_details);
    const pm = buildPaymentMethod(ctx.state, input, null);
    pm.metadata = mergeMetadata({}, p.metadata);
    if (p.allow_redisplay) pm.allow_redisplay = p.allow_redisplay;
    if (p.card?.cvc === undefined) pm.card.checks.cvc_check = null;
    return insert(ctx.state, 'payment_method', pm, ctx.account, { input }).obj;
  });

  api(app, 'get', '/v1/payment_methods/:id', (ctx) => {
    validate(ctx.params, {});
    return mustFind(ctx.state, ctx.path.id, 'payment_method', ctx.account).obj;
  });

  api(app, 'post', '/v1/payment_methods/:id', (ctx) => {
    const p = validate(ctx.params, {
      billing_details: billingDetails,
      metadata,
      allow_redisplay: allowRedisplay,
      card: obj({ exp_month: int(1, 12), exp_year: int(0, 9999), networks: obj({ preferred: str }) }),
    });
    const rec = mustFind(ctx.state, ctx.path.id, 'payment_method', ctx.account);
    if (!rec.obj.customer) {
      throw invalid('You must save this PaymentMethod to a customer before you can update it.', undefined);
    }
    updateWithEvent(ctx.state, ctx, rec, 'payment_method.updated', (o) => {
      if (p.metadata !== undefined) o.metadata = mergeMetadata(o.metadata, p.metadata);
      if (p.allow_redisplay) o.allow_redisplay = p.allow_redisplay;
      if (p.billing_details) {
        const b = p.billing_details;
        const prev = o.billing_details;
        o.billing_details = {
          address: b.address !== undefined ? fullAddress({ ...prev.address, ...b.address }) : prev.address,
          email: b.email !== undefined ? b.email : prev.email,
          name: b.name !== undefined ? b.name : prev.name,
          phone: b.phone !== undefined ? b.phone : prev.phone,
          tax_id: b.tax_id !== undefined ? b.tax_id : prev.tax_id,
        };
      }
      if (p.card?.exp_month != null) o.card.exp_month = p.card.exp_month;
      if (p.card?.exp_year != null) o.card.exp_year = p.card.exp_year;
      if (p.card?.networks) o.card.networks.preferred = p.card.networks.preferred;
    });
    return rec.obj;
  });

  api(app, 'post', '/v1/payment_methods/:id/attach', (ctx) => {
    const p = validate(ctx.params, { customer: req(str) });
    const rec = mustFind(ctx.state, ctx.path.id, 'payment_method', ctx.account);
    mustFindCustomer(ctx, p.customer);
    if (rec.internal.detached) {
      throw invalid(
        'This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.',
        undefined,
        'payment_method_unexpected_state',
      );
    }
    if (rec.obj.customer && rec.obj.customer !== p.customer) {
      throw invalid(
        'The payment method you provided has already been attached to a customer.',
        undefined,
        'payment_method_unexpected_state',
      );
    }
    // Attaching verifies the card, so cards that decline a $0 check cannot be saved.
    const decline = setupDecline(rec.internal.input.card);
    if (decline) throw cardError(decline.code, decline.message, 'card', decline.decline_code);
    attachPaymentMethod(ctx.state, ctx, rec, p.customer);
    return rec.obj;
  });

  api(app, 'post', '/v1/payment_methods/:id/detach', (ctx) => {
    validate(ctx.params, {});
    const rec = mustFind(ctx.state, ctx.path.id, 'payment_method', ctx.account);
    if (!rec.obj.customer) {
      throw invalid(
        'The payment method you provided is not attached to a customer so detachment is impossible.',
        undefined,
        'payment_method_unexpected_state',
      );
    }
    rec.internal.detached = true;
    updateWithEvent(ctx.state, ctx, rec, 'payment_method.detached', (o) => {
      o.customer = null;
    });
    return rec.obj;
  });

  api(app, 'get', '/v1/payment_methods', (ctx) => {
    const p = validate(ctx.params, { ...listParams, customer: str, type: str, allow_redisplay: allowRedisplay });
    if (p.customer) mustFindCustomer(ctx, p.customer);
    return listResponse('/v1/payment_methods', filtered(ctx, p), p);
  });

  api(app, 'get', '/v1/customers/:customer/payment_methods', (ctx) => {
    const p = validate(ctx.params, { ...listParams, type: str, allow_redisplay: allowRedisplay });
    mustFindCustomer(ctx, ctx.path.customer);
    const recs = filtered(ctx, { ...p, customer: ctx.path.customer });
    return listResponse(`/v1/customers/${ctx.path.customer}/payment_methods`, recs, p);
  });

  api(app, 'get', '/v1/customers/:customer/payment_methods/:id', (ctx) => {
    validate(ctx.params, {});
    mustFindCustomer(ctx, ctx.path.customer);
    const rec = mustFind(ctx.state, ctx.path.id, 'payment_method', ctx.account, 'PaymentMethod', 'payment_method');
    if (rec.obj.customer !== ctx.path.customer) throw missing('PaymentMethod', ctx.path.id, 'payment_method');
    return rec.obj;
  });
};

function filtered(ctx: ReqCtx, p: Obj): Rec[] {
  return all(ctx.state, 'payment_method', ctx.account).filter(
    (r) =>
      (!p.customer || r.obj.customer === p.customer) &&
      (!p.type || r.obj.type === p.type) &&
      (!p.allow_redisplay || r.obj.allow_redisplay === p.allow_redisplay),
  );
}
