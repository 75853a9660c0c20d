import type { Hono } from 'hono';
import type { EmulatorState } from '../core/state.ts';
import { esc, formatMoney, page } from './layout.ts';

/** Serves the simple receipt page linked from `charge.receipt_url`. */
export const receiptPage = (app: Hono, state: EmulatorState): void => {
  app.get('/receipts/payment/:id', (c) => {
    const rec = state.records.get(c.req.param('id'));
    if (rec?.type !== 'charge')
      return c.html(page('Receipt not found', '<div class="wrap"><h1>Receipt not found</h1></div>'), 404);
    const ch = rec.obj;
    const card = ch.payment_method_details?.card;
    const date = new Date(ch.created * 1000).toUTCString();
    const refunded = ch.amount_refunded
      ? `<div class="sum"><span>Refunded</span><span id="amountRefunded">−${esc(formatMoney(ch.amount_refunded, ch.currency))}</span></div>`
      : '';
    const body = `<div class="wrap"><div class="col card">
<h1>Receipt</h1><p class="muted">${esc(ch.id)}</p>
<div class="total" id="amount">${esc(formatMoney(ch.amount, ch.currency))}</div>
<ul class="items">
<li><span>Date paid</span><span>${esc(date)}</span></li>
<li><span>Payment method</span><span>${esc(card?.brand ?? 'card')} •••• ${esc(card?.last4 ?? '')}</span></li>
<li><span>Status</span><span>${esc(ch.refunded ? 'refunded' : ch.status)}</span></li>
${ch.description ? `<li><span>Description</span><span>${esc(ch.description)}</span></li>` : ''}
</ul>${refunded}
</div></div>`;
    return c.html(page('Receipt', body));
  });
};
