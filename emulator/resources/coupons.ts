import type { Hono } from 'hono';
import { api } from '../core/context.ts';
import { invalid, missing } from '../core/errors.ts';
import { emitEvent, updateWithEvent } from '../core/events.ts';
import { base62, newId } from '../core/ids.ts';
import { listResponse } from '../core/list.ts';
import {
  bool,
  currency,
  inRange,
  int,
  listParams,
  mergeMetadata,
  metadata,
  num,
  obj,
  oneOf,
  range,
  req,
  str,
  validate,
} from '../core/params.ts';
import type { EmulatorState, Obj, Rec } from '../core/state.ts';
import { all, find, insert, mustFind, nowSec } from '../core/state.ts';
import { recomputeSessionTotals } from './tax-rates.ts';

const CODE = /^[a-zA-Z0-9-]{1,500}$/;

/** Coupon object with every field Stripe returns. */
function buildCoupon(state: EmulatorState, p: Obj): Obj {
  return {
    // Stripe's generated coupon ids are 8 base62 characters with no prefix.
    id: p.id ?? base62(8),
    object: 'coupon',
    amount_off: p.amount_off ?? null,
    created: nowSec(state),
    currency: p.amount_off != null ? p.currency : null,
    duration: p.duration ?? 'once',
    duration_in_months: p.duration === 'repeating' ? p.duration_in_months : null,
    livemode: false,
    max_redemptions: p.max_redemptions ?? null,
    metadata: mergeMetadata({}, p.metadata),
    name: p.name ?? null,
    percent_off: p.percent_off ?? null,
    redeem_by: p.redeem_by ?? null,
    times_redeemed: 0,
    valid: true,
  };
}

/** Whether a coupon can still be redeemed now (Stripe's `valid`: not past redeem_by, redemptions left). */
function couponValid(state: EmulatorState, c: Obj): boolean {
  if (c.redeem_by != null && c.redeem_by <= nowSec(state)) return false;
  return c.max_redemptions == null || c.times_redeemed < c.max_redemptions;
}

/** Promotion code object (API 2025-09+: the coupon sits under `promotion`). */
function buildPromotionCode(state: EmulatorState, p: Obj, coupon: string): Obj {
  return {
    id: newId('promo'),
    object: 'promotion_code',
    active: p.active ?? true,
    code: p.code ?? base62(8).toUpperCase(),
    created: nowSec(state),
    customer: p.customer ?? null,
    customer_account: null,
    expires_at: p.expires_at ?? null,
    livemode: false,
    max_redemptions: p.max_redemptions ?? null,
    metadata: mergeMetadata({}, p.metadata),
    promotion: { coupon, type: 'coupon' },
    restrictions: {
      first_time_transaction: p.restrictions?.first_time_transaction ?? false,
      minimum_amount: p.restrictions?.minimum_amount ?? null,
      minimum_amount_currency: p.restrictions?.minimum_amount_currency ?? null,
    },
    times_redeemed: 0,
  };
}

/** What a discount takes off `subtotal`, per Stripe's rules; throws the error Stripe gives when it can't apply. */
export function discountAmount(coupon: Obj, currencyCode: string, subtotal: number, param: string): number {
  if (coupon.percent_off != null) return Math.min(subtotal, Math.round((subtotal * coupon.percent_off) / 100));
  if (coupon.currency !== currencyCode) {
    throw invalid(
      `The coupon's currency (${coupon.currency}) must match the currency of the Checkout Session (${currencyCode}).`,
      param,
    );
  }
  return Math.min(subtotal, coupon.amount_off);
}

/** A coupon the session may use, or the error Stripe returns for it. */
export function redeemableCoupon(state: EmulatorState, account: string | null, id: string, param: string): Rec {
  const rec = find(state, id, 'coupon', account);
  if (!rec) throw missing('coupon', id, param);
  if (!couponValid(state, rec.obj)) throw invalid(`Coupon ${id} is no longer valid.`, param, 'coupon_expired');
  return rec;
}

/**
 * An active promotion code by id or by its customer-facing code (case-insensitive), checked against its limits
 * for a purchase of `subtotal`; the thrown message is what the hosted page shows the buyer.
 */
