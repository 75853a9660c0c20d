import type { Hono } from 'hono';
import type { EmulatorState, Obj } from '../core/state.ts';
import { esc, formatMoney, page } from './layout.ts';

const notFound = () => page('Invoice not found', '<div class="wrap"><h1>Invoice not found</h1></div>');

function dateOf(ts: number | null): string {
  return ts ? new Date(ts * 1000).toISOString().slice(0, 10) : '';
}

// One HTML rendering serves both links: the emulator makes no PDFs, so `invoice_pdf` is a printable page.
function invoiceHtml(inv: Obj, printable: boolean): string {
  const money = (n: number) => esc(formatMoney(n, inv.currency));
  const lines = (inv.lines.data as Obj[])
    .map(
      (l) =>
        `<li><span>${esc(l.description)}${l.quantity > 1 ? ` <span class="muted qty">× ${l.quantity}</span>` : ''}</span><span class="amount">${money(l.amount)}</span></li>`,
    )
    .join('');
  const fields = ((inv.custom_fields ?? []) as Obj[])
    .map((f) => `<li><span>${esc(f.name)}</span><span>${esc(f.value)}</span></li>`)
    .join('');
  const shipping = inv.amount_shipping
    ? `<div class="sum"><span>Shipping</span><span>${money(inv.amount_shipping)}</span></div>`
    : '';
  // The invoice keeps no discount or tax breakdown, so their net effect is one line.
  const adjust = inv.total - inv.subtotal - inv.amount_shipping;
  const discountLine = adjust
    ? `<div class="sum"><span>Discounts and tax</span><span>${money(adjust)}</span></div>`
    : '';
  const body = `<div class="wrap"><div class="col card" id="invoice">
<h1>${printable ? 'Invoice' : 'Invoice paid'}<span class="badge">Test mode</span></h1>
<p class="muted">Invoice number <span id="invoiceNumber">${esc(inv.number)}</span> · Paid ${esc(dateOf(inv.status_transitions.paid_at))}</p>
<div class="total" id="amountPaid">${money(inv.amount_paid)}</div>
<ul class="items">
<li><span>Billed to</span><span id="billedTo">${esc(inv.customer_name ?? '')} ${esc(inv.customer_email ?? '')}</span></li>
${fields}</ul>
${inv.description ? `<p id="description">${esc(inv.description)}</p>` : ''}
<ul class="items" id="lines">${lines}</ul>
<div class="sum"><span>Subtotal</span><span>${money(inv.subtotal)}</span></div>${shipping}${discountLine}
<div class="sum"><span>Amount paid</span><span>${money(inv.amount_paid)}</span></div>
${inv.footer ? `<p class="muted" id="footer">${esc(inv.footer)}</p>` : ''}
${printable ? '' : `<p><a id="download" href="/invoice/${esc(inv.id)}/pdf">Download invoice</a></p>`}
</div></div>`;
  return page(`Invoice ${inv.number ?? inv.id}`, body);
}

/** Serves `hosted_invoice_url` (`/invoice/:id`) and `invoice_pdf` (`/invoice/:id/pdf`, printable HTML). */
export const invoicePages = (app: Hono, state: EmulatorState): void => {
  const lookup = (id: string) => {
    const rec = state.records.get(id);
    return rec?.type === 'invoice' && rec.obj.status !== 'draft' ? rec.obj : null;
  };
  app.get('/invoice/:id', (c) => {
    const inv = lookup(c.req.param('id'));
    return inv ? c.html(invoiceHtml(inv, false)) : c.html(notFound(), 404);
  });
  app.get('/invoice/:id/pdf', (c) => {
    const inv = lookup(c.req.param('id'));
    return inv ? c.html(invoiceHtml(inv, true)) : c.html(notFound(), 404);
  });
};
