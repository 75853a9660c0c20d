import { randomUUID } from 'node:crypto';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import type { SaleStatus } from './tables.ts';

// Test-only: writes orders, sales and refunds straight into the tables (as service role) with chosen dates and
// amounts, so metrics and exports can be asserted against exact, hand-computed figures.

/** Creates an artist account (with profile) owned by an existing user; returns the account id. */
export async function insertArtistAccount(db: DB, ownerUserId: string, slug: string, name: string) {
  return withService(db, async (tx) => {
    const a = await tx
      .insertInto('accounts')
      .values({ slug, name, kind: 'artist' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.insertInto('memberships').values({ account_id: a.id, user_id: ownerUserId, role: 'owner' }).execute();
    await tx.insertInto('artist_profiles').values({ account_id: a.id, country: 'DE' }).execute();
    return a.id;
  });
}

/** Inserts an artwork; returns its id. */
export async function insertArtwork(db: DB, accountId: string, title: string, currency = 'eur', price = 10_000) {
  return withService(db, async (tx) => {
    const w = await tx
      .insertInto('artworks')
      .values({ account_id: accountId, title, medium: 'painting', price_amount: price, currency, status: 'sold' })
      .returning('id')
      .executeTakeFirstOrThrow();
    return w.id;
  });
}

/** An artwork order as checkout leaves it: with a session id, paid or not, created at `at`. */
export async function insertOrder(
  db: DB,
  o: { accountId: string; currency: string; amount: number; at: string; paid: boolean; session?: boolean },
) {
  return withService(db, async (tx) => {
    const row = await tx
      .insertInto('orders')
      .values({
        account_id: o.accountId,
        buyer_email: 'buyer@example.com',
        offering_type: 'artwork',
        currency: o.currency,
        subtotal: o.amount,
        total: o.amount,
        status: o.paid ? 'paid' : 'expired',
        stripe_checkout_session_id: o.session === false ? null : `cs_test_${randomUUID()}`,
        paid_at: o.paid ? new Date(o.at) : null,
        created_at: new Date(o.at),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  });
}

/** A paid order plus its sale row; `fee` is the platform fee, the artist gets the rest. */
export async function insertSale(
  db: DB,
  s: {
    accountId: string;
    artworkId: string;
    currency: string;
    amount: number;
    fee: number;
    at: string;
    status?: SaleStatus;
    buyerEmail?: string;
    buyerName?: string | null;
    amountRefunded?: number;
    stripeFee?: number | null;
  },
) {
  const orderId = await insertOrder(db, { ...s, paid: true });
  return withService(db, async (tx) => {
    const row = await tx
      .insertInto('marketplace_sales')
      .values({
        order_id: orderId,
        account_id: s.accountId,
        artwork_id: s.artworkId,
        buyer_email: s.buyerEmail ?? 'buyer@example.com',
        buyer_name: s.buyerName ?? 'A Buyer',
        currency: s.currency,
        price_amount: s.amount,
        amount: s.amount,
        platform_fee: s.fee,
        artist_amount: s.amount - s.fee,
        fee_bps: 5000,
        stripe_fee: s.stripeFee === undefined ? 100 : s.stripeFee,
        status: s.status ?? 'paid',
        // Generated<Big> trips Kysely's insert typing; the driver takes the numeric string.
        amount_refunded: s.amountRefunded ?? 0,
        created_at: new Date(s.at),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  });
}

/** A refund row of a sale. */
export async function insertRefund(
  db: DB,
  r: { saleId: string; accountId: string; amount: number; fee: number; owed?: number; at: string; reason?: string },
) {
  return withService(db, (tx) =>
    tx
      .insertInto('marketplace_refunds')
      .values({
        sale_id: r.saleId,
        account_id: r.accountId,
        amount: r.amount,
        fee_refunded: r.fee,
        transfer_reversed: r.amount - r.fee,
        amount_owed: r.owed ?? 0,
        reason: r.reason ?? 'test refund',
        created_at: new Date(r.at),
      })
      .execute(),
  );
}
