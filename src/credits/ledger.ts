import { sql } from 'kysely';
import type { DB } from '../db/types.ts';
import type { LedgerAccountKind, PostingReason } from './tables.ts';

/** One side of a posting: signed minutes on one ledger account. */
export interface LedgerLine {
  accountId: string;
  minutes: number;
}

/** A posting to write: its lines must sum to zero (checked here and again by the DB at commit). */
export interface PostingInput {
  reason: PostingReason;
  reference: string;
  createdBy: string;
  at: Date;
  lines: LedgerLine[];
}

/** Writes one balanced posting and its entries; the only way code moves minutes. Run as service role. */
export async function post(db: DB, p: PostingInput): Promise<string> {
  const lines = p.lines.filter((l) => l.minutes !== 0);
  const sum = lines.reduce((a, l) => a + l.minutes, 0);
  if (lines.length < 2 || sum !== 0 || lines.some((l) => !Number.isSafeInteger(l.minutes))) {
    throw new Error(`unbalanced ${p.reason} posting (${sum} minutes over ${lines.length} lines)`);
  }
  const { id } = await db
    .insertInto('ledger_postings')
    .values({ reason: p.reason, reference: p.reference, created_by: p.createdBy, created_at: p.at })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('ledger_entries')
    .values(
      lines.map((l) => ({
        posting_id: id,
        ledger_account_id: l.accountId,
        amount_minutes: l.minutes,
        created_at: p.at,
      })),
    )
    .execute();
  return id;
}

/** The provider's funding, delivered or breakage account, created on first use. Run as service role. */
export async function providerAccount(
  db: DB,
  providerId: string,
  kind: Exclude<LedgerAccountKind, 'org_lot'>,
): Promise<string> {
  const existing = await db
    .selectFrom('ledger_accounts')
    .select('id')
    .where('provider_account_id', '=', providerId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (existing) return existing.id;
  // A concurrent first use may win the race; the partial unique index makes us converge on its row. Its predicate
  // is a literal: Postgres can't match a parameter to the index's predicate in a prepared statement.
  await db
    .insertInto('ledger_accounts')
    .values({ kind, provider_account_id: providerId })
    .onConflict((oc) => oc.columns(['provider_account_id', 'kind']).where(sql<boolean>`kind <> 'org_lot'`).doNothing())
    .execute();
  const row = await db
    .selectFrom('ledger_accounts')
    .select('id')
    .where('provider_account_id', '=', providerId)
    .where('kind', '=', kind)
    .executeTakeFirstOrThrow();
  return row.id;
}
