import { escapeHtml } from '../mail/layout.ts';
import { formatMoney } from '../money.ts';
import type { Invoice } from './invoices.ts';
import { renderTextPdf } from './pdf.ts';

function summary(inv: Invoice): [string, string][] {
  const m = (n: number) => formatMoney(n, inv.currency);
  const rows: [string, string][] = [['Subtotal', m(inv.subtotal)]];
  if (inv.discount) rows.push(['Discount', `-${m(inv.discount)}`]);
  if (inv.shipping) rows.push(['Shipping', m(inv.shipping)]);
  if (inv.tax)
    rows.push([inv.total === inv.subtotal - inv.discount + inv.shipping ? 'Tax (included)' : 'Tax', m(inv.tax)]);
  rows.push(['Total', m(inv.total)]);
  return rows;
}

/** The printable HTML invoice page. */
export function renderInvoiceHtml(inv: Invoice, pdfUrl: string): string {
  const m = (n: number) => escapeHtml(formatMoney(n, inv.currency));
  const lines = inv.lines
    .map(
      (l) =>
        `<tr><td>${escapeHtml(l.name)}</td><td>${l.quantity}</td><td>${m(l.unitAmount)}</td><td>${m(l.lineTotal)}</td></tr>`,
    )
    .join('');
  const totals = summary(inv)
    .map(([k, v]) => `<tr><td colspan="3">${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Invoice ${escapeHtml(inv.number)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:720px;margin:40px auto;color:#18181b}table{width:100%;border-collapse:collapse}td,th{padding:6px;border-bottom:1px solid #e4e4e7;text-align:left}</style>
</head><body><h1>Invoice ${escapeHtml(inv.number)}</h1>
<p>Seller: ${escapeHtml(String(inv.seller.name ?? ''))}<br>Buyer: ${escapeHtml(String(inv.buyer.email ?? ''))}<br>Issued: ${escapeHtml(inv.issuedAt.toISOString().slice(0, 10))}</p>
<table><thead><tr><th>Item</th><th>Qty</th><th>Unit</th><th>Amount</th></tr></thead><tbody>${lines}${totals}</tbody></table>
<p><a id="pdf" href="${escapeHtml(pdfUrl)}">Download PDF</a>${inv.receiptUrl ? ` · <a id="receipt" href="${escapeHtml(inv.receiptUrl)}">Payment receipt</a>` : ''}</p>
</body></html>`;
}

/** The invoice as a PDF document. */
export function renderInvoicePdf(inv: Invoice): Buffer {
  const m = (n: number) => formatMoney(n, inv.currency);
  return renderTextPdf([
    { text: `Invoice ${inv.number}`, size: 20, bold: true },
    { text: `Seller: ${String(inv.seller.name ?? '')}` },
    { text: `Buyer: ${String(inv.buyer.email ?? '')}` },
    { text: `Issued: ${inv.issuedAt.toISOString().slice(0, 10)}` },
    { text: '' },
    ...inv.lines.map((l) => ({ text: `${l.quantity} x ${l.name}  @ ${m(l.unitAmount)}  = ${m(l.lineTotal)}` })),
    { text: '' },
    ...summary(inv).map(([k, v]) => ({ text: `${k}: ${v}`, bold: k === 'Total' })),
  ]);
}
