import { sql } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openPostgres, preparesOn } from './connect.ts';
import { atCommitAsService, serviceStatement, withAnon, withService, withUser } from './tenancy.ts';
import { createTestDatabase, testDbKind } from './testing.ts';

// The statements the dialect named on a one-client pool's only session: the driver's, or (`fromSql`) the batches'.
// Parameterless, so the check itself is never prepared.
const preparedOn = async (d: Database, fromSql = false) =>
  (
    await sql<{
      statement: string;
    }>`select statement from pg_prepared_statements where name like 'gallerist_%' and from_sql = ${sql.lit(fromSql)}`.execute(
      d.db,
    )
  ).rows.map((r) => r.statement);

describe('plans for users and for service work', () => {
  let d: Database;
  beforeAll(async () => {
    d = await createTestDatabase();
  });
  afterAll(() => d.close());

  it("plans a user's or the public's statements for their values, and leaves service work to Postgres", async () => {
    const mode = sql<{ m: string }>`select current_setting('plan_cache_mode') as m`;
    const of = async (run: typeof withService) => (await run(d.db, (tx) => mode.execute(tx))).rows[0].m;
    expect(await of((db, fn) => withUser(db, { sub: '00000000-0000-4000-8000-000000000001' }, fn))).toBe(
      'force_custom_plan',
    );
    expect(await of(withAnon)).toBe('force_custom_plan');
    expect(await of(withService)).toBe('auto');
    // A service statement asks for the generic plan (the job claim's), for itself only.
    expect((await serviceStatement(d.db, mode, { plan: 'generic' }))[0].m).toBe('force_generic_plan');
    expect((await serviceStatement(d.db, mode))[0].m).toBe('auto');
  });
});

describe('when statements are prepared', () => {
  it('prepares by default, but not through a transaction-mode pooler unless told to', () => {
    expect(preparesOn('postgres://u:p@db.example.com:5432/app')).toBe(true);
    expect(preparesOn('postgres://u:p@aws-0-eu.pooler.supabase.com:6543/postgres')).toBe(false);
    expect(preparesOn('postgres://u:p@db.example.com/app?pgbouncer=true')).toBe(false);
    expect(preparesOn('postgres://u:p@aws-0-eu.pooler.supabase.com:6543/postgres', 'on')).toBe(true);
    expect(preparesOn('postgres://u:p@db.example.com:5432/app', 'off')).toBe(false);
  });
});

describe.skipIf(testDbKind() !== 'postgres')('prepared statements (Postgres)', () => {
  let base: Database;
  let url: string;
  beforeAll(async () => {
    base = await createTestDatabase();
    url = String((base.pool as pg.Pool).options.connectionString);
    await sql`create table prep_probe (id int primary key, label text not null)`.execute(base.db);
    await sql`insert into prep_probe values (1, 'one'), (2, 'two')`.execute(base.db);
  });
  afterAll(() => base.close());

  const read = (d: Database, id: number) =>
    d.db
      .selectFrom('prep_probe' as never)
      .selectAll()
      .where('id' as never, '=', id as never)
      .execute() as Promise<Array<Record<string, unknown>>>;

  it('names a parameterised statement the second time a connection runs it, and reuses it', async () => {
    const d = await openPostgres(url, 1);
    try {
      expect(await read(d, 1)).toEqual([{ id: 1, label: 'one' }]);
      expect(await preparedOn(d)).toEqual([]);
      expect(await read(d, 2)).toEqual([{ id: 2, label: 'two' }]);
      expect(await read(d, 1)).toEqual([{ id: 1, label: 'one' }]);
      const named = await preparedOn(d);
      expect(named).toHaveLength(1);
      expect(named[0]).toContain('prep_probe');
      // Inside a transaction that rolls back, the statement stays prepared and still answers.
      await d.db
        .transaction()
        .execute(async (tx) => {
          expect(await read({ ...d, db: tx } as Database, 2)).toEqual([{ id: 2, label: 'two' }]);
          throw new Error('roll back');
        })
        .catch(() => {});
      expect(await read(d, 2)).toEqual([{ id: 2, label: 'two' }]);
      expect(await preparedOn(d)).toHaveLength(1);
    } finally {
      await d.close();
    }
  });

  it('prepares nothing when switched off (a pooler in transaction mode)', async () => {
    const d = await openPostgres(url, 1, undefined, { prepare: false });
    try {
      for (const id of [1, 2, 1]) await read(d, id);
      expect(await preparedOn(d)).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('replaces a connection whose cached plan a schema change outdated, so only one statement fails', async () => {
    const d = await openPostgres(url, 1);
    try {
      await read(d, 1);
      await read(d, 1);
      // Another instance's migration adds a column under the prepared `select *`.
      await sql`alter table prep_probe add column note text`.execute(base.db);
      await expect(read(d, 1)).rejects.toThrow(/cached plan must not change result type/);
      expect(await read(d, 1)).toEqual([{ id: 1, label: 'one', note: null }]);
      expect(await read(d, 2)).toEqual([{ id: 2, label: 'two', note: null }]);
    } finally {
      await d.close();
    }
  });

  it('runs a repeated statement of a one-round-trip batch as EXECUTE of a statement it prepared with SQL', async () => {
    const d = await openPostgres(url, 1);
    const label = (id: number) => sql<{ label: string }>`select label from prep_probe where id = ${id}`;
    try {
      for (const id of [1, 2, 1]) {
        const rows = await serviceStatement(d.db, label(id));
        expect(rows).toEqual([{ label: id === 1 ? 'one' : 'two' }]);
      }
      const named = await preparedOn(d, true);
      expect(named).toHaveLength(1);
      // Postgres shows the whole batch that prepared it.
      expect(named[0]).toContain('prepare gallerist_sql_0 as select label from prep_probe where id = $1');
      // A statement queued for the commit is prepared the same way, and still commits with it.
      for (const [id, text] of [
        [10, 'first'],
        [20, 'second'],
        [30, 'third'],
      ] as const) {
        await withService(d.db, (tx) =>
          atCommitAsService(tx, sql`insert into prep_probe (id, label) values (${id}, ${text})`),
        );
      }
      expect(await serviceStatement(d.db, sql<{ n: number }>`select count(*)::int as n from prep_probe`)).toEqual([
        { n: 5 },
      ]);
      expect(await preparedOn(d, true)).toHaveLength(2);
    } finally {
      await sql`delete from prep_probe where id > 2`.execute(base.db);
      await d.close();
    }
  });

  it('replaces the connection when a batch that prepared something fails, so no name is left half-known', async () => {
    const d = await openPostgres(url, 1);
    const ratio = (n: number) => sql<{ r: number }>`select 10 / ${n}::int as r`;
    try {
      expect(await serviceStatement(d.db, ratio(5))).toEqual([{ r: 2 }]);
      // Its second run prepares it, and fails: the batch may have stopped before or after the PREPARE.
      await expect(serviceStatement(d.db, ratio(0))).rejects.toThrow(/division by zero/);
      expect(await serviceStatement(d.db, ratio(2))).toEqual([{ r: 5 }]);
      expect(await serviceStatement(d.db, ratio(1))).toEqual([{ r: 10 }]);
      expect(await serviceStatement(d.db, ratio(10))).toEqual([{ r: 1 }]);
    } finally {
      await d.close();
    }
  });
});
