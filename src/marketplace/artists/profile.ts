import { type Actor, recordAudit } from '../../audit/index.ts';
import type { Clock } from '../../clock.ts';
import { iso } from '../../db/sql.ts';
import type { DB } from '../../db/types.ts';
import { notFound } from '../../errors.ts';
import { z } from '../../http/openapi.ts';

/*
 * The artist's own public profile: what the public artist page shows that the artist writes (the bio). Runs under
 * the caller's RLS: members read it, admins and owners update it (migration 0105).
 */

export const ArtistProfileOut = z
  .object({
    accountId: z.string(),
    slug: z.string(),
    name: z.string(),
    bio: z.string(),
    updatedAt: z.string(),
  })
  .openapi('ArtistProfile');
export type ArtistProfileOutT = z.infer<typeof ArtistProfileOut>;

export const ArtistProfilePatch = z
  .strictObject({
    bio: z.string().trim().max(5000, 'Keep the bio to 5000 characters'),
  })
  .openapi('ArtistProfilePatch');
export type ArtistProfilePatchT = z.infer<typeof ArtistProfilePatch>;

/** The artist's profile as its members see it, or 404. */
export async function getArtistProfile(db: DB, accountId: string): Promise<ArtistProfileOutT> {
  const p = await db
    .selectFrom('artist_profiles as p')
    .innerJoin('accounts as a', 'a.id', 'p.account_id')
    .select(['p.account_id', 'a.slug', 'a.name', 'p.bio', 'p.updated_at'])
    .where('p.account_id', '=', accountId)
    .executeTakeFirst();
  if (!p) throw notFound('Artist profile');
  return { accountId: p.account_id, slug: p.slug, name: p.name, bio: p.bio, updatedAt: iso(p.updated_at) };
}

/** Saves the artist's bio and records who changed it from what (the bio is public text, so the audit keeps it). */
export async function updateArtistProfile(
  db: DB,
  actor: Actor,
  accountId: string,
  patch: ArtistProfilePatchT,
  clock: Clock,
): Promise<ArtistProfileOutT> {
  const before = await db
    .selectFrom('artist_profiles')
    .select('bio')
    .where('account_id', '=', accountId)
    .forUpdate()
    .executeTakeFirst();
  if (!before) throw notFound('Artist profile');
  // RLS (admins only) may still hide the row from the update: zero rows is "not found", never a silent success.
  const r = await db
    .updateTable('artist_profiles')
    .set({ bio: patch.bio, updated_at: clock.now() })
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw notFound('Artist profile');
  await recordAudit(db, actor, {
    accountId,
    action: 'artist_profile.updated',
    entityType: 'artist_profile',
    entityId: accountId,
    before: { bio: before.bio },
    after: { bio: patch.bio },
  });
  return getArtistProfile(db, accountId);
}
