import type { CompiledQuery, DatabaseConnection, Driver, QueryResult, TransactionSettings } from 'kysely';
import { type BatchPart, batchAnswers, batchParts, rawPart, recordAnswers, statementBatch } from './statement-batch.ts';

/**
 * A connection that can run several parameterless statements in one simple-protocol round trip, answering with
 * the last one's result (what both our drivers do).
 */
export interface MultiStatementConnection extends DatabaseConnection {
  executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>>;
}

// Statements a transaction sends with its commit, per connection (see sendWithCommit).
const tails = new WeakMap<DatabaseConnection, BatchPart[]>();

/**
 * Queues statements to run last in the open transaction, in the same round trip as its `commit`;
 * false when `conn` is not a deferBegin connection in a transaction (the caller runs it now instead). For a write
 * that takes a hot lock (a seller's invoice counter): held from that statement to commit inside Postgres only,
 * not across the app's further round trips. A failing statement fails the commit and rolls everything back.
 */
export function sendWithCommit(conn: DatabaseConnection, statements: readonly BatchPart[]): boolean {
  const tail = tails.get(conn);
  if (!tail) return false;
  tail.push(...statements);
  return true;
}

// Statements a transaction sends before its next one, in the same round trip, per connection (see sendWithNext).
const heads = new WeakMap<DatabaseConnection, BatchPart[]>();

/**
 * Queues statements to run before the open transaction's next statement, in the same round trip; false when `conn`
 * is not a deferBegin connection in a transaction (the caller runs them now instead). For the tenancy's role and
 * claims, which every transaction starts with: they travel with `begin` and the transaction's first real statement.
 * Dropped if the transaction runs nothing after them.
 */
export function sendWithNext(conn: DatabaseConnection, statements: readonly BatchPart[]): boolean {
  const head = heads.get(conn);
  if (!head) return false;
  head.push(...statements);
  return true;
}

/**
 * Wraps a driver so `begin` is not a round trip of its own: it travels, with the statements queued by sendWithNext
 * (the tenancy's role and claims), in one batch with the transaction's first statement, whose values are written
 * in or bound to a prepared statement (statement-batch.ts). A transaction that ran nothing commits without touching
 * the database. Round trips are most of a short transaction's cost, so this takes two off every transaction.
 */
export function deferBegin(inner: Driver): Driver {
  const outer = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const innerOf = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const pending = new WeakSet<DatabaseConnection>();

  // What must run before the next statement: `begin` if still deferred, then anything queued by sendWithNext.
  const takeHead = (w: DatabaseConnection): BatchPart[] => {
    const queued = heads.get(w);
    const head = [...(pending.delete(w) ? [rawPart('begin')] : []), ...(queued ?? [])];
    if (queued?.length) heads.set(w, []);
    return head;
  };

  const wrap = (conn: DatabaseConnection): DatabaseConnection => {
    const known = outer.get(conn);
    if (known) return known;
    const w: DatabaseConnection = {
      executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
        const head = takeHead(w);
        if (head.length === 0) return conn.executeQuery<R>(q);
        const batch = statementBatch([...head, ...(batchParts(q) ?? [q])]);
        return conn.executeQuery<R>(batch).then((result) => {
          // The caller's batch answers for its own statements, not for the head sent before them.
          const answers = batchAnswers(batch);
          if (answers && batchParts(q)) recordAnswers(q, answers.slice(head.length));
          return result;
        });
      },
      async *streamQuery<R>(q: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
        await flush(w);
        yield* conn.streamQuery<R>(q, chunkSize);
      },
    };
    outer.set(conn, w);
    innerOf.set(w, conn);
    return w;
  };
  const unwrap = (w: DatabaseConnection) => innerOf.get(w) ?? w;
  // Savepoints and explicit settings need the transaction open first.
  const flush = async (w: DatabaseConnection) => {
    const head = takeHead(w);
    if (head.length) await unwrap(w).executeQuery(statementBatch(head));
  };

  return {
    init: () => inner.init(),
    acquireConnection: async () => wrap(await inner.acquireConnection()),
    async beginTransaction(w: DatabaseConnection, settings: TransactionSettings) {
      tails.set(w, []);
      heads.set(w, []);
      if (settings.isolationLevel || settings.accessMode) return inner.beginTransaction(unwrap(w), settings);
      pending.add(w);
    },
    async commitTransaction(w: DatabaseConnection) {
      const tail = tails.get(w) ?? [];
      tails.delete(w);
      if (tail.length === 0) {
        // Nothing queued for the commit; if nothing ran either, the queued head (role, claims) changes nothing.
        heads.delete(w);
        return pending.delete(w) ? undefined : inner.commitTransaction(unwrap(w));
      }
      const head = takeHead(w);
      heads.delete(w);
      const { rows } = await unwrap(w).executeQuery<{ command?: string }>(
        statementBatch([...head, ...tail, rawPart('commit')]),
      );
      // As the pg driver's own commit: COMMIT answered with ROLLBACK means an earlier error aborted the transaction.
      if (rows[0]?.command === 'ROLLBACK') throw new Error('The transaction was aborted and has been rolled back');
    },
    async rollbackTransaction(w: DatabaseConnection) {
      tails.delete(w);
      heads.delete(w);
      if (pending.delete(w)) return;
      return inner.rollbackTransaction(unwrap(w));
    },
    ...(inner.savepoint
      ? {
          async savepoint(w, name, compile) {
            await flush(w);
            return inner.savepoint!(unwrap(w), name, compile);
          },
          rollbackToSavepoint: (w, name, compile) => inner.rollbackToSavepoint!(unwrap(w), name, compile),
          releaseSavepoint: (w, name, compile) => inner.releaseSavepoint!(unwrap(w), name, compile),
        }
      : {}),
    async releaseConnection(w: DatabaseConnection) {
      pending.delete(w);
      tails.delete(w);
      heads.delete(w);
      return inner.releaseConnection(unwrap(w));
    },
    destroy: () => inner.destroy(),
  } satisfies Driver;
}
