import type { Hono } from 'hono';
import { api } from '../core/context.ts';
import { invalid, missing } from '../core/errors.ts';
import { currency, int, mergeMetadata, metadata, obj, req, str, validate } from '../core/params.ts';
import type { ResourceModule } from '../core/state.ts';
import { find, nowSec, watchType } from '../core/state.ts';
import {
  buildGrantedToken,
  expireGrantedTokens,
  findGrantedToken,
  GRANTED_TOKEN,
  insertGrantedToken,
  recordTokenUsage,
  revokeGrantedToken,
} from '../payments/shared-tokens.ts';
import { resolvePaymentMethod } from './payment-intents.ts';

/**
 * Shared Payment Granted Tokens (agentic commerce): the test helper that simulates an agent granting one,
 * retrieve, and the test helper revoke. PaymentIntents use them via `payment_method_data[shared_payment_granted_token]`.
 */
export const sharedPayment: ResourceModule = (app: Hono, state) => {
  state.hooks.chargeSucceeded.push(recordTokenUsage);
  watchType(state, GRANTED_TOKEN);
  state.hooks.tick.push(expireGrantedTokens);

  api(app, 'post', '/v1/test_helpers/shared_payment/granted_tokens', (ctx) => {
    const p = validate(ctx.params, {
      payment_method: req(str),
      usage_limits: req(obj({ currency: req(currency), max_amount: req(int(1)), expires_at: int(0) })),
      customer: str,
      shared_metadata: metadata,
      // Shown in Stripe's agentic-commerce guides (scopes the token to a seller); not returned on the object.
      seller_details: obj({ network_id: str, external_id: str }),
    });
    const expiresAt = p.usage_limits.expires_at;
    if (expiresAt !== undefined && expiresAt !== null && expiresAt <= nowSec(ctx.state)) {
      throw invalid('usage_limits[expires_at] must be in the future.', 'usage_limits[expires_at]');
    }
    if (p.customer && !find(ctx.state, p.customer, 'customer', ctx.account)) {
      throw missing('customer', p.customer, 'customer');
    }
    const { rec: pmRec, input } = resolvePaymentMethod(ctx, p.payment_method);
    const token = buildGrantedToken(ctx.state, pmRec.obj, p.usage_limits, mergeMetadata({}, p.shared_metadata));
    return insertGrantedToken(ctx.state, ctx.account, token, {
      input,
      paymentMethod: pmRec.id,
      customer: p.customer ?? null,
      sellerDetails: p.seller_details ?? null,
    }).obj;
  });

  api(app, 'get', '/v1/shared_payment/granted_tokens/:id', (ctx) => {
    validate(ctx.params, {});
    return findGrantedToken(ctx.state, ctx.path.id, ctx.account, 'id').obj;
  });

  api(app, 'post', '/v1/test_helpers/shared_payment/granted_tokens/:id/revoke', (ctx) => {
    validate(ctx.params, {});
    const rec = findGrantedToken(ctx.state, ctx.path.id, ctx.account, 'id');
    revokeGrantedToken(ctx.state, rec);
    return rec.obj;
  });
};
