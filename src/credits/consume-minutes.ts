import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { recordAudit } from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { AppError } from '../errors.ts';
import { post, providerAccount } from './ledger.ts';

/** Time a provider worked for an organization, to be paid from its prepaid credits. */
export interface ConsumeInput {
  providerId: string;
  organizationId: string;
  minutes: number;
  note: string;
  /** Calendar day the work happened (YYYY-MM-DD). */
  workedOn: string;
  actorUserId: string | null;
}

/** How a consumption was paid: the usage row, its posting and the minutes taken from each lot. */
export interface ConsumeResult {
  usageId: string;
  postingId: string;
  taken: Array<{ lotId: string; minutes: number }>;
}

/**
 * Burns minutes from the org's unexpired lots with the provider, first-expiring first, in one posting. The lots
 * are locked in expiry order, so concurrent consumptions queue instead of overdrawing (and cannot deadlock).
 */
export async function consumeMinutes(db: DB, input: ConsumeInput, clock: Clock): Promise<ConsumeResult> {
  if (!Number.isSafeInteger(input.minutes) || input.minutes <= 0) {
    throw new AppError('validation_failed', 'Minutes must be a positive whole number');
  }
  const now = clock.now();
  return withService(db, async (tx) => {
    const lots = await tx
      .selectFrom('credit_lots')
      .select(['id', 'ledger_account_id', 'balance_minutes'])
      .where('organization_account_id', '=', input.organizationId)
      .where('provider_account_id', '=', input.providerId)
      .where('expired_at', 'is', null)
      // Depleted lots stay open until they expire: skipping them walks only the spendable-lots index (0121).
      .where(sql<boolean>`balance_minutes > 0`)
      .where('expires_at', '>', now)
      .orderBy('expires_at')
      .orderBy('id')
      .forUpdate()
      .execute();
    const available = lots.reduce((a, l) => a + Number(l.balance_minutes), 0);
    if (available < input.minutes) {
      throw new AppError('insufficient_balance', 'Not enough prepaid minutes for this entry', {
        available,
        requested: input.minutes,
      });
    }
    let left = input.minutes;
    const taken: ConsumeResult['taken'] = [];
    const lines = [];
    for (const lot of lots) {
      if (left === 0) break;
      const take = Math.min(left, Number(lot.balance_minutes));
      if (take === 0) continue;
      left -= take;
      taken.push({ lotId: lot.id, minutes: take });
      lines.push({ accountId: lot.ledger_account_id, minutes: -take });
    }
    // The usage id is chosen up front so the posting can reference it.
    const usageId = randomUUID();
    const delivered = await providerAccount(tx, input.providerId, 'provider_delivered');
    lines.push({ accountId: delivered, minutes: input.minutes });
    const postingId = await post(tx, {
      reason: 'consumption',
      reference: `usage:${usageId}`,
      createdBy: input.actorUserId ? `user:${input.actorUserId}` : 'system',
      at: now,
      lines,
    });
    await tx
      .insertInto('credit_usage')
      .values({
        id: usageId,
        provider_account_id: input.providerId,
        organization_account_id: input.organizationId,
        minutes: input.minutes,
        note: input.note,
        worked_on: input.workedOn,
        logged_by: input.actorUserId,
        posting_id: postingId,
        created_at: now,
      })
      .execute();
    await recordAudit(
      tx,
      { kind: input.actorUserId ? 'user' : 'system', userId: input.actorUserId },
      {
        accountId: input.providerId,
        action: 'credits.usage_logged',
        entityType: 'credit_usage',
        entityId: usageId,
        after: { organizationId: input.organizationId, minutes: input.minutes, workedOn: input.workedOn, taken },
      },
    );
    return { usageId, postingId, taken };
  });
}
