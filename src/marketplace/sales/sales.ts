import type { Selectable } from 'kysely';
import type Stripe from 'stripe';
import { type Actor, recordAudit } from '../../audit/index.ts';
import { agentPlatformNames, type Order, type OrderChannel, type PaymentFacts } from '../../commerce/index.ts';
import { afterCursor, cappedCount, cursorAt, decodeCursor, keysetPage } from '../../db/keyset.ts';
import { iso } from '../../db/sql.ts';
import type { Database, DB } from '../../db/types.ts';
import { notFound } from '../../errors.ts';
import { enqueueJob } from '../../jobs/index.ts';
import { imageUrls } from '../artworks/artworks.ts';

/** Job that refunds the losing payment of an original after the payment's transaction committed. */
export const duplicateRefundJob = 'marketplace.refund_duplicate';
/** Job that fills in a sale's Stripe fee when the balance transaction couldn't be read at payment time. */
export const stripeFeeJob = 'marketplace.stripe_fee';

const idOf = (v: string | { id: string } | null | undefined) => (typeof v === 'string' ? v : (v?.id ?? null));

type SaleRow = Selectable<Database['marketplace_sales']>;

/** The Stripe processing fee of a charge read with its balance transaction expanded; null when not there. */
export function expandedStripeFee(charge: Stripe.Charge | null): number | null {
  const bt = charge?.balance_transaction;
  return bt && typeof bt === 'object' ? bt.fee : null;
}

/** The Stripe processing fee of a charge, from its balance transaction; null when Stripe can't say yet. */
export async function stripeFeeOf(stripe: Stripe, charge: Stripe.Charge | null): Promise<number | null> {
  const bt = charge?.balance_transaction;
  if (!bt) return null;
  if (typeof bt === 'object') return bt.fee;
  try {
    return (await stripe.balanceTransactions.retrieve(bt)).fee;
  } catch {
    return null;
  }
}

function shippingAddress(payment: PaymentFacts): Record<string, string | null> | null {
  const s = payment.shipping;
  if (!s) return null;
  const a = s.address;
  return {
    name: s.name ?? null,
    line1: a?.line1 ?? null,
    line2: a?.line2 ?? null,
    city: a?.city ?? null,
    state: a?.state ?? null,
    postalCode: a?.postal_code ?? null,
    country: a?.country ?? null,
  };
}

/**
 * Records the sale of a paid artwork order; runs in the payment's transaction with the artwork row locked. The
 * first payment takes the work. A later one for an already sold original (or a sold-out edition) is kept as a
 * `duplicate_refunded` sale and refunded by a job queued in this same transaction, so a crash can't lose it.
 */
