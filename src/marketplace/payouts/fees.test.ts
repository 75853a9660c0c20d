import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitFee } from './fees.ts';

describe('splitFee', () => {
  it('fee + share = amount and 0 ≤ fee ≤ amount, for all amounts and rates', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: 10_000 }),
        (amount, bps) => {
          const { fee, share } = splitFee(amount, bps);
          expect(fee + share).toBe(amount);
          expect(fee).toBeGreaterThanOrEqual(0);
          expect(fee).toBeLessThanOrEqual(amount);
          expect(Number.isInteger(fee)).toBe(true);
        },
      ),
    );
  });

  it('rounds the fee down, in the artist’s favour', () => {
    expect(splitFee(999, 5000)).toEqual({ fee: 499, share: 500 });
    expect(splitFee(240_000, 1500)).toEqual({ fee: 36_000, share: 204_000 });
    expect(splitFee(1, 9999)).toEqual({ fee: 0, share: 1 });
    expect(splitFee(100, 10_000)).toEqual({ fee: 100, share: 0 });
  });

  it('refuses nonsense input', () => {
    expect(() => splitFee(-1, 100)).toThrow(RangeError);
    expect(() => splitFee(1.5, 100)).toThrow(RangeError);
    expect(() => splitFee(100, 10_001)).toThrow(RangeError);
  });
});
