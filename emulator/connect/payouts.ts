import type { Hono } from 'hono';
import { api } from '../core/context.ts';
import { invalid, StripeError } from '../core/errors.ts';
import { emitEvent, systemOrigin, updateWithEvent } from '../core/events.ts';
import { base62, newId } from '../core/ids.ts';
import { listResponse } from '../core/list.ts';
import {
  currency,
  inRange,
  int,
  listParams,
  mergeMetadata,
  metadata,
  oneOf,
  range,
  req,
  str,
  validate,
} from '../core/params.ts';
import type { EmulatorState, Obj, Rec } from '../core/state.ts';
import { activeRecs, all, find, insert, mustFind, nowSec, retire, watchType } from '../core/state.ts';
import { FAILING_ACCOUNT_NUMBER } from './accounts-model.ts';
import { addTxn, availableBalance, balanceObject, insufficientFunds } from './ledger.ts';

const IN_TRANSIT_AFTER = 3600;
const ARRIVAL_AFTER = 2 * 86400;

// The platform pays out to one lazily created test bank account in its own scope.
function platformBank(state: EmulatorState, cur: string): Rec {
  const existing = all(state, 'bank_account', null).find((r) => r.obj.currency === cur);
  if (existing) return existing;
  return insert(
    state,
    'bank_account',
    {
      id: newId('ba'),
      object: 'bank_account',
      account_holder_name: 'Platform',
      account_holder_type: 'company',
      account_type: null,
      bank_name: 'STRIPE TEST BANK',
      country: 'US',
      currency: cur,
      customer: null,
      fingerprint: base62(16),
      last4: '6789',
      metadata: {},
      routing_number: '110000000',
      status: 'new',
    },
    null,
    { accountNumber: '000123456789' },
  );
}

function destinationFor(state: EmulatorState, account: string | null, cur: string, id: string | null): Rec {
  if (!account)
    return id ? (find(state, id, 'bank_account', null) ?? platformBank(state, cur)) : platformBank(state, cur);
  const banks = all(state, 'bank_account', account).filter((r) => r.obj.currency === cur);
  const bank = id ? banks.find((r) => r.id === id) : (banks.find((r) => r.obj.default_for_currency) ?? banks[0]);
  if (!bank) {
    throw invalid(
      `You do not have any external accounts in that currency (${cur}).`,
      id ? 'destination' : 'currency',
      'no_external_account',
    );
  }
  return bank;
}

const payoutOr404 = (state: EmulatorState, id: string, account: string | null): Rec =>
  mustFind(state, id, 'payout', account);

function setStatus(state: EmulatorState, rec: Rec, status: string, extra: (o: Obj) => void = () => {}): void {
  const origin = systemOrigin(rec.account);
  updateWithEvent(state, origin, rec, 'payout.updated', (o) => {
    o.status = status;
    extra(o);
  });
  if (status !== 'in_transit') emitEvent(state, origin, `payout.${status}`, rec.obj);
}

/** Tick hook: pending → in_transit after an hour, then paid (or failed) at arrival_date. */
export function payoutTick(state: EmulatorState): void {
  const now = nowSec(state);
  for (const rec of activeRecs(state, 'payout')) {
    const po = rec.obj;
    // Paid, failed and canceled payouts never move again.
    if (po.status !== 'pending' && po.status !== 'in_transit') {
      retire(state, rec);
      continue;
    }
    if (po.status === 'pending' && now >= rec.internal.inTransitAt) setStatus(state, rec, 'in_transit');
    if (po.status !== 'in_transit' || now < po.arrival_date) continue;
    if (!rec.internal.fail) {
      setStatus(state, rec, 'paid', (o) => {
        o.trace_id = { status: 'supported', value: `TRACE${base62(10).toUpperCase()}` };
      });
      continue;
    }
    const back = addTxn(state, rec.account, {
      type: 'payout_failure',
      amount: po.amount,
      currency: po.currency,
      source: po.id,
      description: 'Payout failure',
      payout: po.id,
    });
    setStatus(state, rec, 'failed', (o) => {
      o.failure_balance_transaction = back.id;
      o.failure_code = 'account_closed';
      o.failure_message = 'The bank account has been closed.';
      o.trace_id = { status: 'unsupported', value: null };
    });
  }
}

