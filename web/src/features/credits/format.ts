/** "12 h 30 min", "45 min", "0 h": balances are whole minutes, people think in hours. */
export function formatMinutes(minutes: number): string {
  const sign = minutes < 0 ? '−' : '';
  const abs = Math.abs(minutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  if (h === 0 && m > 0) return `${sign}${m} min`;
  return m === 0 ? `${sign}${h} h` : `${sign}${h} h ${m} min`;
}

/** Integer minor units to a localized price, e.g. 75000 eur → "€750.00". */
export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() }).format(amount / 100);
}

/** Parses "1:30", "1.5" (hours) or "90m" into minutes; null when it is not a positive amount. */
export function parseDuration(input: string): number | null {
  const s = input.trim().toLowerCase();
  let minutes: number;
  const hm = /^(\d+):([0-5]\d)$/.exec(s);
  if (hm) minutes = Number(hm[1]) * 60 + Number(hm[2]);
  else if (/^\d+\s*m(in)?$/.test(s)) minutes = Number.parseInt(s, 10);
  else if (/^\d+(\.\d+)?\s*h?$/.test(s)) minutes = Math.round(Number.parseFloat(s) * 60);
  else return null;
  return Number.isSafeInteger(minutes) && minutes > 0 ? minutes : null;
}
