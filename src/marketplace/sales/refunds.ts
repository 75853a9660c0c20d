import type Stripe from 'stripe';
import { type Actor, recordAudit } from '../../audit/index.ts';
import type { Clock } from '../../clock.ts';
import type { Order } from '../../commerce/index.ts';
import {
  applyOrderRefunds,
  fetchChargeRefunds,
  getOrder,
  type RefundActor,
  refundOrder,
} from '../../commerce/index.ts';
import { withService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { AppError, notFound } from '../../errors.ts';
import type { JobHandler } from '../../jobs/index.ts';
import { queueMail, renderEmail } from '../../mail/index.ts';
import type { CommerceHooks } from '../../modules.ts';
import { formatMoney } from '../../money.ts';
import { duplicateRefundJob, stripeFeeJob, stripeFeeOf } from './sales.ts';

/** The sale jobs (duplicate refunds, Stripe-fee look-ups), built with the app's Stripe client and hooks. */
export function saleJobs(stripe: Stripe, hooks: CommerceHooks): Record<string, JobHandler> {
  return {
    [duplicateRefundJob]: (payload: { orderId: string }, ctx) =>
      refundDuplicateSale(ctx.db, stripe, hooks, payload.orderId),
    [stripeFeeJob]: (payload: { saleId: string }, ctx) => fillStripeFee(ctx.db, stripe, payload.saleId),
  };
}

/** Reads a sale's Stripe fee from its charge's balance transaction and stores it once known (throws to retry). */
export async function fillStripeFee(db: DB, stripe: Stripe, saleId: string): Promise<void> {
  const sale = await withService(db, (tx) =>
    tx
      .selectFrom('marketplace_sales')
      .select(['stripe_charge_id', 'stripe_fee'])
      .where('id', '=', saleId)
      .executeTakeFirst(),
  );
  if (!sale || sale.stripe_fee != null || !sale.stripe_charge_id) return;
  const fee = await stripeFeeOf(stripe, await stripe.charges.retrieve(sale.stripe_charge_id));
  if (fee == null) throw new Error(`the Stripe fee of sale ${saleId} is not known yet`);
  await withService(db, (tx) =>
    tx
      .updateTable('marketplace_sales')
      .set({ stripe_fee: fee })
      .where('id', '=', saleId)
      .where('stripe_fee', 'is', null)
      .execute(),
  );
}

/** The platform fee's share of `refunded` (of `amount`), rounded half up; the last refund makes it exact. */
export function feeShare(fee: number, amount: number, refunded: number): number {
  if (refunded >= amount) return fee;
  if (amount <= 0) return 0;
  // BigInt keeps fee × refunded exact beyond 2^53.
  return Number((BigInt(fee) * BigInt(refunded) * 2n + BigInt(amount)) / (2n * BigInt(amount)));
}

// What the destination account holds in `currency` (available and pending), from a balance read before the
// refund's transaction opened; null when unknown.
export function connectedBalance(balance: Stripe.Balance | null, currency: string): number | null {
  if (!balance) return null;
  const sum = (list: Array<{ amount: number; currency: string }>) =>
    list.filter((x) => x.currency === currency).reduce((a, x) => a + x.amount, 0);
  return sum(balance.available) + sum(balance.pending);
}

/**
 * Appends the split of a newly refunded amount (commerce's `onRefunded`): the platform gives back its fee in
 * proportion, the artist the rest through the transfer reversal. Whatever the artist's Stripe balance can't cover
 * after the reversal is recorded as owed. A full refund puts the work back on sale.
 */
export async function recordSaleRefund(
  db: DB,
  order: Order,
  delta: number,
  destinationBalance: Stripe.Balance | null,
  clock: Clock,
): Promise<void> {
  const sale = await db
    .selectFrom('marketplace_sales')
    .selectAll()
    .where('order_id', '=', order.id)
    .forUpdate()
    .executeTakeFirst();
  if (!sale || delta <= 0) return;
  const amount = Number(sale.amount);
  const before = Number(sale.amount_refunded);
  const after = Math.min(amount, before + delta);
  const part = after - before;
  if (part <= 0) return;
  const fee = Number(sale.platform_fee);
  const feeRefunded = feeShare(fee, amount, after) - feeShare(fee, amount, before);
  const transferReversed = part - feeRefunded;
  const balance = order.destinationAccount ? connectedBalance(destinationBalance, sale.currency.trim()) : null;
  const owed = balance == null ? 0 : Math.min(transferReversed, Math.max(0, -balance));
  // The commerce refund row that caused this (ours or mirrored from Stripe), for its reason and author.
  const source = await db
    .selectFrom('refunds as r')
    .select(['r.stripe_refund_id', 'r.reason', 'r.requested_by'])
    .where('r.order_id', '=', order.id)
    .where('r.stripe_refund_id', 'is not', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('marketplace_refunds as m')
            .select('m.id')
            .whereRef('m.stripe_refund_id', '=', 'r.stripe_refund_id'),
        ),
      ),
    )
    .orderBy('r.seq', 'desc')
    .executeTakeFirst();
  await db
    .insertInto('marketplace_refunds')
    .values({
      sale_id: sale.id,
      account_id: sale.account_id,
      amount: part,
      fee_refunded: feeRefunded,
      transfer_reversed: transferReversed,
      amount_owed: owed,
      reason: source?.reason ?? null,
      stripe_refund_id: source?.stripe_refund_id ?? null,
      created_by: source?.requested_by ?? null,
    })
    .execute();
  const full = after >= amount;
  const status =
    sale.status === 'duplicate_refunded' ? sale.status : full ? ('refunded' as const) : ('partially_refunded' as const);
  const now = clock.now();
  await db
    .updateTable('marketplace_sales')
    .set({ amount_refunded: after, status, updated_at: now })
    .where('id', '=', sale.id)
    .execute();
  if (full && sale.status !== 'duplicate_refunded') {
    // The work comes back: an original is for sale again, an edition gets its copy back.
    const w = await db
      .selectFrom('artworks')
      .select(['edition_type', 'editions_sold', 'status'])
      .where('id', '=', sale.artwork_id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    await db
      .updateTable('artworks')
      .set({
        editions_sold: Math.max(0, w.editions_sold - 1),
        ...(w.status === 'sold' ? { status: 'published' as const } : {}),
        updated_at: now,
      })
      .where('id', '=', sale.artwork_id)
      .execute();
  }
  await recordAudit(
    db,
    { kind: 'system', userId: source?.requested_by ?? null },
    {
      accountId: sale.account_id,
      action: 'sale.refunded',
      entityType: 'marketplace_sale',
      entityId: sale.id,
      before: { status: sale.status, amountRefunded: before },
      after: { status, amountRefunded: after, feeRefunded, transferReversed, amountOwed: owed },
    },
  );
}

