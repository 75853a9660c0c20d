import type { Hono } from 'hono';
import { api } from '../core/context.ts';
import { invalid, missing } from '../core/errors.ts';
import { emitEvent, updateWithEvent } from '../core/events.ts';
import { newId } from '../core/ids.ts';
import { listResponse } from '../core/list.ts';
import {
  bool,
  inRange,
  listParams,
  mergeMetadata,
  metadata,
  num,
  oneOf,
  range,
  req,
  str,
  validate,
} from '../core/params.ts';
import type { EmulatorState, Obj } from '../core/state.ts';
import { all, find, insert, mustFind, nowSec } from '../core/state.ts';

const TAX_TYPES = [
  'amusement_tax',
  'communications_tax',
  'gst',
  'hst',
  'igst',
  'jct',
  'lease_tax',
  'pst',
  'qst',
  'retail_delivery_fee',
  'rst',
  'sales_tax',
  'service_tax',
  'vat',
];

/** Tax rate object with every field Stripe returns (percentage rates only). */
function buildTaxRate(state: EmulatorState, p: Obj): Obj {
  return {
    id: newId('txr'),
    object: 'tax_rate',
    active: p.active ?? true,
    country: p.country ?? null,
    created: nowSec(state),
    description: p.description ?? null,
    display_name: p.display_name,
    effective_percentage: p.percentage,
    flat_amount: null,
    inclusive: p.inclusive,
    jurisdiction: p.jurisdiction ?? null,
    jurisdiction_level: null,
    livemode: false,
    metadata: mergeMetadata({}, p.metadata),
    percentage: p.percentage,
    rate_type: 'percentage',
    state: p.state ?? null,
    tax_type: p.tax_type ?? null,
  };
}

/** The rates a Checkout line item names, checked as Stripe does (exist, active, at most one inclusive). */
export function lineTaxRates(state: EmulatorState, account: string | null, ids: string[], param: string): Obj[] {
  if (ids.length > 5) throw invalid('You may only specify up to 5 tax rates per line item.', param);
  const rates = ids.map((id, i) => {
    const rec = find(state, id, 'tax_rate', account);
    if (!rec) throw missing('tax_rate', id, `${param}[${i}]`);
    if (!rec.obj.active) throw invalid(`Tax rate ${id} is not active.`, `${param}[${i}]`);
    return rec.obj;
  });
  if (rates.filter((r) => r.inclusive).length > 1) {
    throw invalid('A line item may have at most one inclusive tax rate.', param);
  }
  return rates;
}

/** Each rate's tax on a line's discounted amount: exclusive rates rounded one by one, an inclusive one carved out. */
export function lineTaxes(base: number, rates: Obj[]): Array<{ rate: Obj; amount: number }> {
  return rates.map((rate) => ({
    rate,
    amount: rate.inclusive
      ? base - Math.round(base / (1 + rate.percentage / 100))
      : Math.round((base * rate.percentage) / 100),
  }));
}

/** A session's tax per rate, in the order the rates first appear on its lines (the hosted page's tax lines). */
export function sessionTaxLines(items: Obj[], lineRates: Obj[][] = []): Array<{ rate: Obj; amount: number }> {
  const byRate = new Map<string, { rate: Obj; amount: number }>();
  items.forEach((li, i) => {
    for (const t of lineTaxes(li.amount_subtotal - (li.amount_discount ?? 0), lineRates[i] ?? [])) {
      const seen = byRate.get(t.rate.id);
      if (seen) seen.amount += t.amount;
      else byRate.set(t.rate.id, { ...t });
    }
  });
  return [...byRate.values()];
}

/**
 * Recomputes a session from its lines as Stripe reports it: each line's tax on what is left after its discount
 * (exclusive rates add to it; an inclusive rate is the part of it that is tax), then `total_details` and
 * `amount_total` = lines + shipping. The one place totals are made, so discounts, shipping and tax always agree.
 */
export function recomputeSessionTotals(session: Obj, items: Obj[], lineRates: Obj[][] = []): void {
  let tax = 0;
  let lines = 0;
  items.forEach((li, i) => {
    const base = li.amount_subtotal - (li.amount_discount ?? 0);
    const taxes = lineTaxes(base, lineRates[i] ?? []);
    const exclusive = taxes.filter((t) => !t.rate.inclusive).reduce((sum, t) => sum + t.amount, 0);
    const inclusive = taxes.filter((t) => t.rate.inclusive).reduce((sum, t) => sum + t.amount, 0);
    li.amount_tax = exclusive + inclusive;
    li.amount_total = base + exclusive;
    tax += li.amount_tax;
    lines += li.amount_total;
  });
  const shipping = session.shipping_cost?.amount_total ?? 0;
  session.total_details = { ...session.total_details, amount_shipping: shipping, amount_tax: tax };
  session.amount_total = lines + shipping;
  session.payment_status = session.amount_total === 0 ? 'no_payment_required' : 'unpaid';
}

/** Tax rates: create, retrieve, update, list. */
export const taxRates = (app: Hono): void => {
  api(app, 'post', '/v1/tax_rates', (ctx) => {
    const p = validate(ctx.params, {
      display_name: req(str),
      percentage: req(num(0, 100)),
      inclusive: req(bool),
      active: bool,
      country: str,
      state: str,
      jurisdiction: str,
      description: str,
      tax_type: oneOf(...TAX_TYPES),
      metadata,
    });
    const rec = insert(ctx.state, 'tax_rate', buildTaxRate(ctx.state, p), ctx.account);
    emitEvent(ctx.state, ctx, 'tax_rate.created', rec.obj);
    return rec.obj;
  });

  api(app, 'get', '/v1/tax_rates/:id', (ctx) => {
    validate(ctx.params, {});
    return mustFind(ctx.state, ctx.path.id, 'tax_rate', ctx.account).obj;
  });

  api(app, 'post', '/v1/tax_rates/:id', (ctx) => {
    const p = validate(ctx.params, {
      active: bool,
      display_name: str,
      description: str,
      country: str,
      state: str,
      jurisdiction: str,
      tax_type: oneOf(...TAX_TYPES),
      metadata,
    });
    const rec = mustFind(ctx.state, ctx.path.id, 'tax_rate', ctx.account);
    if (p.display_name === null) throw invalid('You cannot unset the display name of a tax rate.', 'display_name');
    updateWithEvent(ctx.state, ctx, rec, 'tax_rate.updated', (o) => {
      for (const [k, v] of Object.entries(p)) {
        if (k === 'metadata') o.metadata = mergeMetadata(o.metadata, v as Obj | null);
        else if (v !== undefined) o[k] = v;
      }
    });
    return rec.obj;
  });

  api(app, 'get', '/v1/tax_rates', (ctx) => {
    const p = validate(ctx.params, { ...listParams, active: bool, inclusive: bool, created: range });
    const recs = all(ctx.state, 'tax_rate', ctx.account).filter(
      (r) =>
        (p.active === undefined || r.obj.active === p.active) &&
        (p.inclusive === undefined || r.obj.inclusive === p.inclusive) &&
        inRange(r.obj.created, p.created),
    );
    return listResponse('/v1/tax_rates', recs, p);
  });
};
