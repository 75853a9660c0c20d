import pg from 'pg';
import type pino from 'pino';
import type { Database } from './connect.ts';

export interface PgListener {
  /** True while the LISTEN connection is up. */
  connected(): boolean;
  stop(): Promise<void>;
}

/** What to do on each channel's notifications, and when notifications may have been missed. */
export interface ListenHandlers {
  channels: Record<string, () => void>;
  /** LISTEN is (re)established: whatever was notified while it was down was lost. */
  onListening?: () => void;
  /** The connection is gone: notifications are being missed until `onListening`. */
  onLost?: () => void;
}

const maxReconnectMs = 30_000;

/**
 * Hears what other instances notify (jobs queued, catalog rows changed) over one dedicated connection outside the
 * pool (a pooled client would lose its LISTEN when returned), reconnecting with backoff. Postgres only.
 */
export function listenOnPostgres(
  database: Database,
  handlers: ListenHandlers,
  logger: pino.Logger,
): PgListener | undefined {
  if (database.kind !== 'postgres' || !database.pool || Object.keys(handlers.channels).length === 0) return undefined;
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
      if (!stopped) logger.warn({ err }, 'LISTEN connection lost, reconnecting');
      handlers.onLost?.();
      c.end().catch(() => {});
      reconnect();
    };
    c.on('error', lost);
    c.on('end', () => lost());
    c.on('notification', (msg) => handlers.channels[msg.channel]?.());
    try {
      await c.connect();
      for (const channel of Object.keys(handlers.channels)) await c.query(`listen ${channel}`);
      if (stopped || client !== c) {
        await c.end().catch(() => {});
        return;
      }
      up = true;
      retryMs = 500;
      handlers.onListening?.();
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
