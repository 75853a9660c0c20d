import { type RawBuilder, sql } from 'kysely';
import pino from 'pino';
import type { Clock } from '../clock.ts';
import { serviceStatement, withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { JOBS_CHANNEL } from './listen.ts';

/** What a handler gets besides its payload. */
export interface JobContext {
  db: DB;
  clock: Clock;
  /** 1 on the first run, incremented on every claim (including reclaims after a crashed worker). */
  attempt: number;
  maxAttempts: number;
  jobId: string;
  logger: pino.Logger;
}

export type JobHandler<P = any> = (payload: P, ctx: JobContext) => Promise<void>;

export interface EnqueueOptions {
  /** When to run; omitted means "as soon as possible", whatever the runner's clock says. */
  runAt?: Date;
  /** At most one live (queued/running) job per key; a second enqueue returns the existing id. */
  uniqueKey?: string;
  maxAttempts?: number;
}

export interface RunOptions {
  /** The app's job handlers by name (from the assembly). */
  handlers: ReadonlyMap<string, JobHandler>;
  workerId: string;
  clock: Clock;
  limit?: number;
  lockSeconds?: number;
  logger?: pino.Logger;
}

const maxErrorLength = 4000;

/** Default logger when callers pass none: warnings and errors only. */
export const defaultJobLogger: pino.Logger = pino({ name: 'jobs', level: 'warn' });

/** Retry delay after `attempts` failed runs: min(2^attempts * 5s, 1h), ±20% jitter so retries spread out. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(2 ** attempts * 5_000, 3_600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Queues a job in `db` (a transaction makes it atomic with the caller's writes); returns its id. */
export async function enqueueJob(
  db: DB,
  name: string,
  payload: unknown = {},
  options: EnqueueOptions = {},
): Promise<{ id: string; created: boolean }> {
  return withService(db, (tx) => insertJob(tx, name, payload, options));
}

// The arbiter of jobs_unique_live: it must match the index predicate literally for Postgres to infer it.
const LIVE_UNIQUE = sql<boolean>`unique_key is not null and status in ('queued', 'running')`;

/** A job per row of a statement's source (see jobsInsertFrom): its columns as expressions over that row. */
export interface JobRowColumns {
  payload: RawBuilder<unknown>;
  uniqueKey?: RawBuilder<unknown>;
  runAt?: RawBuilder<unknown>;
  maxAttempts?: number;
}

/**
 * `insertJob`'s insert as a data-modifying CTE body, one job per row of `source` (a FROM clause over the
 * statement's other CTEs): a caller that writes rows and their jobs in one statement (the webhook inbox) saves a
 * round trip. It returns each new job's id and unique key; a row whose key a live job already holds gets none.
 */
export function jobsInsertFrom(
  source: RawBuilder<unknown>,
  name: string,
  row: JobRowColumns,
): RawBuilder<{ id: string; unique_key: string | null }> {
  const columns: Array<[string, RawBuilder<unknown>]> = [
    ['name', sql`${name}::text`],
    ['payload', row.payload],
    ['unique_key', row.uniqueKey ?? sql`null::text`],
    ...(row.runAt ? [['run_at', row.runAt] as [string, RawBuilder<unknown>]] : []),
    ...(row.maxAttempts
      ? [['max_attempts', sql`${Math.trunc(row.maxAttempts)}::int`] as [string, RawBuilder<unknown>]]
      : []),
  ];
  return sql<{ id: string; unique_key: string | null }>`insert into jobs (${sql.join(columns.map(([c]) => sql.ref(c)))})
    select ${sql.join(columns.map(([, v]) => v))} from ${source}
    on conflict (unique_key) where ${LIVE_UNIQUE} do nothing
    returning id, unique_key, pg_notify(${sql.lit(JOBS_CHANNEL)}, ${name}::text)`;
}

/** `enqueueJob` for a caller already in a service transaction (the webhook inbox): one round trip fewer. */
export async function insertJob(
  tx: DB,
  name: string,
  payload: unknown = {},
  options: EnqueueOptions = {},
): Promise<{ id: string; created: boolean }> {
  // Retry: the conflicting live job may finish between our insert and the lookup.
  for (let i = 0; i < 3; i++) {
    const inserted = await tx
      .insertInto('jobs')
      .values({
        name,
        payload: JSON.stringify(payload ?? {}),
        unique_key: options.uniqueKey ?? null,
        ...(options.runAt ? { run_at: options.runAt } : {}),
        ...(options.maxAttempts ? { max_attempts: options.maxAttempts } : {}),
      })
      .onConflict((oc) => oc.column('unique_key').where(LIVE_UNIQUE).doNothing())
      // Notified in the same statement and delivered at commit, so a woken runner (any instance) finds the row.
      .returning(['id', sql<void>`pg_notify(${JOBS_CHANNEL}, ${name})`.as('notified')])
      .executeTakeFirst();
    if (inserted) return { id: String(inserted.id), created: true };
    const live = await tx
      .selectFrom('jobs')
      .select('id')
      .where('unique_key', '=', options.uniqueKey!)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
    if (live) return { id: String(live.id), created: false };
  }
  throw new Error(`could not enqueue job ${name} with unique key ${options.uniqueKey}`);
}

// The (id, attempt) pairs a worker claimed, for `(id, attempts) in (…)`: a job reclaimed since is another attempt.
const claimedPairs = (jobs: readonly ClaimedJob[]) =>
  sql.join(jobs.map((j) => sql`(${j.id}::bigint, ${j.attempts}::int)`));

/** A job this worker holds the lease of, at the attempt it claimed. */
export interface ClaimedJob {
  id: string;
  name: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
}

const exhaustedError = 'lease expired on the final attempt (worker crashed or timed out)';

// Claims in one statement, its own implicit transaction, so row locks are released before handlers run, in one
// round trip (serviceStatement). Three lookups, each on its own partial index, instead of one OR that scans every
// job (issue 17); in order of preference, each only for what the ones before left: due jobs, jobs enqueued without runAt (due at once even when our clock
// lags the database's), expired leases. A reclaimed job that already used its last attempt probably crashed its
// worker: it is failed, not run again.
export async function claimJobs(
  db: DB,
  workerId: string,
  now: Date,
  limit: number,
  lockSeconds: number,
  // Successes still to record, marked done in the same statement (finishDone's rules): one round trip for both.
  finished: readonly ClaimedJob[] = [],
): Promise<ClaimedJob[]> {
  const until = new Date(now.getTime() + lockSeconds * 1000);
  const ours = finished.length ? claimedPairs(finished) : null;
  const finishing = ours
    ? sql`finished as (
      update jobs set status = 'done', finished_at = ${now}, locked_by = null, locked_until = null, last_error = null
      where (id, attempts) in (${ours}) and status = 'running' and locked_by = ${workerId}),`
    : sql``;
  // A finished job whose lease has lapsed must not be reclaimed by the statement that marks it done.
  const notFinished = ours ? sql`and (id, attempts) not in (${ours})` : sql``;
  const rows = await serviceStatement(
    db,
    sql<{ id: string; name: string; payload: unknown; attempts: number; max_attempts: number }>`
    with ${finishing} due as (
      select id from jobs where status = 'queued' and run_at <= ${now}
      order by run_at, id limit ${limit} for update skip locked),
    immediate as (
      select id from jobs where status = 'queued' and attempts = 0 and run_at = created_at
        and id not in (select id from due)
      order by id limit ${limit} - (select count(*) from due) for update skip locked),
    expired as (
      select id from jobs where status = 'running' and locked_until < ${now} ${notFinished}
      order by locked_until limit ${limit} - (select count(*) from due) - (select count(*) from immediate)
      for update skip locked),
    -- Each lookup locks only what the ones before it left to take: a row locked and not claimed would be
    -- skipped by the other runners meanwhile, which then find no work.
    picked as (select id from due union all select id from immediate union all select id from expired),
    exhausted as (
      update jobs j set status = 'failed', finished_at = ${now}, locked_by = null, locked_until = null,
        last_error = ${exhaustedError}
      from picked where j.id = picked.id and j.status = 'running' and j.attempts >= j.max_attempts
      returning j.id),
    claimed as (
      update jobs j set status = 'running', locked_by = ${workerId}, locked_until = ${until},
        attempts = j.attempts + 1
      from picked where j.id = picked.id and not (j.status = 'running' and j.attempts >= j.max_attempts)
      returning j.id, j.name, j.payload, j.attempts, j.max_attempts)
    select * from claimed order by id`,
    { plan: 'generic' },
  );
  return rows.map(
    (r): ClaimedJob => ({
      id: String(r.id),
      name: r.name,
      payload: r.payload,
      attempts: r.attempts,
      maxAttempts: r.max_attempts,
    }),
  );
}

function errorMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message || err.name : String(err);
  return msg.length > maxErrorLength ? `${msg.slice(0, maxErrorLength)}…` : msg;
}

