import type { ColumnType, Generated } from 'kysely';

// bigint comes back as a string on both drivers (see db/connect.ts); mappers turn it into a number.
type Big = ColumnType<string, number | string, number | string>;

/** Why minutes moved in the credit ledger. */
export type PostingReason = 'purchase' | 'consumption' | 'expiry' | 'refund_revocation';

/** Ledger account kinds: one per lot, and three per provider. */
export type LedgerAccountKind = 'org_lot' | 'provider_funding' | 'provider_delivered' | 'provider_breakage';

declare module '../db/types.ts' {
  interface Database {
    credit_bundles: {
      id: Generated<string>;
      account_id: string;
      name: string;
      hours: number;
      price_amount: Big;
      currency: string;
      active: Generated<boolean>;
      stripe_price_id: string | null;
      created_at: Generated<Date>;
    };
    provider_customers: {
      provider_account_id: string;
      organization_account_id: string;
      first_purchase_at: Date;
    };
    ledger_accounts: {
      id: Generated<string>;
      kind: LedgerAccountKind;
      provider_account_id: string;
      organization_account_id: string | null;
      created_at: Generated<Date>;
    };
    ledger_postings: {
      id: Generated<string>;
      reason: PostingReason;
      reference: string;
      created_at: Generated<Date>;
      created_by: string;
    };
    ledger_entries: {
      id: Generated<string>;
      posting_id: string;
      ledger_account_id: string;
      amount_minutes: Big;
      created_at: Generated<Date>;
    };
    credit_lots: {
      id: Generated<string>;
      organization_account_id: string;
      provider_account_id: string;
      ledger_account_id: string;
      order_id: string | null;
      minutes_granted: Big;
      balance_minutes: Big;
      expires_at: Date;
      expired_at: Date | null;
      created_at: Generated<Date>;
    };
    credit_usage: {
      id: Generated<string>;
      provider_account_id: string;
      organization_account_id: string;
      minutes: Big;
      note: Generated<string>;
      worked_on: ColumnType<Date | string, string, string>;
      logged_by: string | null;
      posting_id: string;
      created_at: Generated<Date>;
    };
  }
}
