import type { Hono } from 'hono';
import { api } from '../core/context.ts';
import { invalid, missing } from '../core/errors.ts';
import { emitEvent, updateWithEvent } from '../core/events.ts';
import { listResponse } from '../core/list.ts';
import { bool, int, listParams, mergeMetadata, metadata, oneOf, str, validate } from '../core/params.ts';
import { all, childrenOf, find, mustFind } from '../core/state.ts';
import { refundCharge, syncChargeRefunds } from '../payments/refunds.ts';

/** Refunds: create (by charge or payment_intent), retrieve, update metadata, list; plus /v1/charges/:id/refunds. */
export const refunds = (app: Hono): void => {
  api(app, 'post', '/v1/refunds', (ctx) => {
    const p = validate(ctx.params, {
      charge: str,
      payment_intent: str,
      amount: int(1),
      reason: oneOf('duplicate', 'fraudulent', 'requested_by_customer'),
      metadata,
      reverse_transfer: bool,
      refund_application_fee: bool,
      instructions_email: str,
      origin: oneOf('customer_balance'),
    });
    let chargeId = p.charge;
    if (!chargeId && !p.payment_intent) {
      throw invalid(
        'One of the following params should be provided for this request: payment_intent or charge.',
        'charge',
      );
    }
    if (p.payment_intent) {
      const pi = mustFind(
        ctx.state,
        p.payment_intent,
        'payment_intent',
        ctx.account,
        'payment_intent',
        'payment_intent',
      );
      if (p.charge && pi.obj.latest_charge !== p.charge) {
        throw invalid('The charge does not belong to the payment intent.', 'charge');
      }
      if (pi.obj.status !== 'succeeded') {
        throw invalid(
          `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
          'payment_intent',
          'charge_not_refundable',
        );
      }
      chargeId = pi.obj.latest_charge;
    }
    const chRec = mustFind(ctx.state, chargeId, 'charge', ctx.account, 'charge', 'charge');
    return refundCharge(ctx.state, ctx, chRec, {
      amount: p.amount,
      reason: p.reason,
      metadata: mergeMetadata({}, p.metadata),
      reverse_transfer: p.reverse_transfer,
      refund_application_fee: p.refund_application_fee,
    }).obj;
  });

  api(app, 'get', '/v1/refunds/:id', (ctx) => {
    validate(ctx.params, {});
    return mustFind(ctx.state, ctx.path.id, 'refund', ctx.account).obj;
  });

  api(app, 'post', '/v1/refunds/:id', (ctx) => {
    const p = validate(ctx.params, { metadata });
    const rec = mustFind(ctx.state, ctx.path.id, 'refund', ctx.account);
    const prev = updateWithEvent(ctx.state, ctx, rec, 'refund.updated', (o) => {
      o.metadata = mergeMetadata(o.metadata, p.metadata);
    });
    if (prev) {
      emitEvent(ctx.state, ctx, 'charge.refund.updated', rec.obj, prev);
      const chRec = find(ctx.state, rec.obj.charge, 'charge', ctx.account);
      if (chRec) syncChargeRefunds(ctx.state, chRec);
    }
    return rec.obj;
  });

  api(app, 'get', '/v1/refunds', (ctx) => {
    const p = validate(ctx.params, { ...listParams, charge: str, payment_intent: str });
    // A charge filter reads that charge's refunds only, not every refund of the account.
    const recs = (
      p.charge
        ? childrenOf(ctx.state, 'refund', p.charge).filter((r) => r.account === ctx.account)
        : all(ctx.state, 'refund', ctx.account)
    ).filter((r) => !p.payment_intent || r.obj.payment_intent === p.payment_intent);
    return listResponse('/v1/refunds', recs, p);
  });

  api(app, 'get', '/v1/charges/:id/refunds', (ctx) => {
    const p = validate(ctx.params, listParams);
    if (!find(ctx.state, ctx.path.id, 'charge', ctx.account)) throw missing('charge', ctx.path.id);
    const recs = childrenOf(ctx.state, 'refund', ctx.path.id).filter((r) => r.account === ctx.account);
    return listResponse(`/v1/charges/${ctx.path.id}/refunds`, recs, p);
  });
};
