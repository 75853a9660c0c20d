import { afterCursor, cappedCount, cursorAt, decodeCursor, keysetPage } from '../db/keyset.ts';
import type { DB } from '../db/types.ts';
import { type DisputeRow, disputeOutcome, isOpenDispute } from './disputes.ts';
import { orderRef } from './order-ref.ts';

/** Where a dispute is answered: the emulator's object page locally, else Stripe's Dashboard (test or live). */
export interface DashboardLinks {
  /** The Stripe emulator's base URL, when payments run against it (embedded or STRIPE_API_URL). */
  emulatorUrl?: string | null;
  /** A live secret key links to the live Dashboard; anything else to test mode. */
  secretKey?: string | null;
}

/** The Stripe Dashboard page for one dispute, where the seller (or the platform) submits evidence. */
export function disputeDashboardUrl(stripeDisputeId: string, links: DashboardLinks): string {
  const id = encodeURIComponent(stripeDisputeId);
  if (links.emulatorUrl) return `${links.emulatorUrl.replace(/\/$/, '')}/_emulator/objects/${id}`;
  const live = links.secretKey?.startsWith('sk_live_') || links.secretKey?.startsWith('rk_live_');
  return `https://dashboard.stripe.com/${live ? '' : 'test/'}disputes/${id}`;
}

/** A dispute as order pages and the admin list show it. */
export interface DisputeView {
  id: string;
  stripeDisputeId: string;
  status: string;
  outcome: 'open' | 'won' | 'lost';
  reason: string;
  amount: number;
  currency: string;
  /** What the lost dispute took back, beyond what was already refunded (never counted twice); 0 unless lost. */
  amountReturned: number;
  evidenceDueBy: Date | null;
  isChargeRefundable: boolean;
  platformLiable: boolean;
  dashboardUrl: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Maps a dispute row, given its order's total and refunded amount (for what a loss returned on top of refunds). */
export function toDisputeView(
  r: DisputeRow,
  order: { total: number; amountRefunded: number },
  links: DashboardLinks,
): DisputeView {
  const outcome = disputeOutcome(r.status);
  const amount = Number(r.amount);
  return {
    id: r.id,
    stripeDisputeId: r.stripe_dispute_id,
    status: r.status,
    outcome,
    reason: r.reason,
    amount,
    currency: r.currency.trim(),
    amountReturned: outcome === 'lost' ? Math.max(0, Math.min(amount, order.total - order.amountRefunded)) : 0,
    evidenceDueBy: r.evidence_due_by,
    isChargeRefundable: r.is_charge_refundable,
    platformLiable: r.platform_liable,
    dashboardUrl: disputeDashboardUrl(r.stripe_dispute_id, links),
    createdAt: r.stripe_created_at,
    updatedAt: r.updated_at,
  };
}

// The dispute an order shows: an open one first, else the newest (a charge is disputed at most once on Stripe).
function pick(a: DisputeRow, b: DisputeRow): DisputeRow {
  if (isOpenDispute(a.status) !== isOpenDispute(b.status)) return isOpenDispute(a.status) ? a : b;
  return a.stripe_created_at >= b.stripe_created_at ? a : b;
}

/**
 * Adds each order's `dispute` (null when none, or when the caller may not read it: RLS shows disputes to the
 * seller's sales readers and platform admins only). Runs in the caller's transaction.
 */
export async function withDisputes<T extends { id: string; total: number; amountRefunded: number }>(
  db: DB,
  orders: T[],
  links: DashboardLinks,
): Promise<Array<T & { dispute: DisputeView | null }>> {
  const ids = orders.map((o) => o.id);
  const rows = ids.length ? await db.selectFrom('disputes').selectAll().where('order_id', 'in', ids).execute() : [];
  const byOrder = new Map<string, DisputeRow>();
  for (const r of rows) {
    const seen = byOrder.get(r.order_id);
    byOrder.set(r.order_id, seen ? pick(seen, r) : r);
  }
  return orders.map((o) => {
    const r = byOrder.get(o.id);
    return { ...o, dispute: r ? toDisputeView(r, o, links) : null };
  });
}

/** A dispute in the platform admins' list, with its order and seller. */
export interface AdminDisputeRow extends DisputeView {
  orderId: string;
  orderRef: string;
  accountId: string;
  accountName: string;
  buyerEmail: string;
}

/** Every dispute, newest first, for platform admins (RLS shows others nothing); `status` filters open/won/lost. */
export async function listAllDisputes(
  db: DB,
  q: { outcome?: 'open' | 'won' | 'lost'; cursor?: string; limit: number },
  links: DashboardLinks,
): Promise<{
  data: AdminDisputeRow[];
  nextCursor: string | null;
  limit: number;
  total: number;
  totalCapped: boolean;
}> {
  const cursor = decodeCursor(q.cursor);
  let base = db
    .selectFrom('disputes as d')
    .innerJoin('orders as o', 'o.id', 'd.order_id')
    .innerJoin('accounts as a', 'a.id', 'd.account_id');
  if (q.outcome === 'lost') base = base.where('d.status', '=', 'lost');
  else if (q.outcome === 'won') base = base.where('d.status', 'in', ['won', 'warning_closed', 'prevented']);
  else if (q.outcome === 'open')
    base = base.where('d.status', 'not in', ['won', 'warning_closed', 'prevented', 'lost']);
  // Newest first on disputes_created_idx (stripe_created_at desc, id desc); the count stops at 1,000.
  const count = await cappedCount(db, base);
  const page = keysetPage(
    await (cursor ? base.where(afterCursor('d.stripe_created_at', 'd.id', cursor, 'desc')) : base)
      .selectAll('d')
      .select(['o.total', 'o.amount_refunded', 'o.buyer_email', 'a.name as account_name'])
      .select(cursorAt('d.stripe_created_at').as('cursor_at'))
      .orderBy('d.stripe_created_at', 'desc')
      .orderBy('d.id', 'desc')
      .limit(q.limit + 1)
      .execute(),
    q.limit,
  );
  const rows = page.rows;
  return {
    data: rows.map((r) => ({
      ...toDisputeView(r, { total: Number(r.total), amountRefunded: Number(r.amount_refunded) }, links),
      orderId: r.order_id,
      orderRef: orderRef(r.order_id),
      accountId: r.account_id,
      accountName: r.account_name,
      buyerEmail: r.buyer_email,
    })),
    nextCursor: page.nextCursor,
    limit: q.limit,
    ...count,
  };
}
