import type { Hono } from 'hono';
import { api } from '../core/context.ts';
import { invalid, missing } from '../core/errors.ts';
import { emitEvent, updateWithEvent } from '../core/events.ts';
import { newId } from '../core/ids.ts';
import { listResponse } from '../core/list.ts';
import type { V } from '../core/params.ts';
import {
  bool,
  currency,
  inRange,
  int,
  listParams,
  mergeMetadata,
  metadata,
  obj,
  oneOf,
  range,
  req,
  str,
  validate,
} from '../core/params.ts';
import type { EmulatorState, Obj } from '../core/state.ts';
import { all, find, insert, mustFind, nowSec } from '../core/state.ts';
import { recomputeSessionTotals } from './tax-rates.ts';

const estimateBound: V = obj({ unit: req(oneOf('hour', 'day', 'business_day', 'week', 'month')), value: req(int(1)) });

/** The params a shipping rate is created from, here and inline in Checkout's `shipping_rate_data`. */
export const shippingRateShape: Record<string, V> = {
  display_name: req(str),
  type: oneOf('fixed_amount'),
  fixed_amount: req(obj({ amount: req(int(0)), currency: req(currency) })),
  delivery_estimate: obj({ minimum: estimateBound, maximum: estimateBound }),
  tax_behavior: oneOf('inclusive', 'exclusive', 'unspecified'),
  tax_code: str,
  metadata,
};

/** Shipping rate object with every field Stripe returns. */
export function buildShippingRate(state: EmulatorState, p: Obj): Obj {
  return {
    id: newId('shr'),
    object: 'shipping_rate',
    active: true,
    created: nowSec(state),
    delivery_estimate: p.delivery_estimate
      ? { minimum: p.delivery_estimate.minimum ?? null, maximum: p.delivery_estimate.maximum ?? null }
      : null,
    display_name: p.display_name,
    fixed_amount: { amount: p.fixed_amount.amount, currency: p.fixed_amount.currency },
    livemode: false,
    metadata: mergeMetadata({}, p.metadata),
    tax_behavior: p.tax_behavior ?? 'unspecified',
    tax_code: p.tax_code ?? null,
    type: 'fixed_amount',
  };
}

/**
 * Resolves a Checkout Session's `shipping_options` to rates: existing active ones by id, or new ones from
 * `shipping_rate_data` (created like Stripe does, inactive-free). Their currency must be the session's.
 */
export function resolveShippingOptions(
  state: EmulatorState,
  account: string | null,
  options: Obj[],
  sessionCurrency: string,
): Obj[] {
  if (options.length > 5) throw invalid('You may only specify up to 5 shipping options.', 'shipping_options');
  return options.map((o, i) => {
    const param = `shipping_options[${i}]`;
    if (!o.shipping_rate === !o.shipping_rate_data) {
      throw invalid(`You must specify either \`shipping_rate\` or \`shipping_rate_data\` in \`${param}\`.`, param);
    }
    let rate: Obj;
    if (o.shipping_rate) {
      const rec = find(state, o.shipping_rate, 'shipping_rate', account);
      if (!rec) throw missing('shipping_rate', o.shipping_rate, `${param}[shipping_rate]`);
      if (!rec.obj.active) throw invalid('This shipping rate is not active.', `${param}[shipping_rate]`);
      rate = rec.obj;
    } else {
      rate = insert(state, 'shipping_rate', buildShippingRate(state, o.shipping_rate_data), account).obj;
    }
    if (rate.fixed_amount.currency !== sessionCurrency) {
      throw invalid(
        `The shipping rate's currency (${rate.fixed_amount.currency}) must match the Checkout Session's (${sessionCurrency}).`,
        param,
      );
    }
    return rate;
  });
}

/** Sets the session's chosen shipping rate: `shipping_cost`, `total_details.amount_shipping` and the total. */
export function chooseShippingRate(session: Obj, rate: Obj, items: Obj[], lineRates: Obj[][] = []): void {
  const amount = rate.fixed_amount.amount;
  session.shipping_cost = { amount_subtotal: amount, amount_tax: 0, amount_total: amount, shipping_rate: rate.id };
  recomputeSessionTotals(session, items, lineRates);
}

/** Shipping rates: create, retrieve, update (`active`, `metadata`), list. */
export const shippingRates = (app: Hono): void => {
  api(app, 'post', '/v1/shipping_rates', (ctx) => {
    const p = validate(ctx.params, shippingRateShape);
    const rec = insert(ctx.state, 'shipping_rate', buildShippingRate(ctx.state, p), ctx.account);
    emitEvent(ctx.state, ctx, 'shipping_rate.created', rec.obj);
    return rec.obj;
  });

  api(app, 'get', '/v1/shipping_rates/:id', (ctx) => {
    validate(ctx.params, {});
    return mustFind(ctx.state, ctx.path.id, 'shipping_rate', ctx.account).obj;
  });

  api(app, 'post', '/v1/shipping_rates/:id', (ctx) => {
    const p = validate(ctx.params, { active: bool, metadata });
    const rec = mustFind(ctx.state, ctx.path.id, 'shipping_rate', ctx.account);
    updateWithEvent(ctx.state, ctx, rec, 'shipping_rate.updated', (o) => {
      if (p.active != null) o.active = p.active;
      if (p.metadata !== undefined) o.metadata = mergeMetadata(o.metadata, p.metadata);
    });
    return rec.obj;
  });

  api(app, 'get', '/v1/shipping_rates', (ctx) => {
    const p = validate(ctx.params, { ...listParams, active: bool, currency, created: range });
    const recs = all(ctx.state, 'shipping_rate', ctx.account).filter(
      (r) =>
        (p.active === undefined || r.obj.active === p.active) &&
        (!p.currency || r.obj.fixed_amount.currency === p.currency) &&
        inRange(r.obj.created, p.created),
    );
    return listResponse('/v1/shipping_rates', recs, p);
  });
};
