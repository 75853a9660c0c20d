import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type pg from 'pg';
import { deferBegin } from './deferred-begin.ts';

/**
 * Kysely dialect for a `pg` pool. Kysely's own driver reads one result per query, so it can't take the
 * multi-statement round trip that carries `begin` with a transaction's first statement (see deferred-begin.ts).
 */
export function postgresDialect(pool: pg.Pool): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => deferBegin(postgresDriver(pool)),
    createQueryCompiler: () => new PostgresQueryCompiler(),
    createIntrospector: (db: Kysely<any>) => new PostgresIntrospector(db),
  };
}

const WRITES = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

interface PgConnection extends DatabaseConnection {
  client: pg.PoolClient;
  /** A failed rollback leaves the session in an unknown state: the client is dropped rather than reused. */
  discard: boolean;
}

function connectionFor(client: pg.PoolClient): PgConnection {
  const conn: PgConnection = {
    client,
    discard: false,
    async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
      if (conn.discard) throw new Error('Postgres connection has been discarded');
      try {
        // Without parameters pg uses the simple protocol, which answers each statement of a batch: keep the last.
        const answer = await client.query(q.sql, [...q.parameters]);
        const res = (Array.isArray(answer) ? answer.at(-1) : answer) as pg.QueryResult;
        if (res.command === 'COMMIT' || res.command === 'ROLLBACK') return { rows: [{ command: res.command }] as R[] };
        return {
          numAffectedRows: WRITES.has(res.command) ? BigInt(res.rowCount ?? 0) : undefined,
          rows: (res.rows ?? []) as R[],
        };
      } catch (err) {
        // The caller's stack, not only pg's socket handler, so a failing query points at its code.
        if (err instanceof Error) err.stack = `${err.stack}\n${new Error().stack?.split('\n').slice(1).join('\n')}`;
        throw err;
      }
    },
    // biome-ignore lint/correctness/useYield: streaming needs pg-cursor, which the app doesn't use.
    async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
      throw new Error('Streaming queries are not supported');
    },
  };
  return conn;
}

function postgresDriver(pool: pg.Pool): Driver {
  const connections = new WeakMap<pg.PoolClient, PgConnection>();
  let open = true;
  return {
    async init() {},
    async acquireConnection() {
      const client = await pool.connect();
      let conn = connections.get(client);
      if (!conn) {
        conn = connectionFor(client);
        connections.set(client, conn);
      }
      return conn;
    },
    async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings) {
      let text = 'begin';
      if (settings.isolationLevel) text += ` isolation level ${settings.isolationLevel}`;
      if (settings.accessMode) text += ` ${settings.accessMode}`;
      await conn.executeQuery(CompiledQuery.raw(text));
    },
    async commitTransaction(conn: DatabaseConnection) {
      const { rows } = await conn.executeQuery<{ command: string }>(CompiledQuery.raw('commit'));
      // Postgres answers COMMIT with ROLLBACK when an earlier error left the transaction aborted.
      if (rows[0]?.command === 'ROLLBACK') throw new Error('The transaction was aborted and has been rolled back');
    },
    async rollbackTransaction(conn: DatabaseConnection) {
      try {
        await conn.executeQuery(CompiledQuery.raw('rollback'));
      } catch (err) {
        (conn as PgConnection).discard = true;
        throw err;
      }
    },
    async releaseConnection(conn: DatabaseConnection) {
      const c = conn as PgConnection;
      c.client.release(c.discard);
    },
    async destroy() {
      if (!open) return;
      open = false;
      await pool.end();
    },
  };
}
