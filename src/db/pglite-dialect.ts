import type { PGlite } from '@electric-sql/pglite';
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
import { deferBegin } from './deferred-begin.ts';
import { batchParts, recordAnswers } from './statement-batch.ts';

/** Kysely dialect for embedded PGlite; its single connection is handed out one holder at a time. */
export function pgliteDialect(client: PGlite): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => deferBegin(pgliteDriver(client)),
    createQueryCompiler: () => new PostgresQueryCompiler(),
    createIntrospector: (db: Kysely<any>) => new PostgresIntrospector(db),
  };
}

function pgliteDriver(client: PGlite): Driver {
  const connection: DatabaseConnection = {
    async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
      // Parameterless SQL may hold several statements (migrations), which only the simple protocol accepts.
      let res: { rows: unknown[]; affectedRows?: number };
      if (q.parameters.length === 0) {
        const answers = await client.exec(q.sql);
        // A batch's parts are one statement each (statement-batch.ts), so its answers line up with them.
        if (answers.length === batchParts(q)?.length)
          recordAnswers(
            q,
            answers.map((a) => a.rows),
          );
        res = answers.at(-1) ?? { rows: [], affectedRows: 0 };
      } else res = await client.query<R>(q.sql, [...q.parameters]);
      return {
        rows: res.rows as R[],
        numAffectedRows: res.affectedRows === undefined ? undefined : BigInt(res.affectedRows),
      };
    },
    async *streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
      const res = await client.query<R>(q.sql, [...q.parameters]);
      yield { rows: res.rows };
    },
  };
  // PGlite has one backend: a transaction must own it until commit, so holders queue.
  let busy = false;
  const waiters: Array<() => void> = [];
  return {
    async init() {},
    async acquireConnection() {
      if (busy) await new Promise<void>((r) => waiters.push(r));
      busy = true;
      return connection;
    },
    async releaseConnection() {
      const next = waiters.shift();
      if (next) next();
      else busy = false;
    },
    async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings) {
      const iso = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
      await conn.executeQuery(CompiledQuery.raw(`begin${iso}`));
    },
    async commitTransaction(conn: DatabaseConnection) {
      await conn.executeQuery(CompiledQuery.raw('commit'));
    },
    async rollbackTransaction(conn: DatabaseConnection) {
      await conn.executeQuery(CompiledQuery.raw('rollback'));
    },
    async destroy() {
      if (!client.closed) await client.close();
    },
  };
}
