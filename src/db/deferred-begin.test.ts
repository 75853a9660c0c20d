import { CompiledQuery, type DatabaseConnection, type Driver, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './connect.ts';
import { deferBegin } from './deferred-begin.ts';
import { withService, withUser } from './tenancy.ts';
import { createTestDatabase } from './testing.ts';

/** A driver that records what reaches the database, one entry per round trip. */
function recordingDriver(sent: string[]): Driver {
  const conn: DatabaseConnection = {
    async executeQuery(q: CompiledQuery) {
      sent.push(q.parameters.length ? `${q.sql} [${q.parameters.join(',')}]` : q.sql);
      return { rows: [] };
    },
    // biome-ignore lint/correctness/useYield: not used by these tests.
    async *streamQuery() {
      throw new Error('unused');
    },
  };
  return {
    init: async () => {},
    acquireConnection: async () => conn,
    beginTransaction: async (c, s) => {
      await c.executeQuery(CompiledQuery.raw(`begin isolation level ${s.isolationLevel}`));
    },
    commitTransaction: async (c) => {
      await c.executeQuery(CompiledQuery.raw('commit'));
    },
    rollbackTransaction: async (c) => {
      await c.executeQuery(CompiledQuery.raw('rollback'));
    },
    releaseConnection: async () => {},
    destroy: async () => {},
  };
}

describe('deferred begin', () => {
  const driver = (sent: string[]) => deferBegin(recordingDriver(sent));

  async function transaction(d: Driver, body: (c: DatabaseConnection) => Promise<void>, fail = false) {
    const c = await d.acquireConnection();
    await d.beginTransaction(c, {});
    try {
      await body(c);
      if (fail) throw new Error('boom');
      await d.commitTransaction(c);
    } catch {
      await d.rollbackTransaction(c);
    } finally {
      await d.releaseConnection(c);
    }
  }

  it('sends begin with a parameterless first statement, in one round trip', async () => {
    const sent: string[] = [];
    await transaction(driver(sent), async (c) => {
      await c.executeQuery(CompiledQuery.raw("select set_config('role', 'anon', true)"));
      await c.executeQuery(CompiledQuery.raw('select 2'));
    });
    expect(sent).toEqual(["begin; select set_config('role', 'anon', true)", 'select 2', 'commit']);
  });

  it('sends begin alone before a first statement with parameters', async () => {
    const sent: string[] = [];
    await transaction(driver(sent), async (c) => {
      await c.executeQuery(CompiledQuery.raw('select $1', [7]));
    });
    expect(sent).toEqual(['begin', 'select $1 [7]', 'commit']);
  });

  it('touches nothing for a transaction that ran no statement, committed or rolled back', async () => {
    const sent: string[] = [];
    const d = driver(sent);
    await transaction(d, async () => {});
    await transaction(d, async () => {}, true);
    expect(sent).toEqual([]);
  });

  it('rolls back a started transaction, and leaves explicit settings to the driver', async () => {
    const sent: string[] = [];
    const d = driver(sent);
    await transaction(d, async (c) => void (await c.executeQuery(CompiledQuery.raw('select 1'))), true);
    const c = await d.acquireConnection();
    await d.beginTransaction(c, { isolationLevel: 'serializable' });
    await c.executeQuery(CompiledQuery.raw('select 3'));
    await d.commitTransaction(c);
    expect(sent).toEqual(['begin; select 1', 'rollback', 'begin isolation level serializable', 'select 3', 'commit']);
  });

  describe('on the real database', () => {
    let database: Database;
    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(() => database?.close());

    it('keeps transactions atomic and the tenancy claims intact', async () => {
      const { db } = database;
      await sql`create table deferred_probe (n int)`.execute(db);
      await sql`grant all on deferred_probe to service_role`.execute(db);
      await expect(
        withService(db, async (tx) => {
          await sql`insert into deferred_probe values (1)`.execute(tx);
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      await withService(db, (tx) => sql`insert into deferred_probe values (2)`.execute(tx));
      const rows = await sql<{ n: number }>`select n from deferred_probe`.execute(db);
      expect(rows.rows).toEqual([{ n: 2 }]);
      // A claim with quotes, backslashes and a statement separator arrives byte for byte.
      const email = `o'brien\\"; select 1; --@example.com`;
      const seen = await withUser(db, { sub: '00000000-0000-0000-0000-000000000001', email }, async (tx) =>
        sql<{ claims: string; role: string }>`select current_setting('request.jwt.claims') as claims,
          current_user as role`.execute(tx),
      );
      expect(JSON.parse(seen.rows[0].claims).email).toBe(email);
      expect(seen.rows[0].role).toBe('authenticated');
    });
  });
});
