import { sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { notFound } from '../../errors.ts';
import { feeBpsFor } from '../payouts/fee-settings.ts';
import { splitFee } from '../payouts/fees.ts';
import type { ArtworkOutT } from '../schema.ts';
import type { ArtworkStatus, Medium } from '../tables.ts';
import { baseQuery, publicStatuses, withImages } from './artworks.ts';

const PAGE_SIZE = 24;

/** Artworks (`w`, with their artist account `acc`) the public may see: a public status, artist not suspended. */
export function publicArtworks(db: DB) {
  return db
    .selectFrom('artworks as w')
    .innerJoin('accounts as acc', 'acc.id', 'w.account_id')
    .where('w.status', 'in', publicStatuses)
    .where('acc.suspended_at', 'is', null);
}

/** Artworks with artist slug and name, only the columns the public sees (migration 0090 grants anon these). */
function publicColumns(db: DB) {
  return db
    .selectFrom('artworks as w')
    .innerJoin('accounts as acc', 'acc.id', 'w.account_id')
    .select([
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

/** The moderation queue for one status, oldest first. Run as service role or platform admin. */
export async function listForModeration(db: DB, status: ArtworkStatus, page: number) {
  const base = baseQuery(db).where('w.status', '=', status);
  const rows = await base
    .orderBy('w.updated_at')
    .limit(PAGE_SIZE)
    .offset((page - 1) * PAGE_SIZE)
    .execute();
  const { n } = await db
    .selectFrom('artworks')
    .where('status', '=', status)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return { data: await withImages(db, rows), page, pageSize: PAGE_SIZE, total: Number(n) };
}

/** Published artworks with filters, newest first. Run as anon: RLS backs the status and suspension filters. */
export async function listPublicArtworks(
  db: DB,
  f: { medium?: Medium; minPrice?: number; maxPrice?: number; artist?: string; page: number },
) {
  let q = publicColumns(db).where('w.status', '=', 'published').where('acc.suspended_at', 'is', null);
  if (f.medium) q = q.where('w.medium', '=', f.medium);
  if (f.minPrice !== undefined) q = q.where('w.price_amount', '>=', String(f.minPrice));
  if (f.maxPrice !== undefined) q = q.where('w.price_amount', '<=', String(f.maxPrice));
  if (f.artist) q = q.where('acc.slug', '=', f.artist);
  const rows = await q
    .orderBy('w.published_at', 'desc')
    .orderBy('w.id')
    .limit(PAGE_SIZE)
    .offset((f.page - 1) * PAGE_SIZE)
    .execute();
  const { n } = await q
    .clearSelect()
    .clearOrderBy()
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return { data: await withImages(db, rows), page: f.page, pageSize: PAGE_SIZE, total: Number(n) };
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
  const works = await listPublicArtworks(db, { artist: slug, page: 1 });
  return { accountId: a.id, slug: a.slug, name: a.name, bio: a.bio, country: a.country.trim(), artworks: works.data };
}
