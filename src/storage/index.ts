import type { S3Config } from '../config.ts';
import { localStorage, type StorageConfig } from './local.ts';
import { s3Storage } from './s3.ts';

/** Where uploaded files live; every backend stores bytes under server-made keys like `shop/<account>/<id>.jpg`. */
export interface Storage {
  readonly kind: 'local' | 's3';
  /** Stores an object, replacing any object with the same key. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The object's bytes, or null when there is no such object. */
  get(key: string): Promise<Uint8Array | null>;
  /** Removes an object; removing a missing object is not an error (deletes are retried). */
  delete(key: string): Promise<void>;
}

/** The config a storage backend is chosen from (the app Config satisfies it). */
export type StorageSettings = StorageConfig & { s3?: S3Config | null };

// One backend per config object, so every caller holding the app config shares the same instance.
const instances = new WeakMap<object, Storage>();

/** The storage the app uses: S3 when the config has an `s3` section (STORAGE=s3), else local disk. */
export function storageFor(config: StorageSettings): Storage {
  let s = instances.get(config);
  if (!s) {
    s = config.s3 ? s3Storage(config.s3) : localStorage(config);
    instances.set(config, s);
  }
  return s;
}

// What other parts of the app may use from storage besides the above.
export { imagePool, inspectUpload, LOGO_MAX_PIXELS, PHOTO_MAX_PIXELS, renderUpload } from './image-pool.ts';
