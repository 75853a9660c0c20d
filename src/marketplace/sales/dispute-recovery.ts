import { sql } from 'kysely';
import type Stripe from 'stripe';
import { recordAudit } from '../../audit/index.ts';
import type { Clock } from '../../clock.ts';
import type { OrderListener } from '../../commerce/index.ts';
import { withService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { enqueueJob } from '../../jobs/index.ts';
import { connectedBalance, feeShare } from './refunds.ts';

/** Job that reverses the artist's share of a sale lost to a dispute, after the closing's transaction committed. */
export const disputeRecoveryJob = 'marketplace.dispute_recovery';

/**
 * The order listener that answers a lost dispute on a marketplace sale. Stripe debited the platform for the
 * chargeback (a destination charge is the platform's), so the artist's share goes back as a full refund would
 * take it: the transfer is reversed by the disputed amount less the platform fee's share of it, never by more
 * than refunds have left on the artist's side. The intent row and its job are written here; the job calls Stripe.
 */
export function recoverLostDisputes(): OrderListener {
  return async (tx, order, change) => {
    if (change.kind !== 'dispute_closed' || change.dispute.status !== 'lost' || !order.destinationAccount) return;
    const sale = await tx
      .selectFrom('marketplace_sales')
      .select(['id', 'account_id', 'amount', 'platform_fee', 'artist_amount', 'currency'])
      .where('order_id', '=', order.id)
      .forUpdate()
      .executeTakeFirst();
    if (!sale) return;
    const { reversed } = await tx
      .selectFrom('marketplace_refunds')
      .select(sql<string>`coalesce(sum(transfer_reversed), 0)`.as('reversed'))
      .where('sale_id', '=', sale.id)
      .executeTakeFirstOrThrow();
    const disputed = Math.min(change.dispute.amount, Number(sale.amount));
    const share = disputed - feeShare(Number(sale.platform_fee), Number(sale.amount), disputed);
    const amount = Math.min(share, Number(sale.artist_amount) - Number(reversed));
    if (amount <= 0) return;
    const inserted = await tx
      .insertInto('marketplace_dispute_recoveries')
      .values({
        dispute_id: change.dispute.id,
        sale_id: sale.id,
        account_id: sale.account_id,
        amount,
        currency: sale.currency.trim(),
      })
      .onConflict((oc) => oc.column('dispute_id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return;
    await enqueueJob(
      tx,
      disputeRecoveryJob,
      { recoveryId: inserted.id },
      { uniqueKey: `dispute-recovery:${inserted.id}`, maxAttempts: 20 },
    );
    await recordAudit(
      tx,
      { kind: 'system' },
      {
        accountId: sale.account_id,
        action: 'sale.dispute_recovery_requested',
        entityType: 'marketplace_sale',
        entityId: sale.id,
        after: { dispute: change.dispute.stripeDisputeId, amount, currency: sale.currency.trim() },
      },
    );
  };
}

/**
 * Reverses the transfer for one recovery row and records it. Stripe is called outside any transaction with a key
 * derived from the row, so a crash after the call replays the same reversal; what the artist's balance could not
 * cover (it was paid out already) is recorded as owed, as Stripe takes it from their next funds.
 */
export async function runDisputeRecovery(db: DB, stripe: Stripe, clock: Clock, recoveryId: string): Promise<void> {
  const row = await withService(db, (tx) =>
    tx
      .selectFrom('marketplace_dispute_recoveries as r')
      .innerJoin('marketplace_sales as s', 's.id', 'r.sale_id')
      .innerJoin('orders as o', 'o.id', 's.order_id')
      .innerJoin('disputes as d', 'd.id', 'r.dispute_id')
      .select([
        'r.id',
        'r.status',
        'r.amount',
        'r.currency',
        'r.sale_id',
        'r.account_id',
        's.order_id',
        's.stripe_transfer_id',
        's.stripe_charge_id',
        'o.destination_account',
        'd.stripe_dispute_id',
      ])
      .where('r.id', '=', recoveryId)
      .executeTakeFirst(),
  );
  if (row?.status !== 'pending') return;
  let transferId = row.stripe_transfer_id;
  if (!transferId && row.stripe_charge_id) {
    const charge = await stripe.charges.retrieve(row.stripe_charge_id);
    transferId = typeof charge.transfer === 'string' ? charge.transfer : (charge.transfer?.id ?? null);
  }
  if (!transferId) throw new Error(`sale ${row.sale_id} has no transfer to reverse yet`);
  const currency = row.currency.trim();
  const amount = Number(row.amount);
  // Read before the reversal: what the balance holds decides how much of it the artist ends up owing.
  const balance = row.destination_account
    ? await stripe.balance.retrieve({}, { stripeAccount: row.destination_account })
    : null;
  const held = connectedBalance(balance, currency) ?? amount;
  const reversal = await stripe.transfers.createReversal(
    transferId,
    {
      amount,
      description: `Dispute ${row.stripe_dispute_id} lost`,
      metadata: { order_id: row.order_id, dispute: row.stripe_dispute_id },
    },
    { idempotencyKey: `gallerist:dispute-recovery:${row.id}` },
  );
  const owed = Math.min(amount, Math.max(0, amount - Math.max(0, held)));
  await withService(db, async (tx) => {
    const done = await tx
      .updateTable('marketplace_dispute_recoveries')
      .set({
        status: 'reversed',
        stripe_transfer_reversal_id: reversal.id,
        amount_owed: owed,
        reversed_at: clock.now(),
      })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .returning('id')
      .executeTakeFirst();
    if (!done) return;
    await recordAudit(
      tx,
      { kind: 'job:marketplace_dispute_recovery' },
      {
        accountId: row.account_id,
        action: 'sale.dispute_recovered',
        entityType: 'marketplace_sale',
        entityId: row.sale_id,
        after: { dispute: row.stripe_dispute_id, transferReversal: reversal.id, amount, currency, amountOwed: owed },
      },
    );
  });
}
