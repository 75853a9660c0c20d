import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Storage } from './index.ts';

/** What the local store needs from the app config. */
export interface StorageConfig {
  dataDir: string;
}

// Keys are server-made paths like `shop/<account>/<uuid>.jpg`; anything else is a bug or an attack.
const KEY = /^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_.-]*)*$/i;

/** Throws on keys that are not server-made paths (every backend checks the same rule). */
export function assertKey(key: string): void {
  if (!KEY.test(key) || key.includes('..')) throw new Error(`Invalid storage key: ${key}`);
}

/** The absolute file path of an object key, refusing keys that could leave the storage root. */
export function getObjectPath(config: StorageConfig, key: string): string {
  assertKey(key);
  const root = resolve(config.dataDir, 'objects');
  return join(root, key);
}

/** Writes an object atomically (temp file + rename) so readers never see half a file. */
export async function putObject(config: StorageConfig, key: string, bytes: Uint8Array, _contentType: string) {
  const path = getObjectPath(config, key);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

/** Reads an object, or null when it does not exist. */
export async function getObject(config: StorageConfig, key: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(getObjectPath(config, key)));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Deletes an object; a missing object is fine (deletes are retried and may race). */
export async function deleteObject(config: StorageConfig, key: string): Promise<void> {
  await rm(getObjectPath(config, key), { force: true });
}

/** The local-disk backend: objects are files under `$DATA_DIR/objects`. */
export function localStorage(config: StorageConfig): Storage {
  return {
    kind: 'local',
    put: (key, bytes, contentType) => putObject(config, key, bytes, contentType),
    get: (key) => getObject(config, key),
    delete: (key) => deleteObject(config, key),
  };
}
