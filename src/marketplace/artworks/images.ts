import { randomUUID } from 'node:crypto';
import type { Actor } from '../../audit/index.ts';
import { recordAudit } from '../../audit/index.ts';
import type { DB } from '../../db/types.ts';
import { AppError, notFound } from '../../errors.ts';
import {
  inspectUpload,
  PHOTO_MAX_PIXELS,
  renderUpload,
  type StorageSettings as StorageConfig,
  storageFor,
} from '../../storage/index.ts';
import { queueFeatures } from '../recommendations/queue.ts';
import { publicStatuses } from './artworks.ts';

export const MAX_IMAGE_BYTES = 15 * 1024 * 1024;
const MAX_IMAGES = 12;
const WEB_PX = 1600;
const THUMB_PX = 400;

/** Storage keys of an image's web-size and thumbnail files. */
export function variantKey(storageKey: string, variant: 'web' | 'thumb'): string {
  return `${storageKey}-${variant}.webp`;
}

/** Resizes an upload into a web size and a thumbnail (both WebP, EXIF orientation applied, metadata stripped). */
export async function processImage(buf: Buffer, filename = 'image') {
  if (buf.length > MAX_IMAGE_BYTES) {
    throw new AppError('payload_too_large', `${filename} is larger than 15 MB`, { file: filename });
  }
  const checked = await inspectUpload({ filename, bytes: buf }, PHOTO_MAX_PIXELS);
  return renderUpload(checked, async (open) => {
    const base = open().rotate();
    const web = await base
      .clone()
      .resize({ width: WEB_PX, height: WEB_PX, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 82 })
      .toBuffer({ resolveWithObject: true });
    const thumb = await base
      .clone()
      .resize({ width: THUMB_PX, height: THUMB_PX, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    return { web: web.data, thumb, width: web.info.width, height: web.info.height };
  });
}

/** Runs a function in a transaction: the caller's `withUser` (`c.var.access.tx`), or the seed's own. */
export type RunTx = <T>(fn: (tx: DB) => Promise<T>) => Promise<T>;

// The artwork's account when it has room for one more image (404 when the caller can't see it, 409 when full).
async function imageSlot(db: DB, artworkId: string, lock: boolean): Promise<{ accountId: string; count: number }> {
  let q = db.selectFrom('artworks').select(['id', 'account_id']).where('id', '=', artworkId);
  if (lock) q = q.forUpdate();
  const art = await q.executeTakeFirst();
  if (!art) throw notFound('Artwork');
  const { n } = await db
    .selectFrom('artwork_images')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('artwork_id', '=', artworkId)
    .executeTakeFirstOrThrow();
  if (Number(n) >= MAX_IMAGES) throw new AppError('invalid_state', `An artwork can have at most ${MAX_IMAGES} images`);
  return { accountId: art.account_id, count: Number(n) };
}

/**
 * Adds an upload to the artwork (the first image becomes primary). Resizing and storing (S3 may be the network) run
 * between two short transactions, never inside one: check room, store the files, then record them under the
 * artwork's lock, re-checking room; files whose record is refused are deleted again.
 */
export async function addArtworkImage(
  run: RunTx,
  actor: Actor,
  storage: StorageConfig,
  artworkId: string,
  buf: Buffer,
  filename = 'image',
) {
  const { accountId } = await run((tx) => imageSlot(tx, artworkId, false));
  const img = await processImage(buf, filename);
  const id = randomUUID();
  const key = `artworks/${accountId}/${artworkId}/${id}`;
  await storageFor(storage).put(variantKey(key, 'web'), img.web, 'image/webp');
  await storageFor(storage).put(variantKey(key, 'thumb'), img.thumb, 'image/webp');
  try {
    await run(async (db) => {
      const slot = await imageSlot(db, artworkId, true);
      const { max } = await db
        .selectFrom('artwork_images')
        .select((eb) => eb.fn.max<number | null>('position').as('max'))
        .where('artwork_id', '=', artworkId)
        .executeTakeFirstOrThrow();
      await db
        .insertInto('artwork_images')
        .values({
          id,
          artwork_id: artworkId,
          account_id: slot.accountId,
          storage_key: key,
          position: (max ?? -1) + 1,
          is_primary: slot.count === 0,
          width: img.width,
          height: img.height,
        })
        .execute();
      await recordAudit(db, actor, {
        accountId: slot.accountId,
        action: 'artwork.image_added',
        entityType: 'artwork',
        entityId: artworkId,
        after: { imageId: id },
      });
      if (slot.count === 0) await queueFeatures(db);
    });
  } catch (err) {
    await deleteImageFiles(storage, key);
    throw err;
  }
  return id;
}

async function findImage(db: DB, artworkId: string, imageId: string) {
  const img = await db
    .selectFrom('artwork_images')
    .selectAll()
    .where('id', '=', imageId)
    .where('artwork_id', '=', artworkId)
    .executeTakeFirst();
  if (!img) throw notFound('Image');
  return img;
}

/** Makes one image the artwork's primary (cover) image. */
export async function setPrimaryImage(db: DB, artworkId: string, imageId: string): Promise<void> {
  await findImage(db, artworkId, imageId);
  // Clear first: the partial unique index allows one primary per artwork at any moment.
  await db.updateTable('artwork_images').set({ is_primary: false }).where('artwork_id', '=', artworkId).execute();
  await db.updateTable('artwork_images').set({ is_primary: true }).where('id', '=', imageId).execute();
  await queueFeatures(db); // The colours come from the primary image.
}

/** Reorders images; `ids` must list every image of the artwork exactly once. */
export async function reorderImages(db: DB, artworkId: string, ids: string[]): Promise<void> {
  const current = await db.selectFrom('artwork_images').select('id').where('artwork_id', '=', artworkId).execute();
  const have = new Set(current.map((c) => c.id));
  if (ids.length !== have.size || new Set(ids).size !== ids.length || !ids.every((i) => have.has(i))) {
    throw new AppError('validation_failed', 'List every image of the artwork exactly once', {
      fieldErrors: { ids: ['List every image of the artwork exactly once'] },
      formErrors: [],
    });
  }
  for (const [position, id] of ids.entries()) {
    await db.updateTable('artwork_images').set({ position }).where('id', '=', id).execute();
  }
}

/** Removes an image (and promotes the next one to primary); returns its storage key for file cleanup. */
export async function deleteImage(db: DB, artworkId: string, imageId: string): Promise<string> {
  const img = await findImage(db, artworkId, imageId);
  await db.deleteFrom('artwork_images').where('id', '=', imageId).execute();
  if (img.is_primary) {
    const next = await db
      .selectFrom('artwork_images')
      .select('id')
      .where('artwork_id', '=', artworkId)
      .orderBy('position')
      .executeTakeFirst();
    if (next) await db.updateTable('artwork_images').set({ is_primary: true }).where('id', '=', next.id).execute();
    await queueFeatures(db);
  }
  return img.storage_key;
}

/** Deletes both stored sizes of an image; best effort, since the row is already gone. */
export async function deleteImageFiles(storage: StorageConfig, storageKey: string): Promise<void> {
  await Promise.all([
    storageFor(storage).delete(variantKey(storageKey, 'web')),
    storageFor(storage).delete(variantKey(storageKey, 'thumb')),
  ]).catch(() => {});
}

/** The bytes of one stored image size, or null when the file is missing. */
export async function readImageFile(storage: StorageConfig, key: string): Promise<Buffer | null> {
  const bytes = await storageFor(storage).get(key);
  return bytes ? Buffer.from(bytes) : null;
}

/** The storage key of an image visible to the caller's RLS view (the artist's members, platform admins), or null. */
export async function visibleImageKey(db: DB, imageId: string): Promise<string | null> {
  const row = await db.selectFrom('artwork_images').select('storage_key').where('id', '=', imageId).executeTakeFirst();
  return row?.storage_key ?? null;
}

/** The storage key of an image of a published (public) artwork, or null. Run as service role. */
export async function publicImageKey(db: DB, imageId: string): Promise<string | null> {
  const row = await db
    .selectFrom('artwork_images as i')
    .innerJoin('artworks as w', 'w.id', 'i.artwork_id')
    .select('i.storage_key')
    .where('i.id', '=', imageId)
    .where('w.status', 'in', publicStatuses)
    .executeTakeFirst();
  return row?.storage_key ?? null;
}
