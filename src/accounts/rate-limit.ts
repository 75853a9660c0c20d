import { sql } from 'kysely';
import type { Clock } from '../clock.ts';
import type { DB } from '../db/types.ts';
import { AppError } from '../errors.ts';

/** Counts a hit against `key` in a fixed window stored in Postgres (shared by all instances); throws 429 past `limit`. */
export async function consumeRateLimit(
  db: DB,
  key: string,
  limit: number,
  windowSeconds: number,
  clock: Clock,
): Promise<void> {
  const now = clock.now();
  const windowFloor = new Date(now.getTime() - windowSeconds * 1000);
  const { rows } = await sql<{ hits: number; window_start: Date }>`
    insert into rate_limits (key, window_start, hits) values (${key}, ${now}, 1)
    on conflict (key) do update set
      hits = case when rate_limits.window_start < ${windowFloor} then 1 else rate_limits.hits + 1 end,
      window_start = case when rate_limits.window_start < ${windowFloor} then ${now} else rate_limits.window_start end
    returning hits, window_start`.execute(db);
  const row = rows[0];
  if (row.hits > limit) {
    const retryAfter = Math.max(
      1,
      Math.ceil((new Date(row.window_start).getTime() + windowSeconds * 1000 - now.getTime()) / 1000),
    );
    throw new AppError('rate_limited', 'Too many attempts. Please wait and try again.', {
      retryAfterSeconds: retryAfter,
    });
  }
}
