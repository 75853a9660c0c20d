import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { type RawBuilder, type Selectable, sql } from 'kysely';
import type Stripe from 'stripe';
import { atCommitAsService } from '../db/tenancy.ts';
import type { Database, DB } from '../db/types.ts';
import { notFound } from '../errors.ts';
import type { InvoiceFacts } from './invoice-view.ts';
import { checkoutLabels, type Order, type OrderItem } from './orders.ts';
import type { PaymentFacts } from './payment-facts.ts';
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

/** What the payment told us about the buyer (Stripe Checkout's customer details), for the invoice's buyer block. */
export interface InvoiceBuyerDetails {
  name?: string | null;
  address?: Record<string, string | null> | null;
  taxId?: string | null;
}

function stripeAddress(a: Stripe.Address | null | undefined): Record<string, string | null> | null {
  if (!a?.line1 && !a?.city) return null;
  return {
    line1: a.line1 ?? null,
    line2: a.line2 ?? null,
    postalCode: a.postal_code ?? null,
    city: a.city ?? null,
    state: a.state ?? null,
    country: a.country ?? null,
  };
}

/** The buyer's name, billing (else shipping) address and first tax id as the payment collected them. */
export function buyerDetailsOf(payment: PaymentFacts): InvoiceBuyerDetails {
  const { customer, shipping } = payment;
  return {
    name: customer.businessName || customer.name || shipping?.name || null,
    address: stripeAddress(customer.address) ?? stripeAddress(shipping?.address),
    taxId: customer.taxId,
  };
}

// A JSON object without its empty fields (null or ''), in SQL: what an invoice's parties leave out.
const withoutEmpty = (object: RawBuilder<unknown>) =>
  sql`(select coalesce(jsonb_object_agg(key, value), '{}'::jsonb) from jsonb_each(${object})
    where value not in ('null'::jsonb, '""'::jsonb))`;

// An invoice's number until numberInvoice binds the real one, at the same transaction's commit. Random, so no text
// but what was written from this invoice contains it; letters and digits only, so no mail or page escapes it.
const PROVISIONAL = 'INV-PENDING-';

/** What the settlement knows of the invoice it issues: enough to name and link it, and to number it. */
export type DraftInvoice = Pick<Invoice, 'id' | 'accountId' | 'orderId' | 'number'>;

/**
 * Issues the order's invoice under a provisional number, with the transaction's commit (atCommitAsService): the
 * mails that name it are queued with that number, and `numberInvoice`, after it in the same round trip, gives it
 * the seller's next number, so a seller's concurrent payments wait on each other's counter row only while Postgres
 * runs those statements and the commit. The legal parties as of issue time are copied into it by the same
 * statement, so later renames don't rewrite issued documents: the seller's billing address and tax id (migration
 * 0106; a studio without a billing address shows its return address), and the buyer as the payment named them,
 * or the organization an order placed for one (credit bundles) names in its metadata. The returned `accessToken`
 * is the guest buyer's link secret, known only now. An order has one invoice: a second one fails the commit.
 */
export async function draftInvoice(
  db: DB,
  order: Order,
  items: OrderItem[],
  details: InvoiceBuyerDetails = {},
): Promise<{ invoice: DraftInvoice; accessToken: string }> {
  const accessToken = randomBytes(24).toString('base64url');
  const invoice: DraftInvoice = {
    id: randomUUID(),
    accountId: order.accountId,
    orderId: order.id,
    number: `${PROVISIONAL}${randomBytes(12).toString('hex')}`,
  };
  const lines: InvoiceLine[] = items.map((i) => ({
    name: i.name,
    quantity: i.quantity,
    unitAmount: i.unitAmount,
    lineTotal: i.lineTotal,
  }));
  const orgId = order.metadata.organization_id;
  const userId = order.buyerUserId;
  const seller = sql`jsonb_build_object('id', a.id, 'name', a.name, 'slug', a.slug,
    'address', coalesce(a.billing_address, s.return_address), 'taxId', a.tax_id)`;
  const buyer = sql`jsonb_build_object('email', ${order.buyerEmail}::text, 'userId', ${userId}::uuid,
    'name', coalesce(nullif(${details.name ?? null}::text, ''), (select u.name from users u where u.id = ${userId}::uuid)),
    'organizationId', org.id, 'organizationName', org.name,
    'address', case when org.id is null then ${details.address ? JSON.stringify(details.address) : null}::jsonb end,
    'taxId', ${details.taxId ?? null}::text)`;
  await atCommitAsService(
    db,
    sql`insert into invoices (id, account_id, order_id, number, seller, buyer, lines, subtotal, discount, shipping, tax,
        total, currency, receipt_url, access_token_hash)
      select ${invoice.id}::uuid, a.id, ${order.id}::uuid, ${invoice.number}::text, ${withoutEmpty(seller)},
        ${withoutEmpty(buyer)}, ${JSON.stringify(lines)}::jsonb, ${order.subtotal}::bigint, ${order.discount}::bigint,
        ${order.shipping}::bigint, ${order.tax}::bigint, ${order.total}::bigint, ${order.currency}::text,
        ${order.receiptUrl}::text, ${hashToken(accessToken)}::text
      from accounts a left join studio_settings s on s.account_id = a.id
        left join accounts org on org.id = ${typeof orgId === 'string' ? orgId : null}::uuid
      where a.id = ${order.accountId}::uuid
      on conflict (order_id) do nothing`,
  );
  return { invoice, accessToken };
}

