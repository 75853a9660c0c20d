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
import { inlineParameters } from './inline-parameters.ts';
import { type BatchPart, batchParts, executePart, recordAnswers } from './statement-batch.ts';

/** How the dialect talks to Postgres. */
export interface PostgresDialectOptions {
  /**
   * Named prepared statements for repeated parameterised queries (default true): Postgres parses and plans each
   * once per connection instead of on every execution. Off behind a pooler in transaction mode, where the next
   * transaction may land on a server connection that never saw the statement.
   */
  prepare?: boolean;
}

/**
 * Kysely dialect for a `pg` pool. Kysely's own driver reads one result per query, so it can't take the
 * multi-statement round trip that carries `begin` with a transaction's first statement (see deferred-begin.ts).
 */
export function postgresDialect(pool: pg.Pool, opts: PostgresDialectOptions = {}): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => deferBegin(postgresDriver(pool, opts.prepare ?? true)),
    createQueryCompiler: () => new PostgresQueryCompiler(),
    createIntrospector: (db: Kysely<any>) => new PostgresIntrospector(db),
  };
}

const WRITES = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

interface PgConnection extends DatabaseConnection {
  client: pg.PoolClient;
  /** A failed rollback leaves the session in an unknown state: the client is dropped rather than reused. */
  discard: boolean;
  /** Its prepared statements outlived a schema change: released as broken, so the pool connects afresh. */
  stale: boolean;
}

// Statements a connection prepares at most of each kind, so texts that vary (an `in` list of each length) can't
// grow a server backend without bound; the statements a process repeats are met long before.
const PREPARED_PER_CONNECTION = 300;

/**
 * The prepared-statement name for a query's text on one connection: a statement is prepared the second time the
 * connection runs it (one-off texts stay unnamed), then reused for the connection's life. Undefined means unnamed;
 * `fresh` means the name is new, so this run must prepare it. `prefix` keeps the driver's protocol-level statements
 * and the SQL-level ones of batches apart.
 */
function preparedNames(prefix: string) {
  const names = new Map<string, string>();
  const seen = new Set<string>();
  return (text: string): { name: string; fresh: boolean } | undefined => {
    const known = names.get(text);
    if (known) return { name: known, fresh: false };
    if (names.size >= PREPARED_PER_CONNECTION) return undefined;
    if (!seen.delete(text)) {
      if (seen.size >= 4 * PREPARED_PER_CONNECTION) seen.clear();
      seen.add(text);
      return undefined;
    }
    const name = `${prefix}${names.size}`;
    names.set(text, name);
    return { name, fresh: true };
  };
}

// Postgres refuses a cached plan whose columns changed under it (a migration by another instance added one to a
// table a `select *` reads): the statement fails once and the connection is replaced with a fresh one.
const isStalePlan = (err: unknown) =>
  (err as { code?: string }).code === '0A000' && /cached plan must not change result type/.test(String(err));

// What SQL PREPARE takes; anything else (an EXPLAIN) is written in with its values.
const PREPARABLE = /^\s*(\(|select\b|insert\b|update\b|delete\b|with\b|values\b|merge\b)/i;

/**
 * A batch's text for one connection: a repeated parameterised statement runs as EXECUTE of a statement prepared
 * on it with SQL PREPARE (the protocol's own can't travel in a simple-protocol batch), prepared in place the
 * first time. `fresh` says the text prepares something, which a failing batch may or may not have done.
 */
function batchText(parts: readonly BatchPart[], nameFor: ReturnType<typeof preparedNames>) {
  let fresh = false;
  // Where each part's answer is among the statements sent: a PREPARE in place answers before its EXECUTE.
  const answerAt: number[] = [];
  const statements = parts.map((part) => {
    answerAt.push((answerAt.at(-1) ?? -1) + 1);
    if (part.parameters.length === 0) return part.sql;
    const named = PREPARABLE.test(part.sql) ? nameFor(part.sql) : undefined;
    if (!named) return inlineParameters(part);
    if (!named.fresh) return executePart(named.name, part);
    fresh = true;
    answerAt[answerAt.length - 1]++;
    return `prepare ${named.name} as ${part.sql}; ${executePart(named.name, part)}`;
  });
  return { text: statements.join('; '), fresh, answerAt };
}

function connectionFor(client: pg.PoolClient, prepare: boolean): PgConnection {
  const prepared = prepare ? preparedNames('gallerist_') : null;
  const preparedSql = prepare ? preparedNames('gallerist_sql_') : null;
  const conn: PgConnection = {
    client,
    discard: false,
    stale: false,
    async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
      if (conn.discard) throw new Error('Postgres connection has been discarded');
      const parts = preparedSql && batchParts(q);
      const batch = parts ? batchText(parts, preparedSql) : null;
      try {
        const values = [...q.parameters];
        const name = values.length ? prepared?.(q.sql)?.name : undefined;
        // Without parameters pg uses the simple protocol, which answers each statement of a batch: keep the last.
        const answer = await (batch
          ? client.query(batch.text)
          : name
            ? client.query({ name, text: q.sql, values })
            : client.query(q.sql, values));
        const answers = (Array.isArray(answer) ? answer : [answer]) as pg.QueryResult[];
        if (batch)
          recordAnswers(
            q,
            batch.answerAt.map((i) => answers[i]?.rows ?? []),
          );
        const res = answers.at(-1) as pg.QueryResult;
        if (res.command === 'COMMIT' || res.command === 'ROLLBACK') return { rows: [{ command: res.command }] as R[] };
        return {
          numAffectedRows: WRITES.has(res.command) ? BigInt(res.rowCount ?? 0) : undefined,
          rows: (res.rows ?? []) as R[],
        };
      } catch (err) {
        // A failed batch may have stopped before or after its PREPARE: the connection's names can't be trusted.
        if (isStalePlan(err) || batch?.fresh) conn.stale = true;
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

function postgresDriver(pool: pg.Pool, prepare: boolean): Driver {
  const connections = new WeakMap<pg.PoolClient, PgConnection>();
  let open = true;
  return {
    async init() {},
    async acquireConnection() {
      const client = await pool.connect();
      let conn = connections.get(client);
      if (!conn) {
        conn = connectionFor(client, prepare);
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
      c.client.release(c.discard || c.stale);
    },
    async destroy() {
      if (!open) return;
      open = false;
      await pool.end();
    },
  };
}
