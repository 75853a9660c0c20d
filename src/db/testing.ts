import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { type Database, openPglite, openPostgres } from './connect.ts';
import { listMigrations, migrate } from './migrate.ts';

const tmpDir = join(process.cwd(), '.tmp');

/** Which database the current test project runs on. */
export function testDbKind(): 'pglite' | 'postgres' {
  return process.env.GALLERIST_TEST_DB === 'postgres' && process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
}

// Template names carry the migrations' checksum so a changed migration rebuilds them.
function templateKey(): string {
  const all = listMigrations()
    .map((m) => `${m.version}:${m.checksum}`)
    .join(',');
  return createHash('sha256').update(all).digest('hex').slice(0, 24);
}

function pgliteTemplatePath(): string {
  return join(tmpDir, `pglite-template-${templateKey()}.tar`);
}

function pgTemplateName(): string {
  return `gallerist_tpl_${templateKey().slice(0, 16)}`;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Builds the migrated templates once per run (PGlite dump file; Postgres template database). */
export async function prepareTemplates(): Promise<void> {
  mkdirSync(tmpDir, { recursive: true });
  if (!existsSync(pgliteTemplatePath())) {
    const d = await openPglite();
    await migrate(d.db);
    const dump = await d.pglite!.dumpDataDir('none');
    await d.close();
    const file = `${pgliteTemplatePath()}.${process.pid}`;
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    const { renameSync } = await import('node:fs');
    renameSync(file, pgliteTemplatePath());
  }
  if (process.env.TEST_DATABASE_URL) {
    const name = pgTemplateName();
    const exists = await admin(
      async (c) => (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount,
    );
    if (!exists) {
      const building = `${name}_build_${process.pid}`;
      await admin((c) => c.query(`create database ${building}`));
      const d = await openPostgres(withDatabase(process.env.TEST_DATABASE_URL, building), 1);
      await migrate(d.db);
      await d.close();
      // Another run may have finished the same template meanwhile; keep theirs and drop ours.
      await admin((c) => c.query(`alter database ${building} rename to ${name}`)).catch(async (err) => {
        if (!String(err).includes('already exists')) throw err;
        await admin((c) => c.query(`drop database if exists ${building} with (force)`));
      });
    }
  }
}

/** Opens a fresh, migrated database for one test file: a PGlite clone or a new Postgres database. */
export async function createTestDatabase(): Promise<Database> {
  if (testDbKind() === 'pglite') {
    if (!existsSync(pgliteTemplatePath())) await prepareTemplates();
    const blob = new Blob([readFileSync(pgliteTemplatePath())]);
    return openPglite(undefined, blob);
  }
  const url = process.env.TEST_DATABASE_URL!;
  const name = `gallerist_t_${randomBytes(6).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await admin((c) => c.query(`create database ${name} template ${pgTemplateName()}`));
      break;
    } catch (err) {
      // Two workers (or two test runs) copying one template at once collide; back off and retry.
      if (attempt > 150 || !String(err).includes('being accessed')) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const d = await openPostgres(withDatabase(url, name), 20);
  return {
    ...d,
    close: async () => {
      await d.close();
      await admin((c) => c.query(`drop database if exists ${name} with (force)`)).catch(() => {});
    },
  };
}
