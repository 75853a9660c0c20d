import type { DB } from '../db/types.ts';
import { queueMail, queueMailToEach, renderEmail } from '../mail/index.ts';
import { type CommerceHooks, offeringOf } from '../modules.ts';
import { formatMoney } from '../money.ts';
import type { Invoice } from './invoices.ts';
import { orderRef } from './order-ref.ts';
import type { Order, OrderItem } from './orders.ts';

/** Queues the buyer's confirmation and the seller's sale notice in the payment's transaction. */
export async function queueOrderPaidMails(
  db: DB,
  hooks: CommerceHooks,
  order: Order,
  items: OrderItem[],
  invoice: Pick<Invoice, 'id' | 'number'>,
  // `paid`: what the offering's onPaid returned, for its own confirmation.
  links: { publicUrl: string; accessToken: string | null; paid?: unknown },
): Promise<void> {
  const rows: [string, string][] = items.map((i) => [
    `${i.quantity} × ${i.name}`,
    formatMoney(i.lineTotal, order.currency),
  ]);
  rows.push(['Total', formatMoney(order.total, order.currency)]);
  // Without a public URL (e.g. a CLI run with no PUBLIC_URL) the mails go out without links rather than not at all.
  const base = /^https?:\/\//.test(links.publicUrl) ? links.publicUrl.replace(/\/$/, '') : null;
  const invoiceUrl = `${base}/invoices/${invoice.id}${links.accessToken ? `?token=${links.accessToken}` : ''}`;
  const own = offeringOf(hooks, order.offeringType).buyerConfirmation;
  if (own) {
    await own(db, order, {
      invoiceNumber: invoice.number,
      invoiceUrl: base ? invoiceUrl : null,
      publicUrl: base,
      items,
      paid: links.paid,
    });
  } else {
    const buyer = renderEmail({
      preheader: `Order ${orderRef(order.id)} is confirmed`,
      heading: 'Thank you for your order',
      paragraphs: [`We received your payment. Your invoice number is ${invoice.number}.`],
      table: { rows },
      ...(base ? { button: { label: 'View invoice', url: invoiceUrl } } : {}),
    });
    await queueMail(db, {
      to: order.buyerEmail,
      subject: `Order confirmed – invoice ${invoice.number}`,
      ...buyer,
      template: 'orders.confirmation',
      accountId: order.accountId,
    });
  }
  const seller = renderEmail({
    heading: 'You made a sale',
    paragraphs: [`Order ${orderRef(order.id)} from ${order.buyerEmail} was paid.`],
    table: { rows },
    ...(base ? { button: { label: 'Open order', url: `${base}/app/orders/${order.id}` } } : {}),
  });
  // One message to each of the seller's owners and admins, read and queued in one statement.
  await queueMailToEach(
    db,
    db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select('users.email')
      .where('memberships.account_id', '=', order.accountId)
      .where('memberships.role', 'in', ['owner', 'admin']),
    {
      subject: `New order: ${formatMoney(order.total, order.currency)}`,
      ...seller,
      template: 'orders.seller_notification',
      accountId: order.accountId,
    },
  );
}
