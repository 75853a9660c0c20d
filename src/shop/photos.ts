import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import type { DB } from '../db/types.ts';
import { AppError, notFound } from '../errors.ts';
import {
  imagePool,
  inspectUpload,
  PHOTO_MAX_PIXELS,
  renderUpload,
  type StorageSettings,
  storageFor,
} from '../storage/index.ts';

/** Largest original a studio may upload. */
export const MAX_PHOTO_BYTES = 40 * 1024 * 1024;
export const WEB_EDGE = 2048;
export const THUMB_EDGE = 400;

/** An uploaded file before processing. */
export interface Upload {
  filename: string;
  bytes: Uint8Array;
}

/** Media URLs of a photo under the gallery's link. */
export const photoUrls = (token: string, id: string) => ({
  thumbUrl: `/api/shop/media/${token}/${id}/thumb`,
  webUrl: `/api/shop/media/${token}/${id}/web`,
});

type PhotoRow = {
  id: string;
  filename: string;
  width: number;
  height: number;
  position: number;
  bytes: string;
};

/** A photo as the API shows it, with media URLs under the gallery's link. */
export const photoOut = (token: string, p: PhotoRow) => ({
  id: p.id,
  filename: p.filename,
  width: p.width,
  height: p.height,
  position: p.position,
  bytes: Number(p.bytes),
  ...photoUrls(token, p.id),
});

/** A gallery's photos in display order. */
export async function listPhotos(db: DB, galleryId: string) {
  return db
    .selectFrom('gallery_photos')
    .select(['id', 'filename', 'width', 'height', 'position', 'bytes'])
    .where('gallery_id', '=', galleryId)
    .orderBy('position')
    .orderBy('created_at')
    .execute();
}

// Cursor body: version, position and id of the last photo served; base64url so clients treat it as opaque.
const CURSOR_RE = /^v1\.(-?\d{1,10})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The opaque cursor that continues after this photo. */
export const encodePhotoCursor = (p: { position: number; id: string }) =>
  Buffer.from(`v1.${p.position}.${p.id}`).toString('base64url');

/** The photo a cursor points after; a cursor this server did not issue is a 400, never a database error. */
export function decodePhotoCursor(cursor: string): { position: number; id: string } {
  const bad = () =>
    new AppError('validation_failed', 'This page cursor is not valid; load the gallery again from the start', {
      fieldErrors: { cursor: ['Invalid cursor'] },
      formErrors: [],
    });
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw bad();
  const m = CURSOR_RE.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const position = m ? Number(m[1]) : Number.NaN;
  if (!m || Math.abs(position) > 2_147_483_647) throw bad();
  return { position, id: m[2] };
}

/**
 * One page of a gallery's photos in display order (position, then id), after the cursor's photo. The cursor
 * photo's current position is used when it still exists, so a reorder elsewhere moves no page boundary.
 */
export async function listPhotosPage(db: DB, galleryId: string, opts: { cursor: string | null; limit: number }) {
  let after = opts.cursor ? decodePhotoCursor(opts.cursor) : null;
  if (after) {
    const anchor = await db
      .selectFrom('gallery_photos')
      .select(['id', 'position'])
      .where('gallery_id', '=', galleryId)
      .where('id', '=', after.id)
      .executeTakeFirst();
    if (anchor) after = anchor;
  }
  const rows = await db
    .selectFrom('gallery_photos')
    .select(['id', 'filename', 'width', 'height', 'position', 'bytes'])
    .where('gallery_id', '=', galleryId)
    .$if(after !== null, (q) =>
      q.where((eb) => eb(eb.refTuple('position', 'id'), '>', eb.tuple(after?.position ?? 0, after?.id ?? ''))),
    )
    .orderBy('position')
    .orderBy('id')
    .limit(opts.limit + 1)
    .execute();
  const more = rows.length > opts.limit;
  const photos = more ? rows.slice(0, opts.limit) : rows;
  const { n } = await db
    .selectFrom('gallery_photos')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('gallery_id', '=', galleryId)
    .executeTakeFirstOrThrow();
  return { photos, photoCount: Number(n), nextCursor: more ? encodePhotoCursor(photos[photos.length - 1]) : null };
}

/**
 * Validates and renders every file first (nothing stored when any is bad), then writes the objects. `keyBase`
 * fixes the storage keys (demo data), so reseeding overwrites instead of piling up files.
 */
export async function processUploads(
  config: StorageSettings,
  accountId: string,
  files: Upload[],
  keyBase?: (index: number) => string,
) {
  if (!files.length) throw new AppError('validation_failed', 'Choose at least one photo');
  // Header checks for every file first, so a bad last file fails before anything is decoded.
  const checked = [];
  for (const f of files) {
    if (f.bytes.length > MAX_PHOTO_BYTES) {
      throw new AppError('payload_too_large', `${f.filename} is larger than 40 MB`, { file: f.filename });
    }
    checked.push(await inspectUpload(f, PHOTO_MAX_PIXELS));
  }
  const prepared = [];
  for (const img of checked) {
    // rotate() applies EXIF orientation, so the sizes look the way people see the photo.
    const { web, thumb } = await renderUpload(img, async (open) => {
      const resize = (edge: number) =>
        open().rotate().resize(edge, edge, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 82 });
      return { web: await resize(WEB_EDGE).toBuffer(), thumb: await resize(THUMB_EDGE).toBuffer() };
    });
    const id = randomUUID();
    const base: string = keyBase ? keyBase(prepared.length) : `shop/${accountId}/${id}`;
    const ext = img.format === 'jpeg' ? 'jpg' : img.format;
    prepared.push({
      id,
      filename: img.filename.replace(/[^\w .()-]/g, '_').slice(0, 255) || 'photo',
      contentType: `image/${img.format}`,
      width: img.width,
      height: img.height,
      bytes: img.bytes,
      keys: { original: `${base}-original.${ext}`, web: `${base}-web.jpg`, thumb: `${base}-thumb.jpg` },
      web,
      thumb,
    });
  }
  const storage = storageFor(config);
  for (const p of prepared) {
    await storage.put(p.keys.original, p.bytes, p.contentType);
    await storage.put(p.keys.web, p.web, 'image/jpeg');
    await storage.put(p.keys.thumb, p.thumb, 'image/jpeg');
  }
  return prepared;
}

