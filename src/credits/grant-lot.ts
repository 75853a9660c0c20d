import { recordAudit } from '../audit/index.ts';
import { addMonths, type Clock } from '../clock.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { post, providerAccount } from './ledger.ts';

/** Credits expire this many months after payment (see docs/credits.md). */
export const LOT_VALIDITY_MONTHS = 24;

/** What `grantLot` needs: the buyer, the seller, the paying order and the minutes bought. */
export interface GrantInput {
  organizationId: string;
  providerId: string;
  orderId: string | null;
  minutes: number;
  paidAt: Date;
}

/** Grants a lot of minutes (a `purchase` posting); replaying it for the same order returns the first lot. */
export async function grantLot(db: DB, input: GrantInput, clock: Clock): Promise<{ lotId: string; created: boolean }> {
  if (!Number.isSafeInteger(input.minutes) || input.minutes <= 0) throw new Error('grantLot: minutes must be > 0');
  return withService(db, async (tx) => {
    if (input.orderId) {
      const existing = await tx
        .selectFrom('credit_lots')
        .select('id')
        .where('order_id', '=', input.orderId)
        .executeTakeFirst();
      if (existing) return { lotId: existing.id, created: false };
    }
    const account = await tx
      .insertInto('ledger_accounts')
      .values({ kind: 'org_lot', provider_account_id: input.providerId, organization_account_id: input.organizationId })
      .returning('id')
      .executeTakeFirstOrThrow();
    // Balance starts at 0: the purchase posting's entry brings it up (via the ledger trigger).
    const lot = await tx
      .insertInto('credit_lots')
      .values({
        organization_account_id: input.organizationId,
        provider_account_id: input.providerId,
        ledger_account_id: account.id,
        order_id: input.orderId,
        minutes_granted: input.minutes,
        balance_minutes: 0,
        expires_at: addMonths(input.paidAt, LOT_VALIDITY_MONTHS),
        created_at: clock.now(),
      })
      // A concurrent replay for the same order loses here and returns the winner's lot below.
      .onConflict((oc) => oc.column('order_id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!lot) {
      const winner = await tx
        .selectFrom('credit_lots')
        .select('id')
        .where('order_id', '=', input.orderId)
        .executeTakeFirstOrThrow();
      return { lotId: winner.id, created: false };
    }
    const funding = await providerAccount(tx, input.providerId, 'provider_funding');
    await post(tx, {
      reason: 'purchase',
      reference: input.orderId ? `order:${input.orderId}` : `lot:${lot.id}`,
      createdBy: 'system:grant',
      at: clock.now(),
      lines: [
        { accountId: account.id, minutes: input.minutes },
        { accountId: funding, minutes: -input.minutes },
      ],
    });
    await tx
      .insertInto('provider_customers')
      .values({
        provider_account_id: input.providerId,
        organization_account_id: input.organizationId,
        first_purchase_at: input.paidAt,
      })
      .onConflict((oc) => oc.columns(['provider_account_id', 'organization_account_id']).doNothing())
      .execute();
    await recordAudit(
      tx,
      { kind: 'system:credits' },
      {
        accountId: input.organizationId,
        action: 'credits.lot_granted',
        entityType: 'credit_lot',
        entityId: lot.id,
        after: { providerId: input.providerId, orderId: input.orderId, minutes: input.minutes },
      },
    );
    return { lotId: lot.id, created: true };
  });
}
