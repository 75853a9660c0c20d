import { describe, expect, it } from 'vitest';
import { currencyExponent, formatMoney, minorToDecimal } from './money.ts';

describe('currencyExponent', () => {
  it('knows zero-, two- and three-decimal currencies in any case', () => {
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('eur')).toBe(2);
    expect(currencyExponent(' kwd ')).toBe(3);
  });
});

describe('minorToDecimal', () => {
  it('places the decimal point by the currency exponent, exactly', () => {
    expect(minorToDecimal(1234, 'eur')).toBe('12.34');
    expect(minorToDecimal(5, 'eur')).toBe('0.05');
    expect(minorToDecimal(-5, 'eur')).toBe('-0.05');
    expect(minorToDecimal(500, 'jpy')).toBe('500');
    expect(minorToDecimal(1234, 'kwd')).toBe('1.234');
    expect(minorToDecimal(7, 'kwd')).toBe('0.007');
  });
});

describe('formatMoney', () => {
  it('formats EUR with two decimals and the ISO code', () => {
    expect(formatMoney(1234, 'eur')).toBe('EUR 12.34');
    expect(formatMoney(500, 'EUR')).toBe('EUR 5.00');
    expect(formatMoney(123456, 'eur')).toBe('EUR 1,234.56');
  });

  it('formats JPY without decimals (minor unit = yen)', () => {
    expect(formatMoney(1234, 'jpy')).toBe('JPY 1,234');
    expect(formatMoney(0, 'JPY')).toBe('JPY 0');
  });

  it('formats KWD with three decimals', () => {
    expect(formatMoney(1234, 'kwd')).toBe('KWD 1.234');
    expect(formatMoney(1000, 'KWD')).toBe('KWD 1.000');
  });

  it('never rounds through floating point and uses plain spaces', () => {
    expect(formatMoney(Number.MAX_SAFE_INTEGER, 'eur')).toBe('EUR 90,071,992,547,409.91');
    expect(formatMoney(1234, 'eur')).not.toMatch(/[\u00a0\u202f]/);
  });

  it('still renders a malformed currency code', () => {
    expect(formatMoney(100, 'eu')).toBe('EU 1.00');
  });
});
