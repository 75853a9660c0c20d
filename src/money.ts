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
