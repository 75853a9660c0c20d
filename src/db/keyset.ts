import { z } from '@hono/zod-openapi';
import { type Expression, type RawBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { AppError } from '../errors.ts';
import type { DB } from './types.ts';

// Keyset pagination (issue 17): a page starts after the last row of the previous one, so its cost does not grow
// with how deep the reader is, and rows inserted meanwhile never shift a page (OFFSET would repeat or skip them).

/** How many rows a capped count counts before it answers "1,000+". */
export const COUNT_CAP = 1000;

/** Query fields every keyset list accepts: the opaque cursor of the previous page and a page size of 1–100. */
export const pageQuery = {
  cursor: z
    .string()
    .max(300)
    .optional()
    .openapi({ description: 'The previous page’s `nextCursor`; omit for the first page' }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
};

/** Response fields of a keyset page. */
export const pageMeta = {
  nextCursor: z
    .string()
    .nullable()
    .openapi({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  limit: z.number().int(),
};

/** Response fields of a capped count: `total` stops at 1,000 and `totalCapped` says there are more. */
export const countMeta = {
  total: z.number().int(),
  totalCapped: z.boolean().openapi({ description: 'True when there are more than `total` rows (shown as "1,000+")' }),
};

/** The sort key of the last row of a page: a timestamp (UTC, to the microsecond) and the row id. */
export interface Cursor {
  at: string;
  id: string;
}

const CursorId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
const CursorKey = z.tuple([z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/), CursorId]);

/** The cursor clients pass back: base64url JSON of the sort key, opaque to them. */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url');
}

// Decodes a cursor against the shape of its key; anything we did not issue (tampered, truncated, garbage) is a 400.
function decodeWith(raw: string | undefined, schema: z.ZodType<[string, string]>, valid = (_at: string) => true) {
  if (raw === undefined || raw === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const key = schema.safeParse(parsed);
  if (!key.success || !valid(key.data[0])) {
    throw new AppError('bad_request', 'The page cursor is not valid; start again from the first page', {
      fieldErrors: { cursor: ['Invalid cursor'] },
      formErrors: [],
    });
  }
  return { at: key.data[0], id: key.data[1] };
}

/** The sort key inside a cursor; a cursor we did not issue (tampered, truncated, garbage) is a 400, never a 500. */
export function decodeCursor(raw: string | undefined): Cursor | null {
  return decodeWith(raw, CursorKey, (at) => !Number.isNaN(Date.parse(at)));
}

const TextCursorKey = z.tuple([z.string().max(200), CursorId]);

/**
 * The sort key inside a cursor of a list ordered by a text column (e.g. a client's name, with `afterCursor(…,
 * 'text')`), where `at` holds that text; like decodeCursor, anything we did not issue is a 400.
 */
export function decodeTextCursor(raw: string | undefined): Cursor | null {
  return decodeWith(raw, TextCursorKey);
}

/**
 * A timestamp column as the cursor stores it: text in UTC with all six fractional digits, because a JS Date keeps
 * only milliseconds and a cursor rounded down would repeat or skip rows created within the same millisecond.
 */
export function cursorAt(column: SortKey): RawBuilder<string> {
  return sql<string>`to_char(${key(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** A list's timestamp sort key: a column name, or an expression (e.g. `coalesce(submitted_at, created_at)`). */
export type SortKey = string | RawBuilder<unknown>;

function key(k: SortKey) {
  return typeof k === 'string' ? sql.ref(k) : k;
}

/**
 * The rows after `cursor` in `(at, id)` order, as one row comparison so a btree index on `(…, at, id)` (both in
 * the list's direction) serves it as an index condition.
 */
export function afterCursor(
  at: SortKey,
  id: string,
  cursor: Cursor,
  dir: 'asc' | 'desc',
  type: 'timestamptz' | 'text' = 'timestamptz',
): Expression<SqlBool> {
  const op = sql.raw(dir === 'desc' ? '<' : '>');
  return sql<SqlBool>`(${key(at)}, ${sql.ref(id)}) ${op} (cast(${cursor.at} as ${sql.raw(type)}), ${cursor.id}::uuid)`;
}

/**
 * Cuts the `limit + 1` rows a page query fetched down to the page and says where the next one starts: the extra
 * row only proves there is more.
 */
export function keysetPage<R extends { cursor_at: string; id: string }>(
  rows: R[],
  limit: number,
): { rows: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeCursor({ at: last.cursor_at, id: last.id }) : null,
  };
}

/**
 * How many rows `base` matches, counting no further than `cap`: an index-only walk of at most cap + 1 entries
 * instead of an unbounded `count(*)`. `base` is the list's query before select, order and limit.
 */
export async function cappedCount(db: DB, base: SelectQueryBuilder<any, any, any>, cap = COUNT_CAP) {
  const { n } = await db
    .selectFrom(
      base
        .select(sql`1`.as('one'))
        .limit(cap + 1)
        .as('capped'),
    )
    .select(sql<string>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return capTotal(Number(n), cap);
}

/** A count as lists show it: at most `cap`, and whether there were more. */
export const capTotal = (total: number, cap = COUNT_CAP) => ({ total: Math.min(total, cap), totalCapped: total > cap });
