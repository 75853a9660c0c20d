import type Stripe from 'stripe';
import { AppError } from '../errors.ts';
import { orderRef } from './order-ref.ts';
import type { Order } from './orders.ts';
import type { CheckoutAmounts } from './payment-facts.ts';

/** One shipping option offered on the hosted page, as the order remembers it (ids and names are ours). */
export interface OfferedShipping {
  id: string;
  name: string;
  amount: number;
  /** Business days, shown as Stripe's delivery estimate. */
  deliveryDays?: { min: number; max: number } | null;
}

/**
 * How an order asks Stripe Checkout to price it (decision 030), kept in `metadata.checkout_pricing` so settlement
 * knows exactly what was offered: exclusive tax as Stripe tax lines, shipping as Checkout's shipping options (one, or
 * the buyer's choice), and Stripe promotion codes. Orders without it are priced by line items alone, as before.
 */
export interface CheckoutPricing {
  /** The Stripe TaxRate put on every goods line; null when the order has no exclusive tax. */
  taxRateId: string | null;
  /** The seller's rate in basis points: checks Stripe's tax, recomputes inclusive tax after a promotion code. */
  taxRateBps: number;
  /** The first is preselected; exactly one when the rate was chosen before Checkout. */
  shippingOptions: OfferedShipping[];
  /** The buyer chooses among `shippingOptions` on the hosted page (the order was created without a rate). */
  shippingChoice: boolean;
  /** The hosted page takes a Stripe promotion code (never together with an order discount of our own). */
  allowPromotionCodes: boolean;
}

/** Stripe Checkout accepts at most this many shipping options. */
export const MAX_SHIPPING_OPTIONS = 5;

const isInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** The order's pricing plan, or null for an order priced by its line items alone. */
export function checkoutPricingOf(order: Pick<Order, 'metadata'>): CheckoutPricing | null {
  const p = order.metadata.checkout_pricing as Partial<CheckoutPricing> | undefined;
  if (!p || typeof p !== 'object') return null;
  const options = Array.isArray(p.shippingOptions) ? p.shippingOptions : [];
  if (!options.every((o) => o && typeof o.id === 'string' && typeof o.name === 'string' && isInt(o.amount))) {
    throw new AppError('internal', 'The order has a malformed checkout pricing plan');
  }
  return {
    taxRateId: typeof p.taxRateId === 'string' ? p.taxRateId : null,
    taxRateBps: isInt(p.taxRateBps) ? p.taxRateBps : 0,
    shippingOptions: options,
    shippingChoice: p.shippingChoice === true,
    allowPromotionCodes: p.allowPromotionCodes === true,
  };
}

/** The goods part of an order at Checkout: its lines, or one summary line when it carries its own discount. */
export function goodsAmount(order: Order): number {
  if (order.discount === 0) return order.subtotal;
  return order.subtotal - order.discount + (order.taxInclusive ? 0 : order.tax);
}

/** Checkout parameters for an order with a pricing plan (the line items are the caller's). */
export function pricingParams(order: Order, pricing: CheckoutPricing): Partial<Stripe.Checkout.SessionCreateParams> {
  const options = pricing.shippingOptions;
  if (options.length > MAX_SHIPPING_OPTIONS) {
    throw new AppError('internal', 'Stripe Checkout offers at most five shipping options', { orderId: order.id });
  }
  if (!pricing.shippingChoice && (options.length > 1 || (options[0]?.amount ?? 0) !== order.shipping)) {
    throw new AppError('internal', 'The shipping option does not match the order', { orderId: order.id });
  }
  if (order.tax > 0 && !order.taxInclusive && order.discount === 0 && !pricing.taxRateId) {
    throw new AppError('internal', 'Exclusive tax needs a Stripe tax rate', { orderId: order.id });
  }
  return {
    ...(options.length
      ? {
          shipping_options: options.map((o) => ({
            shipping_rate_data: {
              type: 'fixed_amount' as const,
              display_name: o.name,
              fixed_amount: { amount: o.amount, currency: order.currency },
              metadata: { rate_id: o.id },
              ...(o.deliveryDays
                ? {
                    delivery_estimate: {
                      minimum: { unit: 'business_day' as const, value: o.deliveryDays.min },
                      maximum: { unit: 'business_day' as const, value: o.deliveryDays.max },
                    },
                  }
                : {}),
            },
          })),
        }
      : {}),
    ...(pricing.allowPromotionCodes && order.discount === 0 ? { allow_promotion_codes: true } : {}),
  };
}

