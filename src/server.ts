import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import pino, { type Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { LIVE_MAX_FRAME } from './agents/index.ts';
import { assemblePlatform, platformModules } from './assembly.ts';
import { type Clock, systemClock } from './clock.ts';
import { ensureWebhookEndpoints, type StripeSetup, setupStripe } from './commerce/stripe.ts';
import { type Config, devMailboxEnabled } from './config.ts';
import { type Database, openDatabase } from './db/connect.ts';
import { listenOnPostgres } from './db/listen.ts';
import { migrate } from './db/migrate.ts';
import { withService } from './db/tenancy.ts';
import { createApp } from './http/app.ts';
import type { Deps } from './http/context.ts';
import { CATALOG_CHANNEL, createPublicReadCache } from './http/public-cache.ts';
import { jobWakeups } from './jobs/listen.ts';
import { ensureSchedules, type JobRunner, startJobRunner } from './jobs/runner.ts';
import type { DomainModule } from './modules.ts';
import { type DemoLogin, seedDemo } from './seed.ts';

/** Options for booting the platform; tests pass their own database, clock and logger. */
export interface PlatformOptions {
  config: Config;
  demo?: boolean;
  database?: Database;
  clock?: Clock;
  logger?: Logger;
  /** The domain modules to build the app from; tests swap one (see `replaceModule`). */
  modules?: readonly DomainModule[];
}

/** A running platform instance. */
export interface Platform {
  url: string;
  deps: Deps;
  database: Database;
  stripeSetup: StripeSetup;
  demoLogins: DemoLogin[];
  /** This instance's job runner; absent when JOBS=off. */
  jobs?: JobRunner;
  stop(): Promise<void>;
}

/** Creates the root logger from LOG_LEVEL. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({ level: config.LOG_LEVEL, base: undefined });
}

/** Boots everything: database + migrations, optional demo seed, Stripe (or its emulator), HTTP and jobs. */
export async function startPlatform(opts: PlatformOptions): Promise<Platform> {
  const { config } = opts;
  const logger = opts.logger ?? createLogger(config);
  const clock = opts.clock ?? systemClock;
  const database = opts.database ?? (await openDatabase(config, logger, { longLived: true }));
  const applied = await migrate(database.db);
  if (applied.length) logger.info({ applied }, 'migrations applied');

  const stripeSetup = await setupStripe(config, logger);
  const base = { config, db: database.db, clock, logger, stripe: stripeSetup.stripe };
  const assembly = assemblePlatform(base, opts.modules ?? platformModules);
  const publicCache = createPublicReadCache({ clock });
  const deps: Deps = {
    ...base,
    commerce: assembly.commerce,
    assembly,
    emulatorUrl: stripeSetup.emulatorUrl,
    devMailbox: devMailboxEnabled(config, Boolean(stripeSetup.emulator)),
    publicCache,
  };
  // Every committed write to a catalog table reaches this process before its commit returns (embedded database);
  // on Postgres, over the LISTEN connection below, a few milliseconds after it (decision 036).
  const cacheOn = config.PUBLIC_READ_CACHE === 'on';
  const unlisten =
    cacheOn && database.pglite ? await database.pglite.listen(CATALOG_CHANNEL, publicCache.invalidate) : undefined;
  publicCache.enable(Boolean(unlisten));
  const demoLogins = opts.demo
    ? await withService(database.db, (tx) => seedDemo(tx, { storage: config }, assembly.seeders))
    : [];
  const app = createApp(deps);
  // WebSocket upgrades (the live assistant sessions) are routed through the same app and its middleware.
  const websocket = { server: new WebSocketServer({ noServer: true, maxPayload: LIVE_MAX_FRAME }) };
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST, websocket });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const localUrl = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
  if (!config.PUBLIC_URL) config.publicUrl = `http://localhost:${port}`;

  if (stripeSetup.mode === 'emulator') {
    const secrets = await ensureWebhookEndpoints(stripeSetup.stripe, `${localUrl}/api/webhooks/stripe`, config.dataDir);
    config.webhookSecrets = [...new Set([...config.webhookSecrets, ...secrets])];
  }

  await ensureSchedules(database.db, assembly.schedules, clock);
  let listener: ReturnType<typeof listenOnPostgres>;
  const runner =
    config.JOBS === 'on'
      ? startJobRunner(database.db, {
          clock,
          logger,
          jobs: assembly.jobs,
          schedules: assembly.schedules,
          signal: assembly.jobSignal,
          lockSeconds: config.JOB_LEASE_SECONDS,
          concurrency: config.JOB_CONCURRENCY,
          // Woken by LISTEN/NOTIFY for new work, it sleeps until the next due job (30 s at most); else it polls.
          idleMaxMs: () => (listener?.connected() ? 30_000 : 1000),
        })
      : undefined;
  const wakeups = runner ? jobWakeups(runner.wake) : { channels: {} };
  listener = listenOnPostgres(
    database,
    {
      channels: { ...wakeups.channels, ...(cacheOn ? { [CATALOG_CHANNEL]: publicCache.invalidate } : {}) },
      // Answers are kept only while every catalog write can reach this instance; a gap may have missed some.
      onListening: () => {
        wakeups.onListening?.();
        publicCache.invalidate();
        publicCache.enable(cacheOn);
      },
      onLost: () => publicCache.enable(false),
    },
    logger,
  );

  let stopped = false;
  return {
    url: localUrl,
    deps,
    database,
    stripeSetup,
    demoLogins,
    jobs: runner,
    async stop() {
      if (stopped) return;
      stopped = true;
      await listener?.stop();
      await runner?.stop();
      publicCache.enable(false);
      await unlisten?.().catch(() => {});
      const closed = new Promise<void>((r) => {
        server.close(() => r());
        // Keep-alive sockets would otherwise hold close() open.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      // Modules close their own long-lived sockets (live assistant sessions) while the server stops accepting.
      await assembly.close();
      await closed;
      await stripeSetup.emulator?.stop();
      if (!opts.database) await database.close();
    },
  };
}
