import { minorToDecimalString, parseMajorAmount } from '../orders/money.ts';
import type { ProductInput, ShippingRate } from './api.ts';

const CURRENCY = 'EUR';

/** Parses "Frame: None=0, Oak=35" lines into option groups (amounts in major units). */
export function parseGroups(text: string): ProductInput['groups'] | string {
  const groups: ProductInput['groups'] = [];
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const [name, rest] = line.split(':');
    if (!name?.trim() || !rest) return `Use "Group: Label=price, Label=price" (line "${line}")`;
    const values = [];
    for (const part of rest.split(',')) {
      const [label, amount = '0'] = part.split('=').map((s) => s.trim());
      const raw = amount.replace(/^-/, '');
      // parseMajorAmount refuses zero, but a free option ("None=0") is normal here.
      const parsed = /^0*([.,]0*)?$/.test(raw) ? { ok: true as const, minor: 0 } : parseMajorAmount(raw, CURRENCY);
      if (!label || !parsed.ok) return `Check "${part.trim()}"`;
      values.push({ label, priceAdjustment: amount.startsWith('-') ? -parsed.minor : parsed.minor });
    }
    groups.push({ name: name.trim(), values });
  }
  return groups;
}

/** Shipping rates as editable lines: `id | name | price | countries | delivery days`. */
export function formatRates(rates: ShippingRate[], currency: string): string {
  return rates
    .map((r) => {
      const parts = [r.id, r.name, minorToDecimalString(r.amount, currency), (r.countries ?? []).join(' ')];
      if (r.deliveryDays) parts.push(`${r.deliveryDays.min}-${r.deliveryDays.max}`);
      return parts.join(' | ').trim();
    })
    .join('\n');
}

/** Parses shipping rate lines (price in major units of `currency`); returns an error message when malformed. */
export function parseRates(text: string, currency: string): ShippingRate[] | string {
  const rates: ShippingRate[] = [];
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const [id = '', name = '', price = '', countries = '', days = ''] = line.split('|').map((s) => s.trim());
    if (!/^[a-z0-9-]{1,40}$/.test(id) || !name) return `Check "${line}": id (lowercase) | name | price`;
    const amount = /^0*([.,]0*)?$/.test(price) ? { ok: true as const, minor: 0 } : parseMajorAmount(price, currency);
    if (!amount.ok) return `Check the price in "${line}"`;
    const list = countries
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((c) => c.toUpperCase());
    // Delivery time in business days: "3-5", or "2" for exactly two.
    const span = /^(\d{1,3})(?:\s*[-–]\s*(\d{1,3}))?$/.exec(days);
    if (days && !span) return `Check the delivery days in "${line}": use a range like 3-5`;
    const deliveryDays = span ? { min: Number(span[1]), max: Number(span[2] ?? span[1]) } : null;
    if (deliveryDays && (deliveryDays.min < 1 || deliveryDays.max < deliveryDays.min)) {
      return `Check the delivery days in "${line}": the range must start at 1 or more and not end before it starts`;
    }
    rates.push({
      id,
      name,
      amount: amount.minor,
      ...(list.length ? { countries: list } : {}),
      ...(deliveryDays ? { deliveryDays } : {}),
    });
  }
  return rates;
}
