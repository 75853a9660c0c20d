import { notFound } from '../errors.ts';
import type { DB } from './types.ts';

/** What a tenant is: each offering's routes serve exactly one kind (see docs/ARCHITECTURE.md, "Who may do what"). */
export type AccountKind = 'studio' | 'artist' | 'provider' | 'organization';

const label: Record<AccountKind, string> = {
  studio: 'Studio',
  artist: 'Artist',
  provider: 'Provider',
  organization: 'Organization',
};

/**
 * 404 unless `accountId` is an account of `kind` that the caller can see (under RLS: its members and platform
 * admins), so a studio route called with an artist's id answers like a missing studio, before anything is written.
 */
export async function requireAccountKind(db: DB, accountId: string, kind: AccountKind): Promise<void> {
  const row = await db.selectFrom('accounts').select('kind').where('id', '=', accountId).executeTakeFirst();
  if (row?.kind !== kind) throw notFound(label[kind]);
}
