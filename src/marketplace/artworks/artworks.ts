import { sql } from 'kysely';
import type { Actor } from '../../audit/index.ts';
import { recordAudit } from '../../audit/index.ts';
import type { Clock } from '../../clock.ts';
import { iso } from '../../db/sql.ts';
import type { DB } from '../../db/types.ts';
import { AppError, forbidden, notFound } from '../../errors.ts';
import { queueFeatures } from '../recommendations/queue.ts';
import type { ArtworkInputT, ArtworkOutT, ArtworkPatchT } from '../schema.ts';
import type { ArtworkStatus, Medium } from '../tables.ts';

/** Public URLs of an image's two stored sizes. */
export function imageUrls(imageId: string) {
  return { url: `/api/marketplace/media/${imageId}/web`, thumbUrl: `/api/marketplace/media/${imageId}/thumb` };
}

/** Artworks joined with their artist's slug and name. */
export function baseQuery(db: DB) {
  return db
    .selectFrom('artworks as w')
    .innerJoin('accounts as acc', 'acc.id', 'w.account_id')
    .selectAll('w')
    .select(['acc.slug as artist_slug', 'acc.name as artist_name']);
}
type ArtworkRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;
/** The columns withImages maps; public reads select just these (anon has no grant on the rest). */
export type ArtworkOutRow = Pick<
  ArtworkRow,
  | 'id'
  | 'account_id'
  | 'artist_slug'
  | 'artist_name'
  | 'title'
  | 'description'
  | 'medium'
  | 'width_mm'
  | 'height_mm'
  | 'depth_mm'
  | 'year'
  | 'price_amount'
  | 'currency'
  | 'edition_type'
  | 'edition_size'
  | 'status'
  | 'rejection_reason'
  | 'published_at'
  | 'updated_at'
>;

/** Attaches images (in display order) and maps rows to the API shape. */
export async function withImages(db: DB, rows: ArtworkOutRow[]): Promise<ArtworkOutT[]> {
  const ids = rows.map((r) => r.id);
  const images = ids.length
    ? await db
        .selectFrom('artwork_images')
        .selectAll()
        .where('artwork_id', 'in', ids)
        .orderBy('position')
        .orderBy('created_at')
        .execute()
    : [];
  return rows.map((r) => ({
    id: r.id,
    accountId: r.account_id,
    artist: { slug: r.artist_slug, name: r.artist_name },
    title: r.title,
    description: r.description,
    medium: r.medium,
    widthMm: r.width_mm,
    heightMm: r.height_mm,
    depthMm: r.depth_mm,
    year: r.year,
    priceAmount: Number(r.price_amount),
    currency: r.currency,
    editionType: r.edition_type,
    editionSize: r.edition_size,
    status: r.status,
    rejectionReason: r.rejection_reason,
    publishedAt: iso(r.published_at),
    updatedAt: iso(r.updated_at),
    images: images
      .filter((i) => i.artwork_id === r.id)
      .map((i) => ({
        id: i.id,
        position: i.position,
        isPrimary: i.is_primary,
        width: i.width,
        height: i.height,
        ...imageUrls(i.id),
      })),
  }));
}

/** One artwork with artist and images, as the caller's role may see it (RLS), or 404. */
export async function getArtwork(db: DB, id: string): Promise<ArtworkOutT> {
  const row = await baseQuery(db).where('w.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Artwork');
  return (await withImages(db, [row]))[0];
}

/** Statuses the public may see; the anon policy on artworks (migration 0090) repeats this list. */
export const publicStatuses: ArtworkStatus[] = ['published', 'reserved', 'sold'];

/** Whether the caller (under withUser: RLS shows members and platform admins) may manage-view this artwork. */
export async function canSeeArtwork(db: DB, id: string): Promise<boolean> {
  return Boolean(await db.selectFrom('artworks').select('id').where('id', '=', id).executeTakeFirst());
}

/**
 * The artist account of the artwork in the path (`{id}`), for `accountRole({ from: artworkAccount })`. Under the
 * caller's RLS: 404 when they can't see the artwork, 403 when they see it without being a member (platform admins).
 */
export async function artworkAccount(tx: DB, params: Record<string, string>): Promise<string> {
  const row = await tx
    .selectFrom('artworks as w')
    .select([
      'w.account_id',
      sql<boolean>`exists (select 1 from memberships m where m.account_id = w.account_id and m.user_id = app.current_user_id())`.as(
        'member',
      ),
    ])
    .where('w.id', '=', params.id)
    .executeTakeFirst();
  if (!row) throw notFound('Artwork');
  if (!row.member) throw forbidden('Only the artist can change this artwork');
  return row.account_id;
}

function dbValues(input: Partial<ArtworkInputT>) {
  const v: Record<string, unknown> = {};
  const map: Record<string, string> = {
    title: 'title',
    description: 'description',
    medium: 'medium',
    widthMm: 'width_mm',
    heightMm: 'height_mm',
    depthMm: 'depth_mm',
    year: 'year',
    priceAmount: 'price_amount',
    currency: 'currency',
    editionType: 'edition_type',
    editionSize: 'edition_size',
  };
  for (const [k, col] of Object.entries(map)) {
    const value = (input as Record<string, unknown>)[k];
    if (value !== undefined) v[col] = value;
  }
  return v;
}

