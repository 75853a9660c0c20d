import { sql } from 'kysely';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';

/** Creates an organization and a provider account for a test and returns their ids. */
export async function createPair(db: DB, tag: string): Promise<{ orgId: string; providerId: string }> {
  return withService(db, async (tx) => {
    const org = await tx
      .insertInto('accounts')
      .values({ slug: `org-${tag}`, name: `Org ${tag}`, kind: 'organization' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const provider = await tx
      .insertInto('accounts')
      .values({ slug: `provider-${tag}`, name: `Provider ${tag}`, kind: 'provider' })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { orgId: org.id, providerId: provider.id };
  });
}

/**
 * Ledger invariants as numbers tests can compare: unbalanced postings, lots whose cached balance drifted from their
 * entries, negative lots, and org–provider balances (0121's rollup) that drifted from their open lots.
 */
export async function ledgerProblems(
  db: DB,
): Promise<{ unbalanced: number; mismatched: number; negative: number; drifted: number }> {
  return withService(db, async (tx) => {
    const u = await sql<{ n: number }>`select count(*)::int as n from (
      select posting_id from ledger_entries group by posting_id having sum(amount_minutes) <> 0) x`.execute(tx);
    const m = await sql<{ n: number }>`select count(*)::int as n from app.credit_lot_mismatches()`.execute(tx);
    const neg = await sql<{ n: number }>`select count(*)::int as n from credit_lots where balance_minutes < 0`.execute(
      tx,
    );
    const drift = await sql<{ n: number }>`select count(*)::int as n from app.credit_balance_mismatches()`.execute(tx);
    return { unbalanced: u.rows[0].n, mismatched: m.rows[0].n, negative: neg.rows[0].n, drifted: drift.rows[0].n };
  });
}
