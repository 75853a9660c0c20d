import type { Actor } from '../audit/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { DB } from '../db/types.ts';
import { forbidden, notFound } from '../errors.ts';
import type { CheckedAccount } from './access.ts';
import type { LegalDetailsInputT, LegalDetailsT } from './schema.ts';

/*
 * The seller's legal details invoices print (issue 14): tax id and billing address, on the account row (migration
 * 0106). Invoices copy them when issued (commerce/invoices.ts), so editing them never changes an issued invoice.
 * Members read them; owners and admins change them, which RLS enforces too.
 */

const canEdit = (role: CheckedAccount['role']) => role === 'owner' || role === 'admin';

/** The account's legal details as the caller's transaction sees them (404 when it can't see the account). */
export async function readLegalDetails(db: DB, account: CheckedAccount): Promise<LegalDetailsT> {
  const row = await db
    .selectFrom('accounts')
    .leftJoin('studio_settings', 'studio_settings.account_id', 'accounts.id')
    .select([
      'accounts.id',
      'accounts.name',
      'accounts.tax_id',
      'accounts.billing_address',
      'studio_settings.return_address',
    ])
    .where('accounts.id', '=', account.id)
    .executeTakeFirst();
  if (!row) throw notFound('Account');
  return {
    accountId: row.id,
    name: row.name,
    taxId: row.tax_id,
    billingAddress: row.billing_address,
    fallbackAddress: row.return_address ?? null,
    canEdit: canEdit(account.role),
  };
}

/** Changes the tax id and/or billing address (owners and admins) and audits the change with before and after. */
export async function updateLegalDetails(
  db: DB,
  actor: Actor,
  account: CheckedAccount,
  input: LegalDetailsInputT,
  now: Date,
): Promise<LegalDetailsT> {
  if (!canEdit(account.role)) throw forbidden('Only account owners and admins can change invoice details');
  const before = await readLegalDetails(db, account);
  const set: { tax_id?: string | null; billing_address?: string | null } = {};
  if (input.taxId !== undefined) set.tax_id = input.taxId;
  if (input.billingAddress !== undefined) {
    // Empty optional lines are not stored, so invoices print only what was entered.
    const a = input.billingAddress;
    set.billing_address =
      a === null ? null : JSON.stringify(Object.fromEntries(Object.entries(a).filter(([, v]) => v !== '')));
  }
  if (Object.keys(set).length === 0) return before;
  const updated = await db
    .updateTable('accounts')
    .set({ ...set, updated_at: now })
    .where('id', '=', account.id)
    .returning(['tax_id', 'billing_address'])
    .executeTakeFirst();
  // RLS refused the row (not an admin by the database's own rule): the same answer as the role check.
  if (!updated) throw forbidden('Only account owners and admins can change invoice details');
  const after = { ...before, taxId: updated.tax_id, billingAddress: updated.billing_address };
  await recordAudit(db, actor, {
    accountId: account.id,
    action: 'account.legal_details.update',
    entityType: 'account',
    entityId: account.id,
    before: { taxId: before.taxId, billingAddress: before.billingAddress },
    after: { taxId: after.taxId, billingAddress: after.billingAddress },
  });
  return after;
}
