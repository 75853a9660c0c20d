import { createHash } from 'node:crypto';

/**
 * A strong ETag for a stored file, from the storage key it was read from: files never change under a key (a new
 * upload gets a new key), so the tag needs no digest of the body on every answer, cached or not. Hono's `etag()`
 * middleware on the route compares it with If-None-Match and answers 304.
 */
export function storedFileTag(key: string): string {
  return `"${createHash('sha1').update(key).digest('hex')}"`;
}
