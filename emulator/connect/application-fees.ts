import type { Hono } from 'hono';
import { api } from '../core/context.ts';
import { invalid, missing } from '../core/errors.ts';
import { emitEvent } from '../core/events.ts';
import { newId } from '../core/ids.ts';
import { listResponse } from '../core/list.ts';
import { int, listParams, mergeMetadata, metadata, str, validate } from '../core/params.ts';
import type { EmulatorState, Obj, Origin, Rec } from '../core/state.ts';
import { all, clone, find, insert, nowSec } from '../core/state.ts';
import { addTxn, embeddedList, PLATFORM_APPLICATION } from './ledger.ts';

/** Records an application fee (`fee_…`) taken on a charge for a connected account and emits application_fee.created. */
export function createApplicationFee(
  state: EmulatorState,
  origin: Origin,
  charge: Obj,
  account: string,
  amount: number,
  balanceTransaction: string | null,
): Rec {
  const id = newId('fee');
  const fee: Obj = {
    id,
    object: 'application_fee',
    account,
    amount,
    amount_refunded: 0,
    application: PLATFORM_APPLICATION,
    balance_transaction: balanceTransaction,
    charge: charge.id,
    created: nowSec(state),
    currency: charge.currency,
    fee_source: { charge: charge.id, type: 'charge' },
    livemode: false,
    originating_transaction: null,
    refunded: false,
    refunds: embeddedList(`/v1/application_fees/${id}/refunds`, []),
  };
  const rec = insert(state, 'application_fee', fee, null);
  emitEvent(state, { ...origin, account: null }, 'application_fee.created', fee);
  return rec;
}

// With moveMoney the platform pays the fee back; after a proportional transfer reversal it is only recorded.
/** Refunds part of an application fee (`fr_…`) and emits application_fee.refunded. */
export function refundApplicationFee(
  state: EmulatorState,
  origin: Origin,
  feeRec: Rec,
  amount: number,
  moveMoney: boolean,
  meta: Obj = {},
): Rec {
  const fee = feeRec.obj;
  const id = newId('fr');
  let txn: string | null = null;
  if (moveMoney) {
    txn = addTxn(state, null, {
      type: 'application_fee_refund',
      amount: -amount,
      currency: fee.currency,
      source: id,
    }).id;
    addTxn(state, fee.account, { type: 'application_fee_refund', amount, currency: fee.currency, source: id });
  }
  const fr = insert(
    state,
    'fee_refund',
    {
      id,
      object: 'fee_refund',
      amount,
      balance_transaction: txn,
      created: nowSec(state),
      currency: fee.currency,
      fee: fee.id,
      metadata: meta,
    },
    null,
  );
  fee.amount_refunded += amount;
  fee.refunded = fee.amount_refunded >= fee.amount;
  const items = all(state, 'fee_refund', null)
    .filter((r) => r.obj.fee === fee.id)
    .map((r) => clone(r.obj));
  fee.refunds = embeddedList(`/v1/application_fees/${fee.id}/refunds`, items);
  state.onChange();
  emitEvent(state, { ...origin, account: null }, 'application_fee.refunded', fee);
  return fr;
}

function mustFind(state: EmulatorState, id: string): Rec {
  const rec = find(state, id, 'application_fee', null);
  if (!rec) throw missing('application fee', id);
  return rec;
}

function findRefund(state: EmulatorState, feeId: string, id: string): Rec {
  const rec = find(state, id, 'fee_refund', null);
  if (!rec || rec.obj.fee !== feeId) throw missing('fee refund', id);
  return rec;
}

/** Application fees: retrieve, list (`charge`), refunds create/retrieve/update/list. */
export const applicationFees = (app: Hono, state: EmulatorState): void => {
  api(app, 'get', '/v1/application_fees', (ctx) => {
    const p = validate(ctx.params, { ...listParams, charge: str });
    const recs = all(state, 'application_fee', null).filter((r) => !p.charge || r.obj.charge === p.charge);
    return listResponse('/v1/application_fees', recs, p);
  });

  api(app, 'get', '/v1/application_fees/:id', (ctx) => {
    validate(ctx.params, {});
    return mustFind(state, ctx.path.id).obj;
  });

  api(app, 'post', '/v1/application_fees/:id/refunds', (ctx) => {
    const p = validate(ctx.params, { amount: int(1), metadata });
    const rec = mustFind(state, ctx.path.id);
    const remaining = rec.obj.amount - rec.obj.amount_refunded;
    if (remaining <= 0) {
      throw invalid(`Application fee ${rec.id} has already been refunded.`, undefined, 'charge_already_refunded');
    }
    const amount = p.amount ?? remaining;
    if (amount > remaining) {
      throw invalid(
        `Refund amount (${amount}) is greater than the unrefunded amount on the application fee (${remaining}).`,
        'amount',
        'amount_too_large',
      );
    }
    return refundApplicationFee(state, ctx, rec, amount, true, mergeMetadata({}, p.metadata)).obj;
  });

  // Stripe's legacy alias for creating a fee refund.
  api(app, 'post', '/v1/application_fees/:id/refund', (ctx) => {
    const p = validate(ctx.params, { amount: int(1), directive: str });
    const rec = mustFind(state, ctx.path.id);
    const remaining = rec.obj.amount - rec.obj.amount_refunded;
    if (remaining <= 0 || (p.amount ?? remaining) > remaining) throw invalid('Invalid refund amount.', 'amount');
    refundApplicationFee(state, ctx, rec, p.amount ?? remaining, true);
    return rec.obj;
  });

  api(app, 'get', '/v1/application_fees/:id/refunds', (ctx) => {
    const p = validate(ctx.params, listParams);
    mustFind(state, ctx.path.id);
    const recs = all(state, 'fee_refund', null).filter((r) => r.obj.fee === ctx.path.id);
    return listResponse(`/v1/application_fees/${ctx.path.id}/refunds`, recs, p);
  });

  api(app, 'get', '/v1/application_fees/:id/refunds/:rid', (ctx) => {
    validate(ctx.params, {});
    return findRefund(state, ctx.path.id, ctx.path.rid).obj;
  });

  api(app, 'post', '/v1/application_fees/:id/refunds/:rid', (ctx) => {
    const p = validate(ctx.params, { metadata });
    const rec = findRefund(state, ctx.path.id, ctx.path.rid);
    rec.obj.metadata = mergeMetadata(rec.obj.metadata, p.metadata);
    state.onChange();
    return rec.obj;
  });
};
