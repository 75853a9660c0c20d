import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import type { DB } from '../db/types.ts';
import { AppError, notFound } from '../errors.ts';
import { type StorageSettings, storageFor } from '../storage/index.ts';

/** Largest original a studio may upload. */
export const MAX_PHOTO_BYTES = 40 * 1024 * 1024;
export const WEB_EDGE = 2048;
export const THUMB_EDGE = 400;

/** The image type from the file's first bytes; the declared content type is never trusted. */
export function sniffImage(bytes: Uint8Array): { type: string; ext: string } | null {
  const b = bytes;
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { type: 'image/jpeg', ext: 'jpg' };
  if (b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
    return { type: 'image/png', ext: 'png' };
  }
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length > 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return { type: 'image/webp', ext: 'webp' };
  return null;
}

/** An uploaded file before processing. */
export interface Upload {
  filename: string;
  bytes: Uint8Array;
}

const photoUrls = (token: string, id: string) => ({
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
  const prepared = [];
  for (const f of files) {
    if (f.bytes.length > MAX_PHOTO_BYTES) {
      throw new AppError('payload_too_large', `${f.filename} is larger than 40 MB`);
    }
    const kind = sniffImage(f.bytes);
    if (!kind) throw new AppError('unsupported_media_type', `${f.filename} is not a JPEG, PNG or WebP image`);
    // rotate() applies EXIF orientation so stored dimensions match what people see.
    const img = sharp(f.bytes, { failOn: 'error' }).rotate();
    const meta = await img.metadata().catch(() => null);
    if (!meta?.width || !meta.height) throw new AppError('unsupported_media_type', `${f.filename} could not be read`);
    const swap = (meta.orientation ?? 1) >= 5;
    const width = swap ? meta.height : meta.width;
    const height = swap ? meta.width : meta.height;
    const resize = (edge: number) =>
      sharp(f.bytes).rotate().resize(edge, edge, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 82 });
    const web = await resize(WEB_EDGE).toBuffer();
    const thumb = await resize(THUMB_EDGE).toBuffer();
    const id = randomUUID();
    const base: string = keyBase ? keyBase(prepared.length) : `shop/${accountId}/${id}`;
    prepared.push({
      id,
      filename: f.filename.replace(/[^\w .()-]/g, '_').slice(0, 255) || 'photo',
      contentType: kind.type,
      width,
      height,
      bytes: f.bytes,
      keys: { original: `${base}-original.${kind.ext}`, web: `${base}-web.jpg`, thumb: `${base}-thumb.jpg` },
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
): Promise<{ bytes: Uint8Array | null; type: string }> {
  const storage = storageFor(config);
  if (size === 'thumb') return { bytes: await storage.get(photo.thumb_key), type: 'image/jpeg' };
  if (size === 'original') return { bytes: await storage.get(photo.original_key), type: photo.content_type };
  if (!watermark) return { bytes: await storage.get(photo.web_key), type: 'image/jpeg' };
  const key = `${photo.web_key}.wm.jpg`;
  const cached = await storage.get(key);
  if (cached) return { bytes: cached, type: 'image/jpeg' };
  const web = await storage.get(photo.web_key);
  if (!web) return { bytes: null, type: 'image/jpeg' };
  const base = sharp(web);
  const { width = 1, height = 1 } = await base.metadata();
  const svg = watermarkSvg(width, height, watermark.text);
  const out = await base
    .composite([{ input: Buffer.from(svg), gravity: 'center' }])
    .jpeg({ quality: 82 })
    .toBuffer();
  await storage.put(key, out, 'image/jpeg');
  return { bytes: new Uint8Array(out), type: 'image/jpeg' };
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
