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
  num,
  obj,
  oneOf,
  req,
  str,
  validate,
} from '../core/params.ts';
import { searchRoute } from '../core/search.ts';
import type { EmulatorState, Obj } from '../core/state.ts';
import { all, find, insert, mustFind, nowSec } from '../core/state.ts';
import { buildPrice, recurringParam } from './prices.ts';

const writable: Record<string, V> = {
  name: str,
  active: bool,
  description: str,
  images: arr(str),
  metadata,
  shippable: bool,
  statement_descriptor: str,
  tax_code: str,
  unit_label: str,
  url: str,
  marketing_features: arr(obj({ name: req(str) })),
  package_dimensions: obj({ height: req(num()), length: req(num()), weight: req(num()), width: req(num()) }),
};

/** Product object with every field Stripe returns. */
export function buildProduct(state: EmulatorState, p: Obj, id = newId('prod')): Obj {
  const now = nowSec(state);
  return {
    id,
    object: 'product',
    active: p.active ?? true,
    created: now,
    default_price: null,
    description: p.description ?? null,
    images: p.images ?? [],
    livemode: false,
    marketing_features: p.marketing_features ?? [],
    metadata: mergeMetadata({}, p.metadata),
    name: p.name,
    package_dimensions: p.package_dimensions ?? null,
    shippable: p.shippable ?? null,
    statement_descriptor: p.statement_descriptor ?? null,
    tax_code: p.tax_code ?? null,
    type: 'service',
    unit_label: p.unit_label ?? null,
    updated: now,
    url: p.url ?? null,
  };
}

/** Products: create (with default_price_data), retrieve, update, delete, list. */
export const products = (app: Hono): void => {
  api(app, 'post', '/v1/products', (ctx) => {
    const p = validate(ctx.params, {
      ...writable,
      name: req(str),
      id: str,
      type: oneOf('good', 'service'),
      default_price_data: obj({
        currency: req(currency),
        unit_amount: int(0),
        unit_amount_decimal: str,
        recurring: recurringParam,
        tax_behavior: oneOf('inclusive', 'exclusive', 'unspecified'),
      }),
    });
    if (p.id && ctx.state.records.has(p.id)) {
      throw invalid(`Product already exists.`, 'id', 'resource_already_exists');
    }
    const product = buildProduct(ctx.state, p, p.id ?? undefined);
    if (p.type) product.type = p.type;
    const rec = insert(ctx.state, 'product', product, ctx.account);
    emitEvent(ctx.state, ctx, 'product.created', rec.obj);
    if (p.default_price_data) {
      const price = buildPrice(ctx.state, { ...p.default_price_data, product: product.id }, 'default_price_data');
      const priceRec = insert(ctx.state, 'price', price, ctx.account);
      emitEvent(ctx.state, ctx, 'price.created', priceRec.obj);
      product.default_price = price.id;
    }
    return rec.obj;
  });

  searchRoute(app, 'products', 'product', {
    active: 'boolean',
    description: 'string',
    name: 'string',
    shippable: 'boolean',
    url: 'token',
  });

  api(app, 'get', '/v1/products/:id', (ctx) => {
    validate(ctx.params, {});
    return mustFind(ctx.state, ctx.path.id, 'product', ctx.account).obj;
  });

  api(app, 'post', '/v1/products/:id', (ctx) => {
    const p = validate(ctx.params, { ...writable, default_price: str });
    const rec = mustFind(ctx.state, ctx.path.id, 'product', ctx.account);
    if (p.default_price) {
      const price = find(ctx.state, p.default_price, 'price', ctx.account);
      if (!price || price.obj.product !== rec.id) throw missing('price', p.default_price, 'default_price');
    }
    if (p.name === null) throw invalid('You cannot unset the name of a product.', 'name');
    updateWithEvent(ctx.state, ctx, rec, 'product.updated', (o) => {
      for (const [k, v] of Object.entries(p)) {
        if (k === 'expand') continue;
        if (k === 'metadata') o.metadata = mergeMetadata(o.metadata, v as Obj | null);
        else if (k === 'images' || k === 'marketing_features') o[k] = v ?? [];
        else o[k] = v;
      }
      o.updated = nowSec(ctx.state);
    });
    return rec.obj;
  });

  api(app, 'delete', '/v1/products/:id', (ctx) => {
    validate(ctx.params, {});
    const rec = mustFind(ctx.state, ctx.path.id, 'product', ctx.account);
    if (all(ctx.state, 'price', ctx.account).some((pr) => pr.obj.product === rec.id)) {
      throw invalid('This product cannot be deleted because it has one or more user-created prices.', 'id');
    }
    rec.deleted = true;
    ctx.state.onChange();
    emitEvent(ctx.state, ctx, 'product.deleted', rec.obj);
    return { id: rec.id, object: 'product', deleted: true };
  });

  api(app, 'get', '/v1/products', (ctx) => {
    const p = validate(ctx.params, { ...listParams, active: bool, ids: arr(str), shippable: bool, url: str });
    const recs = all(ctx.state, 'product', ctx.account).filter(
      (r) =>
        (p.active === undefined || r.obj.active === p.active) &&
        (!p.ids || p.ids.includes(r.id)) &&
        (p.shippable === undefined || r.obj.shippable === p.shippable) &&
        (!p.url || r.obj.url === p.url),
    );
    return listResponse('/v1/products', recs, p);
  });
};
