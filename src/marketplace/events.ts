import type Stripe from 'stripe';
import { registerStripeEventHandler } from '../commerce/handle-webhook.ts';
import { applyAccountDeauthorized, applyAccountUpdated } from './connect.ts';
import { applyPayoutEvent } from './payouts.ts';

// Connect events reach the commerce inbox; the event's `created` guards against stale, out-of-order updates.
registerStripeEventHandler('account.updated', async (tx, _stripe, event) => {
  const account = event.data.object as Stripe.Account;
  return (await applyAccountUpdated(tx, account, event.created)) ? 'processed' : 'ignored';
});

registerStripeEventHandler('account.application.deauthorized', async (tx, _stripe, event) => {
  const accountId = event.account;
  if (!accountId) return 'ignored';
  return (await applyAccountDeauthorized(tx, accountId, event.created)) ? 'processed' : 'ignored';
});

// Payouts on connected accounts: every status change lands in marketplace_payouts, newest state wins.
for (const type of ['payout.created', 'payout.updated', 'payout.paid', 'payout.failed', 'payout.canceled']) {
  registerStripeEventHandler(type, async (tx, _stripe, event, actor) => {
    if (!event.account) return 'ignored';
    const payout = event.data.object as Stripe.Payout;
    return (await applyPayoutEvent(tx, payout, event.account, event.created, actor)) ? 'processed' : 'ignored';
  });
}
