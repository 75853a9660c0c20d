import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import pino, { type Logger } from 'pino';
import { type Clock, systemClock } from './clock.ts';
import { registerCommerceJobs } from './commerce/reconcile.ts';
import { ensureWebhookEndpoints, type StripeSetup, setupStripe } from './commerce/stripe.ts';
import { type Config, devMailboxEnabled } from './config.ts';
import { registerCreditJobs } from './credits/expire-lots.ts';
import { type Database, openDatabase } from './db/connect.ts';
import { migrate } from './db/migrate.ts';
import { withService } from './db/tenancy.ts';
import { createApp } from './http/app.ts';
import type { Deps } from './http/context.ts';
import { startJobRunner } from './jobs/runner.ts';
import { registerMailJobs } from './mail/service.ts';
import { registerPayoutJobs } from './marketplace/payouts.ts';
import { registerMarketplaceJobs } from './marketplace/refunds.ts';
import { type DemoLogin, seedDemo } from './seed.ts';

/** Options for booting the platform; tests pass their own database, clock and logger. */
export interface PlatformOptions {
  config: Config;
  demo?: boolean;
  database?: Database;
  clock?: Clock;
  logger?: Logger;
}

/** A running platform instance. */
export interface Platform {
  url: string;
  deps: Deps;
  database: Database;
  stripeSetup: StripeSetup;
  demoLogins: DemoLogin[];
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
  const database = opts.database ?? (await openDatabase(config));
  const applied = await migrate(database.db);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const demoLogins = opts.demo ? await withService(database.db, (tx) => seedDemo(tx, { storage: config })) : [];

  const stripeSetup = await setupStripe(config, logger);
  const deps: Deps = {
    config,
    db: database.db,
    clock,
    logger,
    stripe: stripeSetup.stripe,
    emulatorUrl: stripeSetup.emulatorUrl,
    devMailbox: devMailboxEnabled(config, Boolean(stripeSetup.emulator)),
  };
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST });
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

  registerMailJobs(config, logger);
  await registerCommerceJobs(database.db, stripeSetup.stripe, { clock, publicUrl: () => config.publicUrl });
  await registerPayoutJobs(database.db, stripeSetup.stripe, { clock });
  // Before the runner starts: queued duplicate refunds and Stripe-fee look-ups must run after a restart.
  registerMarketplaceJobs(stripeSetup.stripe);
  await registerCreditJobs(database.db, clock);
  const runner = config.JOBS === 'on' ? startJobRunner(database.db, { clock, logger }) : undefined;

  let stopped = false;
  return {
    url: localUrl,
    deps,
    database,
    stripeSetup,
    demoLogins,
    async stop() {
      if (stopped) return;
      stopped = true;
      await runner?.stop();
      await new Promise<void>((r) => {
        server.close(() => r());
        // Keep-alive sockets would otherwise hold close() open.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await stripeSetup.emulator?.stop();
      if (!opts.database) await database.close();
    },
  };
}
