import { AppError } from '../errors.ts';
import { currencyExponent, formatMoney } from '../money.ts';

// Re-exported for older imports; src/money.ts is the one implementation.
export { currencyExponent, formatMoney };

/** A basket line before it is stored: integer minor units. */
export interface TotalsItem {
  unitAmount: number;
  quantity: number;
}

/** Order-level adjustments for `computeTotals`. */
export interface TotalsOptions {
  discount?: number;
  shipping?: number;
  /** Tax rate in basis points (2000 = 20 %). */
  taxRateBps?: number;
  /** True when item prices already include tax (EU-style): tax is reported, not added. */
  taxInclusive?: boolean;
  currency: string;
}

/** Computed money fields of an order, all integer minor units. */
export interface Totals {
  currency: string;
  lines: number[];
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  taxInclusive: boolean;
  total: number;
}

function assertAmount(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new AppError('validation_failed', `${name} must be a non-negative integer amount in minor units`, {
      field: name,
    });
  }
}

// Half-up rounding of a/b for non-negative integers, without floating point.
function divRound(a: bigint, b: bigint): bigint {
  return (a * 2n + b) / (b * 2n);
}

/**
 * Computes subtotal, tax and total with integer math only. Tax is charged on the discounted goods (not shipping);
 * with `taxInclusive` the tax is the share already inside the prices, so total = subtotal - discount + shipping.
 */
export function computeTotals(items: TotalsItem[], opts: TotalsOptions): Totals {
  const currency = opts.currency.toLowerCase();
  if (!/^[a-z]{3}$/.test(currency))
    throw new AppError('validation_failed', 'currency must be an ISO 4217 code', { field: 'currency' });
  const discount = opts.discount ?? 0;
  const shipping = opts.shipping ?? 0;
  const bps = opts.taxRateBps ?? 0;
  assertAmount('discount', discount);
  assertAmount('shipping', shipping);
  if (!Number.isInteger(bps) || bps < 0 || bps > 100_000) {
    throw new AppError('validation_failed', 'taxRateBps must be an integer between 0 and 100000', {
      field: 'taxRateBps',
    });
  }
  const lines = items.map((i, n) => {
    assertAmount(`items.${n}.unitAmount`, i.unitAmount);
    if (!Number.isInteger(i.quantity) || i.quantity < 1) {
      throw new AppError('validation_failed', 'quantity must be a positive integer', { field: `items.${n}.quantity` });
    }
    return i.unitAmount * i.quantity;
  });
  const subtotal = lines.reduce((a, b) => a + b, 0);
  if (!Number.isSafeInteger(subtotal)) throw new AppError('validation_failed', 'The order total is too large');
  if (discount > subtotal)
    throw new AppError('validation_failed', 'The discount exceeds the subtotal', { field: 'discount' });
  const taxable = BigInt(subtotal - discount);
  const taxInclusive = opts.taxInclusive ?? false;
  const tax = Number(
    taxInclusive
      ? taxable - divRound(taxable * 10_000n, 10_000n + BigInt(bps))
      : divRound(taxable * BigInt(bps), 10_000n),
  );
  const total = subtotal - discount + shipping + (taxInclusive ? 0 : tax);
  return { currency, lines, subtotal, discount, shipping, tax, taxInclusive, total };
}
