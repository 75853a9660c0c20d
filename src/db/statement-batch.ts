import { CompiledQuery } from 'kysely';
import { inlineParameters, parameterLiteral } from './inline-parameters.ts';

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
  const query = CompiledQuery.raw(parts.map((p) => inlineParameters(p)).join('; '));
  partsOf.set(query, parts);
  return query;
}

/** The statements of a batch made by statementBatch, or undefined for any other query. */
export const batchParts = (query: CompiledQuery): readonly BatchPart[] | undefined => partsOf.get(query);

/** A parameterless statement as a batch part. */
export const rawPart = (sql: string): BatchPart => ({ sql, parameters: [] });

/** EXECUTE of a prepared statement with a part's parameters as literals (of unknown type, as when inlined). */
export const executePart = (name: string, part: BatchPart) =>
  `execute ${name}(${part.parameters.map(parameterLiteral).join(', ')})`;