export function redeemablePromotionCode(
  state: EmulatorState,
  account: string | null,
  ref: { id?: string; code?: string },
  purchase: { currency: string; subtotal: number },
  param: string,
): { promo: Rec; coupon: Rec } {
  const promo = ref.id
    ? find(state, ref.id, 'promotion_code', account)
    : all(state, 'promotion_code', account).find(
        (r) => r.obj.active && r.obj.code.toLowerCase() === (ref.code ?? '').trim().toLowerCase(),
      );
  if (!promo) {
    if (ref.id) throw missing('promotion_code', ref.id, param);
    throw invalid('This code is invalid.', param, 'promotion_code_invalid');
  }
  const p = promo.obj;
  const spent = p.max_redemptions != null && p.times_redeemed >= p.max_redemptions;
  if (!p.active || spent || (p.expires_at != null && p.expires_at <= nowSec(state))) {
    throw invalid('This code is no longer valid.', param, 'promotion_code_invalid');
  }
  const min = p.restrictions.minimum_amount;
  if (min != null && (p.restrictions.minimum_amount_currency !== purchase.currency || purchase.subtotal < min)) {
    throw invalid('This code requires a larger order.', param, 'promotion_code_invalid');
  }
  const coupon = find(state, p.promotion.coupon, 'coupon', account);
  if (!coupon || !couponValid(state, coupon.obj)) {
    throw invalid('This code is no longer valid.', param, 'promotion_code_invalid');
  }
  return { promo, coupon };
}

/**
 * Applies a coupon to a session and its line items as Stripe reports it: the discount spread over the lines in
 * proportion to their amounts (rounding left on the last), `discounts`, `total_details` and `amount_total`.
 */
export function applySessionDiscount(
  session: Obj,
  items: Obj[],
  coupon: Obj,
  promotionCode: string | null,
  param: string,
  lineRates: Obj[][] = [],
): void {
  const subtotal = session.amount_subtotal;
  const off = discountAmount(coupon, session.currency, subtotal, param);
  let left = off;
  items.forEach((li, i) => {
    const share = i === items.length - 1 ? left : Math.round((off * li.amount_subtotal) / Math.max(subtotal, 1));
    const taken = Math.min(share, li.amount_subtotal, left);
    li.amount_discount = taken;
    left -= taken;
  });
  // A last line smaller than the rounding leftover: take the rest from any line with room.
  for (const li of items) {
    if (!left) break;
    const taken = Math.min(left, li.amount_subtotal - li.amount_discount);
    li.amount_discount += taken;
    left -= taken;
  }
  session.discounts = [{ coupon: coupon.id, promotion_code: promotionCode }];
  session.total_details = { ...session.total_details, amount_discount: off };
  recomputeSessionTotals(session, items, lineRates);
}

/** Counts one redemption of a paid session's discount (coupon and promotion code), as Stripe does on payment. */
export function redeemDiscounts(state: EmulatorState, account: string | null, discounts: Obj[]): void {
  for (const d of discounts) {
    const coupon = find(state, d.coupon, 'coupon', account);
    if (coupon) {
      coupon.obj.times_redeemed++;
      coupon.obj.valid = couponValid(state, coupon.obj);
    }
    const promo = d.promotion_code ? find(state, d.promotion_code, 'promotion_code', account) : undefined;
    if (promo) promo.obj.times_redeemed++;
  }
  state.onChange();
}

