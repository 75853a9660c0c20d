import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testClient } from '../test/http.ts';
import { signUpAndConfirm } from './accounts/testing.ts';
import { loadConfig } from './config.ts';
import { withService } from './db/tenancy.ts';
import { createTestDatabase, migratedDataDir, testDbKind } from './db/testing.ts';
import { collectChecks } from './doctor.ts';
import { seedDemo } from './seed.ts';
import { startPlatform } from './server.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'gallerist-platform-'));
  dirs.push(d);
  return d;
};
// The doctor's checks don't depend on how the embedded database was made: give them a migrated one (no initdb).
const migratedDir = () => migratedDataDir(tempDir());
// These start the platform on its own embedded PGlite, whatever the project: the Postgres project skips them.
const embeddedOnly = testDbKind() === 'postgres';
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const env = (dataDir: string) => ({
  DATA_DIR: dataDir,
  PORT: '0',
  STRIPE_EMULATOR_PORT: '0',
  LOG_LEVEL: 'silent',
});

describe('demo seed', () => {
  it('is idempotent: a second run creates nothing new', async () => {
    const d = await createTestDatabase();
    try {
      const counts = async () =>
        Promise.all(
          (['users', 'accounts', 'memberships'] as const).map(async (t) =>
            Number(
              (
                await d.db
                  .selectFrom(t)
                  .select((eb) => eb.fn.countAll<string>().as('n'))
                  .executeTakeFirstOrThrow()
              ).n,
            ),
          ),
        );
      await withService(d.db, (tx) => seedDemo(tx, {}, []));
      const first = await counts();
      await withService(d.db, (tx) => seedDemo(tx, {}, []));
      expect(await counts()).toEqual(first);
      expect(first[0]).toBeGreaterThanOrEqual(6);
    } finally {
      await d.close();
    }
  });
});

describe.skipIf(embeddedOnly)('the platform on embedded PGlite', () => {
  // The one test that starts on an empty DATA_DIR (initdb, every migration), as a first `npm start` does.
  // Two steps on one data folder, in order: a fresh start, then a restart that must find what the first left.
  const keptDir = tempDir();

  it('serves health and the SPA from a fresh DATA_DIR', async () => {
    const first = await startPlatform({ config: loadConfig(env(keptDir)), demo: false });
    try {
      const health = await fetch(`${first.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({
        status: 'ok',
        database: { ok: true },
        stripe: { ok: true, mode: 'emulator' },
      });
      const spa = await fetch(`${first.url}/app/members`);
      expect(spa.headers.get('content-type')).toMatch(/html/);
      const c = testClient({ request: (p, init) => fetch(`${first.url}${p}`, init) });
      await signUpAndConfirm(c, first.deps.db, { email: 'keep@x.co', name: 'Keep' });
    } finally {
      await first.stop();
    }
  });

  it('keeps its data and the emulator state across a restart in the same DATA_DIR', async () => {
    const second = await startPlatform({ config: loadConfig(env(keptDir)), demo: false });
    try {
      const c = testClient({ request: (p, init) => fetch(`${second.url}${p}`, init) });
      const s = await c.signIn('keep@x.co', 'long enough pw');
      expect(s.user.email).toBe('keep@x.co');
      // The emulator's state (and the app's webhook endpoints) survived too.
      const endpoints = await second.deps.stripe.webhookEndpoints.list();
      expect(endpoints.data.length).toBe(2);
    } finally {
      await second.stop();
    }
  });
});

describe.skipIf(embeddedOnly)('doctor', () => {
  it('passes a healthy local setup', async () => {
    const ok = await collectChecks(env(await migratedDir()));
    expect(ok.filter((c) => !c.ok)).toEqual([]);
  });

  it('explains an unreachable database', async () => {
    const bad = await collectChecks({ ...env(tempDir()), DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    const db = bad.find((c) => c.name === 'database')!;
    expect(db.ok).toBe(false);
    expect(db.fix).toMatch(/DATABASE_URL/);
  });

  it('explains an invalid configuration', async () => {
    const cfg = await collectChecks({ PORT: 'x' });
    expect(cfg[0]).toMatchObject({ name: 'configuration', ok: false });
  });

  it('explains an unreachable Stripe API', async () => {
    const live = await collectChecks({
      ...env(await migratedDir()),
      STRIPE_SECRET_KEY: 'sk_live_abc',
      STRIPE_API_URL: 'http://127.0.0.1:1',
    });
    expect(live.find((c) => c.name === 'stripe api')?.ok).toBe(false);
  });
});
