import { describe, expect, it } from 'vitest';
import { currencyExponent, formatMoney, minorToDecimalString, parseMajorAmount } from './money.ts';

describe('order money helpers', () => {
  it('knows zero- and three-decimal currencies', () => {
    expect(currencyExponent('eur')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('kwd')).toBe(3);
  });

  it('turns minor units into exact decimal strings', () => {
    expect(minorToDecimalString(1234, 'eur')).toBe('12.34');
    expect(minorToDecimalString(5, 'eur')).toBe('0.05');
    expect(minorToDecimalString(-5, 'eur')).toBe('-0.05');
    expect(minorToDecimalString(500, 'jpy')).toBe('500');
    expect(minorToDecimalString(1, 'bhd')).toBe('0.001');
    expect(minorToDecimalString(9007199254740991, 'usd')).toBe('90071992547409.91');
  });

  it('formats in the order currency', () => {
    expect(formatMoney(1234, 'eur')).toMatch(/12[.,]34/);
    expect(formatMoney(1234, 'eur')).toContain('€');
    expect(formatMoney(500, 'jpy')).not.toMatch(/[.,]00/);
    expect(formatMoney(500, 'jpy')).toMatch(/500/);
  });

  it('parses major units exactly', () => {
    expect(parseMajorAmount('0.29', 'eur')).toEqual({ ok: true, minor: 29 });
    expect(parseMajorAmount('12,5', 'eur')).toEqual({ ok: true, minor: 1250 });
    expect(parseMajorAmount(' 1 200 ', 'eur')).toEqual({ ok: true, minor: 120000 });
    expect(parseMajorAmount('19.99', 'usd')).toEqual({ ok: true, minor: 1999 });
    expect(parseMajorAmount('500', 'jpy')).toEqual({ ok: true, minor: 500 });
    expect(parseMajorAmount('1.234', 'kwd')).toEqual({ ok: true, minor: 1234 });
  });

  it('rejects what is not an amount', () => {
    expect(parseMajorAmount('', 'eur').ok).toBe(false);
    expect(parseMajorAmount('abc', 'eur').ok).toBe(false);
    expect(parseMajorAmount('-3', 'eur').ok).toBe(false);
    expect(parseMajorAmount('0', 'eur').ok).toBe(false);
    expect(parseMajorAmount('1.234', 'eur').ok).toBe(false);
    expect(parseMajorAmount('5.5', 'jpy').ok).toBe(false);
    expect(parseMajorAmount('1e3', 'eur').ok).toBe(false);
    expect(parseMajorAmount('99999999999999999999', 'eur').ok).toBe(false);
  });
});