/** Refunds part or all of a sale through commerce (reverse transfer + refund the fee); returns the sale's order. */
export async function refundSale(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  saleId: string,
  input: { amount?: number; reason: string },
  actor: RefundActor,
): Promise<{ orderId: string }> {
  const sale = await withService(db, (tx) =>
    tx.selectFrom('marketplace_sales').select(['order_id', 'status']).where('id', '=', saleId).executeTakeFirst(),
  );
  if (!sale) throw notFound('Sale');
  if (sale.status === 'duplicate_refunded' || sale.status === 'refunded') {
    throw new AppError('invalid_state', 'This sale has already been refunded', { status: sale.status });
  }
  await refundOrder(db, stripe, hooks, sale.order_id, input, actor);
  return { orderId: sale.order_id };
}

/**
 * Refunds the losing payment for an original in full, under a key derived from the order so retries replay the
 * same refund, then mirrors it (which appends the split) and tells the buyer, once.
 */
export async function refundDuplicateSale(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  orderId: string,
): Promise<void> {
  const order = await withService(db, (tx) => getOrder(tx, orderId));
  if (!order.stripePaymentIntentId) throw new Error(`order ${orderId} has no payment to refund`);
  await stripe.refunds.create(
    {
      payment_intent: order.stripePaymentIntentId,
      reason: 'duplicate',
      metadata: { order_id: order.id, reason: 'duplicate_sale' },
      ...(order.destinationAccount ? { reverse_transfer: true, refund_application_fee: true } : {}),
    },
    { idempotencyKey: `refund-duplicate:${order.id}` },
  );
  const actor: Actor = { kind: 'job:marketplace' };
  // Read Stripe first, then apply and tell the buyer in one short transaction; a retry of the job re-reads.
  const fetched = await fetchChargeRefunds(stripe, order);
  await withService(db, async (tx) => {
    await applyOrderRefunds(tx, hooks, order.id, fetched, actor);
    const told = await tx
      .selectFrom('audit_events')
      .select('id')
      .where('entity_id', '=', order.id)
      .where('action', '=', 'sale.duplicate_buyer_told')
      .executeTakeFirst();
    if (told) return;
    const title = await tx
      .selectFrom('order_items')
      .select('name')
      .where('order_id', '=', order.id)
      .orderBy('position')
      .executeTakeFirst();
    const work = await tx
      .selectFrom('artworks')
      .select('edition_type')
      .where('id', '=', String(order.metadata.artwork_id))
      .executeTakeFirst();
    const mail = renderEmail({
      preheader: 'Your payment has been refunded in full',
      heading: 'This artwork sold a moment earlier',
      paragraphs: [
        `Another collector completed their purchase of ${title?.name ?? 'this artwork'} just before you did. ${
          work?.edition_type === 'edition'
            ? 'That was the last copy of the edition.'
            : 'It is an original, so there is only one.'
        }`,
        `We have refunded your payment of ${formatMoney(order.total, order.currency)} in full. Depending on your bank it can take 5–10 days to appear.`,
      ],
    });
    await queueMail(tx, {
      to: order.buyerEmail,
      subject: 'Sorry – this artwork was already sold; you have been refunded',
      ...mail,
      template: 'marketplace.duplicate_refunded',
      accountId: order.accountId,
    });
    await recordAudit(tx, actor, {
      accountId: order.accountId,
      action: 'sale.duplicate_buyer_told',
      entityType: 'order',
      entityId: order.id,
    });
  });
}
