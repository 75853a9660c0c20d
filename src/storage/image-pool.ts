import { availableParallelism } from 'node:os';
import sharp, { type Sharp } from 'sharp';
import { AppError, isAppError } from '../errors.ts';

/** Largest photo or artwork image, in pixels (read from the header, checked before decoding). */
export const PHOTO_MAX_PIXELS = 100_000_000;
/** Largest studio logo, in pixels. */
export const LOGO_MAX_PIXELS = 25_000_000;
/** Image jobs that may decode at once; the rest wait in arrival order. */
export const IMAGE_JOBS = 2;

/** Runs image jobs a few at a time and queues the rest, so uploads cannot take every core or libuv thread. */
export interface ImagePool {
  run<T>(job: () => Promise<T>): Promise<T>;
  /** Jobs running and waiting right now. */
  stats(): { running: number; waiting: number };
}

/** A pool running at most `concurrency` jobs at once, first come first served. */
export function createImagePool(concurrency = IMAGE_JOBS): ImagePool {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('Image pool concurrency must be at least 1');
  let running = 0;
  const waiting: Array<() => void> = [];
  return {
    async run(job) {
      if (running < concurrency) running++;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await job();
      } finally {
        // Hand the slot straight to the next job, so a newcomer cannot overtake the queue.
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
    stats: () => ({ running, waiting: waiting.length }),
  };
}

// libvips threads per job, so the pool's jobs together use about one thread per core.
sharp.concurrency(Math.max(1, Math.floor(availableParallelism() / IMAGE_JOBS)));

/** The process-wide pool every sharp decode goes through (domain code gets no deps object to carry one). */
export const imagePool = createImagePool(IMAGE_JOBS);

/** The image format from the file's first bytes; the declared content type and filename are never trusted. */
export function sniffImageFormat(b: Uint8Array): 'jpeg' | 'png' | 'webp' | null {
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (b.length > 8 && png.every((v, i) => b[i] === v)) return 'png';
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length > 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  return null;
}

/** An upload whose header has been read and checked; nothing is decoded yet. */
export interface CheckedImage {
  filename: string;
  bytes: Uint8Array;
  format: 'jpeg' | 'png' | 'webp';
  /** Size as displayed, EXIF orientation applied. */
  width: number;
  height: number;
  maxPixels: number;
}

const unreadable = (file: string) =>
  new AppError('unprocessable', `${file} could not be read; it may be damaged or incomplete`, { file });

/**
 * Checks an upload from its first bytes and header only: 415 when it is not a JPEG, PNG or WebP, 422 when the
 * header is broken, 413 when it has more than `maxPixels` pixels (a small file can decode to gigabytes).
 */
export async function inspectUpload(
  upload: { filename: string; bytes: Uint8Array },
  maxPixels: number,
): Promise<CheckedImage> {
  const { filename: file, bytes } = upload;
  const format = sniffImageFormat(bytes);
  if (!format) throw new AppError('unsupported_media_type', `${file} is not a JPEG, PNG or WebP image`, { file });
  // No pixel limit here: metadata() only parses the header, and the limit is checked below with a clear message.
  const meta = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch(() => null);
  if (!meta?.width || !meta.height) throw unreadable(file);
  if (meta.width * meta.height > maxPixels) {
    const mp = (n: number) => Math.round(n / 1_000_000);
    throw new AppError(
      'payload_too_large',
      `${file} is ${meta.width} × ${meta.height} pixels (${mp(meta.width * meta.height)} megapixels); images can have at most ${mp(maxPixels)} megapixels`,
      { file },
    );
  }
  const swap = (meta.orientation ?? 1) >= 5;
  return {
    filename: file,
    bytes,
    format,
    width: swap ? meta.height : meta.width,
    height: swap ? meta.width : meta.height,
    maxPixels,
  };
}

/**
 * Decodes a checked upload in the pool. `open` gives a fresh sharp instance of the upload with the pixel limit
 * set; any decoding failure (truncated or corrupt data) becomes a 422 naming the file, never a 500.
 */
export async function renderUpload<T>(
  image: CheckedImage,
  render: (open: () => Sharp) => Promise<T>,
  pool: ImagePool = imagePool,
): Promise<T> {
  const open = () => sharp(image.bytes, { failOn: 'error', limitInputPixels: image.maxPixels });
  try {
    return await pool.run(() => render(open));
  } catch (e) {
    if (isAppError(e)) throw e;
    throw unreadable(image.filename);
  }
}
