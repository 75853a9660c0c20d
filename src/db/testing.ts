import { randomBytes } from 'node:crypto';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  openAsBlob,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { targetScryptN } from '../accounts/index.ts';
import type { StorageSettings } from '../storage/index.ts';
import { type Database, embeddedTemplateFile, openPglite, openPostgres } from './connect.ts';
import { writeEmbeddedTemplate } from './embedded-template.ts';
import { migrate, migrationsKey } from './migrate.ts';

const tmpDir = join(process.cwd(), '.tmp');

/** Which database the current test project runs on. */
export function testDbKind(): 'pglite' | 'postgres' {
  return process.env.GALLERIST_TEST_DB === 'postgres' && process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
}

// Template names carry the migrations' checksum so a changed migration rebuilds them.
function pgTemplateName(): string {
  return `gallerist_tpl_${migrationsKey().slice(0, 16)}`;
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
  // The template `gallerist prepare` leaves for new embedded folders (decision 043): one build serves both.
  await writeEmbeddedTemplate(embeddedTemplateFile());
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

/** The migrated PGlite template's path, built first when missing. */
async function pgliteTemplate(): Promise<string> {
  const file = embeddedTemplateFile();
  if (!existsSync(file)) await prepareTemplates();
  return file;
}

/** Opens a fresh, migrated database for one test file: a PGlite clone or a new Postgres database. */
export async function createTestDatabase(): Promise<Database> {
  if (testDbKind() === 'pglite') {
    return clonePglite(await pgliteTemplate());
  }
  // Scripts outside Vitest (benches) have no global setup; building checks for the template first.
  await prepareTemplates();
  return clonePostgres(pgTemplateName());
}

/**
 * Lays the migrated template into `${dataDir}/db`, the embedded database a platform started with that DATA_DIR
 * opens: tests of start-up, doctor and locking skip PGlite's initdb (5–7 s here) without changing what they check.
 */
export async function migratedDataDir(dataDir: string): Promise<string> {
  const d = await openPglite(join(dataDir, 'db'), await openAsBlob(await pgliteTemplate()));
  await d.close();
  return dataDir;
}

// A file-backed Blob: PGlite reads it once, where a Blob built from the file's bytes cost three copies of the 45 MB
// template (about 1 s of each clone on this machine).
async function clonePglite(path: string): Promise<Database> {
  return openPglite(undefined, await openAsBlob(path));
}

async function clonePostgres(template: string): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL!;
  const name = `gallerist_t_${randomBytes(6).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await admin((c) => c.query(`create database ${name} template ${template}`));
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

// ---------------------------------------------------------------------------------------------------------------
// Demo-seeded templates: the database right after the platform's demo seed, made once per test run by the first
// test file that asks for it (the others clone it). Not cached across runs: the demo rows carry the time they were
// seeded, which must stay as fresh as when each file seeded itself. Global setup picks the run's id; it reaches the
// workers in SEED_RUN_ENV, and the setup's teardown removes the run's templates. Two variants, because the demo
// seed writes different data with and without storage:
// - 'app': seeded with a storage (what the app and most fixtures do). The seed also writes files (gallery photos,
//   artwork images); they are kept next to the template and copied into each clone's storage, so the database
//   never points at a missing file.
// - 'bare': seeded without storage (artworks get no images; gallery photos go to the default config's storage,
//   exactly as each file's own bare seed did).
// The seeders create nothing in Stripe or elsewhere. Template names carry the scrypt cost the demo users' hash
// was made with (it is read from the environment at seed time).

const SEED_RUN_ENV = 'GALLERIST_TEST_SEED_RUN';
const RUN = /^[0-9]+x[0-9a-f]+$/;
type SeedVariant = 'app' | 'bare';
type Backend = 'pglite' | 'postgres';
const STALE_MS = 6 * 60 * 60 * 1000;
const BUILD_WAIT_MS = 120_000;

function seedRun(): string | undefined {
  const run = process.env[SEED_RUN_ENV];
  return run && RUN.test(run) ? run : undefined;
}

/** Names of one run's seeded template of one variant on one backend. */
function seededNames(run: string, backend: Backend, variant: SeedVariant) {
  const id = `${run}-${variant}-n${targetScryptN()}`;
  return {
    pglite: join(tmpDir, `pglite-seeded-${id}.tar`),
    pg: `gallerist_seed_${id.replaceAll('-', '_')}`,
    // The data dir whose `objects` the 'app' seed wrote (one per backend: artwork image keys carry row ids).
    files: join(tmpDir, `seeded-files-${backend}-${id}`),
    lock: join(tmpDir, `seeded-${backend}-${id}.lock`),
  };
}

/** Runs the platform's demo seed exactly as the fixtures did (`{ storage }` with a storage, else `{}`). */
async function runDemoSeed(database: Database, storage?: StorageSettings): Promise<void> {
  const [{ withService }, { seedDemo }, { platformSeeders }] = await Promise.all([
    import('./tenancy.ts'),
    import('../seed.ts'),
    import('../assembly.ts'),
  ]);
  await withService(database.db, (tx) => seedDemo(tx, storage ? { storage } : {}, platformSeeders));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Global setup: picks this run's id for the seeded templates (once, whichever project's setup runs first) and
 * returns the teardown that removes them, or nothing when another setup call of the run owns it. Also removes the
 * leftovers of runs that died before their teardown (older than STALE_MS, so a live run keeps its own).
 */
export async function prepareSeededTemplates(): Promise<(() => Promise<void>) | undefined> {
  // GALLERIST_TEST_SEED_RUN=off: no seeded templates, every fixture seeds its own database (to compare or bisect).
  if (process.env[SEED_RUN_ENV]) return undefined;
  const run = `${Date.now()}x${randomBytes(4).toString('hex')}`;
  process.env[SEED_RUN_ENV] = run;
  mkdirSync(tmpDir, { recursive: true });
  const runOf = (name: string) => /([0-9]+x[0-9a-f]+)[-_]/.exec(name)?.[1];
  const ours = (name: string) => runOf(name) === run;
  const stale = (name: string) => {
    const r = runOf(name);
    return r !== undefined && Date.now() - Number(r.split('x')[0]) > STALE_MS;
  };
  const clean = async (match: (name: string) => boolean) => {
    for (const f of readdirSync(tmpDir)) {
      if (/^(pglite-seeded|seeded-files|seeded)-/.test(f) && match(f))
        rmSync(join(tmpDir, f), { recursive: true, force: true });
    }
    if (!process.env.TEST_DATABASE_URL) return;
    const rows = await admin(
      async (c) => (await c.query(`select datname from pg_database where datname like 'gallerist_seed_%'`)).rows,
    );
    for (const { datname } of rows as Array<{ datname: string }>) {
      // Our own at teardown: nothing uses them any more. Stale ones: only when no one is connected.
      if (match(datname)) {
        const force = ours(datname) ? ' with (force)' : '';
        await admin((c) => c.query(`drop database if exists ${datname}${force}`)).catch(() => {});
      }
    }
  };
  await clean(stale).catch(() => {});
  return () => clean(ours);
}

/**
 * Builds a template unless it is there; true when it is there afterwards. The first caller builds (`build` gets to
 * keep what it made for itself); callers meanwhile wait for it, and seed for themselves if that build fails.
 */
async function buildOnce(lock: string, ready: () => Promise<boolean>, build: () => Promise<void>): Promise<boolean> {
  if (await ready()) return true;
  let mine = false;
  try {
    closeSync(openSync(lock, 'wx'));
    mine = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (mine) {
    try {
      await build();
    } finally {
      rmSync(lock, { force: true });
    }
    return true;
  }
  const deadline = Date.now() + BUILD_WAIT_MS;
  while (existsSync(lock) && Date.now() < deadline) await sleep(50);
  return ready();
}

/** Publishes a directory built under a temp name (rename is atomic; a racing copy is simply dropped). */
function publishDir(tmp: string, dir: string): void {
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * A fresh database for one test file holding the platform's demo seed (`seedDemo` with every platform seeder), as
 * if the file had seeded it: with `storage` as `{ storage }` (the seed's files land in that storage), without as a
 * bare seed. Clones this run's seeded template, building it first if this is the run's first such database; seeds
 * in place when there is no run (no global setup) or the storage is S3.
 */
export async function createDemoTestDatabase(storage?: StorageSettings): Promise<Database> {
  const run = seedRun();
  if (!run || storage?.s3) {
    const database = await createTestDatabase();
    await runDemoSeed(database, storage);
    return database;
  }
  const backend = testDbKind();
  const names = seededNames(run, backend, storage ? 'app' : 'bare');
  const objects = storage ? join(storage.dataDir, 'objects') : undefined;
  const copyFiles = () => {
    if (objects) cpSync(join(names.files, 'objects'), objects, { recursive: true });
  };
  // The seed's files go to the caller's storage; the builder keeps a copy for the others before publishing.
  const keepFiles = () => {
    if (!objects) return;
    const tmp = `${names.files}.${process.pid}.tmp`;
    cpSync(objects, join(tmp, 'objects'), { recursive: true });
    publishDir(tmp, names.files);
  };

  if (backend === 'pglite') {
    const template = await pgliteTemplate();
    let own: Database | undefined;
    const ok = await buildOnce(
      names.lock,
      async () => existsSync(names.pglite),
      async () => {
        own = await clonePglite(template);
        await runDemoSeed(own, storage);
        const dump = await own.pglite!.dumpDataDir('none');
        keepFiles();
        const tmp = `${names.pglite}.${process.pid}.tmp`;
        writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
        renameSync(tmp, names.pglite);
      },
    ).catch(async (err) => {
      await own?.close();
      throw err;
    });
    if (own) return own;
    if (ok) {
      copyFiles();
      return clonePglite(names.pglite);
    }
  } else {
    const exists = async () =>
      Boolean(
        await admin(async (c) => (await c.query('select 1 from pg_database where datname = $1', [names.pg])).rowCount),
      );
    const ok = await buildOnce(names.lock, exists, async () => {
      const building = `${names.pg}_b`;
      await admin((c) => c.query(`create database ${building} template ${pgTemplateName()}`));
      try {
        const d = await openPostgres(withDatabase(process.env.TEST_DATABASE_URL!, building), 1);
        await runDemoSeed(d, storage).finally(() => d.close());
        keepFiles();
        await admin((c) => c.query(`alter database ${building} rename to ${names.pg}`));
      } catch (err) {
        await admin((c) => c.query(`drop database if exists ${building} with (force)`)).catch(() => {});
        throw err;
      }
    });
    if (ok) {
      // The builder's own seed already wrote the files to its storage; copying the same bytes again is harmless.
      copyFiles();
      return clonePostgres(names.pg);
    }
  }
  // The build elsewhere failed or timed out: seed for ourselves, as before.
  const database = await createTestDatabase();
  await runDemoSeed(database, storage);
  return database;
}
