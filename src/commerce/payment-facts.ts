import type Stripe from 'stripe';

/**
 * What a settled payment tells the offerings and the invoice, whichever way the buyer paid: through hosted Checkout
 * (a session) or through an agent's delegated token (a bare PaymentIntent). Read from Stripe before the settling
 * transaction opens, so hooks never need a client.
 */
export interface PaymentFacts {
  checkoutSessionId: string | null;
  paymentIntentId: string | null;
  /** Expanded down to `latest_charge.balance_transaction` when Stripe has a charge. */
  paymentIntent: Stripe.PaymentIntent | null;
  charge: Stripe.Charge | null;
  customer: {
    name: string | null;
    businessName: string | null;
    email: string | null;
    address: Stripe.Address | null;
    taxId: string | null;
  };
  shipping: { name: string | null; address: Stripe.Address | null } | null;
  /** What Checkout charged and how it got there; null for a PaymentIntent paid without Checkout. */
  checkout: CheckoutAmounts | null;
}

/** A Checkout Session's money as Stripe settled it (minor units of `currency`). */
export interface CheckoutAmounts {
  currency: string;
  /** The lines before discount and tax. */
  amountSubtotal: number;
  amountDiscount: number;
  amountShipping: number;
  amountTax: number;
  amountTotal: number;
  /** The shipping rate the buyer ended with, and the session's options in the order they were offered. */
  shippingRateId: string | null;
  shippingOptionRates: string[];
  /** The code the buyer entered, when `discounts.promotion_code` was expanded. */
  promotionCode: string | null;
}

/** The amounts of a Checkout Session (null while Stripe has no total, which a paid session always has). */
export function checkoutAmounts(session: Stripe.Checkout.Session): CheckoutAmounts | null {
  if (session.amount_total === null || session.currency === null) return null;
  const td = session.total_details;
  const promo = session.discounts?.find((d) => d.promotion_code)?.promotion_code ?? null;
  return {
    currency: session.currency,
    amountSubtotal: session.amount_subtotal ?? session.amount_total,
    amountDiscount: td?.amount_discount ?? 0,
    amountShipping: td?.amount_shipping ?? 0,
    amountTax: td?.amount_tax ?? 0,
    amountTotal: session.amount_total,
    shippingRateId: idOf(session.shipping_cost?.shipping_rate),
    shippingOptionRates: (session.shipping_options ?? []).map((o) => idOf(o.shipping_rate) ?? ''),
    promotionCode: promo && typeof promo === 'object' ? promo.code : null,
  };
}

const idOf = (v: string | { id: string } | null | undefined) => (typeof v === 'string' ? v : (v?.id ?? null));

function expanded<T extends { id: string }>(v: string | T | null | undefined): T | null {
  return v && typeof v === 'object' ? v : null;
}

/** The facts of a Checkout Session read with `payment_intent.latest_charge.balance_transaction` expanded. */
export function paymentFromSession(session: Stripe.Checkout.Session): PaymentFacts {
  const pi = expanded(session.payment_intent);
  const cd = session.customer_details;
  const ship = session.collected_information?.shipping_details ?? null;
  return {
    checkoutSessionId: session.id,
    paymentIntentId: typeof session.payment_intent === 'string' ? session.payment_intent : (pi?.id ?? null),
    paymentIntent: pi,
    charge: expanded(pi?.latest_charge),
    customer: {
      name: cd?.name ?? null,
      businessName: cd?.business_name ?? null,
      email: cd?.email ?? null,
      address: cd?.address ?? null,
      taxId: cd?.tax_ids?.[0]?.value ?? null,
    },
    shipping: ship ? { name: ship.name ?? null, address: ship.address ?? null } : null,
    checkout: checkoutAmounts(session),
  };
}

/** The facts of a PaymentIntent paid without Checkout, read with `latest_charge.balance_transaction` expanded. */
export function paymentFromIntent(pi: Stripe.PaymentIntent): PaymentFacts {
  const charge = expanded(pi.latest_charge);
  const billing = charge?.billing_details;
  return {
    checkoutSessionId: null,
    paymentIntentId: pi.id,
    paymentIntent: pi,
    charge,
    customer: {
      name: billing?.name ?? null,
      businessName: null,
      email: billing?.email ?? pi.receipt_email ?? null,
      address: billing?.address ?? null,
      taxId: null,
    },
    shipping: pi.shipping ? { name: pi.shipping.name ?? null, address: pi.shipping.address ?? null } : null,
    checkout: null,
  };
}
