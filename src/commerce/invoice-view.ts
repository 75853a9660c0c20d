import { formatMoney } from '../money.ts';
import type { Invoice } from './invoices.ts';

/** Order facts an invoice shows but does not store (they live on the order and change with refunds). */
export interface InvoiceFacts {
  paidAt: Date | null;
  taxInclusive: boolean;
  amountRefunded: number;
  /** The Stripe promotion code and shipping rate the buyer chose at Checkout, named beside their amounts. */
  discountLabel?: string | null;
  shippingLabel?: string | null;
}

/** A seller or buyer block: legal name, postal address lines, tax id and contact email where known. */
export interface InvoiceParty {
  name: string;
  address: string[];
  taxId: string | null;
  email: string | null;
}

/** One amount row under the lines. */
export interface InvoiceTotalRow {
  label: string;
  value: string;
  strong?: boolean;
  /** Shown small under the total (inclusive VAT, refunds) rather than as a summed row. */
  note?: boolean;
}

/** Everything the HTML page and the PDF print, already formatted for one locale; both render only this. */
export interface InvoiceView {
  title: string;
  number: string;
  locale: string;
  seller: InvoiceParty;
  buyer: InvoiceParty;
  dates: Array<{ label: string; value: string }>;
  lines: Array<{ name: string; quantity: string; unit: string; amount: string }>;
  totals: InvoiceTotalRow[];
  receiptUrl: string | null;
}

/** Options for buildInvoiceView. */
export interface InvoiceViewOptions {
  /** BCP 47 locale for dates, numbers and country names; defaults to en-GB. */
  locale?: string;
  /** Time zone for dates; defaults to UTC so a document reads the same wherever it is rendered. */
  timeZone?: string;
}

export const DEFAULT_INVOICE_LOCALE = 'en-GB';

/** A supported BCP 47 locale from a query value or an Accept-Language header, else the default. */
export function pickInvoiceLocale(...candidates: Array<string | null | undefined>): string {
  for (const c of candidates) {
    for (const tag of (c ?? '').split(',')) {
      const t = tag.split(';')[0].trim();
      if (!t || t === '*') continue;
      try {
        const [supported] = Intl.DateTimeFormat.supportedLocalesOf(t);
        if (supported) return supported;
      } catch {
        // a malformed tag from a header: try the next one
      }
    }
  }
  return DEFAULT_INVOICE_LOCALE;
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}

function record(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function countryName(code: string, locale: string): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return code;
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/**
 * Address lines from a stored address (Stripe's snake_case or our camelCase keys). `name` is skipped when it
 * repeats the party's name, so a studio's return address does not print the studio twice.
 */
export function addressLines(address: unknown, partyName: string, locale: string): string[] {
  const a = record(address);
  if (!a) return [];
  const out: string[] = [];
  const name = text(a.name);
  if (name && name !== partyName) out.push(name);
  for (const k of ['line1', 'line2']) {
    const v = text(a[k]);
    if (v) out.push(v);
  }
  const postal = text(a.postalCode) ?? text(a.postal_code);
  const cityLine = [postal, text(a.city)].filter(Boolean).join(' ');
  if (cityLine) out.push(cityLine);
  const state = text(a.state);
  if (state) out.push(state);
  const country = text(a.country);
  if (country) out.push(countryName(country, locale));
  return out;
}

/**
 * The tax id line of a party block: "VAT ID" for ids with a country prefix (EU, UK and Swiss VAT numbers start with
 * two letters), "Tax ID" for the rest (a US EIN, an Australian ABN); null when there is none.
 */
export function taxIdLine(p: Pick<InvoiceParty, 'taxId'>): string | null {
  if (!p.taxId) return null;
  return `${/^[A-Za-z]{2}/.test(p.taxId) ? 'VAT ID' : 'Tax ID'}: ${p.taxId}`;
}

/** The lines under a party's name, as the HTML page and the PDF both print them: address, email, tax id. */
export function partyLines(p: InvoiceParty): string[] {
  const tax = taxIdLine(p);
  return [...p.address, ...(p.email ? [p.email] : []), ...(tax ? [tax] : [])];
}

function party(raw: Record<string, unknown>, fallbackName: string, locale: string): InvoiceParty {
  const organization = text(raw.organizationName);
  const name = organization ?? text(raw.name) ?? text(raw.email) ?? fallbackName;
  return {
    name,
    address: addressLines(raw.address, name, locale),
    taxId: text(raw.taxId),
    // The organization is the legal buyer: the member who clicked "buy" is not named on its invoice.
    email: organization ? null : name === text(raw.email) ? null : text(raw.email),
  };
}

/** Formats an invoice and its order facts for one locale: the single source of the HTML and PDF documents. */
export function buildInvoiceView(inv: Invoice, facts: InvoiceFacts, opts: InvoiceViewOptions = {}): InvoiceView {
  const locale = pickInvoiceLocale(opts.locale);
  const df = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: opts.timeZone ?? 'UTC' });
  const nf = new Intl.NumberFormat(locale);
  const m = (n: number) => formatMoney(n, inv.currency);
  const totals: InvoiceTotalRow[] = [{ label: 'Subtotal', value: m(inv.subtotal) }];
  const named = (base: string, name: string | null | undefined) => (name ? `${base} (${name})` : base);
  if (inv.discount) totals.push({ label: named('Discount', facts.discountLabel), value: `-${m(inv.discount)}` });
  if (inv.shipping) totals.push({ label: named('Shipping', facts.shippingLabel), value: m(inv.shipping) });
  if (inv.tax && !facts.taxInclusive) totals.push({ label: 'VAT', value: m(inv.tax) });
  totals.push({ label: 'Total', value: m(inv.total), strong: true });
  if (inv.tax && facts.taxInclusive) totals.push({ label: 'incl. VAT', value: m(inv.tax), note: true });
  if (facts.amountRefunded > 0) {
    totals.push({ label: 'Refunded', value: `-${m(facts.amountRefunded)}`, note: true });
  }
  const dates = [{ label: 'Issue date', value: df.format(inv.issuedAt) }];
  if (facts.paidAt) dates.push({ label: 'Paid', value: df.format(facts.paidAt) });
  return {
    title: `Invoice ${inv.number}`,
    number: inv.number,
    locale,
    seller: party(inv.seller, 'Seller', locale),
    buyer: party(inv.buyer, 'Buyer', locale),
    dates,
    lines: inv.lines.map((l) => ({
      name: l.name,
      quantity: nf.format(l.quantity),
      unit: m(l.unitAmount),
      amount: m(l.lineTotal),
    })),
    totals,
    receiptUrl: inv.receiptUrl,
  };
}
