import { sql } from 'kysely';
import type pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock, systemClock } from '../clock.ts';
import { type Database, openPostgres } from '../db/connect.ts';
import { listenOnPostgres } from '../db/listen.ts';
import { withService } from '../db/tenancy.ts';
import { createTestDatabase, testDbKind } from '../db/testing.ts';
import type { DB } from '../db/types.ts';
import { JOBS_CHANNEL, jobWakeups } from './listen.ts';
import {
  backoffMs,
  enqueueDueSchedules,
  enqueueJob,
  type JobHandler,
  nextWakeDelayMs,
  pruneFinishedJobs,
  runDueJobs,
  scheduleRecurring,
  startJobRunner,
} from './runner.ts';
import { createJobSignal } from './signal.ts';

const logger = pino({ level: 'silent' });

// The handlers the runners below know, as an assembly would hand them over; reset before each test.
const handlers = new Map<string, JobHandler>();
const defineJob = <P>(name: string, handler: JobHandler<P>) => handlers.set(name, handler);

describe('jobs', () => {
  let d: Database;
  let db: DB;
  beforeAll(async () => {
    d = await createTestDatabase();
    db = d.db;
  });
  afterAll(() => d.close());
  beforeEach(async () => {
    handlers.clear();
    await db.deleteFrom('jobs').execute();
    await db.deleteFrom('job_schedules').execute();
  });

  const job = (id: string) => db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const run = (clock: { now(): Date }, workerId = 'w1') => runDueJobs(db, { handlers, workerId, clock, logger });

  it('runs a due job once and marks it done', async () => {
    const clock = fixedClock();
    const seen: unknown[] = [];
    defineJob<{ n: number }>('test.ok', async (payload, ctx) => {
      seen.push({ payload, attempt: ctx.attempt, jobId: ctx.jobId });
    });
    const { id, created } = await enqueueJob(db, 'test.ok', { n: 1 });
    expect(created).toBe(true);
    expect(await run(clock)).toBe(1);
    expect(seen).toEqual([{ payload: { n: 1 }, attempt: 1, jobId: id }]);
    const row = await job(id);
    expect(row).toMatchObject({ status: 'done', attempts: 1, locked_by: null, last_error: null });
    expect(row.finished_at?.toISOString()).toBe(clock.now().toISOString());
    expect(await run(clock)).toBe(0);
  });

  it('runs a job without runAt at once even when the clock lags the database, but waits for runAt', async () => {
    const clock = fixedClock('2000-01-01T00:00:00Z');
    let runs = 0;
    defineJob('test.count', async () => {
      runs++;
    });
    await enqueueJob(db, 'test.count', {});
    await enqueueJob(db, 'test.count', {}, { runAt: new Date('2000-01-01T00:01:00Z') });
    expect(await run(clock)).toBe(1);
    clock.advance(60_000);
    expect(await run(clock)).toBe(1);
    expect(runs).toBe(2);
  });

  it('retries with exponential backoff, then succeeds', async () => {
    const clock = fixedClock();
    let calls = 0;
    defineJob('test.flaky', async (_p, ctx) => {
      calls++;
      if (ctx.attempt === 1) throw new Error('temporary outage');
    });
    const { id } = await enqueueJob(db, 'test.flaky', {});
    expect(await run(clock)).toBe(1);
    let row = await job(id);
    expect(row).toMatchObject({ status: 'queued', attempts: 1, last_error: 'temporary outage', locked_by: null });
    const delay = row.run_at.getTime() - clock.now().getTime();
    expect(delay).toBeGreaterThanOrEqual(8_000);
    expect(delay).toBeLessThanOrEqual(12_000);
    expect(await run(clock)).toBe(0);
    clock.advance(delay);
    expect(await run(clock)).toBe(1);
    row = await job(id);
    expect(row).toMatchObject({ status: 'done', attempts: 2 });
    expect(calls).toBe(2);
  });

  it('fails permanently after max attempts', async () => {
    const clock = fixedClock();
    defineJob('test.broken', async () => {
      throw new Error('always broken');
    });
    const { id } = await enqueueJob(db, 'test.broken', {}, { maxAttempts: 3 });
    for (let i = 0; i < 3; i++) {
      expect(await run(clock)).toBe(1);
      clock.advance(3_600_000 * 2);
    }
    expect(await run(clock)).toBe(0);
    expect(await job(id)).toMatchObject({ status: 'failed', attempts: 3, last_error: 'always broken' });
  });

  it('fails a job nobody handles with a clear error', async () => {
    const { id } = await enqueueJob(db, 'test.nobody', {});
    expect(await run(fixedClock())).toBe(1);
    expect(await job(id)).toMatchObject({
      status: 'failed',
      last_error: 'no handler registered for job "test.nobody"',
    });
  });

  it('dedupes live jobs by unique key, but not finished ones', async () => {
    defineJob('test.ok', async () => {});
    const a = await enqueueJob(db, 'test.ok', { v: 1 }, { uniqueKey: 'k1' });
    const b = await enqueueJob(db, 'test.ok', { v: 2 }, { uniqueKey: 'k1' });
    const other = await enqueueJob(db, 'test.ok', {}, { uniqueKey: 'k2' });
    expect(b).toEqual({ id: a.id, created: false });
    expect(other.id).not.toBe(a.id);
    expect(await db.selectFrom('jobs').select('id').execute()).toHaveLength(2);
    await run(fixedClock());
    const c = await enqueueJob(db, 'test.ok', {}, { uniqueKey: 'k1' });
    expect(c.created).toBe(true);
    expect(c.id).not.toBe(a.id);
  });

  it('enqueues nothing when the surrounding transaction rolls back', async () => {
    await expect(
      withService(db, async (tx) => {
        await enqueueJob(tx, 'test.ok', {}, { uniqueKey: 'rolled-back' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await db.selectFrom('jobs').select('id').execute()).toEqual([]);
  });

  it('reclaims a job whose worker crashed once its lease expires', async () => {
    const clock = fixedClock();
    let runs = 0;
    defineJob('test.ok', async () => {
      runs++;
    });
    const { id } = await enqueueJob(db, 'test.ok', {});
    const doomed = await enqueueJob(db, 'test.ok', {}, { maxAttempts: 1 });
    // Simulate a worker that claimed both jobs and died.
    await db
      .updateTable('jobs')
      .set({
        status: 'running',
        locked_by: 'dead',
        locked_until: new Date(clock.now().getTime() + 300_000),
        attempts: 1,
      })
      .execute();
    expect(await run(clock, 'w2')).toBe(0);
    clock.advance(301_000);
    expect(await run(clock, 'w2')).toBe(1);
    expect(runs).toBe(1);
    expect(await job(id)).toMatchObject({ status: 'done', attempts: 2 });
    expect(await job(doomed.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await job(doomed.id)).last_error).toMatch(/lease expired/);
  });

  it('marks a batch done together, except a job another worker took over meanwhile', async () => {
    const clock = fixedClock();
    const a = await enqueueJob(db, 'test.batch', { n: 1 });
    const b = await enqueueJob(db, 'test.batch', { n: 2 });
    const c = await enqueueJob(db, 'test.batch', { n: 3 });
    defineJob<{ n: number }>('test.batch', async ({ n }) => {
      if (n === 3) throw new Error('three fails');
      // While job 2 runs, its lease lapses and another worker claims it again (a new attempt under its lease).
      if (n === 2) {
        await db
          .updateTable('jobs')
          .set((eb) => ({ locked_by: 'w2', attempts: eb('attempts', '+', 1) }))
          .where('id', '=', b.id)
          .execute();
      }
    });
    expect(await run(clock)).toBe(3);
    expect(await job(a.id)).toMatchObject({ status: 'done', attempts: 1, locked_by: null });
    expect(await job(b.id)).toMatchObject({ status: 'running', attempts: 2, locked_by: 'w2' });
    expect(await job(c.id)).toMatchObject({ status: 'queued', attempts: 1, last_error: 'three fails' });
  });
  it('enqueues a recurring job once per interval across two instances, skipping missed runs', async () => {
    const clock = fixedClock();
    let runs = 0;
    defineJob<{ scope: string }>('test.recurring', async (payload) => {
      expect(payload).toEqual({ scope: 'all' });
      runs++;
    });
    // Both instances declare the schedule at boot; the second must not reset it.
    await scheduleRecurring(db, 'test.recurring', 60, { clock });
    clock.advance(30_000);
    await scheduleRecurring(db, 'test.recurring', 60, { clock });
    const tick = async (workerId: string) => {
      await enqueueDueSchedules(db, clock, [
        { name: 'test.recurring', intervalSeconds: 60, payload: { scope: 'all' } },
      ]);
      await runDueJobs(db, { handlers, workerId, clock, logger });
    };
    await Promise.all([tick('a'), tick('b')]);
    expect(runs).toBe(1);
    await Promise.all([tick('a'), tick('b')]);
    clock.advance(29_000);
    await Promise.all([tick('a'), tick('b')]);
    expect(runs).toBe(1);
    clock.advance(1_000);
    await Promise.all([tick('b'), tick('a')]);
    expect(runs).toBe(2);
    // Ten missed intervals run once, and the next slot stays aligned to the grid.
    clock.advance(600_000 + 5_000);
    await Promise.all([tick('a'), tick('b')]);
    await Promise.all([tick('a'), tick('b')]);
    expect(runs).toBe(3);
    const s = await db.selectFrom('job_schedules').selectAll().executeTakeFirstOrThrow();
    expect(s.next_run_at.getTime() - clock.now().getTime()).toBe(55_000);
    expect(s.last_run_at?.toISOString()).toBe(clock.now().toISOString());
  });

  it('keeps backoff within min(2^n * 5s, 1h) ± 20%', () => {
    expect(backoffMs(1, () => 0.5)).toBe(10_000);
    expect(backoffMs(3, () => 0)).toBe(32_000);
    expect(backoffMs(20, () => 1)).toBe(4_320_000);
    expect(backoffMs(20, () => 0)).toBe(2_880_000);
  });

  it('startJobRunner ticks without overlapping, logs errors and stops cleanly', async () => {
    const clock = fixedClock();
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    defineJob('test.slow', async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 20));
      runs++;
      active--;
    });
    for (let i = 0; i < 25; i++) await enqueueJob(db, 'test.slow', { i });
    const runner = startJobRunner(db, { clock, intervalMs: 5, logger, concurrency: 4, jobs: handlers, schedules: [] });
    await Promise.all([runner.tick(), runner.tick(), runner.tick()]);
    expect(runs).toBe(25);
    expect(maxActive).toBeLessThanOrEqual(4);
    await runner.stop();
    const n = await db.selectFrom('jobs').select('id').where('status', '=', 'done').execute();
    expect(n).toHaveLength(25);
  });

  it('renews the lease of a job that runs longer than it, so no other worker takes it over', async () => {
    let runs = 0;
    let release!: () => void;
    const holding = new Promise<void>((r) => {
      release = r;
    });
    defineJob('test.long', async () => {
      runs++;
      await holding;
    });
    const { id } = await enqueueJob(db, 'test.long', {});
    const runner = startJobRunner(db, { clock: systemClock, lockSeconds: 3, logger, jobs: handlers, schedules: [] });
    try {
      const tick = runner.tick();
      await expect.poll(() => runs, { timeout: 5000 }).toBe(1);
      // Past the first lease: renewed meanwhile, so another worker finds nothing to take.
      await new Promise((r) => setTimeout(r, 4000));
      expect(await runDueJobs(db, { handlers, workerId: 'other', clock: systemClock, logger })).toBe(0);
      expect((await job(id)).locked_until!.getTime()).toBeGreaterThan(Date.now());
      release();
      await tick;
      expect(await job(id)).toMatchObject({ status: 'done', attempts: 1 });
      expect(runs).toBe(1);
    } finally {
      release();
      await runner.stop();
    }
  }, 15_000);

  it('startJobRunner runs signalled work at once, and again when the signal comes during a tick', async () => {
    const clock = fixedClock();
    const signal = createJobSignal();
    let runs = 0;
    defineJob('test.woken', async () => {
      runs++;
    });
    // A poll interval far beyond the test: only the signal can make these run.
    const runner = startJobRunner(db, { clock, intervalMs: 3_600_000, logger, jobs: handlers, schedules: [], signal });
    try {
      await enqueueJob(db, 'test.woken', {});
      signal.notify();
      await expect.poll(() => runs, { timeout: 5000 }).toBe(1);
      // Queued while a tick is in flight: the tick loops once more instead of leaving it for the next poll.
      const inFlight = runner.tick();
      await enqueueJob(db, 'test.woken', {});
      signal.notify();
      await inFlight;
      await expect.poll(() => runs, { timeout: 5000 }).toBe(2);
    } finally {
      await runner.stop();
    }
    // After stop the signal is ignored.
    await enqueueJob(db, 'test.woken', {});
    signal.notify();
    await new Promise((r) => setTimeout(r, 100));
    expect(runs).toBe(2);
  });

  it('an idle runner sleeps until the next due job, lease or schedule, within its bounds', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const at = (ms: number) => new Date(now.getTime() + ms);
    expect(await nextWakeDelayMs(db, now, 1000, 30_000)).toBe(30_000);
    await enqueueJob(db, 'test.later', {}, { runAt: at(12_000) });
    expect(await nextWakeDelayMs(db, now, 1000, 30_000)).toBe(12_000);
    await withService(db, (tx) =>
      tx
        .insertInto('job_schedules')
        .values({ name: 'test.schedule', interval_seconds: 60, next_run_at: at(7_000) })
        .execute(),
    );
    expect(await nextWakeDelayMs(db, now, 1000, 30_000)).toBe(7_000);
    // A running job whose lease lapses sooner is reclaimed then; a due job is never waited for below the minimum.
    const lease = await enqueueJob(db, 'test.running', {});
    await withService(db, (tx) =>
      tx
        .updateTable('jobs')
        .set({ status: 'running', locked_until: at(3_000) })
        .where('id', '=', lease.id)
        .execute(),
    );
    expect(await nextWakeDelayMs(db, now, 1000, 30_000)).toBe(3_000);
    await enqueueJob(db, 'test.due', {}, { runAt: at(-5_000) });
    expect(await nextWakeDelayMs(db, now, 1000, 30_000)).toBe(1000);
  });

  it('with a long idle cap, a job due soon still runs when it is due, without a wake-up', async () => {
    let ran = 0;
    defineJob('test.soon', async () => {
      ran++;
    });
    const runner = startJobRunner(db, {
      clock: systemClock,
      intervalMs: 20,
      logger,
      jobs: handlers,
      schedules: [],
      idleMaxMs: () => 600_000,
    });
    try {
      await enqueueJob(db, 'test.soon', {}, { runAt: new Date(Date.now() + 300) });
      // Nothing wakes it: its first poll finds the job not due yet and sleeps until it is, not for the cap.
      await expect.poll(() => ran, { timeout: 10_000 }).toBe(1);
    } finally {
      await runner.stop();
    }
  });

  it('startJobRunner survives a database error', async () => {
    const errors: unknown[] = [];
    const spy = pino({ level: 'error' }, { write: (line: string) => errors.push(JSON.parse(line)) });
    const broken = {
      ...db,
      transaction: () => {
        throw new Error('db down');
      },
      isTransaction: false,
    } as unknown as DB;
    const runner = startJobRunner(broken, {
      clock: fixedClock(),
      logger: spy,
      intervalMs: 60_000,
      jobs: handlers,
      schedules: [],
    });
    await runner.tick();
    await runner.stop();
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors[0])).toContain('db down');
  });

  it.skipIf(testDbKind() !== 'postgres')(
    'never runs a job twice when two runners with separate pools compete',
    async () => {
      // A second instance: its own pool, opened as the server opens its database.
      const other = await openPostgres((d.pool as pg.Pool).options.connectionString!, 10);
      const db2 = other.db;
      try {
        const counts = new Map<string, number>();
        defineJob('test.count', async (_p, ctx) => {
          counts.set(ctx.jobId, (counts.get(ctx.jobId) ?? 0) + 1);
          await new Promise((r) => setTimeout(r, Math.random() * 5));
        });
        await withService(db, async (tx) => {
          for (let i = 0; i < 50; i++) await enqueueJob(tx, 'test.count', { i });
        });
        const clock = fixedClock();
        const loop = async (handle: DB, workerId: string) => {
          let claimed = 0;
          for (let n = -1; n !== 0; ) {
            n = await runDueJobs(handle, { handlers, workerId, clock, logger, limit: 3 });
            claimed += n;
          }
          return claimed;
        };
        const claimed = await Promise.all([loop(db, 'a'), loop(db2, 'b'), loop(db, 'c'), loop(db2, 'd')]);
        expect(claimed.reduce((x, y) => x + y, 0)).toBe(50);
        expect(counts.size).toBe(50);
        expect([...counts.values()].every((c) => c === 1)).toBe(true);
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from jobs where status = 'done'`.execute(
          db,
        );
        expect(rows[0].n).toBe(50);
      } finally {
        await other.close();
      }
    },
  );
  it.skipIf(testDbKind() !== 'postgres')(
    'wakes another instance by LISTEN/NOTIFY at commit, and again after its listening connection is killed',
    async () => {
      const other = await openPostgres((d.pool as pg.Pool).options.connectionString!, 2);
      const ran: string[] = [];
      defineJob('test.woken', async (_p, ctx) => {
        ran.push(ctx.jobId);
      });
      // A poll interval no test waits out: only the notification can make this runner claim the job in time.
      const runner = startJobRunner(other.db, {
        clock: systemClock,
        logger,
        jobs: handlers,
        schedules: [],
        intervalMs: 3_600_000,
      });
      const listener = listenOnPostgres(other, jobWakeups(runner.wake), logger)!;
      const until = async (what: () => boolean) => {
        for (let i = 0; i < 400 && !what(); i++) await new Promise((r) => setTimeout(r, 25));
        expect(what()).toBe(true);
      };
      try {
        await until(listener.connected);
        // Queued in a transaction: the notification leaves at commit, never before the row is visible.
        let first = '';
        await withService(db, async (tx) => {
          first = (await enqueueJob(tx, 'test.woken', {})).id;
          await new Promise((r) => setTimeout(r, 100));
          expect(ran).toEqual([]);
        });
        await until(() => ran.includes(first));
        await sql`select pg_terminate_backend(pid) from pg_stat_activity
                  where query = ${`listen ${JOBS_CHANNEL}`} and pid <> pg_backend_pid()`.execute(db);
        await until(() => !listener.connected());
        await until(listener.connected);
        const second = (await enqueueJob(db, 'test.woken', {})).id;
        await until(() => ran.includes(second));
        expect(ran).toEqual([first, second]);
      } finally {
        await listener.stop();
        await runner.stop();
        await other.close();
      }
    },
  );
  it('prunes done jobs after a week and failed ones after a month, never live ones', async () => {
    const clock = fixedClock('2026-06-01T00:00:00Z');
    defineJob('test.ok', async () => {});
    defineJob('test.broken', async () => {
      throw new Error('no');
    });
    const done = await enqueueJob(db, 'test.ok', {});
    const failed = await enqueueJob(db, 'test.broken', {}, { maxAttempts: 1 });
    const live = await enqueueJob(db, 'test.ok', {}, { runAt: new Date('2026-09-01T00:00:00Z') });
    expect(await run(clock)).toBe(2);
    clock.advance(8 * 86_400_000);
    expect(await pruneFinishedJobs(db, clock.now())).toBe(1);
    const left = (await db.selectFrom('jobs').select('id').execute()).map((r) => String(r.id));
    expect(left.sort()).toEqual([failed.id, live.id].sort());
    clock.advance(23 * 86_400_000);
    expect(await pruneFinishedJobs(db, clock.now())).toBe(1);
    expect((await db.selectFrom('jobs').select('id').execute()).map((r) => String(r.id))).toEqual([live.id]);
    expect(done.id).not.toBe(live.id);
  });
});