export async function recordArtworkSale(db: DB, order: Order, payment: PaymentFacts, actor: Actor): Promise<void> {
  const artworkId = String(order.metadata.artwork_id);
  const w = await db.selectFrom('artworks').selectAll().where('id', '=', artworkId).forUpdate().executeTakeFirst();
  if (!w) throw notFound('Artwork', { artworkId });
  const duplicate =
    w.edition_type === 'original' ? w.status === 'sold' : w.edition_size != null && w.editions_sold >= w.edition_size;
  if (!duplicate) {
    const sold = w.edition_type === 'original' || (w.edition_size ?? 0) <= w.editions_sold + 1;
    await db
      .updateTable('artworks')
      .set({
        editions_sold: w.editions_sold + 1,
        ...(sold ? { status: 'sold' as const } : {}),
        reserved_order_id: null,
        reserved_until: null,
        updated_at: order.paidAt ?? new Date(order.updatedAt),
      })
      .where('id', '=', w.id)
      .execute();
  }
  const { charge } = payment;
  const platformFee = Number(order.metadata.platform_fee);
  // Read with the payment before this transaction opened; when Stripe had no fee yet, the fee job fills it in.
  const stripeFee = expandedStripeFee(charge);
  const sale = await db
    .insertInto('marketplace_sales')
    .values({
      order_id: order.id,
      account_id: order.accountId,
      artwork_id: w.id,
      buyer_user_id: order.buyerUserId,
      buyer_email: order.buyerEmail,
      buyer_name: payment.customer.name,
      currency: order.currency,
      price_amount: order.subtotal,
      shipping_amount: order.shipping,
      amount: order.total,
      platform_fee: platformFee,
      artist_amount: order.total - platformFee,
      fee_bps: Number(order.metadata.fee_bps),
      stripe_fee: stripeFee,
      status: duplicate ? 'duplicate_refunded' : 'paid',
      stripe_payment_intent_id: order.stripePaymentIntentId,
      stripe_charge_id: charge?.id ?? order.stripeChargeId,
      stripe_transfer_id: idOf(charge?.transfer as string | { id: string } | null),
      shipping_address: (() => {
        const a = shippingAddress(payment);
        return a ? JSON.stringify(a) : null;
      })(),
    })
    .onConflict((oc) => oc.column('order_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!sale) return;
  if (stripeFee == null)
    await enqueueJob(db, stripeFeeJob, { saleId: sale.id }, { uniqueKey: `stripe-fee:${sale.id}` });
  if (duplicate) {
    await enqueueJob(
      db,
      duplicateRefundJob,
      { orderId: order.id },
      { uniqueKey: `dup-refund:${order.id}`, maxAttempts: 20 },
    );
  }
  await recordAudit(db, actor, {
    accountId: order.accountId,
    action: duplicate ? 'sale.duplicate' : 'sale.recorded',
    entityType: 'marketplace_sale',
    entityId: sale.id,
    after: { orderId: order.id, artworkId: w.id, amount: order.total, platformFee },
  });
}

/** One refund of a sale with its split between the platform and the artist. */
export interface SaleRefund {
  id: string;
  amount: number;
  feeRefunded: number;
  transferReversed: number;
  amountOwed: number;
  reason: string | null;
  createdAt: string;
}

function toSale(
  r: SaleRow & {
    title: string;
    artist_name: string;
    artist_slug: string;
    image_id: string | null;
    channel: string;
    agent_platform_id: string | null;
  },
  platformNames: Map<string, string>,
) {
  return {
    id: r.id,
    orderId: r.order_id,
    accountId: r.account_id,
    channel: r.channel as OrderChannel,
    agentPlatformName: r.agent_platform_id ? (platformNames.get(r.agent_platform_id) ?? null) : null,
    artwork: { id: r.artwork_id, title: r.title, thumbUrl: r.image_id ? imageUrls(r.image_id).thumbUrl : null },
    artist: { name: r.artist_name, slug: r.artist_slug },
    buyerEmail: r.buyer_email,
    buyerName: r.buyer_name,
    currency: r.currency.trim(),
    priceAmount: Number(r.price_amount),
    shippingAmount: Number(r.shipping_amount),
    amount: Number(r.amount),
    platformFee: Number(r.platform_fee),
    artistAmount: Number(r.artist_amount),
    feeBps: r.fee_bps,
    stripeFee: r.stripe_fee == null ? null : Number(r.stripe_fee),
    status: r.status,
    amountRefunded: Number(r.amount_refunded),
    stripeTransferId: r.stripe_transfer_id,
    carrier: r.carrier,
    trackingNumber: r.tracking_number,
    trackingUrl: r.tracking_url,
    shippingAddress: r.shipping_address,
    shippedAt: iso(r.shipped_at),
    deliveredAt: iso(r.delivered_at),
    returnWindowEndsAt: iso(r.return_window_ends_at),
    certificateNumber: r.certificate_number,
    createdAt: iso(r.created_at),
  };
}

/** A sale as the API returns it. */
export type SaleView = ReturnType<typeof toSale>;

function saleQuery(db: DB) {
  return db
    .selectFrom('marketplace_sales as s')
    .innerJoin('artworks as w', 'w.id', 's.artwork_id')
    .innerJoin('accounts as acc', 'acc.id', 's.account_id')
    .innerJoin('orders as o', 'o.id', 's.order_id')
    .selectAll('s')
    .select((eb) => [
      'o.channel',
      'o.agent_platform_id',
      'w.title',
      'acc.name as artist_name',
      'acc.slug as artist_slug',
      eb
        .selectFrom('artwork_images as i')
        .select('i.id')
        .whereRef('i.artwork_id', '=', 'w.id')
        .orderBy('i.is_primary', 'desc')
        .orderBy('i.position')
        .limit(1)
        .as('image_id'),
    ]);
}

/** One sale with its refunds, as the caller may see it (RLS: the artist's members and platform admins), or 404. */
export async function getSale(
  db: DB,
  saleId: string,
): Promise<SaleView & { refunds: SaleRefund[]; amountOwed: number }> {
  const row = await saleQuery(db).where('s.id', '=', saleId).executeTakeFirst();
  if (!row) throw notFound('Sale');
  const refunds = await db
    .selectFrom('marketplace_refunds')
    .selectAll()
    .where('sale_id', '=', saleId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const list = refunds.map((f) => ({
    id: f.id,
    amount: Number(f.amount),
    feeRefunded: Number(f.fee_refunded),
    transferReversed: Number(f.transfer_reversed),
    amountOwed: Number(f.amount_owed),
    reason: f.reason,
    createdAt: iso(f.created_at),
  }));
  const names = await agentPlatformNames(db, [row.agent_platform_id]);
  return { ...toSale(row, names), refunds: list, amountOwed: list.reduce((a, f) => a + f.amountOwed, 0) };
}

/** An artist account's sales, newest first, a keyset page at a time (RLS limits rows to members and admins). */
export async function listAccountSales(db: DB, accountId: string, q: { cursor?: string; limit: number }) {
  const cursor = decodeCursor(q.cursor);
  let page = saleQuery(db).where('s.account_id', '=', accountId);
  if (cursor) page = page.where(afterCursor('s.created_at', 's.id', cursor, 'desc'));
  const found = await page
    .select(cursorAt('s.created_at').as('cursor_at'))
    .orderBy('s.created_at', 'desc')
    .orderBy('s.id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const { rows, nextCursor } = keysetPage(found, q.limit);
  const count = await cappedCount(db, db.selectFrom('marketplace_sales').where('account_id', '=', accountId));
  const names = await agentPlatformNames(
    db,
    rows.map((r) => r.agent_platform_id),
  );
  return { data: rows.map((r) => toSale(r, names)), nextCursor, limit: q.limit, ...count };
}
