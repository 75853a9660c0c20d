import { requireRole } from '../accounts/service.ts';
import { requireAccountKind } from '../db/account-kind.ts';
import type { DB } from '../db/types.ts';

/**
 * The one credits permission check: 404 unless the account is of `kind` (an organization, or a provider) and the user
 * belongs to it, 403 below `min`. Who needs which role is in docs/credits.md ("API").
 */
export async function requireCreditsRole(
  db: DB,
  accountId: string,
  userId: string,
  kind: 'organization' | 'provider',
  min: 'member' | 'admin',
) {
  await requireAccountKind(db, accountId, kind);
  return requireRole(db, accountId, userId, min);
}