/** Balance and payouts (platform, or a connected account via Stripe-Account). */
export const payouts = (app: Hono, state: EmulatorState): void => {
  watchType(state, 'payout');
  state.hooks.tick.push(payoutTick);

  api(app, 'get', '/v1/balance', (ctx) => {
    validate(ctx.params, {});
    const acct = ctx.account ? find(state, ctx.account, 'account', null) : undefined;
    return balanceObject(state, ctx.account, acct?.obj.default_currency ?? 'usd');
  });

  api(app, 'post', '/v1/payouts', (ctx) => {
    const p = validate(ctx.params, {
      amount: req(int(1)),
      currency: req(currency),
      method: oneOf('standard', 'instant'),
      description: str,
      destination: str,
      statement_descriptor: str,
      source_type: oneOf('card', 'bank_account', 'fpx'),
      metadata,
    });
    if (ctx.account) {
      const acct = mustFind(state, ctx.account, 'account', null, 'account', 'account');
      if (!acct.obj.payouts_enabled) {
        throw new StripeError(400, 'invalid_request_error', 'Payouts are not enabled for this account.', {
          code: 'payouts_not_allowed',
        });
      }
    }
    const bank = destinationFor(state, ctx.account, p.currency, p.destination ?? null);
    if (availableBalance(state, ctx.account, p.currency) < p.amount) throw insufficientFunds('payout');
    const created = nowSec(state);
    const instant = p.method === 'instant';
    const id = newId('po');
    const txn = addTxn(state, ctx.account, {
      type: 'payout',
      amount: -p.amount,
      currency: p.currency,
      source: id,
      description: p.description ?? 'STRIPE PAYOUT',
      payout: id,
    });
    const payout: Obj = {
      id,
      object: 'payout',
      amount: p.amount,
      application_fee: null,
      application_fee_amount: null,
      arrival_date: created + (instant ? 1800 : ARRIVAL_AFTER),
      automatic: false,
      balance_transaction: txn.id,
      created,
      currency: p.currency,
      description: p.description ?? 'STRIPE PAYOUT',
      destination: bank.id,
      failure_balance_transaction: null,
      failure_code: null,
      failure_message: null,
      livemode: false,
      metadata: mergeMetadata({}, p.metadata),
      method: p.method ?? 'standard',
      original_payout: null,
      payout_method: null,
      reconciliation_status: 'not_applicable',
      reversed_by: null,
      source_type: p.source_type ?? 'card',
      statement_descriptor: p.statement_descriptor ?? null,
      status: 'pending',
      trace_id: { status: 'pending', value: null },
      type: 'bank_account',
    };
    const rec = insert(state, 'payout', payout, ctx.account, {
      inTransitAt: created + (instant ? 0 : IN_TRANSIT_AFTER),
      fail: bank.internal.accountNumber === FAILING_ACCOUNT_NUMBER,
    });
    emitEvent(state, ctx, 'payout.created', payout);
    return rec.obj;
  });

  api(app, 'get', '/v1/payouts/:id', (ctx) => {
    validate(ctx.params, {});
    return payoutOr404(state, ctx.path.id, ctx.account).obj;
  });

  api(app, 'post', '/v1/payouts/:id', (ctx) => {
    const p = validate(ctx.params, { metadata });
    const rec = payoutOr404(state, ctx.path.id, ctx.account);
    updateWithEvent(state, ctx, rec, 'payout.updated', (o) => {
      o.metadata = mergeMetadata(o.metadata, p.metadata);
    });
    return rec.obj;
  });

  api(app, 'get', '/v1/payouts', (ctx) => {
    const p = validate(ctx.params, {
      ...listParams,
      status: oneOf('pending', 'in_transit', 'paid', 'failed', 'canceled'),
      destination: str,
      arrival_date: range,
    });
    const recs = all(state, 'payout', ctx.account).filter(
      (r) =>
        (!p.status || r.obj.status === p.status) &&
        (!p.destination || r.obj.destination === p.destination) &&
        inRange(r.obj.arrival_date, p.arrival_date),
    );
    return listResponse('/v1/payouts', recs, p);
  });

  api(app, 'post', '/v1/payouts/:id/cancel', (ctx) => {
    validate(ctx.params, {});
    const rec = payoutOr404(state, ctx.path.id, ctx.account);
    if (rec.obj.status !== 'pending') {
      throw invalid(`Payouts can only be canceled while they are pending; this payout is ${rec.obj.status}.`);
    }
    const back = addTxn(state, ctx.account, {
      type: 'payout_cancel',
      amount: rec.obj.amount,
      currency: rec.obj.currency,
      source: rec.id,
      description: 'Payout cancellation',
      payout: rec.id,
    });
    updateWithEvent(state, ctx, rec, 'payout.updated', (o) => {
      o.status = 'canceled';
      o.failure_balance_transaction = back.id;
    });
    emitEvent(state, ctx, 'payout.canceled', rec.obj);
    return rec.obj;
  });
};
