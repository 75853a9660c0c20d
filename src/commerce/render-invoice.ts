import { escapeHtml } from '../mail/index.ts';
import {
  buildInvoiceView,
  type InvoiceFacts,
  type InvoiceParty,
  type InvoiceViewOptions,
  partyLines,
} from './invoice-view.ts';
import type { Invoice } from './invoices.ts';

const CSS = `
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans JP",sans-serif;color:#18181b;background:#f4f4f5;margin:0;padding:24px 12px;line-height:1.45;font-size:15px}
main{max-width:760px;margin:0 auto;background:#fff;border:1px solid #e4e4e7;border-radius:10px;padding:32px}
header{display:flex;flex-wrap:wrap;justify-content:space-between;gap:12px 24px;align-items:flex-start}
h1{font-size:28px;margin:0}
.meta{text-align:right;margin:0}.meta dt{display:inline;color:#52525b}.meta dd{display:inline;margin:0 0 0 4px}
.meta div{margin:2px 0}.number{font-weight:600;font-size:16px}
.parties{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:20px;margin:28px 0}
.parties h2{font-size:12px;letter-spacing:.06em;text-transform:uppercase;color:#71717a;margin:0 0 4px}
.party strong{display:block;font-size:16px;overflow-wrap:anywhere}.party span{display:block;overflow-wrap:anywhere}
table{width:100%;border-collapse:collapse}
th{font-size:12px;font-weight:500;color:#71717a;text-align:left;border-bottom:1px solid #d4d4d8;padding:6px 4px}
td{padding:8px 4px;border-bottom:1px solid #f4f4f5;vertical-align:top}
td.item{overflow-wrap:anywhere}.num{text-align:right;white-space:nowrap;padding-left:14px}
.totals{margin:16px 0 0 auto;width:auto;min-width:min(100%,320px)}
.totals td{border:0;padding:3px 4px}.totals .strong td{font-weight:700;font-size:17px;border-top:1px solid #d4d4d8;padding-top:8px}
.totals .note td{color:#71717a;font-size:13px}
.actions{margin-top:28px;display:flex;flex-wrap:wrap;gap:12px}
.actions a{color:#fff;background:#18181b;text-decoration:none;padding:9px 16px;border-radius:6px}
.actions a.secondary{color:#18181b;background:#fff;border:1px solid #d4d4d8}
@media (max-width:520px){body{padding:0;font-size:14px}main{border:0;border-radius:0;padding:20px 16px}
.meta{text-align:left}.col-unit{display:none}}
@media print{body{background:#fff;padding:0}main{border:0;padding:0;max-width:none}.actions{display:none}}
`;

function partyHtml(heading: string, p: InvoiceParty): string {
  return `<section class="party"><h2>${escapeHtml(heading)}</h2><strong>${escapeHtml(p.name)}</strong>${partyLines(p)
    .map((r) => `<span>${escapeHtml(r)}</span>`)
    .join('')}</section>`;
}

/** The printable HTML invoice page: the same content as the PDF, styled inline, readable on a phone. */
export function renderInvoiceHtml(
  inv: Invoice,
  facts: InvoiceFacts,
  pdfUrl: string,
  opts: InvoiceViewOptions = {},
): string {
  const v = buildInvoiceView(inv, facts, opts);
  const e = escapeHtml;
  const dates = v.dates.map((d) => `<div><dt>${e(d.label)}:</dt><dd>${e(d.value)}</dd></div>`).join('');
  const lines = v.lines
    .map(
      (l) =>
        `<tr><td class="item">${e(l.name)}</td><td class="num">${e(l.quantity)}</td><td class="num col-unit">${e(l.unit)}</td><td class="num">${e(l.amount)}</td></tr>`,
    )
    .join('');
  const totals = v.totals
    .map(
      (t) =>
        `<tr${t.strong ? ' class="strong"' : t.note ? ' class="note"' : ''}><td>${e(t.label)}</td><td class="num">${e(t.value)}</td></tr>`,
    )
    .join('');
  // The labels are English whatever the date locale, so the page says so.
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(v.title)}</title>
<style>${CSS}</style>
</head><body><main>
<header><h1>Invoice</h1><dl class="meta"><div class="number">${e(v.number)}</div>${dates}</dl></header>
<div class="parties">${partyHtml('From', v.seller)}${partyHtml('Bill to', v.buyer)}</div>
<table><thead><tr><th>Item</th><th class="num">Qty</th><th class="num col-unit">Unit price</th><th class="num">Amount</th></tr></thead><tbody>${lines}</tbody></table>
<table class="totals"><tbody>${totals}</tbody></table>
<p class="actions"><a id="pdf" href="${e(pdfUrl)}">Download PDF</a>${v.receiptUrl ? `<a id="receipt" class="secondary" href="${e(v.receiptUrl)}">Payment receipt</a>` : ''}</p>
</main></body></html>`;
}

/** The invoice as a PDF document (pdf-lib, embedded Unicode fonts, loaded with the first invoice). */
export async function renderInvoicePdf(
  inv: Invoice,
  facts: InvoiceFacts,
  opts: InvoiceViewOptions = {},
): Promise<Uint8Array> {
  const { renderInvoicePdfDocument } = await import('./invoice-pdf.ts');
  return renderInvoicePdfDocument(buildInvoiceView(inv, facts, opts), { created: inv.issuedAt });
}
