import type { DomainModule } from '../modules.ts';
import { pruneFinishedJobs } from './queue.ts';

export const pruneJobsJob = 'jobs.prune';

/** The job queue's own upkeep: finished jobs are pruned daily (see JOB_RETENTION). */
export const jobsModule: DomainModule = {
  name: 'jobs',
  build: () => ({
    jobs: {
      [pruneJobsJob]: async (_payload, ctx) => {
        const n = await pruneFinishedJobs(ctx.db, ctx.clock.now());
        if (n) ctx.logger.info({ jobs: n }, 'finished jobs pruned');
      },
    },
    schedules: [{ name: pruneJobsJob, intervalSeconds: 86_400, firstRunAfterSeconds: 1800 }],
  }),
};
