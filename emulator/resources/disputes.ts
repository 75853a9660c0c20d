import type { Hono } from 'hono';
import { api, getCtx } from '../core/context.ts';
import { invalid, type StripeError } from '../core/errors.ts';
import { registerEventTypes, systemOrigin } from '../core/events.ts';
import { listResponse } from '../core/list.ts';
import type { V } from '../core/params.ts';
import { bool, listParams, mergeMetadata, metadata, obj, oneOf, str, validate } from '../core/params.ts';
import type { EmulatorState, Obj } from '../core/state.ts';
import { all, clone, mustFind, watchType } from '../core/state.ts';
import {
  CLOSED,
  closeDispute,
  disputeDeadlines,
  EVIDENCE_FIELDS,
  OPEN,
  openDispute,
  updateDispute,
} from '../payments/disputes.ts';

registerEventTypes([
  'charge.dispute.updated',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
  'radar.early_fraud_warning.created',
  'radar.early_fraud_warning.updated',
]);

// Enhanced evidence (Visa CE 3.0, compliance) is stored as given; the emulator does not evaluate it.
const anyHash: V = (value, path) => {
  if (typeof value !== 'object' || value === null) throw invalid('Invalid object', path);
  return value;
};

const evidence: V = obj({
  ...Object.fromEntries(EVIDENCE_FIELDS.map((f) => [f, str])),
  enhanced_evidence: anyHash,
});

function alreadyClosed(d: Obj): StripeError {
  return invalid(`This dispute is already closed (status ${d.status}).`, undefined, 'dispute_already_closed');
}

/** Disputes (retrieve, list, update evidence, close), early fraud warnings, and the due-date timer. */
export const disputes = (app: Hono, state: EmulatorState): void => {
  watchType(state, 'dispute');
  state.hooks.tick.push(disputeDeadlines);

  api(app, 'get', '/v1/disputes/:id', (ctx) => {
    validate(ctx.params, {});
    return mustFind(ctx.state, ctx.path.id, 'dispute', ctx.account).obj;
  });

  api(app, 'get', '/v1/disputes', (ctx) => {
    const p = validate(ctx.params, { ...listParams, charge: str, payment_intent: str });
    const recs = all(ctx.state, 'dispute', ctx.account).filter(
      (r) =>
        (!p.charge || r.obj.charge === p.charge) && (!p.payment_intent || r.obj.payment_intent === p.payment_intent),
    );
    return listResponse('/v1/disputes', recs, p);
  });

  api(app, 'post', '/v1/disputes/:id', (ctx) => {
    const p = validate(ctx.params, {
      evidence,
      metadata,
      submit: bool,
      intended_submission_method: oneOf('manual', 'prefer_manual', 'prefer_smart_disputes', 'smart_disputes'),
    });
    const rec = mustFind(ctx.state, ctx.path.id, 'dispute', ctx.account);
    const d = rec.obj;
    const wantsSubmit = p.submit ?? p.evidence !== undefined;
    if ((p.evidence || wantsSubmit) && !OPEN.includes(d.status)) {
      if (CLOSED.includes(d.status)) throw alreadyClosed(d);
      throw invalid(
        'The evidence for this dispute has already been submitted and can no longer be changed.',
        'evidence',
        'dispute_already_submitted',
      );
    }
    if (p.intended_submission_method) d.intended_submission_method = p.intended_submission_method;
    updateDispute(ctx.state, ctx, rec, {
      evidence: p.evidence ?? undefined,
      metadata: p.metadata !== undefined ? mergeMetadata(d.metadata, p.metadata) : undefined,
      // Stripe's `submit` defaults to true; a metadata-only update submits nothing.
      submit: wantsSubmit,
    });
    return rec.obj;
  });

  api(app, 'post', '/v1/disputes/:id/close', (ctx) => {
    validate(ctx.params, {});
    const rec = mustFind(ctx.state, ctx.path.id, 'dispute', ctx.account);
    if (CLOSED.includes(rec.obj.status)) throw alreadyClosed(rec.obj);
    closeDispute(ctx.state, ctx, rec, 'lost');
    return rec.obj;
  });

  api(app, 'get', '/v1/radar/early_fraud_warnings/:id', (ctx) => {
    validate(ctx.params, {});
    return mustFind(ctx.state, ctx.path.id, 'radar.early_fraud_warning', ctx.account, 'early fraud warning').obj;
  });

  api(app, 'get', '/v1/radar/early_fraud_warnings', (ctx) => {
    const p = validate(ctx.params, { ...listParams, charge: str, payment_intent: str });
    const recs = all(ctx.state, 'radar.early_fraud_warning', ctx.account).filter(
      (r) =>
        (!p.charge || r.obj.charge === p.charge) && (!p.payment_intent || r.obj.payment_intent === p.payment_intent),
    );
    return listResponse('/v1/radar/early_fraud_warnings', recs, p);
  });

  // Test control: opens a dispute on any captured charge (the dispute test cards do this by themselves).
  app.post('/_emulator/charges/:id/dispute', (c) => {
    const p = validate(getCtx(c).params, { kind: oneOf('fraudulent', 'product_not_received', 'inquiry') });
    const chRec = state.records.get(c.req.param('id'));
    if (chRec?.type !== 'charge' || !chRec.obj.captured) throw invalid('No captured charge with that id.', 'charge');
    const rec = openDispute(state, systemOrigin(chRec.account), chRec, p.kind ?? 'fraudulent');
    return c.json(clone(rec.obj));
  });
};
