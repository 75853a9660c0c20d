import type { DB } from '../../db/types.ts';
import { enqueueJob } from '../../jobs/index.ts';

/** The job that brings stale artwork features up to date (queued on every change, and run every few minutes). */
export const featuresJob = 'marketplace.artwork_features';

/** Queues a features refresh in the caller's transaction; one pending job serves every change made before it runs. */
export function queueFeatures(db: DB): Promise<unknown> {
  return enqueueJob(db, featuresJob, {}, { uniqueKey: featuresJob });
}
