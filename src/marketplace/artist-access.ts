import type { Context } from 'hono';
import { requireMemberOrAdmin, requireRole } from '../accounts/service.ts';
import { requireAccountKind } from '../db/account-kind.ts';
import { withUser } from '../db/tenancy.ts';
import type { DB, Tx } from '../db/types.ts';
import type { AppEnv } from '../http/context.ts';
import { requireUser } from '../http/middleware.ts';

/** 404 unless the account is an artist the user belongs to, 403 below `min`: the one artist permission check. */
export async function requireArtistRole(db: DB, accountId: string, userId: string, min: 'member' | 'admin') {
  await requireAccountKind(db, accountId, 'artist');
  return requireRole(db, accountId, userId, min);
}

/**
 * Runs `fn` as the signed-in user once they are a member of the artist account or a platform admin. Everyone else,
 * and any account that is not an artist, gets the same 404 as a missing account, so account ids can't be probed.
 */
export async function asArtistReader<T>(c: Context<AppEnv>, accountId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const user = requireUser(c);
  return withUser(c.get('deps').db, { sub: user.id }, async (tx) => {
    await requireAccountKind(tx, accountId, 'artist');
    await requireMemberOrAdmin(tx, accountId, user);
    return fn(tx);
  });
}
