import type Stripe from 'stripe';
import type { StripeEventHandler } from '../commerce/index.ts';
import type { ModuleParts } from '../modules.ts';
import { applyAccountDeauthorized, applyAccountUpdated } from './artists/connect.ts';
import { applyPayoutEvent } from './payouts/payouts.ts';

// Payouts on connected accounts: every status change lands in marketplace_payouts, newest state wins.
const onPayout: StripeEventHandler = async (tx, event, actor) => {
  if (!event.account) return 'ignored';
  const payout = event.data.object as Stripe.Payout;
  return (await applyPayoutEvent(tx, payout, event.account, event.created, actor)) ? 'processed' : 'ignored';
};

/** The marketplace's Stripe events; the event's `created` guards against stale, out-of-order updates. */
export const marketplaceStripeEvents: NonNullable<ModuleParts['stripeEvents']> = [
  {
    type: 'account.updated',
    async handle(tx, event) {
      const account = event.data.object as Stripe.Account;
      return (await applyAccountUpdated(tx, account, event.created)) ? 'processed' : 'ignored';
    },
  },
  {
    type: 'account.application.deauthorized',
    async handle(tx, event) {
      if (!event.account) return 'ignored';
      return (await applyAccountDeauthorized(tx, event.account, event.created)) ? 'processed' : 'ignored';
    },
  },
  ...['payout.created', 'payout.updated', 'payout.paid', 'payout.failed', 'payout.canceled'].map((type) => ({
    type,
    handle: onPayout,
  })),
];
