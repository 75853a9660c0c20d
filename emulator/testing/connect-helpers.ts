import type Stripe from 'stripe';
import type { TestEmulator } from './helpers.ts';

/** Creates an Express account and completes onboarding through the control endpoint. */
export async function onboardedAccount(
  t: TestEmulator,
  fields: Record<string, string> = {},
  country = 'US',
): Promise<Stripe.Account> {
  const a = await t.stripe.accounts.create({
    type: 'express',
    country,
    capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
  });
  const res = await t.post(`/_emulator/accounts/${a.id}/onboard`, fields);
  if (res.status !== 200) throw new Error(`onboarding failed: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A confirmed destination-charge PaymentIntent (card succeeds immediately). */
export function destinationCharge(
  stripe: Stripe,
  destination: string,
  amount: number,
  fee: number | null,
  paymentMethod = 'pm_card_visa',
): Promise<Stripe.PaymentIntent> {
  return stripe.paymentIntents.create({
    amount,
    currency: 'usd',
    payment_method: paymentMethod,
    allowed_payment_method_types: ['card'],
    confirm: true,
    ...(fee === null ? {} : { application_fee_amount: fee }),
    transfer_data: { destination },
  });
}

/** A confirmed destination charge that transfers a fixed `transfer_data[amount]` instead of taking a fee. */
export function fixedTransferCharge(
  stripe: Stripe,
  destination: string,
  amount: number,
  transferAmount: number,
): Promise<Stripe.PaymentIntent> {
  return stripe.paymentIntents.create({
    amount,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    allowed_payment_method_types: ['card'],
    confirm: true,
    transfer_data: { destination, amount: transferAmount },
  });
}

/** Available and pending amounts in one currency (platform, or a connected account). */
export async function balanceOf(
  stripe: Stripe,
  account?: string,
  currency = 'usd',
): Promise<{ available: number; pending: number }> {
  const b = await stripe.balance.retrieve({}, account ? { stripeAccount: account } : {});
  const pick = (l: Stripe.Balance.Available[]) => l.find((x) => x.currency === currency)?.amount ?? 0;
  return { available: pick(b.available), pending: pick(b.pending) };
}