/** Creates a draft artwork for an artist account; the caller must be a member (checked by the route + RLS). */
export async function createArtwork(
  db: DB,
  actor: Actor,
  accountId: string,
  input: ArtworkInputT,
): Promise<ArtworkOutT> {
  const profile = await db
    .selectFrom('artist_profiles')
    .select('account_id')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!profile) throw new AppError('invalid_state', 'Only approved artists can add artworks');
  const row = await db
    .insertInto('artworks')
    .values({
      ...(dbValues(input) as { title: string; medium: Medium; price_amount: number; currency: string }),
      account_id: accountId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, { accountId, action: 'artwork.created', entityType: 'artwork', entityId: row.id });
  return getArtwork(db, row.id);
}

async function lockArtwork(db: DB, id: string) {
  const row = await db.selectFrom('artworks').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('Artwork');
  return row;
}

/** Edits a draft or rejected artwork (an edit after rejection turns it back into a draft). */
export async function updateArtwork(db: DB, actor: Actor, id: string, patch: ArtworkPatchT, clock: Clock) {
  const cur = await lockArtwork(db, id);
  if (cur.status !== 'draft' && cur.status !== 'rejected') {
    throw new AppError('invalid_state', `A ${cur.status} artwork can't be edited; unpublish it first`);
  }
  const editionType = patch.editionType ?? cur.edition_type;
  const editionSize = patch.editionSize !== undefined ? patch.editionSize : cur.edition_size;
  if (editionType === 'original' ? editionSize != null : editionSize == null) {
    throw new AppError('validation_failed', 'The request is invalid', {
      fieldErrors: { editionSize: ['Originals have no edition size; editions need one (2 or more)'] },
      formErrors: [],
    });
  }
  await db
    .updateTable('artworks')
    .set({ ...dbValues(patch), status: 'draft', updated_at: clock.now() })
    .where('id', '=', id)
    .execute();
  await recordAudit(db, actor, {
    accountId: cur.account_id,
    action: 'artwork.updated',
    entityType: 'artwork',
    entityId: id,
  });
  return getArtwork(db, id);
}

/** Deletes a draft or rejected artwork (its image files are removed by the caller). */
export async function deleteArtwork(db: DB, actor: Actor, id: string): Promise<string[]> {
  const cur = await lockArtwork(db, id);
  if (cur.status !== 'draft' && cur.status !== 'rejected') {
    throw new AppError('invalid_state', `A ${cur.status} artwork can't be deleted`);
  }
  const keys = await db.selectFrom('artwork_images').select('storage_key').where('artwork_id', '=', id).execute();
  await db.deleteFrom('artworks').where('id', '=', id).execute();
  await recordAudit(db, actor, {
    accountId: cur.account_id,
    action: 'artwork.deleted',
    entityType: 'artwork',
    entityId: id,
  });
  return keys.map((k) => k.storage_key);
}

async function transition(
  db: DB,
  actor: Actor,
  id: string,
  from: ArtworkStatus[],
  to: ArtworkStatus,
  clock: Clock,
  extra: { rejection_reason?: string | null; published_at?: Date | null } = {},
) {
  const cur = await lockArtwork(db, id);
  if (!from.includes(cur.status)) {
    throw new AppError('invalid_state', `A ${cur.status} artwork can't become ${to}`);
  }
  await db
    .updateTable('artworks')
    .set({ status: to, updated_at: clock.now(), ...extra })
    .where('id', '=', id)
    .execute();
  await recordAudit(db, actor, {
    accountId: cur.account_id,
    action: `artwork.${to}`,
    entityType: 'artwork',
    entityId: id,
    before: { status: cur.status },
    after: { status: to, ...extra },
  });
  // A newly public work needs its recommendation features.
  if (to === 'published') await queueFeatures(db);
  return cur;
}

/** Sends a draft or rejected artwork to moderation. */
export async function submitArtwork(db: DB, actor: Actor, id: string, clock: Clock) {
  await transition(db, actor, id, ['draft', 'rejected'], 'submitted', clock, { rejection_reason: null });
  return getArtwork(db, id);
}

/** Takes a submitted or published artwork back to draft. */
export async function unpublishArtwork(db: DB, actor: Actor, id: string, clock: Clock) {
  await transition(db, actor, id, ['submitted', 'published'], 'draft', clock, { published_at: null });
  return getArtwork(db, id);
}

/** Publishes a submitted artwork; the artist must be able to get paid first. Run as service role. */
export async function approveArtwork(db: DB, actor: Actor, id: string, clock: Clock) {
  const cur = await lockArtwork(db, id);
  const profile = await db
    .selectFrom('artist_profiles')
    .select('onboarding_status')
    .where('account_id', '=', cur.account_id)
    .executeTakeFirst();
  if (profile?.onboarding_status !== 'complete') {
    throw new AppError(
      'invalid_state',
      "This artist hasn't finished payouts onboarding with Stripe, so the work can't be sold yet. Ask them to complete onboarding, then approve again.",
      { onboardingStatus: profile?.onboarding_status ?? null },
    );
  }
  await transition(db, actor, id, ['submitted'], 'published', clock, {
    published_at: clock.now(),
    rejection_reason: null,
  });
  return getArtwork(db, id);
}

/** Sends a submitted artwork back to the artist with a reason. Run as service role. */
export async function rejectArtwork(db: DB, actor: Actor, id: string, reason: string, clock: Clock) {
  await transition(db, actor, id, ['submitted'], 'rejected', clock, { rejection_reason: reason });
  return getArtwork(db, id);
}

/** All artworks of one artist account, newest first (members; RLS also enforces it). */
export async function listAccountArtworks(db: DB, accountId: string) {
  const rows = await baseQuery(db).where('w.account_id', '=', accountId).orderBy('w.created_at', 'desc').execute();
  return withImages(db, rows);
}
