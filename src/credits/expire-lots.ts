import type { Clock } from '../clock.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { post, providerAccount } from './ledger.ts';

export const expireJob = 'credits.expire';

/** Moves each expired lot's remainder to its provider's breakage account, exactly once; returns lots closed. */
export async function expireLots(db: DB, clock: Clock, limit = 500): Promise<number> {
  const now = clock.now();
  return withService(db, async (tx) => {
    // SKIP LOCKED: a lot being consumed or expired elsewhere right now is left for the next run.
    const lots = await tx
      .selectFrom('credit_lots')
      .select(['id', 'ledger_account_id', 'provider_account_id', 'balance_minutes'])
      .where('expired_at', 'is', null)
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const lot of lots) {
      const rest = Number(lot.balance_minutes);
      if (rest > 0) {
        const breakage = await providerAccount(tx, lot.provider_account_id, 'provider_breakage');
        await post(tx, {
          reason: 'expiry',
          reference: `lot:${lot.id}`,
          createdBy: 'job:credits.expire',
          at: now,
          lines: [
            { accountId: lot.ledger_account_id, minutes: -rest },
            { accountId: breakage, minutes: rest },
          ],
        });
      }
      await tx.updateTable('credit_lots').set({ expired_at: now }).where('id', '=', lot.id).execute();
    }
    return lots.length;
  });
}
