import type { Clock } from '../../clock.ts';
import { afterCursor, cappedCount, cursorAt, decodeCursor, keysetPage } from '../../db/keyset.ts';
import { withAnon, withUser } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { notFound } from '../../errors.ts';
import { isPublicArtwork, publicArtworksByIds } from '../artworks/catalog.ts';

/*
 * A patron's saved (favourite) artworks and the works they looked at: their own rows (RLS: nobody else, not the
 * artist either, reads them), which the "for you" ranking reads. Each function takes the root connection: the rows
 * are read and written as the patron, the artworks as anon, because the public catalog is what anon may see (a
 * signed-in patron's own RLS shows only their own accounts' works).
 */

/** Enough to light every heart on a page of any list; a patron with more sees the newest. */
const MAX_SAVED_IDS = 1000;

/** Saves a public artwork (sold and reserved works too: a patron may want one like it); saving twice is a no-op. */
export async function saveArtwork(db: DB, userId: string, artworkId: string, clock: Clock) {
  await assertPublic(db, artworkId);
  const row = await withUser(db, { sub: userId }, (tx) =>
    tx
      .insertInto('artwork_saves')
      .values({ user_id: userId, artwork_id: artworkId, created_at: clock.now() })
      // Saving again keeps the first date (and its place in the list).
      .onConflict((oc) => oc.columns(['user_id', 'artwork_id']).doUpdateSet({ user_id: userId }))
      .returning('created_at')
      .executeTakeFirstOrThrow(),
  );
  return { saved: true as const, savedAt: row.created_at.toISOString() };
}

/** Forgets a save; forgetting one that isn't there is a no-op too (the button may be pressed twice). */
export async function unsaveArtwork(db: DB, userId: string, artworkId: string) {
  await withUser(db, { sub: userId }, (tx) =>
    tx.deleteFrom('artwork_saves').where('user_id', '=', userId).where('artwork_id', '=', artworkId).execute(),
  );
  return { saved: false as const, savedAt: null };
}

/** The patron's saved artworks still on show, newest save first, a keyset page of saves at a time. */
export async function listSaved(db: DB, userId: string, q: { cursor?: string; limit: number }) {
  const cursor = decodeCursor(q.cursor);
  const { page, count } = await withUser(db, { sub: userId }, async (tx) => {
    const base = tx.selectFrom('artwork_saves').where('user_id', '=', userId);
    const found = await (cursor ? base.where(afterCursor('created_at', 'artwork_id', cursor, 'desc')) : base)
      .select(['artwork_id as id', 'created_at'])
      .select(cursorAt('created_at').as('cursor_at'))
      .orderBy('created_at', 'desc')
      .orderBy('artwork_id', 'desc')
      .limit(q.limit + 1)
      .execute();
    return { page: keysetPage(found, q.limit), count: await cappedCount(tx, base) };
  });
  const artworks = await withAnon(db, (tx) =>
    publicArtworksByIds(
      tx,
      page.rows.map((r) => r.id),
    ),
  );
  const savedAt = new Map(page.rows.map((r) => [r.id, r.created_at.toISOString()]));
  return {
    // A saved work the artist has since withdrawn is not shown (and comes back if it is republished); the cursor
    // follows the saves, so such a page is shorter but the next one starts in the right place.
    data: artworks.map((artwork) => ({ artwork, savedAt: savedAt.get(artwork.id) as string })),
    nextCursor: page.nextCursor,
    limit: q.limit,
    ...count,
  };
}

/** The ids of the patron's saves, newest first, so lists can mark them. */
export async function savedIds(db: DB, userId: string): Promise<string[]> {
  const rows = await withUser(db, { sub: userId }, (tx) =>
    tx
      .selectFrom('artwork_saves')
      .select('artwork_id')
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .limit(MAX_SAVED_IDS)
      .execute(),
  );
  return rows.map((r) => r.artwork_id);
}

/** Records that the patron looked at a public artwork: one row per work, its count and latest time. */
export async function recordView(db: DB, userId: string, artworkId: string, clock: Clock) {
  await assertPublic(db, artworkId);
  await withUser(db, { sub: userId }, (tx) =>
    tx
      .insertInto('artwork_views')
      .values({ user_id: userId, artwork_id: artworkId, viewed_at: clock.now() })
      .onConflict((oc) =>
        oc.columns(['user_id', 'artwork_id']).doUpdateSet((eb) => ({
          viewed_at: eb.ref('excluded.viewed_at'),
          views: eb('artwork_views.views', '+', 1),
        })),
      )
      .execute(),
  );
}

// Checked as anon, like the catalog: a draft or a suspended artist's work is "not found" to patrons.
async function assertPublic(db: DB, artworkId: string) {
  if (!(await withAnon(db, (tx) => isPublicArtwork(tx, artworkId)))) throw notFound('Artwork', { artworkId });
}
