import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseInUseError, openPglite } from './connect.ts';
import { migratedDataDir, testDbKind } from './testing.ts';

const dirs: string[] = [];
// A folder holding a migrated embedded database: the lock is what is tested here, not initdb (5–7 s each).
const freshDir = async () => {
  const d = mkdtempSync(join(tmpdir(), 'gallerist-lock-'));
  dirs.push(d);
  return migratedDataDir(d);
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(testDbKind() === 'postgres')('the embedded database lock', () => {
  it('lets one holder at a time open a data folder, and frees it on close', async () => {
    const dataDir = join(await freshDir(), 'db');
    const first = await openPglite(dataDir);
    expect(existsSync(`${dataDir}.lock`)).toBe(true);
    await expect(openPglite(dataDir)).rejects.toBeInstanceOf(DatabaseInUseError);
    await first.close();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    const again = await openPglite(dataDir);
    await again.close();
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const dataDir = join(await freshDir(), 'db');
    // A pid far above any real one on this machine stands for a crashed process.
    writeFileSync(`${dataDir}.lock`, '2147480000');
    const d = await openPglite(dataDir);
    await d.close();
  });

  it('makes a second CLI process refuse, with a clear message, while the server holds the folder', async () => {
    const dataDir = await freshDir();
    const held = await openPglite(join(dataDir, 'db'));
    try {
      const run = promisify(execFile)(process.execPath, ['bin/gallerist.js', 'migrate'], {
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' },
      });
      const err = await run.then(
        () => null,
        (e: { code: number; stderr: string }) => e,
      );
      expect(err?.code).toBe(2);
      expect(err?.stderr).toContain(`Another Gallerist process (pid ${process.pid}) is using the embedded database`);
    } finally {
      await held.close();
    }
  }, 30_000);
});