// Records a failure: a retry after backoff, or failed for good. Updates only while we still hold the lease, so a
// reclaimed job isn't clobbered by a slow worker (successes are recorded together: finishDone, or the next claim).
async function failJob(db: DB, job: ClaimedJob, workerId: string, now: Date, error: string, fatal = false) {
  const retry = !fatal && job.attempts < job.maxAttempts;
  await serviceStatement(
    db,
    db
      .updateTable('jobs')
      .set(
        retry
          ? {
              status: 'queued',
              run_at: new Date(now.getTime() + backoffMs(job.attempts)),
              locked_by: null,
              locked_until: null,
              last_error: error,
            }
          : { status: 'failed', finished_at: now, locked_by: null, locked_until: null, last_error: error },
      )
      .where('id', '=', job.id)
      .where('status', '=', 'running')
      .where('locked_by', '=', workerId)
      .where('attempts', '=', job.attempts),
  );
}

/**
 * Runs one claimed job; a failure is recorded here, a success is returned for the caller to record with others
 * (finishDone, or the next claim).
 */
export async function runOne(db: DB, job: ClaimedJob, opts: RunOptions, logger: pino.Logger): Promise<boolean> {
  const log = logger.child({ job: job.name, jobId: job.id, attempt: job.attempts });
  const handler = opts.handlers.get(job.name);
  if (!handler) {
    log.error('no handler registered for job');
    await failJob(db, job, opts.workerId, opts.clock.now(), `no handler registered for job "${job.name}"`, true);
    return false;
  }
  try {
    await handler(job.payload, {
      db,
      clock: opts.clock,
      attempt: job.attempts,
      maxAttempts: job.maxAttempts,
      jobId: job.id,
      logger: log,
    });
  } catch (err) {
    const final = job.attempts >= job.maxAttempts;
    log[final ? 'error' : 'warn']({ err }, final ? 'job failed permanently' : 'job failed, will retry');
    await failJob(db, job, opts.workerId, opts.clock.now(), errorMessage(err));
    return false;
  }
  return true;
}

