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
import { migrate } from './db/migrate.ts';
import { withService } from './db/tenancy.ts';
import { createApp } from './http/app.ts';
import type { Deps } from './http/context.ts';
import { CATALOG_CHANNEL, createPublicReadCache } from './http/public-cache.ts';
import { listenForJobs } from './jobs/listen.ts';
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
  const database = opts.database ?? (await openDatabase(config, logger));
  const applied = await migrate(database.db);
  if (applied.length) logger.info({ applied }, 'migrations applied');

  const stripeSetup = await setupStripe(config, logger);
  const base = { config, db: database.db, clock, logger, stripe: stripeSetup.stripe };
  const assembly = assemblePlatform(base, opts.modules ?? platformModules);
  const deps: Deps = {
    ...base,
    commerce: assembly.commerce,
    assembly,
    emulatorUrl: stripeSetup.emulatorUrl,
    devMailbox: devMailboxEnabled(config, Boolean(stripeSetup.emulator)),
    publicCache: database.pglite ? createPublicReadCache({ clock }) : undefined,
  };
  // Every committed write to a catalog table reaches this process before its commit returns (embedded database).
  const unlisten = deps.publicCache && (await database.pglite?.listen(CATALOG_CHANNEL, deps.publicCache.invalidate));
  deps.publicCache?.enable(Boolean(unlisten));
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
  let listener: ReturnType<typeof listenForJobs>;
  const runner =
    config.JOBS === 'on'
      ? startJobRunner(database.db, {
          clock,
          logger,
          jobs: assembly.jobs,
          schedules: assembly.schedules,
          signal: assembly.jobSignal,
          // Woken by LISTEN/NOTIFY for new work, it sleeps until the next due job (30 s at most); else it polls.
          idleMaxMs: () => (listener?.connected() ? 30_000 : 1000),
        })
      : undefined;
  listener = runner && listenForJobs(database, runner.wake, logger);

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
      deps.publicCache?.enable(false);
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
