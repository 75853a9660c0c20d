import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedTemplateFile, openPglite } from './connect.ts';
import { writeEmbeddedTemplate } from './embedded-template.ts';
import { listMigrations, migrationsKey } from './migrate.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'gallerist-template-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const appliedIn = async (dataDir: string, longLived: boolean) => {
  const d = await openPglite(dataDir, undefined, { longLived });
  try {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from schema_migrations`.execute(d.db);
    return rows[0].n;
  } finally {
    await d.close();
  }
};

// The test run's global setup builds the template where `gallerist prepare` (npm install) leaves it.
describe('embedded database template', () => {
  it('starts a new folder migrated, in this process or in the child a server creates it with', async () => {
    expect(existsSync(embeddedTemplateFile())).toBe(true);
    expect(await appliedIn(join(scratch, 'one-shot', 'db'), false)).toBe(listMigrations().length);
    expect(await appliedIn(join(scratch, 'server', 'db'), true)).toBe(listMigrations().length);
  });

  it('is named by the migrations it holds, so a changed set is never served an old one', () => {
    const fewer = join(scratch, 'migrations');
    const files = readdirSync(join(root, 'src', 'db', 'migrations')).filter((f) => f.endsWith('.sql'));
    for (const f of files.slice(0, 3)) cpSync(join(root, 'src', 'db', 'migrations', f), join(fewer, f));
    expect(migrationsKey(fewer)).not.toBe(migrationsKey());
    expect(embeddedTemplateFile()).toContain(migrationsKey());
  });

  it('is built once: `gallerist prepare` finds it ready', async () => {
    expect(await writeEmbeddedTemplate(embeddedTemplateFile())).toBe(false);
    const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'bin', 'gallerist.js'), 'prepare'], {
      cwd: root,
    });
    expect(stdout).toContain('The embedded database template is ready');
  });
});
