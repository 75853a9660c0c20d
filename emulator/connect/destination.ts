import type { EmulatorState, Obj, Origin, Rec } from '../core/state.ts';
import { balanceChanged, find } from '../core/state.ts';
import { createApplicationFee, refundApplicationFee } from './application-fees.ts';
import { PLATFORM_APPLICATION } from './ledger.ts';
import { createTransfer, reverseTransfer } from './transfers-model.ts';

/** Test card whose charges skip the pending balance, as in Stripe test mode. */
export const BYPASS_PENDING_CARD = '4000000000000077';

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));

/** chargeSucceeded hook: destination charges get a transfer and an application fee; direct charges pay their fee. */
export function onChargeSucceeded(state: EmulatorState, origin: Origin, chRec: Rec, piRec: Rec): void {
  const charge = chRec.obj;
  const pi = piRec.obj;
  const txn = find(state, charge.balance_transaction, 'balance_transaction', chRec.account);
  const pm = find(state, charge.payment_method, 'payment_method', chRec.account);
  if (txn && pm?.internal.input?.card?.number === BYPASS_PENDING_CARD) {
    txn.obj.available_on = txn.obj.created;
    txn.obj.status = 'available';
    balanceChanged(state, txn);
  }
  const availableOn = txn?.obj.available_on;
  const captured = charge.amount_captured;
  const feeAmount = pi.application_fee_amount != null ? Math.min(pi.application_fee_amount, captured) : null;
  const dest = pi.transfer_data?.destination;
  if (dest && !chRec.account) {
    if (!find(state, dest, 'account', null)) return;
    destinationTransfer(state, origin, charge, pi, dest, feeAmount, availableOn);
  } else if (chRec.account && feeAmount) {
    if (txn) {
      txn.obj.fee += feeAmount;
      txn.obj.net -= feeAmount;
      balanceChanged(state, txn);
      txn.obj.fee_details.push({
        amount: feeAmount,
        application: PLATFORM_APPLICATION,
        currency: charge.currency,
        description: 'Application fee',
        type: 'application_fee',
      });
    }
    const fee = createApplicationFee(state, origin, {
      charge,
      account: chRec.account,
      amount: feeAmount,
      debitAccount: false,
      availableOn,
    });
    charge.application_fee = fee.id;
    charge.application_fee_amount = feeAmount;
  }
}

// Like Stripe: the whole amount goes to the account, then the fee comes back from its balance to the platform.
/** Books a destination charge's transfer (`transfer_data[amount]` or the full captured amount) and its fee. */
function destinationTransfer(
  state: EmulatorState,
  origin: Origin,
  charge: Obj,
  pi: Obj,
  dest: string,
  feeAmount: number | null,
  availableOn: number | undefined,
): void {
  const captured = charge.amount_captured;
  const group = pi.transfer_group ?? `group_${pi.id}`;
  pi.transfer_group = group;
  charge.transfer_group = group;
  charge.transfer_data = { ...pi.transfer_data };
  const fixed = pi.transfer_data.amount;
  charge.application_fee_amount = fixed != null ? null : feeAmount;
  const amount = fixed != null ? Math.min(fixed, captured) : captured;
  if (amount <= 0) return;
  const tr = createTransfer(state, origin, {
    amount,
    currency: charge.currency,
    destination: dest,
    transfer_group: group,
    source_transaction: charge.id,
    availableOn,
  });
  charge.transfer = tr.id;
  const py = find(state, tr.obj.destination_payment, 'charge', dest);
  // With transfer_data[amount] the platform keeps the difference; there is no fee to collect.
  if (!feeAmount || fixed != null || !py) return;
  const fee = createApplicationFee(state, origin, {
    charge: py.obj,
    account: dest,
    amount: feeAmount,
    originatingTransaction: charge.id,
    debitAccount: true,
    availableOn,
  });
  py.obj.application_fee = fee.id;
  py.obj.application_fee_amount = feeAmount;
  charge.application_fee = fee.id;
}

// Cumulative shares, so the refund that completes the charge reverses exactly the remainder.
/** refundCreated hook: `reverse_transfer` / `refund_application_fee` reverse the transfer and fee proportionally. */
export function onRefundCreated(state: EmulatorState, origin: Origin, refundRec: Rec, chRec: Rec): void {
  const charge = chRec.obj;
  const refund = refundRec.obj;
  const flags = refundRec.internal;
  const captured = charge.amount_captured;
  const refunded = charge.amount_refunded - (charge.amount - captured);
  const full = refunded >= captured;
  const feeRec = find(state, charge.application_fee, 'application_fee', null);
  const share = (total: number) => (full ? total : Math.round((refunded * total) / captured));
  if (flags.reverse_transfer && charge.transfer) {
    const trRec = find(state, charge.transfer, 'transfer', null);
    if (trRec) {
      const tr = trRec.obj;
      const amount = clamp(share(tr.amount) - tr.amount_reversed, 0, tr.amount - tr.amount_reversed);
      if (amount > 0) {
        refund.transfer_reversal = reverseTransfer(state, origin, trRec, { amount, sourceRefund: refund.id }).id;
      }
    }
  }
  if (flags.refund_application_fee && feeRec) {
    const fee = feeRec.obj;
    const amount = clamp(share(fee.amount) - fee.amount_refunded, 0, fee.amount - fee.amount_refunded);
    if (amount > 0) refundApplicationFee(state, origin, feeRec, amount);
  }
}
