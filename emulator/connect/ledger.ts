import { StripeError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { EmulatorState, Obj, Rec } from '../core/state.ts';
import { balanceSums, insert, nowSec } from '../core/state.ts';

/** Application id the emulated platform uses on application fees and deauthorization events. */
export const PLATFORM_APPLICATION = 'ca_EmulatorPlatform0000000000000';

/** What a Connect balance transaction records. */
export interface TxnInput {
  type: string;
  amount: number;
  currency: string;
  source: string;
  description?: string | null;
  fee?: number;
  feeDetails?: Obj[];
  /** Unix seconds; default now (available immediately). */
  availableOn?: number;
  payout?: string;
}

// Stripe's reporting categories per balance transaction type.
const CATEGORY: Record<string, string> = {
  charge: 'charge',
  payment: 'charge',
  transfer: 'transfer',
  transfer_refund: 'transfer_reversal',
  refund: 'refund',
  payment_refund: 'refund',
  application_fee: 'platform_earning',
  application_fee_refund: 'platform_earning_refund',
  payout: 'payout',
  payout_cancel: 'payout_reversal',
  payout_failure: 'payout_reversal',
  stripe_fee: 'fee',
};

/** Books a balance transaction in an account scope (null = platform); pending until `availableOn`. */
export function addTxn(state: EmulatorState, account: string | null, t: TxnInput): Rec {
  const created = nowSec(state);
  const availableOn = t.availableOn ?? created;
  const fee = t.fee ?? 0;
  const txn: Obj = {
    id: newId('txn'),
    object: 'balance_transaction',
    amount: t.amount,
    available_on: availableOn,
    balance_type: 'payments',
    created,
    currency: t.currency,
    description: t.description ?? null,
    exchange_rate: null,
    fee,
    fee_details: t.feeDetails ?? [],
    net: t.amount - fee,
    reporting_category: CATEGORY[t.type] ?? t.type,
    source: t.source,
    status: availableOn > created ? 'pending' : 'available',
    type: t.type,
  };
  return insert(state, 'balance_transaction', txn, account, t.payout ? { payout: t.payout } : {});
}

/** Available balance in one currency. */
export function availableBalance(state: EmulatorState, account: string | null, currency: string): number {
  return balanceSums(state, account).available.get(currency) ?? 0;
}

/** The `balance` object for an account scope; `defaultCurrency` fills an empty balance like Stripe does. */
export function balanceObject(state: EmulatorState, account: string | null, defaultCurrency = 'usd'): Obj {
  const { available, pending } = balanceSums(state, account);
  const currencies = [...new Set([defaultCurrency, ...available.keys(), ...pending.keys()])];
  const entry = (m: Map<string, number>, currency: string) => {
    const amount = m.get(currency) ?? 0;
    return { amount, currency, source_types: { card: amount } };
  };
  return {
    object: 'balance',
    available: currencies.map((c) => entry(available, c)),
    connect_reserved: currencies.map((c) => ({ amount: 0, currency: c })),
    livemode: false,
    pending: currencies.map((c) => entry(pending, c)),
  };
}

/** Stripe's `balance_insufficient` 400. */
export function insufficientFunds(what: 'transfer' | 'payout'): StripeError {
  const message =
    what === 'transfer'
      ? 'You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card. See: https://stripe.com/docs/testing#available-balance'
      : 'You have insufficient funds in your Stripe account for this payout. Your balance may still be pending; use the /v1/balance endpoint to view your Stripe balance.';
  return new StripeError(400, 'invalid_request_error', message, { code: 'balance_insufficient', param: 'amount' });
}

/** A list object embedded in a parent (refunds, reversals, external_accounts), newest first. */
export function embeddedList(url: string, items: Obj[]): Obj {
  return { object: 'list', data: items.slice(0, 10), has_more: items.length > 10, total_count: items.length, url };
}
