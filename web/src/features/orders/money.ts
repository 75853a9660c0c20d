import { currencyExponent } from '../../../../src/money.ts';

export { currencyExponent };

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string): Intl.NumberFormat {
  const code = currency.trim().toUpperCase();
  let nf = formatters.get(code);
  if (!nf) {
    const digits = currencyExponent(code);
    try {
      nf = new Intl.NumberFormat(undefined, {
        style: 'currency',
        currency: code,
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
    } catch {
      // An unknown code still renders, as a plain number with the code in front.
      nf = new Intl.NumberFormat(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    }
    formatters.set(code, nf);
  }
  return nf;
}

/** Minor units as a plain decimal string ("1234" eur → "12.34", "-5" eur → "-0.05", "500" jpy → "500"). */
export function minorToDecimalString(minor: number, currency: string): string {
  const exp = currencyExponent(currency);
  const negative = minor < 0;
  const digits = String(Math.abs(Math.trunc(minor))).padStart(exp + 1, '0');
  const int = digits.slice(0, digits.length - exp);
  const frac = exp ? `.${digits.slice(digits.length - exp)}` : '';
  return `${negative ? '-' : ''}${int}${frac}`;
}

/** "€12.34" from 1234 minor units of eur; formats from the exact decimal string, never a float division. */
export function formatMoney(minor: number, currency: string): string {
  const nf = formatterFor(currency);
  const text = nf.format(minorToDecimalString(minor, currency) as unknown as number);
  return nf.resolvedOptions().style === 'currency' ? text : `${currency.toUpperCase()} ${text}`;
}

export type ParsedAmount = { ok: true; minor: number } | { ok: false; error: string };

/**
 * Parses an amount typed in major units ("12.5", "12,50", "1 200") into integer minor units without floating point:
 * the integer and fraction digits are combined as strings, so "0.29" is exactly 29.
 */
export function parseMajorAmount(input: string, currency: string): ParsedAmount {
  const exp = currencyExponent(currency);
  const text = input.trim().replace(/[\s\u00a0\u202f']/g, '');
  if (!text) return { ok: false, error: 'Enter an amount.' };
  const m = /^(\d+)(?:[.,](\d*))?$/.exec(text);
  if (!m) return { ok: false, error: 'Enter a number like 12.50.' };
  const [, int, frac = ''] = m;
  if (frac.length > exp) {
    return {
      ok: false,
      error: exp === 0 ? 'This currency has no decimals.' : `Use at most ${exp} decimal${exp === 1 ? '' : 's'}.`,
    };
  }
  const minor = BigInt(int) * 10n ** BigInt(exp) + BigInt(frac.padEnd(exp, '0') || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, error: 'That amount is too large.' };
  if (minor <= 0n) return { ok: false, error: 'Enter an amount above zero.' };
  return { ok: true, minor: Number(minor) };
}
