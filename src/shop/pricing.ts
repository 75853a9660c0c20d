import { computeTotals } from '../commerce/index.ts';
import { AppError } from '../errors.ts';
import type { CouponKind } from './tables.ts';

/** A product as pricing sees it: everything needed to price a line without trusting the client. */
export interface PricedProduct {
  id: string;
  name: string;
  active: boolean;
  basePrice: number;
  groups: Array<{ id: string; name: string; values: Array<{ id: string; label: string; priceAdjustment: number }> }>;
}

/** The settings pricing depends on. */
export interface PricingSettings {
  currency: string;
  taxRateBps: number;
  taxInclusive: boolean;
  /** The shipping amount of the chosen rate (0 when the studio ships for free). */
  shippingAmount: number;
}

/** A coupon that already passed validateCoupon. */
export interface PricingCoupon {
  kind: CouponKind;
  value: number;
}

/** A priced line. */
export interface PricedLine {
  productId: string;
  unitPrice: number;
  quantity: number;
  lineTotal: number;
  description: string;
}

/** A priced cart: total = subtotal − discount + shipping (+ tax when exclusive); tax is on discounted goods. */
export interface CartTotals {
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  /** Whether `tax` is already inside the prices (shown as "incl. tax") rather than added to the total. */
  taxInclusive: boolean;
  total: number;
}

const invalid = (message: string, field = 'optionValueIds') =>
  new AppError('validation_failed', message, { fieldErrors: { [field]: [message] }, formErrors: [] });

/** Prices one line: exactly one value per option group, base + adjustments > 0, quantity 1..100. */
export function priceCartItem(product: PricedProduct, selectedValueIds: string[], quantity: number): PricedLine {
  if (!product.active) throw invalid('This product is not available', 'productId');
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > 100) {
    throw invalid('Quantity must be between 1 and 100', 'quantity');
  }
  if (new Set(selectedValueIds).size !== selectedValueIds.length) throw invalid('An option was chosen twice');
  let unitPrice = product.basePrice;
  const labels: string[] = [];
  const used = new Set<string>();
  for (const group of product.groups) {
    const chosen = group.values.filter((v) => selectedValueIds.includes(v.id));
    if (chosen.length !== 1) throw invalid(`Choose exactly one ${group.name}`);
    unitPrice += chosen[0].priceAdjustment;
    labels.push(chosen[0].label);
    used.add(chosen[0].id);
  }
  if (used.size !== selectedValueIds.length) throw invalid('Unknown option for this product');
  if (!Number.isSafeInteger(unitPrice) || unitPrice <= 0) throw invalid('This option combination has no valid price');
  return {
    productId: product.id,
    unitPrice,
    quantity,
    lineTotal: unitPrice * quantity,
    description: [product.name, ...labels].join(' · '),
  };
}

/** Totals for priced lines: coupon discount on the subtotal, shipping, then tax (inclusive or on top). */
export function priceCart(lines: PricedLine[], settings: PricingSettings, coupon?: PricingCoupon | null): CartTotals {
  const subtotal = lines.reduce((s, l) => s + l.lineTotal, 0);
  let discount = 0;
  let shipping = lines.length ? settings.shippingAmount : 0;
  if (coupon?.kind === 'percent') discount = Math.floor((subtotal * Math.min(100, coupon.value)) / 100);
  else if (coupon?.kind === 'fixed') discount = Math.min(subtotal, coupon.value);
  else if (coupon?.kind === 'free_shipping') shipping = 0;
  // Tax and total come from the commerce core so the cart shows exactly what the order will charge.
  const t = computeTotals(
    lines.map((l) => ({ unitAmount: l.unitPrice, quantity: l.quantity })),
    {
      currency: settings.currency,
      discount,
      shipping,
      taxRateBps: settings.taxRateBps,
      taxInclusive: settings.taxInclusive,
    },
  );
  return {
    subtotal: t.subtotal,
    discount: t.discount,
    shipping: t.shipping,
    tax: t.tax,
    taxInclusive: t.taxInclusive,
    total: t.total,
  };
}

/** The coupon row fields validation needs. */
export interface CouponRule {
  kind: CouponKind;
  value: number;
  minOrderAmount: number;
  maxRedemptions: number | null;
  redemptions: number;
  startsAt: Date | null;
  endsAt: Date | null;
  active: boolean;
}

/** Throws unless the coupon may apply to a cart with this subtotal right now. */
export function validateCoupon(coupon: CouponRule, subtotal: number, now: Date): void {
  const reject = (message: string) =>
    new AppError('unprocessable', message, { fieldErrors: { code: [message] }, formErrors: [] });
  if (!coupon.active) throw reject('This code is not valid');
  if (coupon.startsAt && now < coupon.startsAt) throw reject('This code is not valid yet');
  if (coupon.endsAt && now >= coupon.endsAt) throw reject('This code has expired');
  if (coupon.maxRedemptions !== null && coupon.redemptions >= coupon.maxRedemptions) {
    throw reject('This code has been used up');
  }
  if (subtotal < coupon.minOrderAmount) throw reject('Your order is below the minimum for this code');
}
