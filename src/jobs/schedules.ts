import { sql } from 'kysely';
import type { Clock } from '../clock.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import type { Schedule } from '../modules.ts';
import { enqueueJob } from './queue.ts';

export interface ScheduleOptions {
  /** First run time for a new schedule; defaults to the clock's now (or the DB's now without a clock). */
  firstRunAt?: Date;
  clock?: Clock;
}

/** Declares a recurring job `name` every `intervalSeconds`; keeps an existing schedule's next run time. */
export async function scheduleRecurring(
  db: DB,
  name: string,
  intervalSeconds: number,
  options: ScheduleOptions = {},
): Promise<void> {
  if (!Number.isInteger(intervalSeconds) || intervalSeconds <= 0) {
    throw new Error(`schedule ${name}: intervalSeconds must be a positive integer`);
  }
  const now = options.clock ? sql<Date>`${options.clock.now()}::timestamptz` : sql<Date>`now()`;
  const first = options.firstRunAt ? sql<Date>`${options.firstRunAt}::timestamptz` : now;
  await withService(db, (tx) =>
    tx
      .insertInto('job_schedules')
      .values({ name, interval_seconds: intervalSeconds, next_run_at: first })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet({
          interval_seconds: intervalSeconds,
          // A shortened interval takes effect now instead of after the old, longer wait.
          next_run_at: sql<Date>`least(job_schedules.next_run_at, ${now} + make_interval(secs => ${intervalSeconds}))`,
        }),
      )
      .execute(),
  );
}

/** Writes the assembly's schedules at boot; an existing schedule keeps its next run time. */
export async function ensureSchedules(db: DB, schedules: readonly Schedule[], clock: Clock): Promise<void> {
  for (const s of schedules) {
    const firstRunAt = new Date(clock.now().getTime() + (s.firstRunAfterSeconds ?? 0) * 1000);
    await scheduleRecurring(db, s.name, s.intervalSeconds, { clock, firstRunAt });
  }
}

/**
 * Enqueues each due schedule's job once and moves it to its next slot; returns the names enqueued. job_schedules
 * has no payload column: payloads are declared in code (`schedules`), so every instance knows them.
 */
export async function enqueueDueSchedules(
  db: DB,
  clock: Clock,
  schedules: readonly Schedule[] = [],
): Promise<string[]> {
  const now = clock.now();
  return withService(db, async (tx) => {
    // SKIP LOCKED: another instance handling a schedule right now owns it; we must not double-enqueue.
    const due = await tx
      .selectFrom('job_schedules')
      .selectAll()
      .where('next_run_at', '<=', now)
      .orderBy('name')
      .forUpdate()
      .skipLocked()
      .execute();
    const enqueued: string[] = [];
    for (const s of due) {
      await enqueueJob(tx, s.name, schedules.find((d) => d.name === s.name)?.payload ?? {}, {
        uniqueKey: `schedule:${s.name}`,
      });
      const intervalMs = s.interval_seconds * 1000;
      // Jump past every missed slot (a long outage runs the job once, not once per missed interval).
      const missed = Math.floor((now.getTime() - s.next_run_at.getTime()) / intervalMs);
      const next = new Date(s.next_run_at.getTime() + (missed + 1) * intervalMs);
      await tx
        .updateTable('job_schedules')
        .set({ next_run_at: next, last_run_at: now })
        .where('name', '=', s.name)
        .execute();
      enqueued.push(s.name);
    }
    return enqueued;
  });
}
