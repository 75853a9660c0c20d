import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Database, DB } from '../db/types.ts';
import { notFound } from '../errors.ts';
import type { Order, OrderItem } from './orders.ts';
import type { InvoiceLine } from './tables.ts';

/** An invoice as the API returns it. */
export interface Invoice {
  id: string;
  accountId: string;
  orderId: string;
  number: string;
  seller: Record<string, unknown>;
  buyer: Record<string, unknown>;
  lines: InvoiceLine[];
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
  currency: string;
  receiptUrl: string | null;
  issuedAt: Date;
}

/** Maps an `invoices` row to `Invoice` (never exposes the token hash). */
export function toInvoice(r: Selectable<Database['invoices']>): Invoice {
  return {
    id: r.id,
    accountId: r.account_id,
    orderId: r.order_id,
    number: r.number,
    seller: r.seller,
    buyer: r.buyer,
    lines: r.lines,
    subtotal: Number(r.subtotal),
    discount: Number(r.discount),
    shipping: Number(r.shipping),
    tax: Number(r.tax),
    total: Number(r.total),
    currency: r.currency.trim(),
    receiptUrl: r.receipt_url,
    issuedAt: r.issued_at,
  };
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Issues the order's invoice with the seller's next sequential number; returns the existing one when present.
 * The counter row is locked by the upsert, so concurrent payments of one seller get distinct, gapless numbers.
 * The returned `accessToken` (only known at creation) is the guest buyer's link secret.
 */
export async function issueInvoice(
  db: DB,
  order: Order,
  items: OrderItem[],
): Promise<{ invoice: Invoice; accessToken: string | null }> {
  const existing = await db.selectFrom('invoices').selectAll().where('order_id', '=', order.id).executeTakeFirst();
  if (existing) return { invoice: toInvoice(existing), accessToken: null };
  const counter = await db
    .insertInto('invoice_counters')
    .values({ account_id: order.accountId, last_number: 1 })
    .onConflict((oc) =>
      oc.column('account_id').doUpdateSet((eb) => ({ last_number: eb('invoice_counters.last_number', '+', 1) })),
    )
    .returning('last_number')
    .executeTakeFirstOrThrow();
  const seller = await db
    .selectFrom('accounts')
    .select(['id', 'name', 'slug'])
    .where('id', '=', order.accountId)
    .executeTakeFirstOrThrow();
  const accessToken = randomBytes(24).toString('base64url');
  const lines: InvoiceLine[] = items.map((i) => ({
    name: i.name,
    quantity: i.quantity,
    unitAmount: i.unitAmount,
    lineTotal: i.lineTotal,
  }));
  const row = await db
    .insertInto('invoices')
    .values({
      account_id: order.accountId,
      order_id: order.id,
      number: `INV-${String(counter.last_number).padStart(6, '0')}`,
      seller: JSON.stringify(seller),
      buyer: JSON.stringify({ email: order.buyerEmail, userId: order.buyerUserId }),
      lines: JSON.stringify(lines),
      subtotal: order.subtotal,
      discount: order.discount,
      shipping: order.shipping,
      tax: order.tax,
      total: order.total,
      currency: order.currency,
      receipt_url: order.receiptUrl,
      access_token_hash: hashToken(accessToken),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { invoice: toInvoice(row), accessToken };
}

/** Loads an invoice visible to the caller's transaction (RLS decides for users); 404 otherwise. */
export async function getInvoice(db: DB, id: string): Promise<Invoice> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound('Invoice');
  const row = await db.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Invoice');
  return toInvoice(row);
}

/** Loads an invoice by its guest link token (service role); 404 on any mismatch so ids can't be probed. */
export async function getInvoiceByToken(db: DB, id: string, token: string): Promise<Invoice> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound('Invoice');
  const row = await db.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirst();
  const a = Buffer.from(row?.access_token_hash ?? '');
  const b = Buffer.from(hashToken(token));
  if (!row || a.length !== b.length || !timingSafeEqual(a, b)) throw notFound('Invoice');
  return toInvoice(row);
}

/** Keeps the invoice's receipt link in step with the order once Stripe provides it. */
export async function setInvoiceReceiptUrl(db: DB, orderId: string, receiptUrl: string): Promise<void> {
  await db
    .updateTable('invoices')
    .set({ receipt_url: receiptUrl })
    .where('order_id', '=', orderId)
    .where('receipt_url', 'is', null)
    .execute();
}
