import { Hono } from 'hono';
import { withService, withUser } from '../db/tenancy.ts';
import { AppError, notFound } from '../errors.ts';
import type { AppEnv } from '../http/context.ts';
import { pickInvoiceLocale } from './invoice-view.ts';
import { getInvoice, getInvoiceByToken, readInvoiceFacts } from './invoices.ts';
import { renderInvoiceHtml, renderInvoicePdf } from './render-invoice.ts';

/**
 * `GET /invoices/{id}` (HTML) and `/invoices/{id}.pdf`: for the buyer, seller members, platform admins or a token
 * link. Dates follow `?locale=` or the browser's Accept-Language (en-GB otherwise).
 */
export const invoicePages = new Hono<AppEnv>().get('/invoices/:file', async (c) => {
  const m = /^([0-9a-f-]{36})(\.pdf)?$/i.exec(c.req.param('file'));
  if (!m) throw notFound('Invoice');
  const [, id, pdf] = m;
  const { db } = c.get('deps');
  const token = c.req.query('token');
  const user = c.get('user');
  const locale = pickInvoiceLocale(c.req.query('locale'), c.req.header('accept-language'));
  const load = async (tx: typeof db, find: () => ReturnType<typeof getInvoice>) => {
    const invoice = await find();
    return { invoice, facts: await readInvoiceFacts(tx, invoice) };
  };
  let loaded: Awaited<ReturnType<typeof load>>;
  if (token) loaded = await withService(db, (tx) => load(tx, () => getInvoiceByToken(tx, id, token)));
  else if (user) loaded = await withUser(db, { sub: user.id }, (tx) => load(tx, () => getInvoice(tx, id)));
  else throw new AppError('unauthenticated', 'Sign in to see this invoice');
  const { invoice: inv, facts } = loaded;
  c.header('cache-control', 'private, no-store');
  c.header('vary', 'accept-language');
  if (pdf) {
    c.header('content-type', 'application/pdf');
    c.header('content-disposition', `inline; filename="${inv.number}.pdf"`);
    return c.body(new Uint8Array(await renderInvoicePdf(inv, facts, { locale })));
  }
  const query = new URLSearchParams();
  if (token) query.set('token', token);
  if (c.req.query('locale')) query.set('locale', locale);
  const pdfUrl = `/invoices/${inv.id}.pdf${query.size ? `?${query}` : ''}`;
  return c.html(renderInvoiceHtml(inv, facts, pdfUrl, { locale }));
});
