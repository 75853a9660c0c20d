import { Hono } from 'hono';
import { withService, withUser } from '../db/tenancy.ts';
import { AppError, notFound } from '../errors.ts';
import type { AppEnv } from '../http/context.ts';
import { getInvoice, getInvoiceByToken, type Invoice } from './invoices.ts';
import { renderInvoiceHtml, renderInvoicePdf } from './render-invoice.ts';

/** `GET /invoices/{id}` (HTML) and `/invoices/{id}.pdf`: for the buyer, seller members, platform admins or a token link. */
export const invoicePages = new Hono<AppEnv>().get('/invoices/:file', async (c) => {
  const m = /^([0-9a-f-]{36})(\.pdf)?$/i.exec(c.req.param('file'));
  if (!m) throw notFound('Invoice');
  const [, id, pdf] = m;
  const { db } = c.get('deps');
  const token = c.req.query('token');
  const user = c.get('user');
  let inv: Invoice;
  if (token) inv = await withService(db, (tx) => getInvoiceByToken(tx, id, token));
  else if (user) inv = await withUser(db, { sub: user.id }, (tx) => getInvoice(tx, id));
  else throw new AppError('unauthenticated', 'Sign in to see this invoice');
  c.header('cache-control', 'private, no-store');
  if (pdf) {
    c.header('content-type', 'application/pdf');
    c.header('content-disposition', `inline; filename="${inv.number}.pdf"`);
    return c.body(new Uint8Array(renderInvoicePdf(inv)));
  }
  const pdfUrl = `/invoices/${inv.id}.pdf${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  return c.html(renderInvoiceHtml(inv, pdfUrl));
});
