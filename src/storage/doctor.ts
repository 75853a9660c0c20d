import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Check } from '../doctor.ts';
import { storageFor } from './index.ts';

/** Writes, reads back and deletes a small probe object, so a wrong key, bucket or endpoint shows before uploads. */
export async function checkStorage(config: Config): Promise<Check[]> {
  const name = 'storage';
  if (!config.s3) return [{ name, ok: true, detail: `local disk under ${config.dataDir}/objects` }];
  const where = `bucket ${config.s3.bucket} at ${config.s3.endpoint}`;
  const storage = storageFor(config);
  const key = `doctor/probe-${randomBytes(8).toString('hex')}.txt`;
  const body = new TextEncoder().encode('gallerist doctor probe');
  try {
    await storage.put(key, body, 'text/plain');
    const back = await storage.get(key);
    await storage.delete(key);
    const ok = back !== null && Buffer.from(back).equals(Buffer.from(body));
    return [
      ok
        ? { name, ok, detail: `S3 ${where}: write, read and delete work` }
        : { name, ok, detail: `S3 ${where}: the object read back differs`, fix: 'Check S3_ENDPOINT and S3_BUCKET.' },
    ];
  } catch (err) {
    return [
      {
        name,
        ok: false,
        detail: `S3 ${where}: ${(err as Error).message}`,
        fix: 'Check S3_ENDPOINT, S3_BUCKET, S3_REGION, the access key pair and S3_FORCE_PATH_STYLE (MinIO needs true).',
      },
    ];
  }
}
