import type { Context } from 'hono';
import { requireMemberOrAdmin } from '../accounts/service.ts';
import { withUser } from '../db/tenancy.ts';
import type { Tx } from '../db/types.ts';
import type { AppEnv } from '../http/context.ts';
import { requireUser } from '../http/middleware.ts';

/**
 * Runs `fn` as the signed-in user once they are a member of the artist account or a platform admin. Everyone else
 * gets the same 404 as a missing account, so account ids can't be probed.
 */
export async function asArtistReader<T>(c: Context<AppEnv>, accountId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const user = requireUser(c);
  return withUser(c.get('deps').db, { sub: user.id }, async (tx) => {
    await requireMemberOrAdmin(tx, accountId, user);
    return fn(tx);
  });
}