/** Coupons and promotion codes: create, retrieve, update, delete (coupons), list. */
export const coupons = (app: Hono): void => {
  api(app, 'post', '/v1/coupons', (ctx) => {
    const p = validate(ctx.params, {
      id: str,
      amount_off: int(1),
      currency,
      percent_off: num(0, 100),
      duration: oneOf('once', 'repeating', 'forever'),
      duration_in_months: int(1),
      max_redemptions: int(1),
      redeem_by: int(),
      name: str,
      metadata,
    });
    if ((p.amount_off == null) === (p.percent_off == null)) {
      throw invalid('You must specify either `amount_off` or `percent_off`.', 'amount_off', 'parameter_missing');
    }
    if (p.percent_off != null && p.percent_off <= 0)
      throw invalid('Invalid percent_off: must be above 0.', 'percent_off');
    if (p.amount_off != null && !p.currency) {
      throw invalid('You must specify `currency` when using `amount_off`.', 'currency', 'parameter_missing');
    }
    if (p.duration === 'repeating' && p.duration_in_months == null) {
      throw invalid('You must specify `duration_in_months` when `duration` is `repeating`.', 'duration_in_months');
    }
    if (p.redeem_by != null && p.redeem_by <= nowSec(ctx.state)) {
      throw invalid('Invalid timestamp: must be in the future.', 'redeem_by');
    }
    if (p.id && find(ctx.state, p.id, 'coupon', ctx.account)) {
      throw invalid('Coupon already exists.', 'id', 'resource_already_exists');
    }
    const rec = insert(ctx.state, 'coupon', buildCoupon(ctx.state, p), ctx.account);
    emitEvent(ctx.state, ctx, 'coupon.created', rec.obj);
    return rec.obj;
  });

  api(app, 'get', '/v1/coupons/:id', (ctx) => {
    validate(ctx.params, {});
    const rec = mustFind(ctx.state, ctx.path.id, 'coupon', ctx.account);
    rec.obj.valid = couponValid(ctx.state, rec.obj);
    return rec.obj;
  });

  api(app, 'post', '/v1/coupons/:id', (ctx) => {
    const p = validate(ctx.params, { name: str, metadata });
    const rec = mustFind(ctx.state, ctx.path.id, 'coupon', ctx.account);
    updateWithEvent(ctx.state, ctx, rec, 'coupon.updated', (o) => {
      if (p.name !== undefined) o.name = p.name;
      if (p.metadata !== undefined) o.metadata = mergeMetadata(o.metadata, p.metadata);
    });
    return rec.obj;
  });

  api(app, 'delete', '/v1/coupons/:id', (ctx) => {
    validate(ctx.params, {});
    const rec = mustFind(ctx.state, ctx.path.id, 'coupon', ctx.account);
    rec.deleted = true;
    ctx.state.onChange();
    emitEvent(ctx.state, ctx, 'coupon.deleted', rec.obj);
    return { id: rec.id, object: 'coupon', deleted: true };
  });

  api(app, 'get', '/v1/coupons', (ctx) => {
    const p = validate(ctx.params, { ...listParams, created: range });
    const recs = all(ctx.state, 'coupon', ctx.account).filter((r) => inRange(r.obj.created, p.created));
    for (const r of recs) r.obj.valid = couponValid(ctx.state, r.obj);
    return listResponse('/v1/coupons', recs, p);
  });

  api(app, 'post', '/v1/promotion_codes', (ctx) => {
    const p = validate(ctx.params, {
      promotion: req(obj({ type: req(oneOf('coupon')), coupon: req(str) })),
      code: str,
      active: bool,
      customer: str,
      expires_at: int(),
      max_redemptions: int(1),
      metadata,
      restrictions: obj({
        first_time_transaction: bool,
        minimum_amount: int(0),
        minimum_amount_currency: currency,
      }),
    });
    const coupon = find(ctx.state, p.promotion.coupon, 'coupon', ctx.account);
    if (!coupon) throw missing('coupon', p.promotion.coupon, 'promotion[coupon]');
    if (p.code != null && !CODE.test(p.code)) {
      throw invalid('Promotion codes may only contain letters, digits and dashes.', 'code');
    }
    const taken =
      p.code != null &&
      all(ctx.state, 'promotion_code', ctx.account).some(
        (r) => r.obj.active && r.obj.code.toLowerCase() === p.code.toLowerCase(),
      );
    if (taken) throw invalid('An active promotion code with this code already exists.', 'code');
    if (p.restrictions?.minimum_amount != null && !p.restrictions.minimum_amount_currency) {
      throw invalid('You must specify `minimum_amount_currency` with `minimum_amount`.', 'restrictions');
    }
    if (p.expires_at != null && p.expires_at <= nowSec(ctx.state)) {
      throw invalid('Invalid timestamp: must be in the future.', 'expires_at');
    }
    const rec = insert(ctx.state, 'promotion_code', buildPromotionCode(ctx.state, p, coupon.id), ctx.account);
    emitEvent(ctx.state, ctx, 'promotion_code.created', rec.obj);
    return rec.obj;
  });

  api(app, 'get', '/v1/promotion_codes/:id', (ctx) => {
    validate(ctx.params, {});
    return mustFind(ctx.state, ctx.path.id, 'promotion_code', ctx.account).obj;
  });

  api(app, 'post', '/v1/promotion_codes/:id', (ctx) => {
    const p = validate(ctx.params, { active: bool, metadata });
    const rec = mustFind(ctx.state, ctx.path.id, 'promotion_code', ctx.account);
    updateWithEvent(ctx.state, ctx, rec, 'promotion_code.updated', (o) => {
      if (p.active != null) o.active = p.active;
      if (p.metadata !== undefined) o.metadata = mergeMetadata(o.metadata, p.metadata);
    });
    return rec.obj;
  });

  api(app, 'get', '/v1/promotion_codes', (ctx) => {
    const p = validate(ctx.params, {
      ...listParams,
      active: bool,
      code: str,
      coupon: str,
      customer: str,
      created: range,
    });
    const recs = all(ctx.state, 'promotion_code', ctx.account).filter(
      (r) =>
        (p.active === undefined || r.obj.active === p.active) &&
        (!p.code || r.obj.code.toLowerCase() === p.code.toLowerCase()) &&
        (!p.coupon || r.obj.promotion.coupon === p.coupon) &&
        (!p.customer || r.obj.customer === p.customer) &&
        inRange(r.obj.created, p.created),
    );
    return listResponse('/v1/promotion_codes', recs, p);
  });
};
