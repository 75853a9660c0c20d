import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canTransition } from './order-status.ts';
import { computeTotals, currencyExponent, formatMoney } from './totals.ts';

const item = fc.record({
  unitAmount: fc.integer({ min: 0, max: 10_000_000 }),
  quantity: fc.integer({ min: 1, max: 50 }),
});

describe('computeTotals', () => {
  it('total is always the sum of its parts, for any basket and currency', () => {
    fc.assert(
      fc.property(
        fc.array(item, { minLength: 1, maxLength: 12 }),
        fc.constantFrom('jpy', 'eur', 'usd', 'kwd'),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 0, max: 3_000 }),
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (items, currency, shipping, bps, inclusive, discountShare) => {
          const subtotal = items.reduce((a, i) => a + i.unitAmount * i.quantity, 0);
          const discount = Math.floor(subtotal * discountShare);
          const t = computeTotals(items, { currency, shipping, taxRateBps: bps, taxInclusive: inclusive, discount });
          for (const v of [t.subtotal, t.discount, t.shipping, t.tax, t.total, ...t.lines])
            expect(Number.isSafeInteger(v)).toBe(true);
          expect(t.lines.reduce((a, b) => a + b, 0)).toBe(t.subtotal);
          expect(t.subtotal).toBe(subtotal);
          expect(t.total).toBe(t.subtotal - t.discount + t.shipping + (inclusive ? 0 : t.tax));
          expect(t.tax).toBeGreaterThanOrEqual(0);
          expect(t.tax).toBeLessThanOrEqual(t.subtotal - t.discount);
          if (bps === 0) expect(t.tax).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rounds tax half-up in minor units (JPY has none, KWD three)', () => {
    expect(computeTotals([{ unitAmount: 999, quantity: 1 }], { currency: 'JPY', taxRateBps: 1000 }).tax).toBe(100);
    expect(computeTotals([{ unitAmount: 1005, quantity: 1 }], { currency: 'kwd', taxRateBps: 500 }).tax).toBe(50);
    const incl = computeTotals([{ unitAmount: 1200, quantity: 1 }], {
      currency: 'eur',
      taxRateBps: 2000,
      taxInclusive: true,
    });
    expect(incl).toMatchObject({ tax: 200, total: 1200 });
    expect(currencyExponent('JPY')).toBe(0);
    expect(formatMoney(1234, 'kwd')).toBe('KWD 1.234');
    expect(formatMoney(1234, 'jpy')).toBe('JPY 1,234');
  });

  it('rejects fractional amounts, bad quantities and discounts above the subtotal', () => {
    expect(() => computeTotals([{ unitAmount: 1.5, quantity: 1 }], { currency: 'eur' })).toThrow();
    expect(() => computeTotals([{ unitAmount: 100, quantity: 0 }], { currency: 'eur' })).toThrow();
    expect(() => computeTotals([{ unitAmount: 100, quantity: 1 }], { currency: 'eur', discount: 101 })).toThrow();
  });
});

describe('order state machine', () => {
  it('only moves forward', () => {
    expect(canTransition('pending', 'paid')).toBe(true);
    expect(canTransition('paid', 'pending')).toBe(false);
    expect(canTransition('paid', 'expired')).toBe(false);
    expect(canTransition('refunded', 'partially_refunded')).toBe(false);
    expect(canTransition('partially_refunded', 'refunded')).toBe(true);
    expect(canTransition('expired', 'paid')).toBe(false);
  });
});
