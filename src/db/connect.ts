import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
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

/** Opens embedded PGlite at `dataDir` (or in memory when undefined), with pgvector loaded. */
export async function openPglite(dataDir?: string, loadDataDir?: Blob | File): Promise<Database> {
  if (dataDir) mkdirSync(dirname(dataDir), { recursive: true });
  const client = await PGlite.create({ dataDir, loadDataDir, extensions: { vector } });
  const db = new Kysely<any>({ dialect: pgliteDialect(client) }) as DB;
  return {
    db,
    kind: 'pglite',
    pglite: client,
    close: async () => {
      await db.destroy();
    },
  };
}

/** Opens a pooled connection to a real Postgres server. */
export async function openPostgres(url: string, max = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client dropped by the server (restart, failover) must not crash the process; the pool reconnects.
  pool.on('error', () => {});
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) }) as DB;
  return {
    db,
    kind: 'postgres',
    pool,
    close: async () => {
      await db.destroy();
    },
  };
}

/** Opens whichever database the configuration names: DATABASE_URL, else PGlite under DATA_DIR. */
export async function openDatabase(cfg: { DATABASE_URL?: string; dataDir: string }): Promise<Database> {
  return cfg.DATABASE_URL ? openPostgres(cfg.DATABASE_URL) : openPglite(`${cfg.dataDir}/db`);
}
