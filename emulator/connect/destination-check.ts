import { invalid, StripeError } from '../core/errors.ts';
import type { EmulatorState, Rec } from '../core/state.ts';
import { find } from '../core/state.ts';

/** Ensures a transfer destination is an existing connected account that can receive transfers, like Stripe. */
export function assertDestination(state: EmulatorState, id: string, param: string): Rec {
  const rec = find(state, id, 'account', null);
  if (!rec) {
    throw new StripeError(400, 'invalid_request_error', `No such destination: '${id}'`, {
      code: 'resource_missing',
      param,
    });
  }
  const caps = rec.obj.capabilities;
  if (caps.transfers !== 'active' && caps.legacy_payments !== 'active') {
    throw invalid(
      'Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments',
      param,
      'insufficient_capabilities_for_transfer',
    );
  }
  return rec;
}

/** Validates destination-charge params at PaymentIntent/Checkout creation (fee ≤ amount, destination usable). */
export function assertDestinationCharge(
  state: EmulatorState,
  account: string | null,
  p: {
    amount?: number | null;
    application_fee_amount?: number | null;
    transfer_data?: { destination?: string; amount?: number | null } | null;
  },
  prefix = '',
): void {
  // `prefix` nests param names, e.g. payment_intent_data[transfer_data][destination] for Checkout.
  const name = (...segs: string[]) =>
    prefix
      ? `${prefix}[${segs.join('][')}]`
      : segs[0] +
        segs
          .slice(1)
          .map((s) => `[${s}]`)
          .join('');
  const dest = p.transfer_data?.destination;
  if (dest) {
    if (account) {
      throw invalid(
        'Destination charges cannot be created on behalf of a connected account.',
        name('transfer_data', 'destination'),
      );
    }
    assertDestination(state, dest, name('transfer_data', 'destination'));
  }
  const fee = p.application_fee_amount;
  if (fee != null && !dest && !account) {
    throw invalid(
      'Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment (using an OAuth key or Stripe-Account header) or destination payment (using `transfer_data[destination]`).',
      name('application_fee_amount'),
    );
  }
  if (p.amount != null && fee != null && fee > p.amount) {
    throw invalid('The application fee amount cannot be greater than the amount.', name('application_fee_amount'));
  }
  const tAmount = p.transfer_data?.amount;
  // Stripe takes the platform's cut one way or the other, never both.
  if (fee != null && tAmount != null) {
    throw invalid(
      'You may only specify one of these parameters: application_fee_amount, transfer_data[amount].',
      name('application_fee_amount'),
    );
  }
  if (p.amount != null && tAmount != null && tAmount > p.amount) {
    throw invalid('transfer_data[amount] cannot be greater than the amount.', name('transfer_data', 'amount'));
  }
}