/** What settlement writes on an order priced at Checkout: Stripe's amounts and the names behind them. */
export interface SettledAmounts {
  discount: number;
  shipping: number;
  tax: number;
  total: number;
  promotionCode: string | null;
  shippingRate: { id: string; name: string } | null;
}

// Half-up rounding of a/b for non-negative integers, without floating point.
const divRound = (a: bigint, b: bigint) => (a * 2n + b) / (b * 2n);

/**
 * Checks what Stripe charged against what the order offered and returns the amounts to store; null for an order
 * priced by its line items, whose total Stripe must have charged exactly. Throws (writing nothing) when the session
 * doesn't fit: a shipping amount that wasn't offered, a discount nobody allowed or above the goods, tax off the rate.
 */
export function settleCheckoutAmounts(order: Order, itemCount: number, c: CheckoutAmounts): SettledAmounts | null {
  const refuse = (why: string) =>
    new AppError('conflict', `Stripe charged order ${orderRef(order.id)} differently from its offer: ${why}`, {
      orderId: order.id,
      reason: 'checkout_amount_mismatch',
      amountTotal: c.amountTotal,
    });
  if (c.currency !== order.currency) throw refuse(`currency ${c.currency}`);
  const pricing = checkoutPricingOf(order);
  if (!pricing) {
    if (c.amountTotal !== order.total) throw refuse(`${c.amountTotal} instead of ${order.total}`);
    return null;
  }
  if (c.amountSubtotal !== goodsAmount(order)) throw refuse(`goods of ${c.amountSubtotal}`);

  if (c.amountDiscount > 0 && !(pricing.allowPromotionCodes && order.discount === 0)) {
    throw refuse('a discount was applied where none was allowed');
  }
  if (c.amountDiscount > order.subtotal) throw refuse('the discount exceeds the goods');
  const discount = order.discount + c.amountDiscount;

  let shippingRate: SettledAmounts['shippingRate'] = null;
  const offered = pricing.shippingOptions;
  if (offered.length) {
    // Stripe lists the options in the order they were sent; the chosen one is found by its rate id.
    const at = c.shippingRateId ? c.shippingOptionRates.indexOf(c.shippingRateId) : -1;
    const option = at >= 0 && c.shippingOptionRates.length === offered.length ? offered[at] : undefined;
    if (!option || option.amount !== c.amountShipping) throw refuse(`shipping of ${c.amountShipping}`);
    shippingRate = { id: option.id, name: option.name };
  } else if (c.amountShipping !== order.shipping) {
    throw refuse(`shipping of ${c.amountShipping}`);
  }
  const shipping = c.amountShipping;

  let tax: number;
  const taxable = BigInt(order.subtotal - discount);
  if (order.discount > 0) {
    // A summary line already holds the order's own tax; Stripe added none.
    if (c.amountTax !== 0) throw refuse('tax on a summary line');
    tax = order.tax;
  } else if (pricing.taxRateId) {
    // Stripe rounds each line's tax (and spreads a discount over the lines): allow one unit per line.
    const expected = Number(divRound(taxable * BigInt(pricing.taxRateBps), 10_000n));
    if (Math.abs(c.amountTax - expected) > itemCount) throw refuse(`tax of ${c.amountTax}, expected ${expected}`);
    tax = c.amountTax;
  } else {
    if (c.amountTax !== 0) throw refuse('tax without a tax rate');
    // Inclusive tax stays ours: the share inside what is left after Stripe's discount.
    tax = order.taxInclusive
      ? Number(taxable - divRound(taxable * 10_000n, 10_000n + BigInt(pricing.taxRateBps)))
      : order.tax;
  }
  const total = order.subtotal - discount + shipping + (order.taxInclusive ? 0 : tax);
  if (c.amountTotal !== total) throw refuse(`${c.amountTotal} instead of ${total}`);
  return { discount, shipping, tax, total, promotionCode: c.promotionCode, shippingRate };
}
