import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { hashPassword, hitRateLimit, verifyPassword } from '../accounts/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import { afterCursor, cappedCount, cursorAt, decodeCursor, keysetPage } from '../db/keyset.ts';
import { iso, likePattern } from '../db/sql.ts';
import type { DB } from '../db/types.ts';
import { AppError, notFound } from '../errors.ts';
import { queueMail, renderEmail } from '../mail/index.ts';
import type { GalleryPatchT } from './schema.ts';

type GalleryRow = {
  id: string;
  account_id: string;
  title: string;
  client_id: string | null;
  event_date: string | null;
  cover_photo_id: string | null;
  token: string;
  pin_hash: string | null;
  expires_at: Date | null;
  store_enabled: boolean;
  watermark: boolean;
  price_sheet_id: string | null;
  status: 'draft' | 'published' | 'archived';
  created_at: Date;
};

/** A new unguessable gallery link token (32 bytes → 43 base64url chars). */
export const newGalleryToken = () => randomBytes(32).toString('base64url');

// `date` columns parse differently per driver; read them as text so the API always sees YYYY-MM-DD.
const galleryColumns = [
  'g.id',
  'g.account_id',
  'g.title',
  'g.client_id',
  sql<string | null>`to_char(g.event_date, 'YYYY-MM-DD')`.as('event_date'),
  'g.cover_photo_id',
  'g.token',
  'g.pin_hash',
  'g.expires_at',
  'g.store_enabled',
  'g.watermark',
  'g.price_sheet_id',
  'g.status',
  'g.created_at',
] as const;

const galleryOut = (g: GalleryRow, photoCount: number) => ({
  id: g.id,
  accountId: g.account_id,
  title: g.title,
  clientId: g.client_id,
  eventDate: g.event_date,
  coverPhotoId: g.cover_photo_id,
  token: g.token,
  hasPin: g.pin_hash !== null,
  expiresAt: iso(g.expires_at),
  storeEnabled: g.store_enabled,
  watermark: g.watermark,
  priceSheetId: g.price_sheet_id,
  status: g.status,
  photoCount,
  createdAt: new Date(g.created_at).toISOString(),
});

function baseQuery(db: DB) {
  return db
    .selectFrom('galleries as g')
    .select(galleryColumns)
    .select((eb) =>
      eb
        .selectFrom('gallery_photos as p')
        .whereRef('p.gallery_id', '=', 'g.id')
        .select((e) => e.fn.countAll<string>().as('n'))
        .as('photo_count'),
    );
}

/** A studio's galleries, newest first, a keyset page at a time, optionally by a fragment of the title; capped total. */
export async function listGalleries(db: DB, accountId: string, opts: { q?: string; cursor?: string; limit: number }) {
  const cursor = decodeCursor(opts.cursor);
  let q = baseQuery(db).where('g.account_id', '=', accountId);
  let count = db.selectFrom('galleries as g').where('g.account_id', '=', accountId);
  if (opts.q) {
    q = q.where('g.title', 'ilike', likePattern(opts.q));
    count = count.where('g.title', 'ilike', likePattern(opts.q));
  }
  if (cursor) q = q.where(afterCursor('g.created_at', 'g.id', cursor, 'desc'));
  const found = await q
    .select(cursorAt('g.created_at').as('cursor_at'))
    .orderBy('g.created_at', 'desc')
    .orderBy('g.id', 'desc')
    .limit(opts.limit + 1)
    .execute();
  const { rows, nextCursor } = keysetPage(found, opts.limit);
  return {
    data: rows.map((r) => galleryOut(r as GalleryRow, Number(r.photo_count ?? 0))),
    nextCursor,
    limit: opts.limit,
    ...(await cappedCount(db, count)),
  };
}

/**
 * The studio of the gallery in a route's `{galleryId}`, as visible to the caller (RLS; 404 otherwise): the account
 * lookup of the studio's gallery routes (`accountRole({ from: galleryAccount })`).
 */
export async function galleryAccount(db: DB, params: Record<string, string>): Promise<string> {
  const r = await db.selectFrom('galleries').select('account_id').where('id', '=', params.galleryId).executeTakeFirst();
  if (!r) throw notFound('Gallery');
  return r.account_id;
}

/** One gallery by id, as visible to the caller (RLS); 404 otherwise. */
export async function getGallery(db: DB, id: string) {
  const r = await baseQuery(db).where('g.id', '=', id).executeTakeFirst();
  if (!r) throw notFound('Gallery');
  return galleryOut(r as GalleryRow, Number(r.photo_count ?? 0));
}

