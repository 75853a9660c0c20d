import { sql } from 'kysely';
import { afterCursor, cappedCount, cursorAt, decodeCursor, keysetPage } from '../../db/keyset.ts';
import { asService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { notFound } from '../../errors.ts';
import { feeBpsFor } from '../payouts/fee-settings.ts';
import { splitFee } from '../payouts/fees.ts';
import type { ArtworkOutT } from '../schema.ts';
import type { ArtworkStatus, Medium } from '../tables.ts';
import { baseQuery, publicStatuses, withImages } from './artworks.ts';

const artworksWithArtist = (db: DB) =>
  db.selectFrom('artworks as w').innerJoin('accounts as acc', 'acc.id', 'w.account_id');

/** Artworks (`w`, with their artist account `acc`) the public may see: a public status, artist not suspended. */
export function publicArtworks(db: DB) {
  return artworksWithArtist(db).where('w.status', 'in', publicStatuses).where('acc.suspended_at', 'is', null);
}

/**
 * Artworks with artist slug and name, only the columns the public sees (migration 0090 grants anon these); `base`
 * narrows which artworks, e.g. `publicArtworks(db)`.
 */
export function publicColumns(db: DB, base = artworksWithArtist(db)) {
  return base.select([
    'w.id',
    'w.account_id',
    'acc.slug as artist_slug',
    'acc.name as artist_name',
    'w.title',
    'w.description',
    'w.medium',
    'w.width_mm',
    'w.height_mm',
    'w.depth_mm',
    'w.year',
    'w.price_amount',
    'w.currency',
    'w.edition_type',
    'w.edition_size',
    'w.status',
    sql<string | null>`null::text`.as('rejection_reason'),
    'w.published_at',
    'w.updated_at',
  ]);
}

/** A public artwork with images, or null. Run as anon: RLS applies the same rule as these filters. */
export async function publicArtwork(db: DB, id: string): Promise<ArtworkOutT | null> {
  const row = await publicColumns(db)
    .where('w.id', '=', id)
    .where('w.status', 'in', publicStatuses)
    .where('acc.suspended_at', 'is', null)
    .executeTakeFirst();
  return row ? (await withImages(db, [row]))[0] : null;
}

/** Public artworks with images, in the order of `ids` (missing or hidden ones left out). Run as anon or a user. */
export async function publicArtworksByIds(db: DB, ids: string[]): Promise<ArtworkOutT[]> {
  if (!ids.length) return [];
  const rows = await publicColumns(db)
    .where('w.id', 'in', ids)
    .where('w.status', 'in', publicStatuses)
    .where('acc.suspended_at', 'is', null)
    .execute();
  const byId = new Map((await withImages(db, rows)).map((a) => [a.id, a]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Whether an artwork is in the public catalog. Run as service role or anon. */
export async function isPublicArtwork(db: DB, id: string): Promise<boolean> {
  const row = await publicArtworks(db).select('w.id').where('w.id', '=', id).executeTakeFirst();
  return Boolean(row);
}

/** The moderation queue for one status, least recently changed first, a keyset page at a time. Service role or admin. */
export async function listForModeration(db: DB, q: { status: ArtworkStatus; cursor?: string; limit: number }) {
  const cursor = decodeCursor(q.cursor);
  const base = baseQuery(db).where('w.status', '=', q.status);
  const found = await (cursor ? base.where(afterCursor('w.updated_at', 'w.id', cursor, 'asc')) : base)
    .select(cursorAt('w.updated_at').as('cursor_at'))
    .orderBy('w.updated_at')
    .orderBy('w.id')
    .limit(q.limit + 1)
    .execute();
  const { rows, nextCursor } = keysetPage(found, q.limit);
  const count = await cappedCount(db, db.selectFrom('artworks').where('status', '=', q.status));
  return { data: await withImages(db, rows), nextCursor, limit: q.limit, ...count };
}

/** The public catalog's filters. */
export interface CatalogFilters {
  medium?: Medium;
  minPrice?: number;
  maxPrice?: number;
  artist?: string;
  /** The previous page's `nextCursor`. */
  cursor?: string;
  limit: number;
}

/**
 * Published artworks with filters, newest first, a keyset page at a time, with a capped total. Run as anon: RLS
 * backs the status and suspension filters.
 */
export async function listPublicArtworks(db: DB, f: CatalogFilters) {
  const cursor = decodeCursor(f.cursor);
  const q = publicColumns(db, catalogFilters(db, f));
  // Published works always have published_at (publishing sets it, going back to draft clears it).
  const found = await (cursor ? q.where(afterCursor('w.published_at', 'w.id', cursor, 'desc')) : q)
    .select(cursorAt('w.published_at').as('cursor_at'))
    .orderBy('w.published_at', 'desc')
    .orderBy('w.id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const { rows, nextCursor } = keysetPage(found, f.limit);
  // Under the anon policy each counted row would call app.is_public_artist (up to COUNT_CAP calls, 40 ms at 100×
  // data); the count runs as service role with that policy's conditions spelled out, and only a number leaves it.
  const count = await asService(db, (tx) => cappedCount(tx, catalogFilters(tx, f).where('acc.kind', '=', 'artist')));
  return { data: await withImages(db, rows), nextCursor, limit: f.limit, ...count };
}

/** Published artworks of artists not suspended, with the catalog's filters. */
function catalogFilters(db: DB, f: CatalogFilters) {
  let q = artworksWithArtist(db).where('w.status', '=', 'published').where('acc.suspended_at', 'is', null);
  if (f.medium) q = q.where('w.medium', '=', f.medium);
  if (f.minPrice !== undefined) q = q.where('w.price_amount', '>=', String(f.minPrice));
  if (f.maxPrice !== undefined) q = q.where('w.price_amount', '<=', String(f.maxPrice));
  if (f.artist) q = q.where('acc.slug', '=', f.artist);
  return q;
}

/** Price, platform fee (per-artist override or platform default) and the artist's share. */
export async function priceBreakdown(db: DB, artwork: ArtworkOutT) {
  // The same rate checkout charges, so the page never promises a split the payment won't make.
  const feeBps = await feeBpsFor(db, artwork.accountId);
  const { fee, share } = splitFee(artwork.priceAmount, feeBps);
  return { price: artwork.priceAmount, platformFee: fee, artistShare: share, feeBps, currency: artwork.currency };
}

/** An artist's public page: name, bio, country and published works. Run as anon. */
export async function publicArtistProfile(db: DB, slug: string) {
  const a = await db
    .selectFrom('accounts as acc')
    .innerJoin('artist_profiles as p', 'p.account_id', 'acc.id')
    .select(['acc.id', 'acc.slug', 'acc.name', 'p.bio', 'p.country'])
    .where('acc.slug', '=', slug)
    .where('acc.kind', '=', 'artist')
    .where('acc.suspended_at', 'is', null)
    .executeTakeFirst();
  if (!a) throw notFound('Artist');
  const works = await listPublicArtworks(db, { artist: slug, limit: 24 });
  return { accountId: a.id, slug: a.slug, name: a.name, bio: a.bio, country: a.country.trim(), artworks: works.data };
}
