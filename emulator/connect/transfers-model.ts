import { emitEvent } from '../core/events.ts';
import { newId } from '../core/ids.ts';
import type { EmulatorState, Obj, Origin, Rec } from '../core/state.ts';
import { childrenOf, clone, find, insert, nowSec } from '../core/state.ts';
import { syncChargeRefunds } from '../payments/refunds.ts';
import { addTxn, embeddedList } from './ledger.ts';

/** What a transfer moves and where. */
export interface TransferInput {
  amount: number;
  currency: string;
  destination: string;
  description?: string | null;
  metadata?: Obj;
  transfer_group?: string | null;
  source_transaction?: string | null;
  /** Unix seconds when both sides become available (destination charges follow the charge). */
  availableOn?: number;
}

// The connected account's side of a transfer is a `py_` payment (a charge object) in its own scope.
function destinationPayment(tr: Obj, txnId: string): Obj {
  const id = newId('py');
  return {
    id,
    object: 'charge',
    amount: tr.amount,
    amount_captured: tr.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: txnId,
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    captured: true,
    created: tr.created,
    currency: tr.currency,
    customer: null,
    description: tr.description,
    destination: null,
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome: null,
    paid: true,
    payment_intent: null,
    payment_method: null,
    payment_method_details: { stripe_account: {}, type: 'stripe_account' },
    refunded: false,
    refunds: embeddedList(`/v1/charges/${id}/refunds`, []),
    source_transfer: tr.id,
    status: 'succeeded',
    transfer_data: null,
    transfer_group: tr.transfer_group,
  };
}

/** Creates a transfer to a connected account: platform debit, `py_` payment + credit on the account, transfer.created. */
export function createTransfer(state: EmulatorState, origin: Origin, t: TransferInput): Rec {
  const id = newId('tr');
  const created = nowSec(state);
  const tr: Obj = {
    id,
    object: 'transfer',
    amount: t.amount,
    amount_reversed: 0,
    balance_transaction: null,
    created,
    currency: t.currency,
    description: t.description ?? null,
    destination: t.destination,
    destination_payment: null,
    livemode: false,
    metadata: t.metadata ?? {},
    reversals: embeddedList(`/v1/transfers/${id}/reversals`, []),
    reversed: false,
    source_transaction: t.source_transaction ?? null,
    source_type: 'card',
    transfer_group: t.transfer_group ?? null,
  };
  const debit = addTxn(state, null, {
    type: 'transfer',
    amount: -t.amount,
    currency: t.currency,
    source: id,
    description: t.description ?? null,
    availableOn: t.availableOn,
  });
  tr.balance_transaction = debit.id;
  const credit = addTxn(state, t.destination, {
    type: 'payment',
    amount: t.amount,
    currency: t.currency,
    source: '',
    availableOn: t.availableOn,
  });
  const py = insert(state, 'charge', destinationPayment(tr, credit.id), t.destination);
  credit.obj.source = py.id;
  tr.destination_payment = py.id;
  const rec = insert(state, 'transfer', tr, null, { availableOn: t.availableOn ?? created });
  emitEvent(state, { ...origin, account: null }, 'transfer.created', tr);
  return rec;
}

/** Reversal options: the refund that caused it and metadata. */
export interface ReversalInput {
  amount: number;
  sourceRefund?: string | null;
  metadata?: Obj;
  description?: string | null;
}

/** Reverses part of a transfer: money back from the connected account (it may go negative), transfer.reversed. */
export function reverseTransfer(state: EmulatorState, origin: Origin, trRec: Rec, r: ReversalInput): Rec {
  const tr = trRec.obj;
  const id = newId('trr');
  const availableOn = Math.max(trRec.internal.availableOn ?? 0, nowSec(state));
  const credit = addTxn(state, null, {
    type: 'transfer_refund',
    amount: r.amount,
    currency: tr.currency,
    source: id,
    description: r.description ?? null,
    availableOn,
  });
  const pyRec = find(state, tr.destination_payment, 'charge', tr.destination);
  let paymentRefund: string | null = null;
  if (pyRec) {
    const pyrId = newId('pyr');
    const debit = addTxn(state, tr.destination, {
      type: 'payment_refund',
      amount: -r.amount,
      currency: tr.currency,
      source: pyrId,
      availableOn,
    });
    insert(
      state,
      'refund',
      {
        id: pyrId,
        object: 'refund',
        amount: r.amount,
        balance_transaction: debit.id,
        charge: pyRec.id,
        created: nowSec(state),
        currency: tr.currency,
        metadata: {},
        payment_intent: null,
        reason: null,
        receipt_number: null,
        source_transfer_reversal: id,
        status: 'succeeded',
        transfer_reversal: null,
      },
      tr.destination,
    );
    paymentRefund = pyrId;
    pyRec.obj.amount_refunded += r.amount;
    pyRec.obj.refunded = pyRec.obj.amount_refunded >= pyRec.obj.amount;
    syncChargeRefunds(state, pyRec);
  }
  const reversal = insert(
    state,
    'transfer_reversal',
    {
      id,
      object: 'transfer_reversal',
      amount: r.amount,
      balance_transaction: credit.id,
      created: nowSec(state),
      currency: tr.currency,
      destination_payment_refund: paymentRefund,
      metadata: r.metadata ?? {},
      source_refund: r.sourceRefund ?? null,
      transfer: tr.id,
    },
    null,
  );
  tr.amount_reversed += r.amount;
  tr.reversed = tr.amount_reversed >= tr.amount;
  syncReversals(state, trRec);
  emitEvent(state, { ...origin, account: null }, 'transfer.reversed', tr);
  return reversal;
}

/** Rebuilds a transfer's embedded `reversals` list. */
export function syncReversals(state: EmulatorState, trRec: Rec): void {
  const items = childrenOf(state, 'transfer_reversal', trRec.id).map((r) => clone(r.obj));
  trRec.obj.reversals = embeddedList(`/v1/transfers/${trRec.id}/reversals`, items);
  state.onChange();
}