// References must stay inside the studio: a foreign client or price sheet id reads as unknown.
async function checkRefs(db: DB, accountId: string, patch: GalleryPatchT, galleryId?: string) {
  const bad = (field: string, msg: string) =>
    new AppError('validation_failed', msg, { fieldErrors: { [field]: [msg] }, formErrors: [] });
  const inStudio = async (table: 'studio_clients' | 'price_sheets', id: string) =>
    Boolean(
      await db
        .selectFrom(table)
        .select('id')
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .executeTakeFirst(),
    );
  if (patch.clientId && !(await inStudio('studio_clients', patch.clientId))) throw bad('clientId', 'Unknown client');
  if (patch.priceSheetId && !(await inStudio('price_sheets', patch.priceSheetId))) {
    throw bad('priceSheetId', 'Unknown price sheet');
  }
  if (patch.coverPhotoId) {
    const p = galleryId
      ? await db
          .selectFrom('gallery_photos')
          .select('id')
          .where('id', '=', patch.coverPhotoId)
          .where('gallery_id', '=', galleryId)
          .executeTakeFirst()
      : undefined;
    if (!p) throw bad('coverPhotoId', 'Unknown photo');
  }
}

async function columnsFor(patch: GalleryPatchT) {
  const set: Record<string, unknown> = {};
  if (patch.title !== undefined) set.title = patch.title;
  if (patch.clientId !== undefined) set.client_id = patch.clientId;
  if (patch.eventDate !== undefined) set.event_date = patch.eventDate;
  if (patch.pin !== undefined) set.pin_hash = patch.pin === null ? null : await hashPassword(patch.pin);
  if (patch.expiresAt !== undefined) set.expires_at = patch.expiresAt === null ? null : new Date(patch.expiresAt);
  if (patch.storeEnabled !== undefined) set.store_enabled = patch.storeEnabled;
  if (patch.watermark !== undefined) set.watermark = patch.watermark;
  if (patch.priceSheetId !== undefined) set.price_sheet_id = patch.priceSheetId;
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.coverPhotoId !== undefined) set.cover_photo_id = patch.coverPhotoId;
  return set;
}

/** Creates a gallery with a fresh private link. */
export async function createGallery(db: DB, accountId: string, input: GalleryPatchT & { title: string }) {
  await checkRefs(db, accountId, input);
  const set = await columnsFor(input);
  const r = await db
    .insertInto('galleries')
    .values({ account_id: accountId, token: newGalleryToken(), title: input.title, ...set })
    .returning('id')
    .executeTakeFirstOrThrow();
  return getGallery(db, r.id);
}

