import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './connect.ts';
import { openPostgres } from './connect.ts';
import { listMigrations, migrate } from './migrate.ts';
import { createTestDatabase, testDbKind } from './testing.ts';

describe('migrations', () => {
  let d: Database;
  beforeAll(async () => {
    d = await createTestDatabase();
  });
  afterAll(() => d.close());

  it('has applied every migration exactly once and re-running is a no-op', async () => {
    const rows = await d.db.selectFrom('schema_migrations').select('version').orderBy('version').execute();
    expect(rows.map((r) => r.version)).toEqual(listMigrations().map((m) => m.version));
    expect(await migrate(d.db)).toEqual([]);
  });

  it('applies concurrently started migrations once each', async () => {
    const results = await Promise.all([migrate(d.db), migrate(d.db), migrate(d.db)]);
    expect(results.flat()).toEqual([]);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from schema_migrations`.execute(d.db);
    expect(rows[0].n).toBe(listMigrations().length);
  });

  it('creates the Supabase roles', async () => {
    const { rows } = await sql<{
      rolname: string;
    }>`select rolname from pg_roles where rolname in ('anon','authenticated','service_role') order by 1`.execute(d.db);
    expect(rows.map((r) => r.rolname)).toEqual(['anon', 'authenticated', 'service_role']);
  });
});

describe('migrations on a real Postgres server', () => {
  it.skipIf(testDbKind() !== 'postgres')(
    'two instances starting at once apply each migration exactly once',
    async () => {
      const admin = await openPostgres(process.env.TEST_DATABASE_URL!, 1);
      const name = `gallerist_mig_${Date.now()}`;
      await sql.raw(`create database ${name}`).execute(admin.db);
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${name}`;
      const a = await openPostgres(url.toString(), 2);
      const b = await openPostgres(url.toString(), 2);
      try {
        const [ra, rb] = await Promise.all([migrate(a.db), migrate(b.db)]);
        expect([...ra, ...rb].sort()).toEqual(listMigrations().map((m) => `${m.version}_${m.name}`));
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from schema_migrations`.execute(a.db);
        expect(rows[0].n).toBe(listMigrations().length);
      } finally {
        await a.close();
        await b.close();
        await sql.raw(`drop database ${name} with (force)`).execute(admin.db);
        await admin.close();
      }
    },
  );
});
