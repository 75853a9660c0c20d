import type { Hono } from 'hono';
import { api } from '../core/context.ts';
import { missing } from '../core/errors.ts';
import { emitEvent, updateWithEvent } from '../core/events.ts';
import { base62, newId } from '../core/ids.ts';
import { listResponse } from '../core/list.ts';
import type { V } from '../core/params.ts';
import {
  address,
  arr,
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
import { searchRoute } from '../core/search.ts';
import type { EmulatorState, Obj } from '../core/state.ts';
import { all, find, insert, mustFind, nowSec } from '../core/state.ts';

const shipping: V = obj({ name: req(str), phone: str, address: req(address) });

const writable: Record<string, V> = {
  email: str,
  name: str,
  description: str,
  phone: str,
  metadata,
  address,
  shipping,
  preferred_locales: arr(str),
  tax_exempt: oneOf('none', 'exempt', 'reverse'),
  invoice_prefix: str,
  balance: int(),
  invoice_settings: obj({ default_payment_method: str, footer: str }),
};

/** Customer object with every field Stripe returns. */
export function buildCustomer(state: EmulatorState, p: Obj): Obj {
  return {
    id: newId('cus'),
    object: 'customer',
    address: p.address ? fullAddress(p.address) : null,
    balance: p.balance ?? 0,
    created: nowSec(state),
    currency: null,
    default_source: null,
    delinquent: false,
    description: p.description ?? null,
    discount: null,
    email: p.email ?? null,
    invoice_prefix: p.invoice_prefix ?? base62(8).toUpperCase(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: p.invoice_settings?.default_payment_method ?? null,
      footer: p.invoice_settings?.footer ?? null,
      rendering_options: null,
    },
    livemode: false,
    metadata: mergeMetadata({}, p.metadata),
    name: p.name ?? null,
    next_invoice_sequence: 1,
    phone: p.phone ?? null,
    preferred_locales: p.preferred_locales ?? [],
    shipping: p.shipping
      ? { ...p.shipping, address: fullAddress(p.shipping.address), phone: p.shipping.phone ?? null }
      : null,
    tax_exempt: p.tax_exempt ?? 'none',
    test_clock: null,
  };
}

function applyUpdate(o: Obj, p: Obj): void {
  for (const key of ['email', 'name', 'description', 'phone', 'tax_exempt', 'invoice_prefix', 'balance']) {
    if (p[key] !== undefined) o[key] = p[key] ?? (key === 'tax_exempt' ? 'none' : key === 'balance' ? 0 : null);
  }
  if (p.metadata !== undefined) o.metadata = mergeMetadata(o.metadata, p.metadata);
  if (p.address !== undefined) o.address = p.address ? fullAddress(p.address) : null;
  if (p.shipping !== undefined) {
    o.shipping = p.shipping
      ? { ...p.shipping, address: fullAddress(p.shipping.address), phone: p.shipping.phone ?? null }
      : null;
  }
  if (p.preferred_locales !== undefined) o.preferred_locales = p.preferred_locales;
  if (p.invoice_settings) Object.assign(o.invoice_settings, p.invoice_settings);
}

/** Customers: create, retrieve, update, delete, list. */
export const customers = (app: Hono): void => {
  api(app, 'post', '/v1/customers', (ctx) => {
    const p = validate(ctx.params, { ...writable, payment_method: str, test_clock: str });
    const rec = insert(ctx.state, 'customer', buildCustomer(ctx.state, p), ctx.account);
    emitEvent(ctx.state, ctx, 'customer.created', rec.obj);
    return rec.obj;
  });

  searchRoute(app, 'customers', 'customer', {
    created: 'numeric',
    email: 'string',
    name: 'string',
    phone: 'string',
  });

  api(app, 'get', '/v1/customers/:id', (ctx) => {
    validate(ctx.params, {});
    const rec = find(ctx.state, ctx.path.id, 'customer', ctx.account, true);
    if (!rec) throw missing('customer', ctx.path.id);
    return rec.deleted ? { id: rec.id, object: 'customer', deleted: true } : rec.obj;
  });

  api(app, 'post', '/v1/customers/:id', (ctx) => {
    const p = validate(ctx.params, writable);
    const rec = mustFind(ctx.state, ctx.path.id, 'customer', ctx.account);
    updateWithEvent(ctx.state, ctx, rec, 'customer.updated', (o) => applyUpdate(o, p));
    return rec.obj;
  });

  api(app, 'delete', '/v1/customers/:id', (ctx) => {
    validate(ctx.params, {});
    const rec = mustFind(ctx.state, ctx.path.id, 'customer', ctx.account);
    rec.deleted = true;
    ctx.state.onChange();
    emitEvent(ctx.state, ctx, 'customer.deleted', rec.obj);
    return { id: rec.id, object: 'customer', deleted: true };
  });

  api(app, 'get', '/v1/customers', (ctx) => {
    const p = validate(ctx.params, { ...listParams, email: str, test_clock: str });
    const recs = all(ctx.state, 'customer', ctx.account).filter((r) => !p.email || r.obj.email === p.email);
    return listResponse('/v1/customers', recs, p);
  });
};
