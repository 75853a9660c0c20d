import type { ListenHandlers } from '../db/listen.ts';

/** The channel `enqueueJob` notifies at commit; every instance's runner listens on it (Postgres only). */
export const JOBS_CHANNEL = 'gallerist_jobs';

/**
 * The job runner's part of the LISTEN connection: a job queued by any instance wakes this one, and so does
 * (re)connecting, for jobs queued while it was not listening. Without Postgres, or while reconnecting, the
 * runner's poll still finds the work; a lost notification only costs the poll interval.
 */
export function jobWakeups(onJob: () => void): ListenHandlers {
  return { channels: { [JOBS_CHANNEL]: onJob }, onListening: onJob };
}
