import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { DB } from './types.ts';

export const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

// Arbitrary constant: every Gallerist instance contends for the same advisory lock.
const MIGRATION_LOCK = 7_160_514_220;

/** A migration file on disk: `NNNN_name.sql`. */
export interface MigrationFile {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

/** Lists migration files in the order they apply. */
export function listMigrations(dir = migrationsDir): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const body = readFileSync(join(dir, f), 'utf8');
      return {
        version: f.slice(0, 4),
        name: f.slice(5, -4),
        sql: body,
        checksum: createHash('sha256').update(body).digest('hex').slice(0, 16),
      };
    });
}

/** A digest of every migration's version and checksum: what a migrated template was built from. */
export function migrationsKey(dir = migrationsDir): string {
  const all = listMigrations(dir)
    .map((m) => `${m.version}:${m.checksum}`)
    .join(',');
  return createHash('sha256').update(all).digest('hex').slice(0, 24);
}

/** Applies pending migrations, each in its own transaction under an advisory lock; returns those applied. */
export async function migrate(db: DB, dir = migrationsDir): Promise<string[]> {
  const applied: string[] = [];
  // One read finds what is already applied, so a start with nothing pending takes no lock and no transaction per file;
  // a file not in it is re-checked under the lock below, as another instance may be applying it right now.
  const known = new Set<string>();
  const { rows } = await sql<{
    exists: boolean;
  }>`select to_regclass('schema_migrations') is not null as exists`.execute(db);
  if (rows[0]?.exists) {
    const done = await sql<{ version: string }>`select version from schema_migrations`.execute(db);
    for (const r of done.rows) known.add(r.version);
  }
  for (const m of listMigrations(dir)) {
    if (known.has(m.version)) continue;
    const did = await db.transaction().execute(async (tx) => {
      // The lock serialises concurrent instances; the re-check under it makes each file apply exactly once.
      await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(tx);
      await sql`create table if not exists schema_migrations (
        version text primary key, name text not null, checksum text not null,
        applied_at timestamptz not null default now())`.execute(tx);
      const row = await tx
        .selectFrom('schema_migrations')
        .select(['checksum'])
        .where('version', '=', m.version)
        .executeTakeFirst();
      if (row) return false;
      await sql.raw(m.sql).execute(tx);
      await tx
        .insertInto('schema_migrations')
        .values({ version: m.version, name: m.name, checksum: m.checksum })
        .execute();
      return true;
    });
    if (did) applied.push(`${m.version}_${m.name}`);
  }
  return applied;
}
