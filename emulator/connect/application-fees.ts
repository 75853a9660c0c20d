import type { Hono } from 'hono';
import { api } from '../core/context.ts';
import { invalid, missing } from '../core/errors.ts';
import { emitEvent } from '../core/events.ts';
import { newId } from '../core/ids.ts';
import { listResponse } from '../core/list.ts';
import { int, listParams, mergeMetadata, metadata, str, validate } from '../core/params.ts';
import type { EmulatorState, Obj, Origin, Rec } from '../core/state.ts';
import { all, childrenOf, clone, find, insert, mustFind, nowSec } from '../core/state.ts';
import { addTxn, embeddedList, PLATFORM_APPLICATION } from './ledger.ts';

/** What an application fee takes, from which charge, and when the money becomes available. */
export interface FeeInput {
  /** The charge the fee was taken from: the connected account's `py_` for destination charges. */
  charge: Obj;
  /** The connected account that pays the fee. */
  account: string;
  amount: number;
  /** The platform's `ch_` when the fee comes from a destination charge (Stripe's `originating_transaction`). */
  originatingTransaction?: string | null;
  /** Destination charges collect the fee back from the account's balance; direct charges net it in the charge. */
  debitAccount: boolean;
  /** Unix seconds when both sides become available (they follow the charge). */
  availableOn?: number;
}

/** Takes an application fee (`fee_…`): credits the platform, optionally debits the account, emits application_fee.created. */
export function createApplicationFee(state: EmulatorState, origin: Origin, f: FeeInput): Rec {
  const id = newId('fee');
  const currency = f.charge.currency;
  const money = { type: 'application_fee', currency, source: id, availableOn: f.availableOn };
  const credit = addTxn(state, null, { ...money, amount: f.amount });
  if (f.debitAccount) addTxn(state, f.account, { ...money, amount: -f.amount });
  const fee: Obj = {
    id,
    object: 'application_fee',
    account: f.account,
    amount: f.amount,
    amount_refunded: 0,
    application: PLATFORM_APPLICATION,
    balance_transaction: credit.id,
    charge: f.charge.id,
    created: nowSec(state),
    currency,
    fee_source: { charge: f.charge.id, type: 'charge' },
    livemode: false,
    originating_transaction: f.originatingTransaction ?? null,
    refunded: false,
    refunds: embeddedList(`/v1/application_fees/${id}/refunds`, []),
  };
  const rec = insert(state, 'application_fee', fee, null);
  emitEvent(state, { ...origin, account: null }, 'application_fee.created', fee);
  return rec;
}

/** Refunds part of an application fee (`fr_…`): the platform pays it back to the account; application_fee.refunded. */
export function refundApplicationFee(
  state: EmulatorState,
  origin: Origin,
  feeRec: Rec,
  amount: number,
  meta: Obj = {},
): Rec {
  const fee = feeRec.obj;
  const id = newId('fr');
  const money = { type: 'application_fee_refund', currency: fee.currency, source: id };
  const debit = addTxn(state, null, { ...money, amount: -amount });
  addTxn(state, fee.account, { ...money, amount });
  const fr = insert(
    state,
    'fee_refund',
    {
      id,
      object: 'fee_refund',
      amount,
      balance_transaction: debit.id,
      created: nowSec(state),
      currency: fee.currency,
      fee: fee.id,
      metadata: meta,
    },
    null,
  );
  fee.amount_refunded += amount;
  fee.refunded = fee.amount_refunded >= fee.amount;
  const items = childrenOf(state, 'fee_refund', fee.id).map((r) => clone(r.obj));
  fee.refunds = embeddedList(`/v1/application_fees/${fee.id}/refunds`, items);
  state.onChange();
  emitEvent(state, { ...origin, account: null }, 'application_fee.refunded', fee);
  return fr;
}

const feeOr404 = (state: EmulatorState, id: string): Rec =>
  mustFind(state, id, 'application_fee', null, 'application fee');

function feeRefundOr404(state: EmulatorState, feeId: string, id: string): Rec {
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
    return feeOr404(state, ctx.path.id).obj;
  });

  api(app, 'post', '/v1/application_fees/:id/refunds', (ctx) => {
    const p = validate(ctx.params, { amount: int(1), metadata });
    const rec = feeOr404(state, ctx.path.id);
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
    return refundApplicationFee(state, ctx, rec, amount, mergeMetadata({}, p.metadata)).obj;
  });

  // Stripe's legacy alias for creating a fee refund.
  api(app, 'post', '/v1/application_fees/:id/refund', (ctx) => {
    const p = validate(ctx.params, { amount: int(1), directive: str });
    const rec = feeOr404(state, ctx.path.id);
    const remaining = rec.obj.amount - rec.obj.amount_refunded;
    if (remaining <= 0 || (p.amount ?? remaining) > remaining) throw invalid('Invalid refund amount.', 'amount');
    refundApplicationFee(state, ctx, rec, p.amount ?? remaining);
    return rec.obj;
  });

  api(app, 'get', '/v1/application_fees/:id/refunds', (ctx) => {
    const p = validate(ctx.params, listParams);
    feeOr404(state, ctx.path.id);
    const recs = childrenOf(state, 'fee_refund', ctx.path.id);
    return listResponse(`/v1/application_fees/${ctx.path.id}/refunds`, recs, p);
  });

  api(app, 'get', '/v1/application_fees/:id/refunds/:rid', (ctx) => {
    validate(ctx.params, {});
    return feeRefundOr404(state, ctx.path.id, ctx.path.rid).obj;
  });

  api(app, 'post', '/v1/application_fees/:id/refunds/:rid', (ctx) => {
    const p = validate(ctx.params, { metadata });
    const rec = feeRefundOr404(state, ctx.path.id, ctx.path.rid);
    rec.obj.metadata = mergeMetadata(rec.obj.metadata, p.metadata);
    state.onChange();
    return rec.obj;
  });
};
