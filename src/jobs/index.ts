// The jobs module's public surface: other domains import from here, never from its files.

export { JOBS_CHANNEL } from './listen.ts';
export { claimRunLease, type RunLease } from './run-lease.ts';
export {
  enqueueDueSchedules,
  enqueueJob,
  ensureSchedules,
  insertJob,
  type JobHandler,
  jobsInsertFrom,
  runDueJobs,
} from './runner.ts';
