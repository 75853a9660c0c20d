import { sql } from 'kysely';
import type { AccountKind } from '../db/account-kind.ts';
import type { DB } from '../db/types.ts';
import { forbidden, notFound } from '../errors.ts';

/** A member's role, weakest first. */
export type Role = 'member' | 'admin' | 'owner';
const rank: Record<Role, number> = { member: 1, admin: 2, owner: 3 };

/** The account a caller acts on, once checked. */
export interface CheckedAccount {
  id: string;
  /** The caller's role, or null for a platform admin let in by `platformAdmins`. */
  role: Role | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const label: Record<AccountKind, string> = {
  studio: 'Studio',
  artist: 'Artist',
  provider: 'Provider',
  organization: 'Organization',
};

/**
 * The one account permission rule, for route middlewares (src/http/access.ts) and agent tools alike. Run under the
 * caller's RLS: 404 unless the account is visible, of one of `kind` and — unless `platformAdmins` and the caller is
 * one — has the caller as a member (the same 404 as a missing account, so ids can't be probed); 403 below `min`.
 */
export async function checkAccount(
  tx: DB,
  id: string | undefined,
  user: { id: string; isPlatformAdmin: boolean },
  opts: { kind?: readonly AccountKind[]; min: Role; platformAdmins?: boolean; forbidden?: string },
): Promise<CheckedAccount> {
  const kinds = opts.kind;
  const what = kinds?.length === 1 ? label[kinds[0]] : 'Account';
  // Under RLS an account is visible to its members and platform admins only, so "invisible" and "missing" agree.
  const row =
    id && UUID.test(id)
      ? (
          await sql<{ kind: AccountKind; role: Role | null }>`
          select a.kind, m.role from accounts a
          left join memberships m on m.account_id = a.id and m.user_id = ${user.id}
          where a.id = ${id}::uuid`.execute(tx)
        ).rows[0]
      : undefined;
  if (!id || !row || (kinds && !kinds.includes(row.kind))) throw notFound(what);
  if (!row.role) {
    if (opts.platformAdmins && user.isPlatformAdmin) return { id, role: null };
    throw notFound(what);
  }
  if (rank[row.role] < rank[opts.min]) throw forbidden(opts.forbidden ?? `Only account ${opts.min}s can do this`);
  return { id, role: row.role };
}
