import { invalid } from '../core/errors.ts';
import { emitEvent } from '../core/events.ts';
import { newId } from '../core/ids.ts';
import type { EmulatorState, Obj, Origin, Rec } from '../core/state.ts';
import { childrenOf, clone, insert, nowSec } from '../core/state.ts';
import { buildBalanceTransaction } from './objects.ts';

/** Validated refund-create params (reverse_transfer/refund_application_fee are stored for Connect hooks). */
export interface RefundInput {
  amount?: number | null;
  reason?: string | null;
  metadata?: Obj;
  reverse_transfer?: boolean;
  refund_application_fee?: boolean;
}

function money(amount: number, currency: string): string {
  return `${currency === 'usd' ? '$' : `${currency.toUpperCase()} `}${(amount / 100).toFixed(2)}`;
}

/** Refunds a captured charge (partial or full, cumulative); over-refunds throw 400 like Stripe. */
export function refundCharge(state: EmulatorState, origin: Origin, chRec: Rec, input: RefundInput): Rec {
  const charge = chRec.obj;
  if (charge.status !== 'succeeded' || !charge.captured) {
    throw invalid(`Charge ${charge.id} has not been captured and cannot be refunded.`, 'charge');
  }
  const remaining = charge.amount_captured - (charge.amount_refunded - (charge.amount - charge.amount_captured));
  if (remaining <= 0) {
    throw invalid(`Charge ${charge.id} has already been refunded.`, undefined, 'charge_already_refunded');
  }
  const amount = input.amount ?? remaining;
  if (amount <= 0) throw invalid('Refund amount must be positive.', 'amount', 'parameter_invalid_integer');
  if (amount > remaining) {
    throw invalid(
      `Refund amount (${money(amount, charge.currency)}) is greater than unrefunded amount on charge (${money(remaining, charge.currency)})`,
      'amount',
      'amount_too_large',
    );
  }
  const id = newId('re');
  const txn = buildBalanceTransaction(state, 'refund', id, -amount, charge.currency, 'REFUND FOR CHARGE');
  insert(state, 'balance_transaction', txn, chRec.account);
  const refund: Obj = {
    id,
    object: 'refund',
    amount,
    balance_transaction: txn.id,
    charge: charge.id,
    created: nowSec(state),
    currency: charge.currency,
    customer: charge.customer,
    customer_account: null,
    destination_details: {
      card: {
        reference: null,
        reference_status: 'pending',
        reference_type: 'acquirer_reference_number',
        type: 'refund',
      },
      type: 'card',
    },
    metadata: input.metadata ?? {},
    payment_intent: charge.payment_intent,
    payment_method: charge.payment_method,
    reason: input.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
  const refundRec = insert(state, 'refund', refund, chRec.account, {
    reverse_transfer: input.reverse_transfer ?? false,
    refund_application_fee: input.refund_application_fee ?? false,
  });
  const before = clone(charge);
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded >= charge.amount;
  syncChargeRefunds(state, chRec);
  for (const hook of state.hooks.refundCreated) hook(state, origin, refundRec, chRec);
  emitEvent(state, origin, 'refund.created', refundRec.obj);
  emitEvent(state, origin, 'charge.refunded', charge, {
    amount_refunded: before.amount_refunded,
    refunded: before.refunded,
    refunds: before.refunds,
  });
  return refundRec;
}

/** Rebuilds the charge's embedded `refunds` list from stored refunds (newest first). */
export function syncChargeRefunds(state: EmulatorState, chRec: Rec): void {
  const refunds = childrenOf(state, 'refund', chRec.id).map((r) => clone(r.obj));
  chRec.obj.refunds = {
    object: 'list',
    data: refunds.slice(0, 10),
    has_more: refunds.length > 10,
    total_count: refunds.length,
    url: `/v1/charges/${chRec.id}/refunds`,
  };
  state.onChange();
}
