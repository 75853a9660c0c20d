import type { Hono } from 'hono';
import { api } from '../core/context.ts';
import { invalid } from '../core/errors.ts';
import { registerVirtualExpansion } from '../core/expand.ts';
import { listResponse, paginate } from '../core/list.ts';
import { int, listParams, mergeMetadata, metadata, obj, oneOf, req, str, validate } from '../core/params.ts';
import type { EmulatorState, Obj } from '../core/state.ts';
import { all, clone, find, mustFind } from '../core/state.ts';
import { expireSession } from '../payments/checkout.ts';
import { createSession, createShape } from './checkout-sessions-create.ts';

/** Line items list for a session (also the `line_items` expansion). */
function lineItemsList(state: EmulatorState, session: Obj, account: string | null, params: Obj = {}): Obj {
  const rec = find(state, session.id, 'checkout.session', account);
  const items: Obj[] = rec ? clone(rec.internal.lineItems) : [];
  return paginate(`/v1/checkout/sessions/${session.id}/line_items`, items, params);
}

/** Checkout Sessions (mode=payment): create, retrieve, list, expire, line_items. */
export const checkoutSessions = (app: Hono): void => {
  registerVirtualExpansion('checkout.session', 'line_items', (state, owner, account) =>
    lineItemsList(state, owner, account),
  );

  api(app, 'post', '/v1/checkout/sessions', (ctx) => createSession(ctx, validate(ctx.params, createShape)));

  api(app, 'get', '/v1/checkout/sessions/:id', (ctx) => {
    validate(ctx.params, {});
    return mustFind(ctx.state, ctx.path.id, 'checkout.session', ctx.account, 'checkout.session', 'session').obj;
  });

  api(app, 'get', '/v1/checkout/sessions/:id/line_items', (ctx) => {
    const p = validate(ctx.params, { limit: int(1, 100), starting_after: str, ending_before: str });
    const rec = mustFind(ctx.state, ctx.path.id, 'checkout.session', ctx.account, 'checkout.session', 'session');
    return lineItemsList(ctx.state, rec.obj, ctx.account, p);
  });

  api(app, 'post', '/v1/checkout/sessions/:id/expire', (ctx) => {
    validate(ctx.params, {});
    const rec = mustFind(ctx.state, ctx.path.id, 'checkout.session', ctx.account, 'checkout.session', 'session');
    if (rec.obj.status !== 'open') {
      throw invalid(
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${rec.obj.status}".`,
        undefined,
        'checkout_session_unexpected_state',
      );
    }
    expireSession(ctx.state, ctx, rec);
    return rec.obj;
  });

  api(app, 'post', '/v1/checkout/sessions/:id', (ctx) => {
    const p = validate(ctx.params, { metadata });
    const rec = mustFind(ctx.state, ctx.path.id, 'checkout.session', ctx.account, 'checkout.session', 'session');
    rec.obj.metadata = mergeMetadata(rec.obj.metadata, p.metadata);
    ctx.state.onChange();
    return rec.obj;
  });

  api(app, 'get', '/v1/checkout/sessions', (ctx) => {
    const p = validate(ctx.params, {
      ...listParams,
      payment_intent: str,
      customer: str,
      customer_account: str,
      status: oneOf('open', 'complete', 'expired'),
      customer_details: obj({ email: req(str) }),
      payment_link: str,
      subscription: str,
    });
    const recs = all(ctx.state, 'checkout.session', ctx.account).filter(
      (r) =>
        (!p.payment_intent || r.obj.payment_intent === p.payment_intent) &&
        (!p.customer || r.obj.customer === p.customer) &&
        (!p.customer_account || r.obj.customer_account === p.customer_account) &&
        (!p.payment_link || r.obj.payment_link === p.payment_link) &&
        (!p.subscription || r.obj.subscription === p.subscription) &&
        (!p.status || r.obj.status === p.status) &&
        (!p.customer_details || r.obj.customer_details?.email === p.customer_details.email),
    );
    return listResponse('/v1/checkout/sessions', recs, p);
  });
};
