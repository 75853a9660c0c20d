import { recordAudit } from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { post, providerAccount } from './ledger.ts';

/**
 * Refund policy (docs/credits.md): a refund takes back only minutes not yet used, never more than `maxMinutes`
 * (the refunded share of the purchase; all of them when omitted). Returns the minutes revoked.
 */
export async function revokeUnspent(
  db: DB,
  orderId: string,
  clock: Clock,
  opts: { maxMinutes?: number; actor?: string } = {},
): Promise<number> {
  return withService(db, async (tx) => {
    const lot = await tx
      .selectFrom('credit_lots')
      .select([
        'id',
        'ledger_account_id',
        'organization_account_id',
        'provider_account_id',
        'balance_minutes',
        'expired_at',
      ])
      .where('order_id', '=', orderId)
      .forUpdate()
      .executeTakeFirst();
    // Already expired lots have nothing left: their remainder went to breakage.
    if (!lot || lot.expired_at) return 0;
    const cap = opts.maxMinutes ?? Number.POSITIVE_INFINITY;
    const minutes = Math.max(0, Math.min(Number(lot.balance_minutes), Math.floor(cap)));
    if (minutes === 0) return 0;
    const funding = await providerAccount(tx, lot.provider_account_id, 'provider_funding');
    await post(tx, {
      reason: 'refund_revocation',
      reference: `order:${orderId}`,
      createdBy: opts.actor ?? 'system:refund',
      at: clock.now(),
      lines: [
        { accountId: lot.ledger_account_id, minutes: -minutes },
        { accountId: funding, minutes },
      ],
    });
    await recordAudit(
      tx,
      { kind: opts.actor ?? 'system:refund' },
      {
        accountId: lot.organization_account_id,
        action: 'credits.revoked',
        entityType: 'credit_lot',
        entityId: lot.id,
        after: { orderId, minutes },
      },
    );
    return minutes;
  });
}
