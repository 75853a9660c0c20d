import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import type { Actor } from '../audit/index.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { AppError } from '../errors.ts';
import { type CommerceHooks, offeringOf } from '../modules.ts';
import { completePaymentIntent, type SettleOptions, type SettleResult } from './complete-checkout.ts';
import { isPaidStatus } from './order-status.ts';
import { getOrder } from './orders.ts';

/** How paying with a delegated token ended: paid (settled like a paid Checkout), or refused with Stripe's reason. */
export type TokenPayment =
  | { outcome: 'paid'; paymentIntentId: string; settled: SettleResult }
  | { outcome: 'declined'; code: string; message: string };

/** Where the goods go, as the agent collected it: it becomes the PaymentIntent's shipping, read back at settlement. */
export interface TokenShipping {
  name: string;
  phone?: string;
  address: { line1: string; line2?: string; city: string; state: string; postal_code: string; country: string };
}

/**
 * Pays a pending order with an agent's Stripe Shared Payment Token on the platform's own rails: a PaymentIntent for
 * the stored total (a destination charge with the platform fee when the offering says so), confirmed with the token,
 * then settled through the same path as a paid Checkout Session. Nothing is held open across Stripe: the parameters
 * come from one short transaction, the PaymentIntent is recorded in another. The idempotency key is derived from the
 * order and the token, so a retried call never charges twice and a new token (after a decline) gets a new attempt.
 */
export async function payOrderWithSharedToken(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  orderId: string,
  token: string,
  actor: Actor,
  opts: SettleOptions & { shipping?: TokenShipping | null } = {},
): Promise<TokenPayment> {
  if (db.isTransaction) throw new Error('payOrderWithSharedToken calls Stripe: run it outside any transaction');
  const plan = await withService(db, async (tx) => {
    const order = await getOrder(tx, orderId, { lock: true });
    if (isPaidStatus(order.status) && order.stripePaymentIntentId) {
      return { paid: order.stripePaymentIntentId, params: null, key: '', destination: null };
    }
    if (order.status !== 'pending')
      throw new AppError('invalid_state', `The order is ${order.status}`, { status: order.status });
    const connect = await offeringOf(hooks, order.offeringType).connect?.(tx, order);
    const metadata = { order_id: order.id, account_id: order.accountId, channel: 'agent' };
    const params: Stripe.PaymentIntentCreateParams = {
      amount: order.total,
      currency: order.currency,
      confirm: true,
      // An agent can't follow a redirect: only methods that settle in one step qualify.
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      receipt_email: order.buyerEmail,
      // Settlement reads the address from the payment (as from a Checkout Session), so fulfilment knows where to ship.
      ...(opts.shipping ? { shipping: opts.shipping } : {}),
      metadata,
      ...(connect
        ? { transfer_data: { destination: connect.destination }, application_fee_amount: connect.applicationFeeAmount }
        : {}),
    };
    Object.assign(params, { payment_method_data: { shared_payment_granted_token: token } });
    const tokenKey = createHash('sha256').update(token).digest('hex').slice(0, 24);
    return { paid: null, params, key: `agent-pay:${order.id}:${tokenKey}`, destination: connect?.destination ?? null };
  });
  if (plan.paid) {
    const settled = await completePaymentIntent(db, stripe, hooks, plan.paid, actor, opts);
    return { outcome: 'paid', paymentIntentId: plan.paid, settled };
  }
  let pi: Stripe.PaymentIntent;
  try {
    pi = await stripe.paymentIntents.create(plan.params as Stripe.PaymentIntentCreateParams, {
      idempotencyKey: plan.key,
    });
  } catch (err) {
    // The buyer's bank or the token's limits said no: nothing was charged, the order stays payable.
    if (err instanceof Stripe.errors.StripeCardError || err instanceof Stripe.errors.StripeInvalidRequestError) {
      const e = err as Stripe.errors.StripeError;
      return { outcome: 'declined', code: e.decline_code ?? e.code ?? 'payment_declined', message: e.message };
    }
    throw err;
  }
  await withService(db, async (tx) => {
    const order = await getOrder(tx, orderId, { lock: true });
    // A concurrent attempt's payment already settled the order: this one is left to the duplicate-payment checks.
    if (order.status !== 'pending') return;
    await tx
      .updateTable('orders')
      .set({ stripe_payment_intent_id: pi.id, destination_account: plan.destination, updated_at: new Date() })
      .where('id', '=', orderId)
      .execute();
  });
  if (pi.status !== 'succeeded') {
    return { outcome: 'declined', code: 'payment_declined', message: `The payment is ${pi.status.replace(/_/g, ' ')}` };
  }
  const settled = await completePaymentIntent(db, stripe, hooks, pi.id, actor, opts);
  return { outcome: 'paid', paymentIntentId: pi.id, settled };
}
