// Pure money helpers shared by the server and the web app (no imports, so Vite can bundle it too).

// Stripe's currency exponents: most currencies have 2 decimals, these have 0 or 3.
const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/** Digits after the decimal point for a currency as Stripe counts minor units (JPY 0, EUR 2, KWD 3). */
export function currencyExponent(currency: string): number {
  const c = currency.trim().toLowerCase();
  return ZERO_DECIMAL.has(c) ? 0 : THREE_DECIMAL.has(c) ? 3 : 2;
}

/** Minor units as an exact decimal string, without float division: 1234 eur → "12.34", 500 jpy → "500". */
export function minorToDecimal(minor: number, currency: string): string {
  const exp = currencyExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(Math.trunc(minor))).padStart(exp + 1, '0');
  return exp === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
}

const formatters = new Map<string, Intl.NumberFormat | null>();

function formatterFor(code: string): Intl.NumberFormat | null {
  let nf = formatters.get(code);
  if (nf === undefined) {
    const digits = currencyExponent(code);
    try {
      nf = new Intl.NumberFormat('en-US', {
        style: 'currency',
        currency: code,
        currencyDisplay: 'code',
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
    } catch {
      nf = null; // not a well-formed ISO 4217 code: formatMoney falls back to plain digits
    }
    formatters.set(code, nf);
  }
  return nf;
}

/**
 * The server's one money formatter (emails, invoices, notifications): minor units to `EUR 1,234.50`, `JPY 1,234`,
 * `KWD 1.234` (the ISO code, so mails to any country are unambiguous), with the currency's own number of decimals.
 * Formats the exact decimal string, never a float, and uses a plain space so plain-text mails stay plain.
 */
export function formatMoney(minor: number, currency: string): string {
  const code = currency.trim().toUpperCase();
  const decimal = minorToDecimal(minor, code);
  const nf = formatterFor(code);
  if (!nf) return `${code} ${decimal}`;
  // Intl formats a numeric string exactly (no float rounding); the ES2023 lib only types the number overload.
  return nf.format(decimal as unknown as number).replace(/[\u00a0\u202f]/g, ' ');
}
