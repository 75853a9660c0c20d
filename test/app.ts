import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { platformModules, platformSeeders } from '../src/assembly.ts';
import { type Clock, systemClock } from '../src/clock.ts';
import { STRIPE_EVENT_JOB } from '../src/commerce/handle-webhook.ts';
import { loadConfig } from '../src/config.ts';
import { withService } from '../src/db/tenancy.ts';
import { createDemoTestDatabase, createTestDatabase, testDbKind } from '../src/db/testing.ts';
import type { DomainModule } from '../src/modules.ts';
import { type Platform, startPlatform } from '../src/server.ts';

/** A mail captured in the outbox, as tests read it. */
export interface TestMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  template: string;
}

/** A fully running platform on a random port with a fresh database and embedded emulator. */
export interface TestApp {
  url: string;
  platform: Platform;
  emulatorUrl: string;
  mailbox(to?: string): Promise<TestMail[]>;
  /**
   * Waits until every webhook the inbox accepted has been applied (or failed and is waiting out its backoff):
   * the route answers before the job runs, so a test that delivered events settles before it asserts.
   */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the whole platform for a test file: fresh DB (PGlite or Postgres), demo seed, emulator, jobs. */
export async function startTestApp(
  opts: { demo?: boolean; clock?: Clock; env?: Record<string, string>; modules?: readonly DomainModule[] } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gallerist-test-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    STRIPE_EMULATOR_PORT: '0',
    // On Postgres a write reaches the cache a few ms after its commit: tests that read right after writing would
    // race it. Its own test turns it on.
    PUBLIC_READ_CACHE: testDbKind() === 'postgres' ? 'off' : 'on',
    ...opts.env,
  });
  const demo = opts.demo ?? true;
  // The platform's own demo seed: clone the seeded template (the platform's seed then finds everything in place).
  const seeders = (opts.modules ?? platformModules).flatMap((m) => m.seeders ?? []);
  const sameSeed = seeders.length === platformSeeders.length && seeders.every((s, i) => s === platformSeeders[i]);
  const database = demo && sameSeed ? await createDemoTestDatabase(config) : await createTestDatabase();
  const platform = await startPlatform({
    config,
    demo,
    database,
    clock: opts.clock ?? systemClock,
    modules: opts.modules,
  });
  return {
    url: platform.url,
    platform,
    emulatorUrl: platform.stripeSetup.emulatorUrl ?? '',
    async mailbox(to?: string) {
      const res = await fetch(`${platform.url}/dev/mailbox.json${to ? `?to=${encodeURIComponent(to)}` : ''}`);
      const body = (await res.json()) as { data: TestMail[] };
      return body.data;
    },
    async settle() {
      const { db } = platform.deps;
      for (let i = 0; ; i++) {
        if (!platform.jobs) throw new Error('settle() needs the job runner (JOBS=on)');
        await platform.jobs.tick();
        const pending = await withService(db, (tx) =>
          tx
            .selectFrom('jobs')
            .select('id')
            .where('name', '=', STRIPE_EVENT_JOB)
            .where((eb) =>
              eb.or([eb('status', '=', 'running'), eb.and([eb('status', '=', 'queued'), eb('attempts', '=', 0)])]),
            )
            .executeTakeFirst(),
        );
        if (!pending) return;
        if (i > 600) throw new Error('webhook jobs did not settle within 30 s');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      await platform.stop();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
