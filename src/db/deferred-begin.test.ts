import { CompiledQuery, type DatabaseConnection, type Driver, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './connect.ts';
import { deferBegin, sendWithCommit, sendWithNext } from './deferred-begin.ts';
import { eachInOneRoundTrip, rawPart } from './statement-batch.ts';
import { atCommitAsService, withService, withUser } from './tenancy.ts';
import { createTestDatabase, testDbKind } from './testing.ts';
import type { DB } from './types.ts';

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

  it('sends begin with a first statement that has parameters, their values written in', async () => {
    const sent: string[] = [];
    await transaction(driver(sent), async (c) => {
      await c.executeQuery(CompiledQuery.raw('select $1', [7]));
      await c.executeQuery(CompiledQuery.raw('select $1', [8]));
    });
    expect(sent).toEqual(['begin; select $p$7$p$', 'select $1 [8]', 'commit']);
  });

  it('sends statements queued for the next one with it, and nothing when nothing follows', async () => {
    const sent: string[] = [];
    const d = driver(sent);
    await transaction(d, async (c) => {
      expect(sendWithNext(c, [rawPart('select 0')])).toBe(true);
      await c.executeQuery(CompiledQuery.raw('select $1', [1]));
      await c.executeQuery(CompiledQuery.raw('select 2'));
    });
    // Queued and then nothing else: the transaction touches nothing; with a commit tail they go first.
    await transaction(d, async (c) => void sendWithNext(c, [rawPart('select 3')]));
    await transaction(d, async (c) => {
      sendWithNext(c, [rawPart('select 4')]);
      sendWithCommit(c, [rawPart('update z')]);
    });
    expect(sent).toEqual([
      'begin; select 0; select $p$1$p$',
      'select 2',
      'commit',
      'begin; select 4; update z; commit',
    ]);
    const c = await d.acquireConnection();
    expect(sendWithNext(c, [rawPart('select 5')])).toBe(false);
    await d.releaseConnection(c);
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

  it('sends statements queued for the commit with it, in one round trip, and drops them on rollback', async () => {
    const sent: string[] = [];
    const d = driver(sent);
    await transaction(d, async (c) => {
      await c.executeQuery(CompiledQuery.raw('select 1'));
      expect(sendWithCommit(c, [rawPart('update a')])).toBe(true);
      expect(sendWithCommit(c, [rawPart('update b')])).toBe(true);
    });
    await transaction(d, async (c) => void sendWithCommit(c, [rawPart('update lost')]), true);
    // Nothing ran but the queued statement: begin travels with it.
    await transaction(d, async (c) => void sendWithCommit(c, [rawPart('update only')]));
    expect(sent).toEqual(['begin; select 1', 'update a; update b; commit', 'begin; update only; commit']);
    // Outside a transaction there is no commit to ride on.
    const c = await d.acquireConnection();
    expect(sendWithCommit(c, [rawPart('update never')])).toBe(false);
    await d.releaseConnection(c);
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

    it('runs a statement queued for the commit last, as service_role, and all or nothing with the transaction', async () => {
      const { db } = database;
      await sql`create table commit_probe (n int, who text)`.execute(db);
      await sql`grant all on commit_probe to service_role`.execute(db);
      // A user's transaction: the queued insert runs as service_role after the user's own statements.
      await withUser(db, { sub: '00000000-0000-0000-0000-000000000002' }, async (tx) => {
        await atCommitAsService(tx, sql`insert into commit_probe select ${1}, current_user`);
        // Not run yet: nothing of it is visible inside the transaction before the commit.
        const mid = await withService(tx, (s) =>
          sql<{ n: number }>`select count(*)::int as n from commit_probe`.execute(s),
        );
        expect(mid.rows[0].n).toBe(0);
      });
      const rows = await sql<{ n: number; who: string }>`select n, who from commit_probe`.execute(db);
      expect(rows.rows).toEqual([{ n: 1, who: 'service_role' }]);
      // A failing queued statement fails the commit: the transaction's own writes go too.
      await expect(
        withService(db, async (tx) => {
          await sql`insert into commit_probe values (2, 'kept?')`.execute(tx);
          await atCommitAsService(tx, sql`insert into commit_probe values (1 / ${0}, 'boom')`);
        }),
      ).rejects.toThrow(/division by zero/);
      // And a rolled back transaction never runs it.
      await expect(
        withService(db, async (tx) => {
          await atCommitAsService(tx, sql`insert into commit_probe values (${3}, 'never')`);
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      const after = await sql<{ n: number }>`select n from commit_probe order by n`.execute(db);
      expect(after.rows).toEqual([{ n: 1 }]);
      // The connection is clean afterwards: the next transaction commits as usual.
      await withService(db, (tx) => sql`insert into commit_probe values (4, 'next')`.execute(tx));
      expect((await sql`select n from commit_probe`.execute(db)).rows).toHaveLength(2);
    });

    it('answers for each statement of a one-round-trip batch: first in its transaction or later, prepared or not', async () => {
      const { db } = database;
      await sql`create table each_probe (n int primary key, t text)`.execute(db);
      await sql`grant all on each_probe to service_role`.execute(db);
      await sql`insert into each_probe values (1, 'a'), (2, 'b')`.execute(db);
      const batch = (tx: DB, n: number) =>
        eachInOneRoundTrip(tx, [
          tx
            .selectFrom('each_probe' as never)
            .select(sql<number>`n`.as('n'))
            .where(sql`n`, '=', n),
          sql<{ t: string }>`select t from each_probe where n = ${n + 1}`,
          sql<{ none: number }>`select 1 as none where ${n} < 0`,
        ]);
      const answers = await withService(db, async (tx) => {
        // The first carries begin and the role with it; the repeats run as prepared statements (decision 041).
        const all = [await batch(tx, 1)];
        for (let i = 0; i < 3; i++) all.push(await batch(tx, 1));
        return all;
      });
      for (const a of answers) expect(a).toEqual([[{ n: 1 }], [{ t: 'b' }], []]);
      expect(await withService(db, (tx) => batch(tx, 2))).toEqual([[{ n: 2 }], [], []]);
    });

    it.skipIf(testDbKind() !== 'postgres')(
      'gives each statement of a batch its own snapshot: a read after a lock sees what committed during the wait',
      async () => {
        const { db } = database;
        await sql`create table snapshot_probe (n int primary key)`.execute(db);
        await sql`grant all on snapshot_probe to service_role`.execute(db);
        await sql`insert into snapshot_probe values (1)`.execute(db);
        let release!: () => void;
        const held = new Promise<void>((r) => {
          release = r;
        });
        let locked!: () => void;
        const lockTaken = new Promise<void>((r) => {
          locked = r;
        });
        const holder = withService(db, async (tx) => {
          await sql`select n from snapshot_probe where n = 1 for update`.execute(tx);
          locked();
          await held;
          await sql`insert into snapshot_probe values (2)`.execute(tx);
        });
        await lockTaken;
        const waiter = withService(db, (tx) =>
          eachInOneRoundTrip(tx, [
            sql<{ n: number }>`select n from snapshot_probe where n = 1 for update`,
            sql<{ c: number }>`select count(*)::int as c from snapshot_probe`,
          ]),
        );
        // The waiter is blocked on the lock when the holder inserts and commits.
        await new Promise((r) => setTimeout(r, 100));
        release();
        await holder;
        expect(await waiter).toEqual([[{ n: 1 }], [{ c: 2 }]]);
      },
    );
  });
});
