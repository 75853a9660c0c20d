import type { Hono } from 'hono';
import { api } from '../core/context.ts';
import { invalid, missing } from '../core/errors.ts';
import { emitEvent, updateWithEvent } from '../core/events.ts';
import { newId } from '../core/ids.ts';
import { listResponse } from '../core/list.ts';
import type { V } from '../core/params.ts';
import {
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
import type { EmulatorState, Obj } from '../core/state.ts';
import { all, find, insert, mustFind, nowSec } from '../core/state.ts';
import { buildProduct } from './products.ts';

/** `recurring` param shared by prices, product default_price_data and checkout price_data. */
export const recurringParam: V = obj({
  interval: req(oneOf('day', 'week', 'month', 'year')),
  interval_count: int(1, 365),
  usage_type: oneOf('licensed', 'metered'),
  trial_period_days: int(0, 730),
});

/** Price object; `param` names the params prefix for error messages. */
export function buildPrice(state: EmulatorState, p: Obj, param = ''): Obj {
  const prefix = param ? `${param}[` : '';
  const suffix = param ? ']' : '';
  let amount: number | null = p.unit_amount ?? null;
  if (amount === null && p.unit_amount_decimal != null) {
    if (!/^\d+(\.\d+)?$/.test(p.unit_amount_decimal)) {
      throw invalid('Invalid decimal', `${prefix}unit_amount_decimal${suffix}`);
    }
    amount = Math.round(Number(p.unit_amount_decimal));
  }
  if (amount === null && !p.custom_unit_amount) {
    throw invalid(
      `Missing required param: ${prefix}unit_amount${suffix}.`,
      `${prefix}unit_amount${suffix}`,
      'parameter_missing',
    );
  }
  return {
    id: newId('price'),
    object: 'price',
    active: p.active ?? true,
    billing_scheme: 'per_unit',
    created: nowSec(state),
    currency: p.currency,
    custom_unit_amount: p.custom_unit_amount
      ? { maximum: null, minimum: null, preset: null, ...p.custom_unit_amount }
      : null,
    livemode: false,
    lookup_key: p.lookup_key ?? null,
    metadata: mergeMetadata({}, p.metadata),
    nickname: p.nickname ?? null,
    product: p.product,
    recurring: p.recurring
      ? {
          interval: p.recurring.interval,
          interval_count: p.recurring.interval_count ?? 1,
          meter: null,
          trial_period_days: p.recurring.trial_period_days ?? null,
          usage_type: p.recurring.usage_type ?? 'licensed',
        }
      : null,
    tax_behavior: p.tax_behavior ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: p.recurring ? 'recurring' : 'one_time',
    unit_amount: amount,
    unit_amount_decimal: amount === null ? null : (p.unit_amount_decimal ?? String(amount)),
  };
}

const productData: V = obj({
  name: req(str),
  active: bool,
  metadata,
  statement_descriptor: str,
  tax_code: str,
  unit_label: str,
  id: str,
});

// Params a price accepts both at creation and in updates.
const updatable: Record<string, V> = {
  active: bool,
  metadata,
  nickname: str,
  lookup_key: str,
  transfer_lookup_key: bool,
  tax_behavior: oneOf('inclusive', 'exclusive', 'unspecified'),
};

/** Prices: create (with product or product_data), retrieve, update, list. */
export const prices = (app: Hono): void => {
  api(app, 'post', '/v1/prices', (ctx) => {
    const p = validate(ctx.params, {
      currency: req(currency),
      product: str,
      product_data: productData,
      unit_amount: int(0),
      unit_amount_decimal: str,
      custom_unit_amount: obj({ enabled: req(bool), maximum: int(0), minimum: int(0), preset: int(0) }),
      recurring: recurringParam,
      billing_scheme: oneOf('per_unit'),
      ...updatable,
    });
    if (!p.product && !p.product_data)
      throw invalid('Missing required param: product.', 'product', 'parameter_missing');
    if (p.product && !find(ctx.state, p.product, 'product', ctx.account))
      throw missing('product', p.product, 'product');
    if (p.custom_unit_amount) delete p.custom_unit_amount.enabled;
    let productId = p.product;
    if (p.product_data) {
      const productRec = insert(ctx.state, 'product', buildProduct(ctx.state, p.product_data), ctx.account);
      emitEvent(ctx.state, ctx, 'product.created', productRec.obj);
      productId = productRec.id;
    }
    const price = buildPrice(ctx.state, { ...p, product: productId });
    if (p.lookup_key) {
      const clash = all(ctx.state, 'price', ctx.account).find((r) => r.obj.lookup_key === p.lookup_key);
      if (clash && !p.transfer_lookup_key) {
        throw invalid(`A price (\`${clash.id}\`) already uses that lookup key.`, 'lookup_key');
      }
      if (clash) clash.obj.lookup_key = null;
    }
    const rec = insert(ctx.state, 'price', price, ctx.account);
    emitEvent(ctx.state, ctx, 'price.created', rec.obj);
    return rec.obj;
  });

  searchRoute(app, 'prices', 'price', {
    active: 'boolean',
    currency: 'token',
    lookup_key: 'string',
    product: 'token',
    type: 'token',
  });

  api(app, 'get', '/v1/prices/:id', (ctx) => {
    validate(ctx.params, {});
    return mustFind(ctx.state, ctx.path.id, 'price', ctx.account).obj;
  });

  api(app, 'post', '/v1/prices/:id', (ctx) => {
    const p = validate(ctx.params, updatable);
    const rec = mustFind(ctx.state, ctx.path.id, 'price', ctx.account);
    updateWithEvent(ctx.state, ctx, rec, 'price.updated', (o) => {
      if (p.active !== undefined) o.active = p.active;
      if (p.metadata !== undefined) o.metadata = mergeMetadata(o.metadata, p.metadata);
      if (p.nickname !== undefined) o.nickname = p.nickname;
      if (p.lookup_key !== undefined) o.lookup_key = p.lookup_key;
      if (p.tax_behavior) o.tax_behavior = p.tax_behavior;
    });
    return rec.obj;
  });

  api(app, 'get', '/v1/prices', (ctx) => {
    const p = validate(ctx.params, {
      ...listParams,
      active: bool,
      currency,
      product: str,
      type: oneOf('one_time', 'recurring'),
      lookup_keys: arr(str),
      recurring: obj({ interval: str, usage_type: str, meter: str }),
    });
    const recs = all(ctx.state, 'price', ctx.account).filter(
      (r) =>
        (p.active === undefined || r.obj.active === p.active) &&
        (!p.currency || r.obj.currency === p.currency) &&
        (!p.product || r.obj.product === p.product) &&
        (!p.type || r.obj.type === p.type) &&
        (!p.lookup_keys || p.lookup_keys.includes(r.obj.lookup_key)) &&
        (!p.recurring?.interval || r.obj.recurring?.interval === p.recurring.interval),
    );
    return listResponse('/v1/prices', recs, p);
  });
};
