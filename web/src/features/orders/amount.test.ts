import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { OrderTotals, totalsRows } from './amount.tsx';

const base = { currency: 'EUR', subtotal: 27800, discount: 0, shipping: 0, tax: 4633, total: 27800 };
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

describe('order totals', () => {
  it('shows inclusive tax as a note under the total, not as a line that looks added', () => {
    const r = totalsRows({ ...base, taxInclusive: true });
    expect(r.lines.map((l) => l.label)).toEqual(['Subtotal', 'Shipping']);
    expect(r.includedTax).toMatch(/^incl\. tax €46\.33$/);
    const html = text(renderToStaticMarkup(createElement(OrderTotals, { totals: { ...base, taxInclusive: true } })));
    expect(html).toMatch(/Total €278\.00 incl\. tax €46\.33$/);
    expect(html).not.toMatch(/\bTax\b/);
  });

  it('adds exclusive tax as its own line, so the lines add up to the total', () => {
    const t = {
      ...base,
      shipping: 700,
      discount: 1000,
      tax: 5340,
      total: 27800 - 1000 + 700 + 5340,
      taxInclusive: false,
    };
    const r = totalsRows(t, { discountLabel: 'Discount PRINTS15' });
    expect(r.lines.map((l) => [l.label, l.amount])).toEqual([
      ['Subtotal', '€278.00'],
      ['Discount PRINTS15', '−€10.00'],
      ['Shipping', '€7.00'],
      ['Tax', '€53.40'],
    ]);
    expect(r.total.amount).toBe('€328.40');
    expect(r.includedTax).toBeNull();
  });

  it('leaves out a zero tax and lists refunds after the total', () => {
    const r = totalsRows({ ...base, tax: 0, taxInclusive: false, amountRefunded: 800 });
    expect(r.lines.map((l) => l.label)).toEqual(['Subtotal', 'Shipping']);
    expect(r.includedTax).toBeNull();
    expect(r.after.map((l) => [l.label, l.amount])).toEqual([
      ['Refunded', '−€8.00'],
      ['Net', '€270.00'],
    ]);
  });

  it('counts what a lost dispute returned once, beside the refunds, in the net', () => {
    const r = totalsRows({ ...base, taxInclusive: true, amountRefunded: 800, lostToDispute: 27000 });
    expect(r.after.map((l) => [l.label, l.amount])).toEqual([
      ['Refunded', '−€8.00'],
      ['Lost to dispute', '−€270.00'],
      ['Net', '€0.00'],
    ]);
    const lostOnly = totalsRows({ ...base, taxInclusive: true, lostToDispute: 27800 });
    expect(lostOnly.after.map((l) => l.label)).toEqual(['Lost to dispute', 'Net']);
  });
});
