import { sql } from 'kysely';
import type { Clock } from '../../clock.ts';
import { withAnon, withService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { availability, imageUrls, type Medium, publicArtworks, publicColumns } from '../../marketplace/index.ts';
import { acpError } from './http.ts';

/*
 * The marketplace's public artworks as an ACP product feed (release 2026-04-17, `openapi.feed.yaml` and
 * `$defs/Product` of `schema.feed.json`). One artwork is one `Product` with one `Variant`; both carry the id checkout
 * sessions accept (`artwork_<uuid>`), so an agent passes `Variant.id` straight into `POST /checkout_sessions`.
 *
 * Which artworks appear is decided by RLS: the page is read as `anon`, whose policy shows only public statuses
 * (published, reserved, sold) of artists that are not suspended. The columns anon may not read (editions sold, the
 * reservation's end) are then read as service role for exactly the ids anon saw, to compute availability.
 *
 * The feed schema has no field for shipping, dimensions or year (every object is `additionalProperties: false`), so
 * medium, size, year and edition go in `variant_options` and the medium in `categories`; shipping is quoted by
 * checkout, which stays authoritative for price and availability (feed RFC §3.3).
 *
 * Paging is our addition (the 2026-04-17 Feed API reads the full set; RFC §7 asks for pagination on large catalogs):
 * keyset on (published_at, id) ascending, so works published while an agent pages through land on later pages and
 * nothing is skipped or repeated. The cursor is opaque to clients.
 */

/** The one feed we publish: the whole public marketplace. */
export const ACP_FEED_ID = 'feed_marketplace';
/** The checkout item id prefix (sessions.ts accepts `artwork_<uuid>`). */
export const ACP_FEED_ITEM_PREFIX = 'artwork_';
export const FEED_DEFAULT_PAGE_SIZE = 100;
export const FEED_MAX_PAGE_SIZE = 100;
const MARKETPLACE_NAME = 'Gallerist';

export interface FeedPrice {
  amount: number;
  currency: string;
}
export interface FeedMedia {
  type: 'image';
  url: string;
  alt_text?: string;
}
export interface FeedVariant {
  id: string;
  title: string;
  description?: { plain: string };
  url: string;
  price: FeedPrice;
  availability: { available: boolean; status: 'in_stock' | 'out_of_stock' };
  categories: { value: string; taxonomy: string }[];
  condition: string[];
  variant_options: { name: string; value: string }[];
  media?: FeedMedia[];
  seller: { name: string };
  marketplace: { name: string };
}
export interface FeedProduct {
  id: string;
  title: string;
  description?: { plain: string };
  url: string;
  media?: FeedMedia[];
  variants: [FeedVariant];
}
export interface FeedMetadata {
  id: string;
  updated_at?: string;
}
export interface FeedPage {
  products: FeedProduct[];
  /** The cursor of the next page, or null on the last one. */
  nextCursor: string | null;
}

export interface FeedDeps {
  db: DB;
  clock: Clock;
  publicUrl: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const mediumLabel: Record<Medium, string> = {
  painting: 'Painting',
  photography: 'Photography',
  sculpture: 'Sculpture',
  drawing: 'Drawing',
  print: 'Print',
  mixed_media: 'Mixed media',
  digital: 'Digital',
  textile: 'Textile',
  other: 'Other',
};

// ----- cursor ---------------------------------------------------------------------------------------------------

interface Key {
  /** published_at as Postgres prints timestamptz (microseconds kept: a JS Date would drop them). */
  at: string;
  id: string;
}

export function encodeCursor(key: Key): string {
  return Buffer.from(JSON.stringify([key.at, key.id])).toString('base64url');
}

/** The key of a cursor, or a 400 `invalid_cursor` (param `cursor`). */
export function decodeCursor(cursor: string): Key {
  const bad = () => acpError('invalid_request', 'invalid_cursor', 'The cursor is not one this feed returned', 'cursor');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw bad();
  const [at, id] = parsed;
  if (typeof at !== 'string' || typeof id !== 'string' || !UUID.test(id)) throw bad();
  if (
    at.length > 40 ||
    !/^\d{4}-\d{2}-\d{2}[ T][\d:.]+([+-]\d{2}(:?\d{2})?|Z)?$/.test(at) ||
    Number.isNaN(Date.parse(at))
  )
    throw bad();
  return { at, id };
}

// ----- building ---------------------------------------------------------------------------------------------------

function dimensions(w: { width_mm: number | null; height_mm: number | null; depth_mm: number | null }): string | null {
  const cm = (mm: number) => String(Math.round(mm) / 10);
  const parts = [w.width_mm, w.height_mm, w.depth_mm].filter((n): n is number => n != null && n > 0);
  if (!w.width_mm || !w.height_mm) return null;
  return `${parts.map(cm).join(' × ')} cm`;
}

const base = (publicUrl: string) => publicUrl.replace(/\/+$/, '');

/** The page of the feed after `cursor` (from the start without one), at most `limit` products. */
export async function feedPage(deps: FeedDeps, opts: { cursor?: string; limit?: number } = {}): Promise<FeedPage> {
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? FEED_DEFAULT_PAGE_SIZE), 1), FEED_MAX_PAGE_SIZE);
  const after = opts.cursor ? decodeCursor(opts.cursor) : null;
  const { rows, images } = await withAnon(deps.db, async (tx) => {
    let q = publicColumns(tx, publicArtworks(tx))
      .select(sql<string>`w.published_at::text`.as('published_key'))
      .where('w.published_at', 'is not', null);
    if (after) q = q.where(sql<boolean>`(w.published_at, w.id) > (${after.at}::timestamptz, ${after.id}::uuid)`);
    const rows = await q
      .orderBy('w.published_at')
      .orderBy('w.id')
      .limit(limit + 1)
      .execute();
    const ids = rows.slice(0, limit).map((r) => r.id);
    const images = ids.length
      ? await tx
          .selectFrom('artwork_images')
          .select(['id', 'artwork_id', 'is_primary', 'position'])
          .where('artwork_id', 'in', ids)
          .orderBy('is_primary', 'desc')
          .orderBy('position')
          .orderBy('created_at')
          .execute()
      : [];
    return { rows, images };
  });
  const page = rows.slice(0, limit);
  const ids = page.map((r) => r.id);
  // Anon is not granted these columns; read them only for the ids RLS let anon see.
  const stock = ids.length
    ? await withService(deps.db, (tx) =>
        tx.selectFrom('artworks').select(['id', 'editions_sold', 'reserved_until']).where('id', 'in', ids).execute(),
      )
    : [];
  const stockOf = new Map(stock.map((s) => [s.id, s]));
  const now = deps.clock.now();
  const site = base(deps.publicUrl);

  const products = page.map((w): FeedProduct => {
    const s = stockOf.get(w.id);
    const { state } = availability(
      {
        status: w.status,
        edition_type: w.edition_type,
        edition_size: w.edition_size,
        editions_sold: s?.editions_sold ?? 0,
        reserved_until: s?.reserved_until ?? null,
      },
      now,
    );
    const inStock = state === 'available';
    const id = `${ACP_FEED_ITEM_PREFIX}${w.id}`;
    const url = `${site}/art/${w.id}`;
    const description = w.description.trim() ? { plain: w.description } : undefined;
    const media = images
      .filter((i) => i.artwork_id === w.id)
      .map((i): FeedMedia => ({ type: 'image', url: `${site}${imageUrls(i.id).url}`, alt_text: w.title }));
    const medium = mediumLabel[w.medium] ?? w.medium;
    const options = [{ name: 'Medium', value: medium }];
    const size = dimensions(w);
    if (size) options.push({ name: 'Dimensions', value: size });
    if (w.year != null) options.push({ name: 'Year', value: String(w.year) });
    options.push({
      name: 'Edition',
      value:
        w.edition_type === 'original'
          ? 'Original'
          : w.edition_size != null
            ? `Edition of ${w.edition_size}`
            : 'Open edition',
    });
    const variant: FeedVariant = {
      id,
      title: w.title,
      ...(description ? { description } : {}),
      url,
      price: { amount: Number(w.price_amount), currency: w.currency.trim().toUpperCase() },
      availability: { available: inStock, status: inStock ? 'in_stock' : 'out_of_stock' },
      categories: [{ value: `Art > ${medium}`, taxonomy: 'merchant' }],
      condition: ['new'],
      variant_options: options,
      ...(media.length ? { media } : {}),
      seller: { name: w.artist_name },
      marketplace: { name: MARKETPLACE_NAME },
    };
    return {
      id,
      title: w.title,
      ...(description ? { description } : {}),
      url,
      ...(media.length ? { media } : {}),
      variants: [variant],
    };
  });
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor({ at: last.published_key, id: last.id }) : null;
  return { products, nextCursor };
}

/** The feed's metadata: `updated_at` is the latest change to any work in it (absent while it is empty). */
export async function feedMetadata(deps: Pick<FeedDeps, 'db'>): Promise<FeedMetadata> {
  const row = await withAnon(deps.db, (tx) =>
    publicArtworks(tx)
      .where('w.published_at', 'is not', null)
      .select(sql<Date | string | null>`max(greatest(w.updated_at, w.published_at))`.as('at'))
      .executeTakeFirst(),
  );
  const at = row?.at ? new Date(row.at) : null;
  return at ? { id: ACP_FEED_ID, updated_at: at.toISOString() } : { id: ACP_FEED_ID };
}

/** The feed with this id exists (we publish exactly one), else the spec's 404 `feed_not_found`. */
export function requireFeed(id: string): void {
  if (id !== ACP_FEED_ID) throw acpError('invalid_request', 'feed_not_found', 'Feed not found', 'id', 404);
}
