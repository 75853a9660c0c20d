import type { Clock } from '../../clock.ts';
import { agentPlatformNames } from '../../commerce/index.ts';
import { iso } from '../../db/sql.ts';
import type { DB } from '../../db/types.ts';
import { notFound } from '../../errors.ts';
import { currencyExponent } from '../../money.ts';
import { type TransactionFilters, type TransactionRow, transactionsQuery } from '../admin/analytics.ts';

// CSV for spreadsheets (RFC 4180: CRLF rows, quoted fields). A UTF-8 BOM lets Excel read accented names.

const BOM = '\uFEFF';
const MAX_ROWS = 100_000;

/** Minor units as a plain decimal string using the currency's exponent: 12345 eur → "123.45", 500 jpy → "500". */
export function decimalAmount(minor: number, currency: string): string {
  const exp = currencyExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(exp + 1, '0');
  return exp === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
}

/**
 * One CSV field: text that a spreadsheet would run as a formula (= + - @, tab, CR) gets a leading apostrophe,
 * then anything with a quote, comma or line break is quoted with inner quotes doubled.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  // Our own numbers ("-1.50") stay numbers; only text can smuggle a formula.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows to CSV text with a header row. */
export function toCsv(header: string[], rows: (string | number | null | undefined)[][]): string {
  return `${BOM}${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

const header = [
  'Date',
  'Sale ID',
  'Order ID',
  'Artwork',
  'Buyer name',
  'Buyer email',
  'Currency',
  'Price',
  'Shipping',
  'Amount paid',
  'Platform fee',
  'Artist amount',
  'Stripe fee',
  'Refunded',
  'Status',
  'Channel',
  'Agent platform',
  'Carrier',
  'Tracking number',
  'Shipped at',
  'Delivered at',
];

function saleCells(r: TransactionRow, platformNames: Map<string, string>) {
  const cur = r.currency.trim();
  const amt = (v: unknown) => (v == null ? null : decimalAmount(Number(v), cur));
  return [
    iso(r.created_at),
    r.id,
    r.order_id,
    r.title,
    r.buyer_name,
    r.buyer_email,
    cur.toUpperCase(),
    amt(r.price_amount),
    amt(r.shipping_amount),
    amt(r.amount),
    amt(r.platform_fee),
    amt(r.artist_amount),
    amt(r.stripe_fee),
    amt(r.amount_refunded),
    r.status,
    r.channel,
    r.agent_platform_id ? (platformNames.get(r.agent_platform_id) ?? null) : null,
    r.carrier,
    r.tracking_number,
    iso(r.shipped_at),
    iso(r.delivered_at),
  ];
}

const today = (clock: Clock) => clock.now().toISOString().slice(0, 10);

/** One artist's sales as CSV with its download filename. The caller checks membership or platform admin. */
export async function artistSalesCsv(db: DB, accountId: string, clock: Clock) {
  const acc = await db.selectFrom('accounts').select('slug').where('id', '=', accountId).executeTakeFirst();
  if (!acc) throw notFound('Account');
  const rows = await transactionsQuery(db, { accountId }).limit(MAX_ROWS).execute();
  const names = await agentPlatformNames(
    db,
    rows.map((r) => r.agent_platform_id),
  );
  const csv = toCsv(
    header,
    rows.map((r) => saleCells(r, names)),
  );
  return { filename: `sales-${acc.slug}-${today(clock)}.csv`, csv };
}

/** Every artist's transactions (with the same filters as the admin list) as CSV. */
export async function allTransactionsCsv(db: DB, f: TransactionFilters, clock: Clock) {
  const rows = await transactionsQuery(db, f).limit(MAX_ROWS).execute();
  const names = await agentPlatformNames(
    db,
    rows.map((r) => r.agent_platform_id),
  );
  const csv = toCsv(
    ['Artist', 'Artist URL name', ...header],
    rows.map((r) => [r.artist_name, r.artist_slug, ...saleCells(r, names)]),
  );
  return { filename: `marketplace-transactions-${today(clock)}.csv`, csv };
}
