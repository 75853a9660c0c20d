import { execFile } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openAsBlob, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite/vector';
import { Kysely } from 'kysely';
import pg from 'pg';
import { migrationsKey } from './migrate.ts';
import { postgresDialect } from './pg-dialect.ts';
import { pgliteDialect } from './pglite-dialect.ts';
import type { DB } from './types.ts';

// Return bigint/numeric as strings and timestamptz as Date, the same on both drivers.
pg.types.setTypeParser(20, (v) => v);

/** An open database: the Kysely handle plus what it runs on. */
export interface Database {
  db: DB;
  kind: 'pglite' | 'postgres';
  /** Raw PGlite client when embedded (tests clone it as a template). */
  pglite?: PGlite;
  pool?: pg.Pool;
  close(): Promise<void>;
}

/** Another live process holds the embedded database: two writers would corrupt it. */
export class DatabaseInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `Another Gallerist process (pid ${pid}) is using the embedded database in ${dataDir}. Stop it first, or set ` +
        `DATABASE_URL to a Postgres database to run several processes at once. (If no such process runs, delete ${dataDir}.lock.)`,
    );
    this.name = 'DatabaseInUseError';
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

// PGlite does not lock its folder, so a second process (`gallerist mcp` beside `serve`) would write it too: an
// exclusive lock file with our pid keeps it to one; a lock left by a crashed process is taken over.
function lockDataDir(dataDir: string): () => void {
  const file = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) throw new DatabaseInUseError(dataDir, holder);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

// Postgres's default 128 MB of shared buffers were a third of an idle server's memory (RSS 398 MiB, 290 MiB with
// 32 MB), while the embedded database holds one laptop's or studio's data; a large catalog belongs on Postgres.
const PGLITE_SHARED_BUFFERS = '32MB';

// Creating a cluster (initdb) grows PGlite's WebAssembly memory and buffers that a process never gives back: a
// server that created its folder idled at 700–900 MiB, one that opened an existing folder at about 380 MiB. So a
// new folder is created by a short-lived child process, under our lock, and this process only ever opens one.
async function createClusterInChild(dataDir: string, template: string | undefined): Promise<void> {
  const pglite = import.meta.resolve('@electric-sql/pglite');
  const script = `const { PGlite } = await import(${JSON.stringify(pglite)});
const { openAsBlob } = await import('node:fs');
const template = ${JSON.stringify(template ?? null)};
const db = await PGlite.create({ dataDir: ${JSON.stringify(dataDir)}, loadDataDir: template ? await openAsBlob(template) : undefined });
await db.close();`;
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { maxBuffer: 1 << 20 });
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Where `gallerist prepare` (run by `npm install`) leaves a migrated embedded database for new folders to start
 * from (decision 043): named by PGlite's version and the migrations, so an upgrade of either is never served an old one.
 */
export function embeddedTemplateFile(): string {
  const pkg = join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json');
  const version = existsSync(pkg) ? (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version : 'unknown';
  return join(root, 'node_modules', '.cache', 'gallerist', `pglite-${version}-${migrationsKey()}.tar`);
}

/** Where the embedded database of a `DATA_DIR` lives. */
export const embeddedDir = (dataDir: string) => join(dataDir, 'db');

/** True once a PGlite cluster has been created in `dir`. */
export const hasCluster = (dir: string) => existsSync(join(dir, 'PG_VERSION'));

/** How a process means to use its database. */
export interface OpenOptions {
  /** A server or other long-running process: a new embedded folder is created by a child process (see above). */
  longLived?: boolean;
}

/** Opens embedded PGlite at `dataDir` (or in memory when undefined), with pgvector and pg_trgm (searches) loaded. */
export async function openPglite(
  dataDir?: string,
  loadDataDir?: Blob | File,
  opts: OpenOptions = {},
): Promise<Database> {
  if (dataDir) mkdirSync(dirname(dataDir), { recursive: true });
  const unlock = dataDir ? lockDataDir(dataDir) : () => {};
  let client: PGlite;
  let load = loadDataDir;
  try {
    if (dataDir && !load && !hasCluster(dataDir)) {
      // A new folder starts from the prepared template when there is one, instead of initdb and every migration.
      const file = embeddedTemplateFile();
      const template = existsSync(file) ? file : undefined;
      if (opts.longLived) await createClusterInChild(dataDir, template);
      else if (template) load = await openAsBlob(template);
    }
    client = await PGlite.create({
      dataDir,
      loadDataDir: load,
      extensions: { vector, pg_trgm },
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
    });
  } catch (err) {
    unlock();
    throw err;
  }
  const db = new Kysely<any>({ dialect: pgliteDialect(client) }) as DB;
  return {
    db,
    kind: 'pglite',
    pglite: client,
    close: async () => {
      await db.destroy();
      unlock();
    },
  };
}

/** Where pool errors go: the app's pino logger (any `Logger` fits), or stderr for one-off tools that have none. */
export interface DbErrorLogger {
  error(obj: { err: Error }, msg: string): void;
}

const stderrLogger: DbErrorLogger = { error: ({ err }, msg) => console.error(`${msg}:`, err) };

/**
 * Opens a pooled connection to a real Postgres server; idle-client errors go to `logger` (stderr without one).
 * `prepare` (default on) names repeated statements so Postgres plans them once per connection (pg-dialect.ts).
 */
export async function openPostgres(
  url: string,
  max = 10,
  logger: DbErrorLogger = stderrLogger,
  opts: { prepare?: boolean } = {},
): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client dropped by the server (restart, failover) must not crash the process; the pool reconnects,
  // but the error is still logged so a flapping database shows up in the logs.
  pool.on('error', (err) => logger.error({ err }, 'postgres pool: idle client error'));
  const db = new Kysely<any>({ dialect: postgresDialect(pool, { prepare: opts.prepare }) }) as DB;
  return {
    db,
    kind: 'postgres',
    pool,
    close: async () => {
      await db.destroy();
    },
  };
}

/**
 * Whether to prepare statements on `url`: `auto` says yes unless the URL looks like a pooler in transaction mode
 * (Supabase's port 6543, or `pgbouncer=true` as Prisma users mark one), where a prepared statement would be
 * missing on the next transaction's server connection.
 */
export function preparesOn(url: string, setting: 'auto' | 'on' | 'off' = 'auto'): boolean {
  if (setting !== 'auto') return setting === 'on';
  try {
    const u = new URL(url);
    return u.port !== '6543' && u.searchParams.get('pgbouncer') !== 'true';
  } catch {
    return true;
  }
}

/** Opens whichever database the configuration names: DATABASE_URL, else PGlite under DATA_DIR. */
export async function openDatabase(
  cfg: {
    DATABASE_URL?: string;
    DATABASE_POOL_SIZE?: number;
    DATABASE_PREPARED_STATEMENTS?: 'auto' | 'on' | 'off';
    dataDir: string;
  },
  logger?: DbErrorLogger,
  opts: OpenOptions = {},
): Promise<Database> {
  return cfg.DATABASE_URL
    ? openPostgres(cfg.DATABASE_URL, cfg.DATABASE_POOL_SIZE ?? 10, logger, {
        prepare: preparesOn(cfg.DATABASE_URL, cfg.DATABASE_PREPARED_STATEMENTS),
      })
    : openPglite(embeddedDir(cfg.dataDir), undefined, opts);
}
