import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CouponRule, type PricedProduct, priceCart, priceCartItem, validateCoupon } from './pricing.ts';

const product: PricedProduct = {
  id: 'p1',
  name: 'A4 print',
  active: true,
  basePrice: 2900,
  groups: [
    {
      id: 'g1',
      name: 'paper',
      values: [
        { id: 'lustre', label: 'Lustre', priceAdjustment: 0 },
        { id: 'fineart', label: 'Fine art', priceAdjustment: 800 },
      ],
    },
    {
      id: 'g2',
      name: 'frame',
      values: [
        { id: 'none', label: 'None', priceAdjustment: 0 },
        { id: 'oak', label: 'Oak', priceAdjustment: 4500 },
        { id: 'cheap', label: 'Promo', priceAdjustment: -2900 },
      ],
    },
  ],
};

const code = (r: () => unknown) => {
  try {
    r();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'ok';
};

describe('priceCartItem', () => {
  it('adds the chosen adjustments to the base price', () => {
    expect(priceCartItem(product, ['fineart', 'oak'], 2)).toMatchObject({ unitPrice: 8200, lineTotal: 16400 });
  });

  it.each([
    ['a missing group', ['lustre'], 1],
    ['an unknown option', ['lustre', 'none', 'bogus'], 1],
    ['two values of one group', ['lustre', 'fineart', 'none'], 1],
    ['a duplicate id', ['lustre', 'lustre', 'none'], 1],
    ['quantity 0', ['lustre', 'none'], 0],
    ['quantity 1000', ['lustre', 'none'], 1000],
    ['a fractional quantity', ['lustre', 'none'], 1.5],
    ['a non-positive price', ['lustre', 'cheap'], 1],
  ])('rejects %s', (_l, ids, q) => {
    expect(code(() => priceCartItem(product, ids as string[], q as number))).toBe('validation_failed');
  });

  it('rejects inactive products', () => {
    expect(code(() => priceCartItem({ ...product, active: false }, ['lustre', 'none'], 1))).toBe('validation_failed');
  });
});

const lineArb = fc.record({
  unitPrice: fc.integer({ min: 1, max: 1_000_000 }),
  quantity: fc.integer({ min: 1, max: 100 }),
});
const couponArb = fc.option(
  fc.oneof(
    fc.record({ kind: fc.constant('percent' as const), value: fc.integer({ min: 1, max: 100 }) }),
    fc.record({ kind: fc.constant('fixed' as const), value: fc.integer({ min: 0, max: 10_000_000 }) }),
    fc.record({ kind: fc.constant('free_shipping' as const), value: fc.constant(0) }),
  ),
);
const settingsArb = fc.record({
  currency: fc.constantFrom('eur', 'jpy', 'kwd'),
  taxRateBps: fc.integer({ min: 0, max: 10_000 }),
  taxInclusive: fc.boolean(),
  shippingAmount: fc.integer({ min: 0, max: 100_000 }),
});

describe('priceCart properties', () => {
  it('totals are integers, never negative, and the sum of their parts', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 20 }), settingsArb, couponArb, (raw, settings, coupon) => {
        const lines = raw.map((l) => ({ ...l, productId: 'p', description: '', lineTotal: l.unitPrice * l.quantity }));
        const t = priceCart(lines, settings, coupon);
        const { taxInclusive, ...amounts } = t;
        expect(taxInclusive).toBe(settings.taxInclusive);
        for (const v of Object.values(amounts)) {
          expect(Number.isInteger(v)).toBe(true);
          expect(v).toBeGreaterThanOrEqual(0);
        }
        expect(t.subtotal).toBe(lines.reduce((s, l) => s + l.lineTotal, 0));
        expect(t.discount).toBeLessThanOrEqual(t.subtotal);
        const expected = t.subtotal - t.discount + t.shipping + (settings.taxInclusive ? 0 : t.tax);
        expect(t.total).toBe(expected);
        if (settings.taxInclusive) expect(t.tax).toBeLessThanOrEqual(t.total);
        if (coupon?.kind === 'free_shipping') expect(t.shipping).toBe(0);
      }),
    );
  });

  it('prices zero-decimal currencies (JPY) in whole units', () => {
    const lines = [{ productId: 'p', description: '', unitPrice: 3333, quantity: 3, lineTotal: 9999 }];
    const t = priceCart(
      lines,
      { currency: 'JPY', taxRateBps: 1000, taxInclusive: false, shippingAmount: 500 },
      { kind: 'percent', value: 15 },
    );
    expect(t).toEqual({ subtotal: 9999, discount: 1499, shipping: 500, tax: 850, taxInclusive: false, total: 9850 });
  });

  it('extracts inclusive VAT (20%) from the goods, not shipping', () => {
    const lines = [{ productId: 'p', description: '', unitPrice: 2900, quantity: 1, lineTotal: 2900 }];
    const t = priceCart(lines, { currency: 'EUR', taxRateBps: 2000, taxInclusive: true, shippingAmount: 700 });
    expect(t).toEqual({ subtotal: 2900, discount: 0, shipping: 700, tax: 483, taxInclusive: true, total: 3600 });
  });

  it('charges no shipping for an empty cart', () => {
    expect(priceCart([], { currency: 'EUR', taxRateBps: 2000, taxInclusive: true, shippingAmount: 700 }).total).toBe(0);
  });
});

describe('validateCoupon', () => {
  const base: CouponRule = {
    kind: 'percent',
    value: 10,
    minOrderAmount: 5000,
    maxRedemptions: 3,
    redemptions: 0,
    startsAt: new Date('2026-01-01T00:00:00Z'),
    endsAt: new Date('2026-02-01T00:00:00Z'),
    active: true,
  };
  const now = new Date('2026-01-15T00:00:00Z');
  it.each([
    ['below the minimum order', base, 4999, now],
    ['before its window', base, 9000, new Date('2025-12-31T23:59:59Z')],
    ['after its window', base, 9000, new Date('2026-02-01T00:00:00Z')],
    ['used up', { ...base, redemptions: 3 }, 9000, now],
    ['inactive', { ...base, active: false }, 9000, now],
  ])('rejects a coupon %s', (_l, c, subtotal, at) => {
    expect(code(() => validateCoupon(c, subtotal, at))).toBe('unprocessable');
  });
  it('accepts a coupon in its window above the minimum', () => {
    expect(code(() => validateCoupon(base, 5000, now))).toBe('ok');
  });
});
