import { type InvoiceParty, type InvoiceView, partyLines } from './invoice-view.ts';
import { A4, createPdfCanvas, type PdfCanvas, type TextStyle } from './pdf.ts';

const M = 50; // page margin
const RIGHT = A4.width - M;
const TOP = A4.height - M;
const BOTTOM = M + 24; // room for the footer
const COL = { qty: 360, unit: 450, amount: RIGHT } as const; // right edges of the number columns
const ITEM_WIDTH = 250;

const body: TextStyle = { size: 10 };
const small: TextStyle = { size: 8.5, muted: true };
const bold: TextStyle = { size: 10, bold: true };

function allText(v: InvoiceView): string[] {
  return [
    v.title,
    v.seller.name,
    v.buyer.name,
    ...partyLines(v.seller),
    ...partyLines(v.buyer),
    ...v.dates.flatMap((d) => [d.label, d.value]),
    ...v.lines.flatMap((l) => [l.name, l.quantity, l.unit, l.amount]),
    ...v.totals.flatMap((t) => [t.label, t.value]),
  ];
}

// One party block in a column; returns the y below it.
function drawParty(c: PdfCanvas, heading: string, p: InvoiceParty, x: number, y: number, width: number): number {
  c.text(heading.toUpperCase(), x, y, small);
  y -= 15;
  for (const l of c.wrap(p.name, width, { size: 11, bold: true })) {
    c.text(l, x, y, { size: 11, bold: true });
    y -= 14;
  }
  for (const line of partyLines(p)) {
    for (const l of c.wrap(line, width, body)) {
      c.text(l, x, y, body);
      y -= 13;
    }
  }
  return y;
}

function drawTableHeader(c: PdfCanvas, y: number): number {
  c.text('Item', M, y, small);
  c.text('Qty', COL.qty, y, small, 'right');
  c.text('Unit price', COL.unit, y, small, 'right');
  c.text('Amount', COL.amount, y, small, 'right');
  c.rule(M, RIGHT, y - 6);
  return y - 20;
}

/**
 * Renders an invoice view as an A4 PDF with embedded, subset Noto fonts (so any Latin, Greek, Cyrillic or CJK name
 * prints), wrapping long names and lines and continuing the line table on further pages with its header repeated.
 */
export async function renderInvoicePdfDocument(v: InvoiceView, meta: { created?: Date } = {}): Promise<Uint8Array> {
  const c = await createPdfCanvas({ title: v.title, author: v.seller.name, created: meta.created });
  await c.prepare(allText(v));

  // Header: title left, number and dates right.
  let y = TOP - 10;
  c.text('Invoice', M, y, { size: 24, bold: true });
  let ry = TOP - 4;
  c.text(v.number, RIGHT, ry, bold, 'right');
  for (const d of v.dates) {
    ry -= 14;
    c.text(`${d.label}: ${d.value}`, RIGHT, ry, body, 'right');
  }
  y = Math.min(y, ry) - 34;

  // Seller and buyer side by side.
  const colWidth = (RIGHT - M - 30) / 2;
  const sellerEnd = drawParty(c, 'From', v.seller, M, y, colWidth);
  const buyerEnd = drawParty(c, 'Bill to', v.buyer, M + colWidth + 30, y, colWidth);
  y = Math.min(sellerEnd, buyerEnd) - 24;

  y = drawTableHeader(c, y);
  for (const line of v.lines) {
    const name = c.wrap(line.name, ITEM_WIDTH, body);
    const height = name.length * 13 + 8;
    if (y - height < BOTTOM) {
      c.addPage();
      y = TOP - 10;
      c.text(`${v.title} (continued)`, M, y, small);
      y = drawTableHeader(c, y - 22);
    }
    name.forEach((l, i) => {
      c.text(l, M, y - i * 13, body);
    });
    c.text(line.quantity, COL.qty, y, body, 'right');
    c.text(line.unit, COL.unit, y, body, 'right');
    c.text(line.amount, COL.amount, y, body, 'right');
    y -= height;
    c.rule(M, RIGHT, y + 10);
  }

  // Totals, kept together on one page.
  const totalsHeight = v.totals.length * 17 + 22;
  if (y - totalsHeight < BOTTOM) {
    c.addPage();
    y = TOP - 10;
  }
  y -= 8;
  for (const t of v.totals) {
    const style: TextStyle = t.strong ? { size: 12, bold: true } : t.note ? small : body;
    if (t.strong) {
      y -= 6;
      c.rule(COL.qty - 40, RIGHT, y + 15);
    }
    c.text(t.label, COL.unit - 60, y, style, 'right');
    c.text(t.value, RIGHT, y, style, 'right');
    y -= t.strong ? 19 : 15;
  }

  // Footer on every page (number and page count), drawn once the count is known.
  const count = c.doc.getPageCount();
  for (let i = 0; i < count; i++) {
    c.selectPage(i);
    c.rule(M, RIGHT, M + 12);
    c.text(`${v.number} · Page ${i + 1} of ${count}`, RIGHT, M, small, 'right');
  }
  return c.save();
}
