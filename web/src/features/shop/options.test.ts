import { describe, expect, it } from 'vitest';
import { parseGroups } from './options.ts';

describe('parseGroups', () => {
  it('reads option groups with free, positive and negative adjustments', () => {
    expect(parseGroups('Frame: None=0, Oak=35.50\nPaper: Lustre, Promo=-2')).toEqual([
      {
        name: 'Frame',
        values: [
          { label: 'None', priceAdjustment: 0 },
          { label: 'Oak', priceAdjustment: 3550 },
        ],
      },
      {
        name: 'Paper',
        values: [
          { label: 'Lustre', priceAdjustment: 0 },
          { label: 'Promo', priceAdjustment: -200 },
        ],
      },
    ]);
  });
  it('explains malformed lines', () => {
    expect(typeof parseGroups('Frame None')).toBe('string');
    expect(typeof parseGroups('Frame: Oak=abc')).toBe('string');
  });
});

describe('parseRates', () => {
  it('reads id | name | price | countries lines and round-trips through formatRates', async () => {
    const { formatRates, parseRates } = await import('./options.ts');
    const rates = parseRates('std | Standard | 7.00 | de fr\nworld | Worldwide | 25', 'EUR');
    expect(rates).toEqual([
      { id: 'std', name: 'Standard', amount: 700, countries: ['DE', 'FR'] },
      { id: 'world', name: 'Worldwide', amount: 2500 },
    ]);
    expect(parseRates(formatRates(rates as never, 'EUR'), 'EUR')).toEqual(rates);
    expect(typeof parseRates('Bad Id | x | 1', 'EUR')).toBe('string');
  });

  it('reads an optional delivery time in business days and round-trips it', async () => {
    const { formatRates, parseRates } = await import('./options.ts');
    const rates = parseRates('express | Express | 15 | | 1-2\nstd | Standard | 5 | de | 3', 'EUR');
    expect(rates).toEqual([
      { id: 'express', name: 'Express', amount: 1500, deliveryDays: { min: 1, max: 2 } },
      { id: 'std', name: 'Standard', amount: 500, countries: ['DE'], deliveryDays: { min: 3, max: 3 } },
    ]);
    expect(parseRates(formatRates(rates as never, 'EUR'), 'EUR')).toEqual(rates);
    expect(parseRates('x | X | 1 | | soon', 'EUR')).toMatch(/delivery days/);
    expect(parseRates('x | X | 1 | | 5-2', 'EUR')).toMatch(/not end before/);
  });
});
