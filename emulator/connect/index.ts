import { registerEventTypes } from '../core/events.ts';
import { registerReferenceFields } from '../core/expand.ts';
import type { ResourceModule } from '../core/state.ts';
import { accounts } from './accounts.ts';
import { applicationFees } from './application-fees.ts';
import { onChargeSucceeded, onRefundCreated } from './destination.ts';
import { payouts } from './payouts.ts';
import { transfers } from './transfers.ts';

registerEventTypes([
  'account.updated',
  'account.application.authorized',
  'account.application.deauthorized',
  'account.external_account.created',
  'account.external_account.updated',
  'account.external_account.deleted',
  'capability.updated',
  'transfer.created',
  'transfer.updated',
  'transfer.reversed',
  'application_fee.created',
  'application_fee.refunded',
  'application_fee.refund.updated',
  'payout.created',
  'payout.updated',
  'payout.paid',
  'payout.failed',
  'payout.canceled',
]);

registerReferenceFields([
  'destination_payment',
  'destination_payment_refund',
  'source_refund',
  'source_transaction',
  'fee',
  'original_payout',
  'reversed_by',
]);

/** Destination transfers, application fees and proportional refund reversals via the payment hooks. */
const connectHooks: ResourceModule = (_app, state) => {
  state.hooks.chargeSucceeded.push(onChargeSucceeded);
  state.hooks.refundCreated.push(onRefundCreated);
};

/** Every Connect module: accounts and links, transfers, application fees, balance and payouts. */
export const connectModules: ResourceModule[] = [accounts, transfers, applicationFees, payouts, connectHooks];
