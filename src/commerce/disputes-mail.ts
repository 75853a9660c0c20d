import type { Selectable } from 'kysely';
import type { Database, DB } from '../db/types.ts';
import { queueMail, renderEmail } from '../mail/index.ts';
import { formatMoney } from '../money.ts';
import { orderRef } from './order-ref.ts';
import type { Order } from './orders.ts';

type Row = Selectable<Database['disputes']>;

const DATE = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });

/** Stripe's reason codes as a seller reads them. */
export function disputeReasonLabel(reason: string): string {
  const labels: Record<string, string> = {
    fraudulent: 'Fraudulent (the cardholder did not authorise it)',
    product_not_received: 'Product not received',
    product_unacceptable: 'Product unacceptable',
    duplicate: 'Duplicate charge',
    subscription_canceled: 'Subscription cancelled',
    credit_not_processed: 'Credit not processed',
    unrecognized: 'Unrecognised charge',
    general: 'General inquiry',
  };
  return labels[reason] ?? reason.replaceAll('_', ' ');
}

// The seller's owners and admins (who sells the order: studio, artist or provider), and for a destination charge
// the platform's admins too, since the platform's Stripe balance bears the loss. Each address once.
async function recipients(tx: DB, order: Order, platformLiable: boolean) {
  const seller = await tx
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('users.email')
    .where('memberships.account_id', '=', order.accountId)
    .where('memberships.role', 'in', ['owner', 'admin'])
    .where('users.suspended_at', 'is', null)
    .orderBy('users.email')
    .execute();
  const admins = platformLiable
    ? await tx
        .selectFrom('users')
        .select('email')
        .where('is_platform_admin', '=', true)
        .where('suspended_at', 'is', null)
        .orderBy('email')
        .execute()
    : [];
  const sellers = new Set(seller.map((s) => s.email.toLowerCase()));
  return {
    seller: seller.map((s) => s.email),
    platform: admins.map((a) => a.email).filter((e) => !sellers.has(e.toLowerCase())),
  };
}

/**
 * Queues the mails of one dispute transition, in its transaction: `opened` (amount, reason, evidence due date) and
 * `closed` (won or lost), to the seller's admins and, for a marketplace destination charge, the platform's admins.
 */
export async function queueDisputeMails(
  tx: DB,
  order: Order,
  d: Row,
  transition: 'opened' | 'closed',
  ctx: { publicUrl: string },
): Promise<void> {
  const to = await recipients(tx, order, d.platform_liable);
  const currency = d.currency.trim();
  const amount = formatMoney(Number(d.amount), currency);
  const ref = orderRef(order.id);
  const base = /^https?:\/\//.test(ctx.publicUrl) ? ctx.publicUrl.replace(/\/$/, '') : null;
  const rows: [string, string][] = [
    ['Order', ref],
    ['Disputed amount', amount],
    ['Reason', disputeReasonLabel(d.reason)],
  ];
  const inquiry = d.status.startsWith('warning_');
  let subject: string;
  let heading: string;
  let paragraphs: string[];
  if (transition === 'opened') {
    const due = d.evidence_due_by ? DATE.format(d.evidence_due_by) : null;
    if (due) rows.push(['Evidence due by', due]);
    subject = `${inquiry ? 'Payment inquiry' : 'Payment disputed'}: order ${ref}, ${amount}`;
    heading = inquiry ? 'A cardholder questions a payment' : 'A payment was disputed';
    paragraphs = [
      `The buyer's bank ${inquiry ? 'opened an inquiry into' : 'disputed'} the payment for order ${ref} (${order.buyerEmail}).`,
      inquiry
        ? 'No money has moved yet. Answer with evidence to close the inquiry.'
        : `${amount} and the dispute fee were taken back from the payment until the dispute is decided.`,
      due
        ? `Submit your evidence in Stripe by ${due}; unanswered disputes are lost.`
        : 'Submit your evidence in Stripe; unanswered disputes are lost.',
    ];
    if (!d.is_charge_refundable) paragraphs.push('The payment cannot be refunded while the dispute is open.');
  } else {
    const lost = d.status === 'lost';
    subject = `Dispute ${lost ? 'lost' : 'won'}: order ${ref}, ${amount}`;
    heading = lost ? 'A dispute was lost' : 'A dispute was won';
    rows.push(['Outcome', lost ? 'Lost' : 'Won']);
    paragraphs = [
      lost
        ? `The dispute over order ${ref} was decided for the cardholder: ${amount} is returned to them and counts as money returned on the order.`
        : `The dispute over order ${ref} was decided in your favour${inquiry ? '' : `: ${amount} is reinstated`}.`,
    ];
  }
  // A destination charge's loss falls on the platform, which takes the seller's share back from the transfer.
  const recovered = d.status === 'lost' && d.platform_liable;
  const sellerParagraphs = recovered
    ? [...paragraphs, 'Your share of this sale is taken back from your Stripe balance, as for a refund.']
    : paragraphs;
  const button = base ? { button: { label: 'Open order', url: `${base}/app/orders/${order.id}` } } : {};
  const forSeller = renderEmail({
    preheader: subject,
    heading,
    paragraphs: sellerParagraphs,
    table: { rows },
    ...button,
  });
  for (const email of to.seller) {
    await queueMail(tx, {
      to: email,
      subject,
      ...forSeller,
      template: `orders.dispute_${transition}`,
      accountId: order.accountId,
    });
  }
  if (!to.platform.length) return;
  const forPlatform = renderEmail({
    preheader: subject,
    heading,
    paragraphs: [
      ...paragraphs,
      recovered
        ? 'This is a marketplace destination charge: the chargeback was taken from the platform account, and the artist’s share is being reversed from their transfer; the platform fee and the dispute fee stay with the platform.'
        : 'This is a marketplace destination charge: the platform account bears the loss, not the artist.',
    ],
    table: { rows },
    ...button,
  });
  for (const email of to.platform) {
    await queueMail(tx, {
      to: email,
      subject: `[Platform] ${subject}`,
      ...forPlatform,
      template: `orders.dispute_${transition}_platform`,
      accountId: order.accountId,
    });
  }
}
