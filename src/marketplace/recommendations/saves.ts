import { sql } from 'kysely';
import type { Clock } from '../../clock.ts';
import { afterCursor, COUNT_CAP, type Cursor, cursorAt, decodeCursor, encodeCursor } from '../../db/keyset.ts';
import { withAnon, withUser } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { notFound } from '../../errors.ts';
import { isPublicArtwork, publicArtworks, publicArtworksByIds } from '../artworks/catalog.ts';
import type { ArtworkOutT } from '../schema.ts';

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

// A page reads saves in batches until it has a page of works still on show; withdrawn works are skipped, so a page
// is never empty while later saves are visible. Bounded: past this many batches the page is returned shorter.
const SCAN_BATCHES = 5;

/** The patron's saved artworks still on show, newest save first, a keyset page at a time. */
export async function listSaved(db: DB, userId: string, q: { cursor?: string; limit: number }) {
  let after: Cursor | null = decodeCursor(q.cursor);
  const shown: Array<{ artwork: ArtworkOutT; savedAt: string; key: Cursor }> = [];
  let exhausted = false;
  for (let batch = 0; batch < SCAN_BATCHES && shown.length <= q.limit && !exhausted; batch++) {
    const saves = await withUser(db, { sub: userId }, (tx) => {
      const base = tx.selectFrom('artwork_saves').where('user_id', '=', userId);
      return (after ? base.where(afterCursor('created_at', 'artwork_id', after, 'desc')) : base)
        .select(['artwork_id as id', 'created_at'])
        .select(cursorAt('created_at').as('cursor_at'))
        .orderBy('created_at', 'desc')
        .orderBy('artwork_id', 'desc')
        .limit(q.limit + 1)
        .execute();
    });
    exhausted = saves.length <= q.limit;
    const onShow = new Map(
      (
        await withAnon(db, (tx) =>
          publicArtworksByIds(
            tx,
            saves.map((r) => r.id),
          ),
        )
      ).map((a) => [a.id, a]),
    );
    for (const r of saves) {
      after = { at: r.cursor_at, id: r.id };
      const artwork = onShow.get(r.id);
      if (artwork) shown.push({ artwork, savedAt: r.created_at.toISOString(), key: after });
      if (shown.length > q.limit) break;
    }
  }
  const page = shown.slice(0, q.limit);
  // More works after this page, or saves not yet looked at (the batches ran out): the next page starts after the
  // last row this one showed or read.
  const next = shown.length > q.limit ? page[page.length - 1].key : exhausted ? null : after;
  return {
    data: page.map(({ artwork, savedAt }) => ({ artwork, savedAt })),
    nextCursor: next ? encodeCursor(next) : null,
    limit: q.limit,
    ...(await countOnShow(db, userId)),
  };
}

/** How many of the patron's saves are on show, counted up to COUNT_CAP like every list. */
async function countOnShow(db: DB, userId: string) {
  const ids = await withUser(db, { sub: userId }, (tx) =>
    tx
      .selectFrom('artwork_saves')
      .select('artwork_id')
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .limit(COUNT_CAP + 1)
      .execute(),
  );
  const n = ids.length
    ? await withAnon(db, async (tx) =>
        Number(
          (
            await publicArtworks(tx)
              .select(sql<string>`count(*)`.as('n'))
              .where(
                'w.id',
                'in',
                ids.map((r) => r.artwork_id),
              )
              .executeTakeFirstOrThrow()
          ).n,
        ),
      )
    : 0;
  return { total: Math.min(n, COUNT_CAP), totalCapped: n > COUNT_CAP };
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
