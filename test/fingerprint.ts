import { sql } from 'kysely';
import { withService } from '../src/db/tenancy.ts';
import type { DB } from '../src/db/types.ts';

/**
 * Rows a refused request may still leave (sessions, rate-limit counters, the audit of a refusal), and the job
 * runner's own bookkeeping, which moves on its timer whatever requests do.
 */
export const BOOKKEEPING_TABLES = new Set(['sessions', 'rate_limits', 'audit_events', 'jobs', 'job_schedules']);

/** A hash of every row of every other table, per table: any insert, update or delete between two calls shows. */
export async function fingerprint(db: DB): Promise<Record<string, string>> {
  return withService(db, async (tx) => {
    const { rows: tables } = await sql<{ name: string }>`
      select tablename as name from pg_tables where schemaname = 'public' order by 1`.execute(tx);
    const out: Record<string, string> = {};
    for (const { name } of tables) {
      if (BOOKKEEPING_TABLES.has(name)) continue;
      const { rows } = await sql<{ h: string }>`
        select md5(coalesce(string_agg(md5(t::text), '' order by md5(t::text)), '')) as h
        from ${sql.table(name)} t`.execute(tx);
      out[name] = rows[0].h;
    }
    return out;
  });
}

/** The tables whose fingerprint differs. */
export const changedTables = (before: Record<string, string>, after: Record<string, string>) =>
  Object.keys(before).filter((t) => before[t] !== after[t]);
