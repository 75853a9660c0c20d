import { describe, expect, it } from 'vitest';
import { type CheckoutPricing, settleCheckoutAmounts } from './checkout-pricing.ts';
import type { Order } from './orders.ts';
import type { CheckoutAmounts } from './payment-facts.ts';

const pricing: CheckoutPricing = {
  taxRateId: 'txr_1',
  taxRateBps: 1900,
  shippingOptions: [
    { id: 'standard', name: 'Standard', amount: 500 },
    { id: 'express', name: 'Express', amount: 1500 },
  ],
  shippingChoice: true,
  allowPromotionCodes: true,
};

// A print order of 9000 with 19 % exclusive tax, shipping left to Checkout.
const order = (over: Partial<Order> = {}, plan: CheckoutPricing | null = pricing) =>
  ({
    id: '00000000-0000-4000-8000-000000000001',
    currency: 'eur',
    subtotal: 9000,
    discount: 0,
    shipping: 0,
    tax: 1710,
    taxInclusive: false,
    total: 10710,
    metadata: plan ? { checkout_pricing: plan } : {},
    ...over,
  }) as Order;

// What Stripe reports for that order with Express and a 25 % code (tax per line: two lines).
const charged = (over: Partial<CheckoutAmounts> = {}): CheckoutAmounts => ({
  currency: 'eur',
  amountSubtotal: 9000,
  amountDiscount: 2250,
  amountShipping: 1500,
  amountTax: 1283,
  amountTotal: 9000 - 2250 + 1283 + 1500,
  shippingRateId: 'shr_2',
  shippingOptionRates: ['shr_1', 'shr_2'],
  promotionCode: 'SUMMER25',
  ...over,
});

describe('settleCheckoutAmounts', () => {
  it("takes Stripe's discount, chosen shipping, tax and total, with the names behind them", () => {
    expect(settleCheckoutAmounts(order(), 2, charged())).toEqual({
      discount: 2250,
      shipping: 1500,
      tax: 1283,
      total: 9533,
      promotionCode: 'SUMMER25',
      shippingRate: { id: 'express', name: 'Express' },
    });
  });

  it('checks an order without a plan against its own total only', () => {
    const plain = order({ shipping: 700, total: 11410 }, null);
    expect(settleCheckoutAmounts(plain, 2, charged({ amountTotal: 11410 }))).toBeNull();
    expect(() => settleCheckoutAmounts(plain, 2, charged({ amountTotal: 11409 }))).toThrow(/differently/);
    expect(() => settleCheckoutAmounts(plain, 2, charged({ amountTotal: 11410, currency: 'usd' }))).toThrow(/currency/);
  });

  it.each<[string, Partial<CheckoutAmounts>, Partial<Order>, Partial<CheckoutPricing>]>([
    ['a shipping amount no option had', { amountShipping: 900, amountTotal: 8933 }, {}, {}],
    ['an option Stripe did not list as ours', { shippingOptionRates: ['shr_1', 'shr_2', 'shr_3'] }, {}, {}],
    ['a discount where codes were not allowed', {}, {}, { allowPromotionCodes: false }],
    ['a discount above the goods', { amountDiscount: 9001, amountTax: 0, amountTotal: 1499 }, {}, {}],
    ['tax off the rate', { amountTax: 1300, amountTotal: 9550 }, {}, {}],
    ['goods that are not the order lines', { amountSubtotal: 8999 }, {}, {}],
    ['a total that is not the sum of its parts', { amountTotal: 9534 }, {}, {}],
    ['tax without a tax rate', {}, { tax: 0, total: 9000 }, { taxRateId: null, taxRateBps: 0 }],
  ])('refuses %s, writing nothing', (_label, c, o, p) => {
    expect(() => settleCheckoutAmounts(order(o, { ...pricing, ...p }), 2, charged(c))).toThrow(
      expect.objectContaining({ code: 'conflict' }),
    );
  });

  it('keeps an order discount of its own (summary line) and recomputes inclusive tax after a code', () => {
    const coupon = order({ discount: 900, tax: 1539, total: 9639 }, { ...pricing, allowPromotionCodes: false });
    const c = charged({ amountSubtotal: 9639, amountDiscount: 0, amountTax: 0, amountShipping: 500 });
    expect(settleCheckoutAmounts(coupon, 2, { ...c, shippingRateId: 'shr_1', amountTotal: 10139 })).toMatchObject({
      discount: 900,
      tax: 1539,
      shipping: 500,
      total: 10139,
    });
    const inclusive = order(
      { tax: 1500, taxInclusive: true, shipping: 500, total: 9500 },
      {
        ...pricing,
        taxRateId: null,
        taxRateBps: 2000,
        shippingChoice: false,
        shippingOptions: [{ id: 'standard', name: 'Standard', amount: 500 }],
      },
    );
    const paid = charged({ amountTax: 0, amountShipping: 500, amountTotal: 7250, shippingOptionRates: ['shr_1'] });
    expect(settleCheckoutAmounts(inclusive, 2, { ...paid, shippingRateId: 'shr_1' })).toMatchObject({
      discount: 2250,
      tax: 1125,
      total: 7250,
    });
  });
});
