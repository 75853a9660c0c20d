import type { Hono } from 'hono';
import { api } from '../core/context.ts';
import { updateWithEvent } from '../core/events.ts';
import { listResponse } from '../core/list.ts';
import { address, listParams, mergeMetadata, metadata, obj, oneOf, req, str, validate } from '../core/params.ts';
import { searchRoute } from '../core/search.ts';
import { all, mustFind } from '../core/state.ts';

/** Charges (retrieve, update, list) and balance transactions (retrieve, list). */
export const charges = (app: Hono): void => {
  searchRoute(app, 'charges', 'charge', {
    amount: 'numeric',
    'billing_details.address.postal_code': 'string',
    created: 'numeric',
    currency: 'token',
    customer: 'token',
    disputed: 'boolean',
    payment_intent: 'token',
    'payment_method_details.card.last4': 'string',
    refunded: 'boolean',
    status: 'token',
  });

  api(app, 'get', '/v1/charges/:id', (ctx) => {
    validate(ctx.params, {});
    return mustFind(ctx.state, ctx.path.id, 'charge', ctx.account).obj;
  });

  api(app, 'post', '/v1/charges/:id', (ctx) => {
    const p = validate(ctx.params, {
      description: str,
      metadata,
      receipt_email: str,
      shipping: obj({ address: req(address), name: req(str), carrier: str, phone: str, tracking_number: str }),
      fraud_details: obj({ user_report: oneOf('fraudulent', 'safe') }),
      transfer_group: str,
      customer: str,
    });
    const rec = mustFind(ctx.state, ctx.path.id, 'charge', ctx.account);
    updateWithEvent(ctx.state, ctx, rec, 'charge.updated', (o) => {
      for (const [k, v] of Object.entries(p)) {
        if (k === 'expand') continue;
        if (k === 'metadata') o.metadata = mergeMetadata(o.metadata, v);
        else if (k === 'fraud_details') o.fraud_details = { ...o.fraud_details, ...v };
        else o[k] = v;
      }
    });
    return rec.obj;
  });

  api(app, 'get', '/v1/charges', (ctx) => {
    const p = validate(ctx.params, { ...listParams, customer: str, payment_intent: str, transfer_group: str });
    const recs = all(ctx.state, 'charge', ctx.account).filter(
      (r) =>
        (!p.customer || r.obj.customer === p.customer) &&
        (!p.payment_intent || r.obj.payment_intent === p.payment_intent) &&
        (!p.transfer_group || r.obj.transfer_group === p.transfer_group),
    );
    return listResponse('/v1/charges', recs, p);
  });

  api(app, 'get', '/v1/balance_transactions/:id', (ctx) => {
    validate(ctx.params, {});
    return mustFind(ctx.state, ctx.path.id, 'balance_transaction', ctx.account, 'balance transaction').obj;
  });

  api(app, 'get', '/v1/balance_transactions', (ctx) => {
    const p = validate(ctx.params, { ...listParams, type: str, source: str, currency: str, payout: str });
    const recs = all(ctx.state, 'balance_transaction', ctx.account).filter(
      (r) =>
        (!p.type || r.obj.type === p.type) &&
        (!p.source || r.obj.source === p.source) &&
        (!p.currency || r.obj.currency === p.currency) &&
        (!p.payout || r.internal.payout === p.payout),
    );
    return listResponse('/v1/balance_transactions', recs, p);
  });
};
