// The narrow TS types of this domain's columns (CHECK-constrained text, jsonb shapes); the tables themselves are
// generated into src/db/schema.gen.ts (`npm run db:types`) and narrowed with these in src/db/types.ts.

/** Why minutes moved in the credit ledger. */
export type PostingReason = 'purchase' | 'consumption' | 'expiry' | 'refund_revocation';

/** Ledger account kinds: one per lot, and three per provider. */
export type LedgerAccountKind = 'org_lot' | 'provider_funding' | 'provider_delivered' | 'provider_breakage';