/**
 * Gives a drafted invoice the seller's next sequential number, in the caller's transaction, and writes it into the
 * mails this transaction queued with the provisional one. One statement: the counter row it locks stays locked to
 * the commit, so the caller runs it last. Numbers are gapless (a rollback undoes the counter with the invoice) and
 * distinct per seller. An invoice that already has its number is returned as it is.
 */
export async function numberInvoice(db: DB, invoice: DraftInvoice): Promise<void> {
  if (!invoice.number.startsWith(PROVISIONAL)) return;
  const provisional = invoice.number;
  // Sent with the commit (atCommitAsService): the seller's counter is locked from this statement to the commit
  // inside Postgres only, so the seller's other payments wait for no round trip of ours. What this transaction
  // wrote with the provisional number gets the final one: the mails it queued (created_at at or after its start,
  // still queued: the index on (status, created_at) finds them among the few queued since) and the order's audit
  // rows, which nobody has seen before the commit. A provisional number that went missing fails the commit
  // (division by zero) rather than leave a gap.
  await atCommitAsService(
    db,
    sql`
    with counter as (
      insert into invoice_counters (account_id, last_number) values (${invoice.accountId}, 1)
      on conflict (account_id) do update set last_number = invoice_counters.last_number + 1
      returning 'INV-' || lpad(last_number::text, greatest(6, length(last_number::text)), '0') as number),
    numbered as (
      update invoices set number = (select number from counter) where id = ${invoice.id} and number = ${provisional}
      returning number),
    mails as (
      update mail_outbox set
        subject = replace(subject, ${provisional}, (select number from counter)),
        html = replace(html, ${provisional}, (select number from counter)),
        text = replace(text, ${provisional}, (select number from counter))
      where status = 'queued' and created_at >= now()
        and (strpos(subject, ${provisional}) > 0 or strpos(html, ${provisional}) > 0 or strpos(text, ${provisional}) > 0)),
    audited as (
      update audit_events set after = replace(after::text, ${provisional}, (select number from counter))::jsonb
      where entity_type = 'order' and entity_id = ${invoice.orderId} and created_at >= now()
        and strpos(after::text, ${provisional}) > 0)
    select 1 / (select count(*)::int from numbered) as numbered`,
  );
}

/**
 * The order facts an invoice document shows (paid date, tax mode, refunds), read in the caller's transaction.
 * When the order is not visible, tax mode falls back to the invoice's own arithmetic (inclusive tax adds nothing).
 */
export async function readInvoiceFacts(db: DB, inv: Invoice): Promise<InvoiceFacts> {
  const o = await db
    .selectFrom('orders')
    .select(['paid_at', 'tax_inclusive', 'amount_refunded', 'metadata'])
    .where('id', '=', inv.orderId)
    .executeTakeFirst();
  if (o) {
    const { discountLabel, shippingLabel } = checkoutLabels(o.metadata as Record<string, unknown>);
    return {
      paidAt: o.paid_at,
      taxInclusive: o.tax_inclusive,
      amountRefunded: Number(o.amount_refunded),
      discountLabel,
      shippingLabel,
    };
  }
  return {
    paidAt: null,
    taxInclusive: inv.tax > 0 && inv.total === inv.subtotal - inv.discount + inv.shipping,
    amountRefunded: 0,
  };
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