// A batch's successes are marked done in one statement rather than one transaction each, which was a third of the
// runner's transactions per webhook. Each row is matched on the attempt we claimed, under our lease, as failJob
// does. A crash before it leaves them running: the lease expires and they run again, as a crash mid-job always did.
export async function finishDone(db: DB, jobs: ClaimedJob[], workerId: string, now: Date) {
  const claimed = claimedPairs(jobs);
  await serviceStatement(
    db,
    db
      .updateTable('jobs')
      .set({ status: 'done', finished_at: now, locked_by: null, locked_until: null, last_error: null })
      .where(sql<boolean>`(id, attempts) in (${claimed})`)
      .where('status', '=', 'running')
      .where('locked_by', '=', workerId),
  );
}

/** Extends this worker's leases on jobs it is still running, so a short lease only lapses when the worker is gone. */
export async function renewLeases(db: DB, jobs: readonly ClaimedJob[], workerId: string, until: Date) {
  if (jobs.length === 0) return;
  const ours = claimedPairs(jobs);
  await serviceStatement(
    db,
    db
      .updateTable('jobs')
      .set({ locked_until: until })
      .where(sql<boolean>`(id, attempts) in (${ours})`)
      .where('status', '=', 'running')
      .where('locked_by', '=', workerId),
  );
}

/** Claims up to `limit` due jobs and runs them; returns how many were claimed. */
export async function runDueJobs(db: DB, opts: RunOptions): Promise<number> {
  const logger = opts.logger ?? defaultJobLogger;
  const jobs = await claimJobs(db, opts.workerId, opts.clock.now(), opts.limit ?? 10, opts.lockSeconds ?? 300);
  const succeeded = await Promise.all(
    jobs.map((job) =>
      runOne(db, job, opts, logger).catch((err) => {
        // Recording the outcome failed (DB down?): the lease expires and the job is reclaimed later.
        logger.error({ err, jobId: job.id }, 'could not record job outcome');
        return false;
      }),
    ),
  );
  const done = jobs.filter((_, i) => succeeded[i]);
  if (done.length > 0) {
    await finishDone(db, done, opts.workerId, opts.clock.now()).catch((err) => {
      logger.error({ err, jobIds: done.map((j) => j.id) }, 'could not record job outcome');
    });
  }
  return jobs.length;
}

/**
 * How long an idle runner may sleep: until the next queued job is due, a running job's lease expires or a schedule
 * comes round, within [minMs, maxMs]. Each lookup walks its own index (jobs_due_idx, jobs_lease_idx, the schedules'
 * primary key over a handful of rows).
 */
export async function nextWakeDelayMs(db: DB, now: Date, minMs: number, maxMs: number): Promise<number> {
  const row = await withService(db, (tx) =>
    sql<{ next: Date | null }>`select least(
        (select min(run_at) from jobs where status = 'queued'),
        (select min(locked_until) from jobs where status = 'running'),
        (select min(next_run_at) from job_schedules)) as next`
      .execute(tx)
      .then((r) => r.rows[0]),
  );
  if (!row?.next) return maxMs;
  return Math.min(maxMs, Math.max(minMs, new Date(row.next).getTime() - now.getTime()));
}

/** How long finished jobs stay for operators to inspect: done ones a week, failed ones a month. */
export const JOB_RETENTION = { doneDays: 7, failedDays: 30 } as const;

/** Deletes finished jobs past their retention (keeps the claim's indexes small); returns how many went. */
export async function pruneFinishedJobs(db: DB, now: Date): Promise<number> {
  const day = 86_400_000;
  const r = await db
    .deleteFrom('jobs')
    .where((eb) =>
      eb.or([
        eb.and([
          eb('status', '=', 'done'),
          eb('finished_at', '<', new Date(now.getTime() - JOB_RETENTION.doneDays * day)),
        ]),
        eb.and([
          eb('status', '=', 'failed'),
          eb('finished_at', '<', new Date(now.getTime() - JOB_RETENTION.failedDays * day)),
        ]),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
