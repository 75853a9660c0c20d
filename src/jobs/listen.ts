import pg from 'pg';
import type pino from 'pino';
import type { Database } from '../db/connect.ts';

/** The channel `enqueueJob` notifies at commit; every instance's runner listens on it (Postgres only). */
export const JOBS_CHANNEL = 'gallerist_jobs';

export interface JobListener {
  /** True while the LISTEN connection is up (polling covers the gaps). */
  connected(): boolean;
  stop(): Promise<void>;
}

const maxReconnectMs = 30_000;

/**
 * Wakes this instance when any instance queues a job, over one dedicated connection outside the pool (a pooled
 * client would lose its LISTEN when returned). Without Postgres, or while reconnecting, the runner's poll still
 * finds the work; a lost notification only costs the poll interval.
 */
export function listenForJobs(database: Database, onJob: () => void, logger: pino.Logger): JobListener | undefined {
  if (database.kind !== 'postgres' || !database.pool) return undefined;
  const options = database.pool.options;
  let client: pg.Client | null = null;
  let up = false;
  let stopped = false;
  let retryMs = 500;
  let retryTimer: NodeJS.Timeout | null = null;

  const reconnect = () => {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, retryMs);
    retryTimer.unref();
    retryMs = Math.min(retryMs * 2, maxReconnectMs);
  };

  async function connect(): Promise<void> {
    const c = new pg.Client(options);
    client = c;
    const lost = (err?: Error) => {
      if (client !== c) return;
      up = false;
      client = null;
      if (!stopped) logger.warn({ err }, 'job wake-ups: LISTEN connection lost, polling until it is back');
      c.end().catch(() => {});
      reconnect();
    };
    c.on('error', lost);
    c.on('end', () => lost());
    c.on('notification', (msg) => {
      if (msg.channel === JOBS_CHANNEL) onJob();
    });
    try {
      await c.connect();
      await c.query(`listen ${JOBS_CHANNEL}`);
      if (stopped || client !== c) {
        await c.end().catch(() => {});
        return;
      }
      up = true;
      retryMs = 500;
      // Jobs queued while we were not listening are found now rather than at the next poll.
      onJob();
    } catch (err) {
      lost(err as Error);
    }
  }

  void connect();
  return {
    connected: () => up,
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      const c = client;
      client = null;
      up = false;
      await c?.end().catch(() => {});
    },
  };
}
