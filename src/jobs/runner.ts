import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type pino from 'pino';
import type { Clock } from '../clock.ts';
import type { DB } from '../db/types.ts';
import type { Schedule } from '../modules.ts';
import {
  type ClaimedJob,
  claimJobs,
  defaultJobLogger,
  finishDone,
  type JobHandler,
  nextWakeDelayMs,
  renewLeases,
  runOne,
} from './queue.ts';
import { enqueueDueSchedules } from './schedules.ts';
import type { JobSignal } from './signal.ts';

export {
  backoffMs,
  type EnqueueOptions,
  enqueueJob,
  insertJob,
  type JobContext,
  type JobHandler,
  jobsInsertFrom,
  nextWakeDelayMs,
  pruneFinishedJobs,
  type RunOptions,
  runDueJobs,
} from './queue.ts';
export { enqueueDueSchedules, ensureSchedules, type ScheduleOptions, scheduleRecurring } from './schedules.ts';

export interface JobRunnerOptions {
  clock: Clock;
  /** The app's job handlers and recurring schedules (from the assembly). */
  jobs: ReadonlyMap<string, JobHandler>;
  schedules: readonly Schedule[];
  intervalMs?: number;
  workerId?: string;
  logger?: pino.Logger;
  /** Jobs run at once (default 10; the server passes JOB_CONCURRENCY): as they finish, the free slots are claimed again. */
  concurrency?: number;
  /** A claimed job's lease (default 30 s), renewed while it runs: how long a crashed worker's jobs wait. */
  lockSeconds?: number;
  /** Runs a tick as soon as work is signalled instead of at the next poll. */
  signal?: JobSignal;
  /** How long a wake-up waits for others to join it (default 20 ms). */
  wakeDelayMs?: number;
  /** Longest a claim waits for this process's requests to be answered before it starts anyway (default 50 ms). */
  yieldMs?: number;
  /**
   * Longest idle sleep, asked before each one: while something else wakes the runner for new work (LISTEN/NOTIFY),
   * it sleeps until the next due job or schedule, up to this; otherwise it polls every `intervalMs` (the default).
   */
  idleMaxMs?: () => number;
}

export interface JobRunner {
  /** Stops polling and waits for the in-flight tick. */
  stop(): Promise<void>;
  /** Runs one tick now (or joins the one in flight): due schedules, then jobs until none are due. */
  tick(): Promise<void>;
  /** Asks for a tick now; when one is in flight, another follows it so work queued meanwhile is not left waiting. */
  wake(): void;
}

// Bounds one tick so a flood of jobs can't starve the stop() call or the next schedule check.
const maxClaimsPerTick = 200;