/** Changes a gallery; setting `pin` re-hashes it (and so invalidates existing unlock cookies). */
export async function updateGallery(db: DB, id: string, patch: GalleryPatchT) {
  const g = await getGallery(db, id);
  await checkRefs(db, g.accountId, patch, id);
  const set = await columnsFor(patch);
  if (Object.keys(set).length) {
    await db
      .updateTable('galleries')
      .set({ ...set, updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
  }
  return getGallery(db, id);
}

/** Deletes a gallery row (photos and carts cascade); returns the storage keys to remove afterwards. */
export async function deleteGallery(db: DB, id: string): Promise<string[]> {
  const g = await getGallery(db, id);
  const photos = await db
    .selectFrom('gallery_photos')
    .select(['original_key', 'web_key', 'thumb_key'])
    .where('gallery_id', '=', g.id)
    .execute();
  await db.deleteFrom('galleries').where('id', '=', g.id).execute();
  return photos.flatMap((p) => [p.original_key, p.web_key, p.thumb_key, `${p.web_key}.wm.jpg`]);
}

/** What a visitor's request resolves to: the gallery behind a link token. */
export type PublicGallery = GalleryRow;

/** The published, unexpired gallery behind a token (404 unknown/unpublished, 410 expired). Run as service. */
export async function galleryByToken(db: DB, token: string, clock: Clock): Promise<PublicGallery> {
  if (!/^[A-Za-z0-9_-]{22,64}$/.test(token)) throw notFound('Gallery');
  const r = await db
    .selectFrom('galleries as g')
    .select(galleryColumns)
    .where('g.token', '=', token)
    .executeTakeFirst();
  if (r?.status !== 'published') throw notFound('Gallery');
  if (r.expires_at && new Date(r.expires_at) <= clock.now()) throw new AppError('gone', 'This gallery has expired');
  return r as GalleryRow;
}

/** What a visitor's anon transaction reads of the gallery behind its link (no PIN hash, no client). */
export type VisitorGallery = Omit<GalleryRow, 'pin_hash' | 'client_id' | 'created_at'> & { has_pin: boolean };

/**
 * galleryByToken for a visitor running as anon with the token in the claims: RLS shows only that gallery, and
 * only when published (404 otherwise). Expiry is the caller's next check (assertNotExpired).
 */
export async function visitorGallery(db: DB, token: string): Promise<VisitorGallery> {
  if (!/^[A-Za-z0-9_-]{22,64}$/.test(token)) throw notFound('Gallery');
  const r = await db
    .selectFrom('galleries as g')
    .select([
      'g.id',
      'g.account_id',
      'g.title',
      sql<string | null>`to_char(g.event_date, 'YYYY-MM-DD')`.as('event_date'),
      'g.cover_photo_id',
      'g.token',
      'g.expires_at',
      'g.store_enabled',
      'g.watermark',
      'g.price_sheet_id',
      'g.status',
      sql<boolean>`coalesce(app.link_gallery_has_pin(), false)`.as('has_pin'),
    ])
    .where('g.token', '=', token)
    .executeTakeFirst();
  if (r?.status !== 'published') throw notFound('Gallery');
  return r as VisitorGallery;
}

/** 410 once the gallery's link has expired. */
export function assertNotExpired(g: { expires_at: Date | null }, clock: Clock): void {
  if (g.expires_at && new Date(g.expires_at) <= clock.now()) throw new AppError('gone', 'This gallery has expired');
}

/** The PIN hash of a gallery, to check an unlock cookie. Run as service (anon has no grant on it). */
export async function galleryPinHash(db: DB, id: string): Promise<string | null> {
  const r = await db.selectFrom('galleries').select('pin_hash').where('id', '=', id).executeTakeFirst();
  return r?.pin_hash ?? null;
}

/** The cookie that carries a gallery unlock; one per gallery so a link never unlocks another gallery. */
export const accessCookieName = (galleryId: string) => `gallerist_g_${galleryId.replaceAll('-', '')}`;

// The MAC covers the PIN hash, so changing the PIN logs every visitor out of that gallery.
function mac(secret: string, g: { id: string; pin_hash: string | null }, exp: number): string {
  return createHmac('sha256', secret).update(`gallery:${g.id}:${g.pin_hash}:${exp}`).digest('base64url');
}

/** A signed unlock value valid until `exp` (ms since epoch). */
export function signAccess(secret: string, g: { id: string; pin_hash: string | null }, exp: number): string {
  return `${exp}.${mac(secret, g, exp)}`;
}

/** True when the gallery needs no PIN or `cookie` is a valid unexpired unlock for exactly this gallery. */
export function hasAccess(
  secret: string,
  g: { id: string; pin_hash: string | null },
  cookie: string | undefined,
  now: Date,
): boolean {
  if (!g.pin_hash) return true;
  if (!cookie) return false;
  const [expRaw, sig] = cookie.split('.');
  const exp = Number(expRaw);
  if (!Number.isSafeInteger(exp) || exp <= now.getTime() || !sig) return false;
  const a = Buffer.from(sig);
  const b = Buffer.from(mac(secret, g, exp));
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Checks a visitor's PIN against the gallery's hash. */
export async function checkPin(g: PublicGallery, pin: string): Promise<boolean> {
  return g.pin_hash ? verifyPassword(pin, g.pin_hash) : true;
}

/** Wrong PINs one client may try on one gallery before a short pause; other clients are unaffected. */
export const PIN_LIMIT = { limit: 5, windowSeconds: 300 } as const;
/** Wrong PINs on one gallery (all clients) within an hour that make the studio hear about it, at most daily. */
export const PIN_ALERT = { failures: 20, windowSeconds: 3600, quietSeconds: 86_400 } as const;

/**
 * Counts a wrong PIN against the gallery and, the first time the count reaches PIN_ALERT.failures, emails the
 * studio's owners and admins (then stays quiet for a day). Run as service in its own transaction.
 */
export async function recordPinFailure(
  db: DB,
  g: PublicGallery,
  clock: Clock,
  publicUrl: string,
  requestId: string | null = null,
): Promise<void> {
  const hit = await hitRateLimit(db, `gallery-pin-fail:${g.id}`, PIN_ALERT.failures, PIN_ALERT.windowSeconds, clock);
  if (hit.hits !== PIN_ALERT.failures) return;
  const quiet = await hitRateLimit(db, `gallery-pin-alert:${g.id}`, 1, PIN_ALERT.quietSeconds, clock);
  if (quiet.limited) return;
  const staff = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('users.email')
    .where('memberships.account_id', '=', g.account_id)
    .where('memberships.role', 'in', ['owner', 'admin'])
    .where('users.suspended_at', 'is', null)
    .execute();
  const mail = renderEmail({
    heading: 'Repeated wrong PINs on a gallery',
    paragraphs: [
      `Someone entered a wrong PIN ${PIN_ALERT.failures} times within an hour on your gallery "${g.title}".`,
      'Each visitor is paused for a few minutes after a few wrong tries, and visitors who know the PIN can still get in. If the PIN may have leaked, change it in the gallery settings; everyone then needs the new PIN.',
    ],
    button: { label: 'Open the gallery settings', url: `${publicUrl}/studio/galleries/${g.id}` },
  });
  for (const s of staff) {
    await queueMail(db, {
      to: s.email,
      subject: `Wrong PINs on "${g.title}"`,
      template: 'shop.gallery_pin_alert',
      accountId: g.account_id,
      ...mail,
    });
  }
  await recordAudit(
    db,
    { kind: 'anonymous', requestId },
    {
      accountId: g.account_id,
      action: 'gallery.pin_failures_alerted',
      entityType: 'gallery',
      entityId: g.id,
      after: { failures: hit.hits, notified: staff.length },
    },
  );
}