/** Inserts processed photos at the end of a gallery. */
export async function insertPhotos(
  db: DB,
  gallery: { id: string; accountId: string },
  prepared: Awaited<ReturnType<typeof processUploads>>,
) {
  const { max } = await db
    .selectFrom('gallery_photos')
    .select((eb) => eb.fn.max<number | null>('position').as('max'))
    .where('gallery_id', '=', gallery.id)
    .executeTakeFirstOrThrow();
  let position = (max ?? -1) + 1;
  for (const p of prepared) {
    await db
      .insertInto('gallery_photos')
      .values({
        id: p.id,
        gallery_id: gallery.id,
        account_id: gallery.accountId,
        original_key: p.keys.original,
        web_key: p.keys.web,
        thumb_key: p.keys.thumb,
        content_type: p.contentType,
        width: p.width,
        height: p.height,
        position: position++,
        filename: p.filename,
        bytes: p.bytes.length,
      })
      .execute();
  }
}

/** Sets the display order; `ids` must be exactly the gallery's photos. */
export async function reorderPhotos(db: DB, galleryId: string, ids: string[]): Promise<void> {
  const current = await listPhotos(db, galleryId);
  const known = new Set(current.map((p) => p.id));
  if (ids.length !== known.size || new Set(ids).size !== ids.length || !ids.every((id) => known.has(id))) {
    throw new AppError('validation_failed', 'List every photo of the gallery exactly once', {
      fieldErrors: { ids: ['List every photo of the gallery exactly once'] },
      formErrors: [],
    });
  }
  for (const [position, id] of ids.entries()) {
    await db.updateTable('gallery_photos').set({ position }).where('id', '=', id).execute();
  }
}

/** Deletes one photo of a gallery; returns its storage keys to remove once committed. */
export async function deletePhoto(db: DB, galleryId: string, photoId: string): Promise<string[]> {
  const p = await db
    .deleteFrom('gallery_photos')
    .where('id', '=', photoId)
    .where('gallery_id', '=', galleryId)
    .returning(['original_key', 'web_key', 'thumb_key'])
    .executeTakeFirst();
  if (!p) throw notFound('Photo');
  await db
    .updateTable('galleries')
    .set({ cover_photo_id: null })
    .where('id', '=', galleryId)
    .where('cover_photo_id', '=', photoId)
    .execute();
  return [p.original_key, p.web_key, p.thumb_key, `${p.web_key}.wm.jpg`];
}

/** Removes stored objects after their rows are gone; a leftover file is harmless, a missing row is not. */
export async function removeObjects(config: StorageSettings, keys: string[]): Promise<void> {
  const storage = storageFor(config);
  await Promise.all(keys.map((k) => storage.delete(k).catch(() => {})));
}

/** The bytes to send for a photo size (null when the object is gone), rendering and caching the watermarked web size. */
export async function mediaFile(
  config: StorageSettings,
  photo: { original_key: string; web_key: string; thumb_key: string; content_type: string },
  size: 'thumb' | 'web' | 'original',
  watermark: { text: string } | null,
): Promise<{ bytes: Uint8Array | null; type: string; key: string }> {
  const storage = storageFor(config);
  if (size === 'thumb') return { bytes: await storage.get(photo.thumb_key), type: 'image/jpeg', key: photo.thumb_key };
  if (size === 'original') {
    return { bytes: await storage.get(photo.original_key), type: photo.content_type, key: photo.original_key };
  }
  if (!watermark) return { bytes: await storage.get(photo.web_key), type: 'image/jpeg', key: photo.web_key };
  const key = `${photo.web_key}.wm.jpg`;
  const cached = await storage.get(key);
  if (cached) return { bytes: cached, type: 'image/jpeg', key };
  const web = await storage.get(photo.web_key);
  if (!web) return { bytes: null, type: 'image/jpeg', key };
  const out = await imagePool.run(async () => {
    const base = sharp(web);
    const { width = 1, height = 1 } = await base.metadata();
    const svg = watermarkSvg(width, height, watermark.text);
    return base
      .composite([{ input: Buffer.from(svg), gravity: 'center' }])
      .jpeg({ quality: 82 })
      .toBuffer();
  });
  await storage.put(key, out, 'image/jpeg');
  return { bytes: new Uint8Array(out), type: 'image/jpeg', key };
}

const escapeXml = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);

/** A diagonal, semi-transparent text overlay the size of the image. */
export function watermarkSvg(width: number, height: number, text: string): string {
  const size = Math.max(16, Math.round(Math.min(width, height) / 8));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <text x="50%" y="50%" text-anchor="middle" dominant-baseline="middle" font-family="sans-serif" font-size="${size}"
    fill="rgba(255,255,255,0.45)" stroke="rgba(0,0,0,0.25)" stroke-width="2"
    transform="rotate(-30 ${width / 2} ${height / 2})">${escapeXml(text)}</text>
</svg>`;
}
