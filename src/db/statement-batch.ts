import { type Compilable, CompiledQuery, type RawBuilder } from 'kysely';
import { inlineParameters, parameterLiteral } from './inline-parameters.ts';
import type { DB } from './types.ts';

/** One statement of a batch: its text and the values of its `$n` placeholders. */
export interface BatchPart {
  sql: string;
  parameters: readonly unknown[];
}

const partsOf = new WeakMap<CompiledQuery, readonly BatchPart[]>();

/**
 * Several statements sent as one simple-protocol query, one round trip (decision 040). Its text has each
 * statement's parameters written in as literals (inline-parameters.ts), which any driver can send; a driver that
 * prepares statements reads the parts (batchParts) and sends a repeated one as EXECUTE of a statement it prepared
 * on that connection instead (pg-dialect.ts), so Postgres does not plan it again (decision 041).
 */
export function statementBatch(parts: readonly BatchPart[]): CompiledQuery {
  // Its text only when a driver reads it: the pg driver sends its own, with prepared statements, from the parts.
  let text: string | undefined;
  const query: CompiledQuery = Object.defineProperty({ ...CompiledQuery.raw('') }, 'sql', {
    get: () => (text ??= parts.map((p) => inlineParameters(p)).join('; ')),
    enumerable: true,
  });
  partsOf.set(query, parts);
  return query;
}

/** The statements of a batch made by statementBatch, or undefined for any other query. */
export const batchParts = (query: CompiledQuery): readonly BatchPart[] | undefined => partsOf.get(query);

const answersOf = new WeakMap<CompiledQuery, readonly unknown[][]>();

/** A driver records each statement's rows of a batch it ran, in the order of its parts (eachInOneRoundTrip). */
export const recordAnswers = (query: CompiledQuery, rows: readonly unknown[][]) => answersOf.set(query, rows);

/** The rows of each statement of a batch, as its driver recorded them; undefined when it did not. */
export const batchAnswers = (query: CompiledQuery): readonly unknown[][] | undefined => answersOf.get(query);

/** A parameterless statement as a batch part. */
export const rawPart = (sql: string): BatchPart => ({ sql, parameters: [] });

/** EXECUTE of a prepared statement with a part's parameters as literals (of unknown type, as when inlined). */
export const executePart = (name: string, part: BatchPart) =>
  `execute ${name}(${part.parameters.map(parameterLiteral).join(', ')})`;

/** A statement compiled for a batch: a raw one against a handle; a query builder already carries the one it was built on. */
export const compiled = <R>(db: DB, statement: RawBuilder<R> | Compilable<R>) =>
  'isRawBuilder' in statement ? statement.compile(db) : statement.compile();

type Statement<R> = RawBuilder<R> | Compilable<R>;
type RowsOf<S> = S extends Statement<infer R> ? R[] : never;

/**
 * Runs statements one after another in the caller's transaction, in one round trip, and returns each one's rows.
 * As with inOneRoundTrip, each statement sees what other transactions committed before it ran: a lock taken by one
 * guards the reads after it.
 */
export async function eachInOneRoundTrip<S extends readonly Statement<unknown>[]>(
  tx: DB,
  statements: readonly [...S],
): Promise<{ -readonly [K in keyof S]: RowsOf<S[K]> }> {
  if (!tx.isTransaction) throw new Error('eachInOneRoundTrip needs a transaction');
  const batch = statementBatch(statements.map((s) => compiled(tx, s)));
  await tx.executeQuery(batch);
  const answers = answersOf.get(batch);
  if (answers?.length !== statements.length) throw new Error('the driver did not answer each statement of a batch');
  return answers as unknown as { -readonly [K in keyof S]: RowsOf<S[K]> };
}

/**
 * Runs statements one after another in the caller's transaction, in one round trip, and returns the last one's
 * rows. Each still sees what other transactions committed before it ran, as when sent one by one, so a lock
 * taken by one statement guards the reads of the next: for a lock and the read it protects.
 */
export async function inOneRoundTrip<R>(
  tx: DB,
  statements: [...Array<RawBuilder<unknown> | Compilable<unknown>>, RawBuilder<R> | Compilable<R>],
): Promise<R[]> {
  if (!tx.isTransaction) throw new Error('inOneRoundTrip needs a transaction');
  const { rows } = await tx.executeQuery<R>(statementBatch(statements.map((s) => compiled(tx, s))));
  return rows;
}
