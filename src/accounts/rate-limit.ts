import { sql } from 'kysely';
import type { Clock } from '../clock.ts';
import type { DB } from '../db/types.ts';
import { AppError } from '../errors.ts';

/** The state of one fixed-window counter after a hit (or a peek). */
export interface RateLimitHit {
  hits: number;
  limited: boolean;
  /** Seconds until the window resets. */
  retryAfterSeconds: number;
}

const secondsLeft = (windowStart: Date, windowSeconds: number, now: Date) =>
  Math.max(1, Math.ceil((new Date(windowStart).getTime() + windowSeconds * 1000 - now.getTime()) / 1000));

/**
 * Counts a hit (or `amount` of them: model tokens) against `key` in a fixed window stored in Postgres (shared by
 * all instances), without throwing.
 */
export async function hitRateLimit(
  db: DB,
  key: string,
  limit: number,
  windowSeconds: number,
  clock: Clock,
  amount = 1,
): Promise<RateLimitHit> {
  const now = clock.now();
  const windowFloor = new Date(now.getTime() - windowSeconds * 1000);
  const { rows } = await sql<{ hits: number; window_start: Date }>`
    insert into rate_limits (key, window_start, hits) values (${key}, ${now}, ${amount})
    on conflict (key) do update set
      hits = case when rate_limits.window_start < ${windowFloor} then ${amount} else rate_limits.hits + ${amount} end,
      window_start = case when rate_limits.window_start < ${windowFloor} then ${now} else rate_limits.window_start end
    returning hits, window_start`.execute(db);
  const row = rows[0];
  return {
    hits: row.hits,
    limited: row.hits > limit,
    retryAfterSeconds: secondsLeft(row.window_start, windowSeconds, now),
  };
}

/** Whether `key` already used up `limit` in its current window, without counting a hit. */
export async function peekRateLimit(
  db: DB,
  key: string,
  limit: number,
  windowSeconds: number,
  clock: Clock,
): Promise<RateLimitHit> {
  const now = clock.now();
  const row = await db
    .selectFrom('rate_limits')
    .select(['hits', 'window_start'])
    .where('key', '=', key)
    .where('window_start', '>=', new Date(now.getTime() - windowSeconds * 1000))
    .executeTakeFirst();
  const hits = row?.hits ?? 0;
  return {
    hits,
    limited: hits >= limit,
    retryAfterSeconds: row ? secondsLeft(row.window_start, windowSeconds, now) : 0,
  };
}

/** Takes back one hit on `key` (e.g. an attempt that turned out fine), so only failures pile up. */
export async function refundRateLimit(db: DB, key: string): Promise<void> {
  await db
    .updateTable('rate_limits')
    .set((eb) => ({ hits: sql<number>`greatest(${eb.ref('hits')} - 1, 0)` }))
    .where('key', '=', key)
    .execute();
}

/** The 429 for a tripped limit; `retryAfterSeconds` feeds the Retry-After header. */
export function rateLimited(
  retryAfterSeconds: number,
  message = 'Too many attempts. Please wait and try again.',
): AppError {
  return new AppError('rate_limited', message, { retryAfterSeconds });
}

/** Counts a hit against `key` in a fixed window stored in Postgres (shared by all instances); throws 429 past `limit`. */
export async function consumeRateLimit(
  db: DB,
  key: string,
  limit: number,
  windowSeconds: number,
  clock: Clock,
): Promise<void> {
  const hit = await hitRateLimit(db, key, limit, windowSeconds, clock);
  if (hit.limited) throw rateLimited(hit.retryAfterSeconds);
}

/** Throws 429 when `key` already used up `limit` in its window (see peekRateLimit). */
export async function checkRateLimit(
  db: DB,
  key: string,
  limit: number,
  windowSeconds: number,
  clock: Clock,
): Promise<void> {
  const peek = await peekRateLimit(db, key, limit, windowSeconds, clock);
  if (peek.limited) throw rateLimited(peek.retryAfterSeconds);
}

/** No limit counts over more than a day; a week-old window is dead weight. */
export const RATE_LIMIT_RETENTION_SECONDS = 7 * 86_400;

/** Deletes counters whose window started before the retention horizon; returns how many went. */
export async function pruneRateLimits(db: DB, clock: Clock): Promise<number> {
  const horizon = new Date(clock.now().getTime() - RATE_LIMIT_RETENTION_SECONDS * 1000);
  const r = await db.deleteFrom('rate_limits').where('window_start', '<', horizon).executeTakeFirst();
  return Number(r.numDeletedRows);
}
