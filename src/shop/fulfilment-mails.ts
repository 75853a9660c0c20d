import type { Order } from '../commerce/index.ts';
import { orderRef } from '../commerce/index.ts';
import type { DB } from '../db/types.ts';
import { queueMail, renderEmail } from '../mail/index.ts';
import { formatMoney } from '../money.ts';
import { addressLines, cropNote, type PrintLine } from './print-lines.ts';

/** Links in the mails: the gallery the buyer ordered from, when we know the public URL. */
export interface MailLinks {
  galleryUrl: string | null;
  /** The invoice the core issued for the order; its page link is null without a public URL. */
  invoice?: { number: string; url: string | null };
}

async function studioName(db: DB, accountId: string): Promise<string> {
  const a = await db.selectFrom('accounts').select('name').where('id', '=', accountId).executeTakeFirst();
  return a?.name ?? FALLBACK_STUDIO;
}

const FALLBACK_STUDIO = 'Your photographer';

/**
 * Queues the buyer's print order confirmation: every photo with product, options, crop, quantity and price.
 * `studio` is the studio's name when the caller read it already (null: the account is gone).
 */
export async function queuePrintConfirmation(
  db: DB,
  order: Order,
  lines: PrintLine[],
  ship: { address: Record<string, string | null> | null; name: string | null },
  links: MailLinks,
  studioKnown?: string | null,
): Promise<void> {
  const money = (n: number) => formatMoney(n, order.currency);
  const rows: [string, string][] = lines.map((l) => [
    `${l.quantity} × ${l.productName ?? l.name} — ${l.filename ?? 'photo'}`,
    money(l.lineTotal),
  ]);
  rows.push(['Subtotal', money(order.subtotal)]);
  // Names of what Stripe Checkout settled (decision 030): the buyer's promotion code and chosen shipping rate.
  const label = (base: string, key: string) =>
    typeof order.metadata[key] === 'string' ? `${base} (${order.metadata[key]})` : base;
  if (order.discount) rows.push([label('Discount', 'promotion_code'), `−${money(order.discount)}`]);
  rows.push([label('Shipping', 'shipping_rate_name'), money(order.shipping)]);
  if (order.tax) rows.push([order.taxInclusive ? 'Included tax' : 'Tax', money(order.tax)]);
  rows.push(['Total', money(order.total)]);
  const details = lines.map((l) => {
    const parts = [
      `${l.filename ?? 'Photo'}: ${l.quantity} × ${l.productName ?? l.name}`,
      l.options.length ? `options ${l.options.join(', ')}` : null,
      cropNote(l.crop),
      `${money(l.unitAmount)} each`,
    ];
    return parts.filter(Boolean).join(' · ');
  });
  const address = addressLines(ship.address, ship.name);
  const studio = studioKnown !== undefined ? (studioKnown ?? FALLBACK_STUDIO) : await studioName(db, order.accountId);
  const mail = renderEmail({
    preheader: `Your prints from ${studio} are ordered`,
    heading: 'Your print order is confirmed',
    paragraphs: [
      `Thank you! ${studio} received your order ${orderRef(order.id)} and will prepare these prints:`,
      ...details,
      address.length ? `Shipping to: ${address.join(', ')}` : 'We will contact you about delivery.',
      'We will email you the tracking number as soon as it ships.',
      ...(links.invoice
        ? [`Your invoice number is ${links.invoice.number}${links.invoice.url ? `: ${links.invoice.url}` : '.'}`]
        : []),
    ],
    table: { rows },
    ...(links.galleryUrl ? { button: { label: 'Back to your gallery', url: links.galleryUrl } } : {}),
  });
  await queueMail(db, {
    to: order.buyerEmail,
    subject: `Your print order from ${studio} – ${orderRef(order.id)}`,
    ...mail,
    template: 'shop.order_confirmation',
    accountId: order.accountId,
  });
}

/** Queues the "your prints shipped" mail with carrier and tracking number (and link when the carrier has one). */
export async function queueTrackingMail(
  db: DB,
  order: Order,
  tracking: { carrier: string; trackingNumber: string; trackingUrl: string | null },
): Promise<void> {
  const studio = await studioName(db, order.accountId);
  const mail = renderEmail({
    preheader: `Tracking number ${tracking.trackingNumber}`,
    heading: 'Your prints are on their way',
    paragraphs: [`${studio} shipped your order ${orderRef(order.id)}.`],
    table: {
      rows: [
        ['Carrier', tracking.carrier],
        ['Tracking number', tracking.trackingNumber],
      ],
    },
    ...(tracking.trackingUrl ? { button: { label: 'Track your parcel', url: tracking.trackingUrl } } : {}),
  });
  await queueMail(db, {
    to: order.buyerEmail,
    subject: `Your prints have shipped – ${tracking.carrier} ${tracking.trackingNumber}`,
    ...mail,
    template: 'shop.order_shipped',
    accountId: order.accountId,
  });
}

/** Queues the buyer's notice that the studio cancelled the order, with what was refunded. */
export async function queueCancellationMail(db: DB, order: Order, reason: string | null): Promise<void> {
  const studio = await studioName(db, order.accountId);
  const refunded = order.amountRefunded
    ? `${formatMoney(order.amountRefunded, order.currency)} has been refunded to your card; it can take 5–10 days to appear.`
    : 'Nothing was charged for it.';
  const mail = renderEmail({
    heading: 'Your print order was cancelled',
    paragraphs: [
      `${studio} cancelled your order ${orderRef(order.id)}.`,
      ...(reason ? [`Reason: ${reason}`] : []),
      refunded,
    ],
  });
  await queueMail(db, {
    to: order.buyerEmail,
    subject: `Your print order ${orderRef(order.id)} was cancelled`,
    ...mail,
    template: 'shop.order_cancelled',
    accountId: order.accountId,
  });
}

/** Queues the buyer's notice of a partial refund. */
export async function queueRefundMail(db: DB, order: Order, amount: number): Promise<void> {
  const studio = await studioName(db, order.accountId);
  const mail = renderEmail({
    heading: 'You have been refunded',
    paragraphs: [
      `${studio} refunded ${formatMoney(amount, order.currency)} of your order ${orderRef(order.id)}.`,
      'It can take 5–10 days to appear on your statement.',
    ],
  });
  await queueMail(db, {
    to: order.buyerEmail,
    subject: `Refund of ${formatMoney(amount, order.currency)} for your print order`,
    ...mail,
    template: 'shop.order_refunded',
    accountId: order.accountId,
  });
}