/** A worker id unique per process and runner: host, pid and a random suffix. */
export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Starts polling for schedules and jobs on an unref'd timer; errors are logged, never thrown. */
export function startJobRunner(db: DB, options: JobRunnerOptions): JobRunner {
  const { clock, intervalMs = 1000 } = options;
  const workerId = options.workerId ?? defaultWorkerId();
  const yieldMs = options.yieldMs ?? 50;
  const logger = (options.logger ?? defaultJobLogger).child({ workerId });
  let inFlight: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let wokenDuringTick = false;

  // Schedules are checked by the poll; a wake-up (a job just queued) goes straight to the queue.
  let schedulesDue = true;

  const concurrency = Math.max(1, options.concurrency ?? 10);
  const lockSeconds = options.lockSeconds ?? 30;
  // Slots are claimed again once a third of them are free: a claim per few jobs, never a batch left to drain.
  const refillAt = Math.max(1, Math.ceil(concurrency / 3));
  const runOptions = { handlers: options.jobs, workerId, clock, logger };

  // Keeps up to `concurrency` jobs running, claiming for the free slots as jobs finish (a sliding window, not
  // batches that wait for their slowest job), until the queue is empty. Successes are marked done by the next
  // claim's statement, or at the end.
  async function slide(): Promise<void> {
    const running = new Map<string, { job: ClaimedJob; done: Promise<void> }>();
    let finished: ClaimedJob[] = [];
    const renew = setInterval(
      () => {
        const until = new Date(clock.now().getTime() + lockSeconds * 1000);
        renewLeases(
          db,
          [...running.values()].map((r) => r.job),
          workerId,
          until,
        ).catch((err) => logger.error({ err }, 'could not renew job leases'));
      },
      (lockSeconds * 1000) / 3,
    );
    renew.unref();
    const oneFinishes = () => Promise.race([...running.values()].map((r) => r.done));
    try {
      for (let claims = 0; !stopped && claims < maxClaimsPerTick; ) {
        if (running.size > 0 && concurrency - running.size < refillAt) {
          await oneFinishes();
          continue;
        }
        // Requests first: a webhook's acknowledgement is what Stripe times, the job behind it can wait a little.
        // Bounded, so steady traffic slows the queue down but never stops it.
        await options.signal?.quiet(yieldMs);
        const done = finished;
        finished = [];
        let jobs: ClaimedJob[];
        try {
          jobs = await claimJobs(db, workerId, clock.now(), concurrency - running.size, lockSeconds, done);
        } catch (err) {
          finished = done.concat(finished);
          throw err;
        }
        claims++;
        for (const job of jobs) {
          const done = runOne(db, job, runOptions, logger)
            .then(
              (ok) => {
                if (ok) finished.push(job);
              },
              // Recording the outcome failed (DB down?): the lease expires and the job is reclaimed later.
              (err) => logger.error({ err, jobId: job.id }, 'could not record job outcome'),
            )
            .finally(() => running.delete(job.id));
          running.set(job.id, { job, done });
        }
        if (jobs.length === 0) {
          if (running.size === 0) break;
          await oneFinishes();
        }
      }
    } finally {
      await Promise.all([...running.values()].map((r) => r.done));
      clearInterval(renew);
      if (finished.length > 0) {
        await finishDone(db, finished, workerId, clock.now()).catch((err) =>
          logger.error({ err, jobIds: finished.map((j) => j.id) }, 'could not record job outcome'),
        );
      }
    }
  }

  async function work(): Promise<void> {
    try {
      if (schedulesDue) {
        schedulesDue = false;
        await enqueueDueSchedules(db, clock, options.schedules);
      }
      await slide();
    } catch (err) {
      logger.error({ err }, 'job runner tick failed');
    }
  }

  function run(): Promise<void> {
    // Never overlap: a second caller joins the tick that is already running.
    if (!inFlight) {
      inFlight = (async () => {
        do {
          wokenDuringTick = false;
          await work();
        } while (wokenDuringTick && !stopped);
      })().finally(() => {
        inFlight = null;
      });
    }
    return inFlight;
  }

  function tick(): Promise<void> {
    schedulesDue = true;
    // A run in flight past its schedule check goes round once more for them.
    if (inFlight) wokenDuringTick = true;
    return run();
  }

  // Wake-ups within this window share one claim: under a burst of webhooks the runner takes jobs in batches
  // instead of one claim per acknowledgement, and leaves the event loop to the acknowledgements meanwhile.
  const wakeDelayMs = options.wakeDelayMs ?? 20;
  let wakeTimer: NodeJS.Timeout | null = null;
  function wake(): void {
    if (stopped) return;
    // A tick past its claim would miss the new job: make it loop once more.
    if (inFlight) wokenDuringTick = true;
    else if (!wakeTimer)
      wakeTimer = setTimeout(() => {
        wakeTimer = null;
        void run().then(resleep);
      }, wakeDelayMs);
  }

  const unsubscribe = options.signal?.subscribe(wake);

  async function idleDelay(): Promise<number> {
    const cap = options.idleMaxMs?.() ?? intervalMs;
    if (cap <= intervalMs) return intervalMs;
    try {
      return await nextWakeDelayMs(db, clock.now(), intervalMs, cap);
    } catch (err) {
      logger.error({ err }, 'job runner could not read its next due time');
      return intervalMs;
    }
  }

  let timerDue = 0;
  function schedule(delay = intervalMs): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timerDue = Date.now() + delay;
    timer = setTimeout(() => {
      timer = null;
      void tick()
        .then(idleDelay)
        .then((next) => schedule(next));
    }, delay);
    // The runner alone must not keep the process alive.
    timer.unref();
  }

  // After woken work (a retry may now be due in seconds), the long idle sleep is shortened to match.
  function resleep(): void {
    if (stopped || !timer) return;
    void idleDelay().then((next) => {
      if (timer && Date.now() + next < timerDue) schedule(next);
    });
  }

  schedule();
  logger.debug({ intervalMs }, 'job runner started');
  return {
    tick,
    wake,
    async stop() {
      stopped = true;
      unsubscribe?.();
      if (timer) clearTimeout(timer);
      if (wakeTimer) clearTimeout(wakeTimer);
      timer = wakeTimer = null;
      if (inFlight) await inFlight;
    },
  };
}
