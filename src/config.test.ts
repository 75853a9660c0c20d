import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testClient } from '../test/http.ts';
import { addMonths } from './clock.ts';
import { ConfigError, loadConfig, parseEnv } from './config.ts';
import { migratedDataDir, testDbKind } from './db/testing.ts';

describe('configuration', () => {
  it('applies defaults', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      DATA_DIR: './data',
      LOG_LEVEL: 'info',
      DATABASE_POOL_SIZE: 10,
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(parseEnv({ DATABASE_POOL_SIZE: '40' }).DATABASE_POOL_SIZE).toBe(40);
    expect(env.JOB_CONCURRENCY).toBe(16);
    expect(parseEnv({ JOB_CONCURRENCY: '4' }).JOB_CONCURRENCY).toBe(4);
    expect(env.DATABASE_PREPARED_STATEMENTS).toBe('auto');
    expect(parseEnv({ DATABASE_PREPARED_STATEMENTS: 'off' }).DATABASE_PREPARED_STATEMENTS).toBe('off');
  });

  it('reports every bad value at once, by name', () => {
    try {
      parseEnv({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        DATABASE_POOL_SIZE: '0',
        JOB_CONCURRENCY: '0',
        DATABASE_PREPARED_STATEMENTS: 'sometimes',
        STRIPE_SECRET_KEY: 'pk_test_1',
        LOG_LEVEL: 'loud',
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const name of [
        'PORT',
        'DATABASE_URL',
        'DATABASE_POOL_SIZE',
        'JOB_CONCURRENCY',
        'DATABASE_PREPARED_STATEMENTS',
        'STRIPE_SECRET_KEY',
        'LOG_LEVEL',
      ]) {
        expect(problems).toContain(name);
      }
    }
  });

  it('generates a session secret once and keeps it in DATA_DIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gallerist-cfg-'));
    const a = loadConfig({ DATA_DIR: dir });
    const b = loadConfig({ DATA_DIR: dir });
    expect(a.sessionSecret).toHaveLength(43);
    expect(b.sessionSecret).toBe(a.sessionSecret);
    expect(readFileSync(join(dir, 'session-secret'), 'utf8').trim()).toBe(a.sessionSecret);
  });

  it('marks cookies secure only behind https and splits rotated webhook secrets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gallerist-cfg-'));
    expect(loadConfig({ DATA_DIR: dir }).secureCookies).toBe(false);
    const c = loadConfig({
      DATA_DIR: dir,
      PUBLIC_URL: 'https://shop.example.com/',
      STRIPE_WEBHOOK_SECRET: 'whsec_a, whsec_b',
    });
    expect(c.secureCookies).toBe(true);
    expect(c.publicUrl).toBe('https://shop.example.com');
    expect(c.webhookSecrets).toEqual(['whsec_a', 'whsec_b']);
  });

  it.skipIf(testDbKind() === 'postgres')(
    'runs the CLI from a bundle of the sources, whose modules find their files as from source',
    async () => {
      // @ts-expect-error: a plain-JS launcher without type declarations.
      const { appBundle } = await import('../bin/bundles.js');
      const file: string = await appBundle();
      expect(file).toMatch(/node_modules\/\.cache\/gallerist\/cli-[^/]+\/cli\.mjs$/);
      const source = readFileSync(file, 'utf8');
      expect(source).not.toContain('import.meta.url');
      const dataDir = await migratedDataDir(mkdtempSync(join(tmpdir(), 'gallerist-cli-')));
      // migrate reads src/db/migrations next to its module and checks each one's checksum against the database.
      const out = execFileSync(process.execPath, ['bin/gallerist.js', 'migrate'], {
        env: { PATH: process.env.PATH, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
        encoding: 'utf8',
      });
      expect(out).toContain('Database is up to date.');
    },
    60_000,
  );

  it('makes the CLI exit with a clear message, not a stack trace', () => {
    let out = '';
    let status = 0;
    try {
      execFileSync(process.execPath, ['bin/gallerist.js', 'migrate'], {
        env: { ...process.env, PORT: 'not-a-port', DATA_DIR: mkdtempSync(join(tmpdir(), 'gallerist-cli-')) },
        stdio: 'pipe',
      });
    } catch (err) {
      const e = err as { status: number; stderr: Buffer };
      status = e.status;
      out = e.stderr.toString();
    }
    expect(status).toBe(2);
    expect(out).toContain('PORT');
    expect(out).not.toMatch(/\bat .*\.ts:\d+/);
  });

  // The child always starts on its own embedded PGlite, so the Postgres project skips it.
  it.skipIf(testDbKind() === 'postgres')(
    'makes serve exit with a clear message when the Stripe API cannot be reached',
    async () => {
      const dataDir = await migratedDataDir(mkdtempSync(join(tmpdir(), 'gallerist-cli-')));
      const run = promisify(execFile)(process.execPath, ['bin/gallerist.js', 'serve'], {
        env: {
          PATH: process.env.PATH,
          PORT: '0',
          DATA_DIR: dataDir,
          LOG_LEVEL: 'silent',
          STRIPE_SECRET_KEY: 'sk_test_unreachable',
          STRIPE_API_URL: 'http://127.0.0.1:1',
          STRIPE_WEBHOOK_SECRET: 'whsec_unreachable',
        },
      });
      const err = await run.then(
        () => null,
        (e: { code: number; stderr: string }) => e,
      );
      expect(err?.code).toBe(2);
      expect(err?.stderr).toContain('Could not reach the Stripe API at http://127.0.0.1:1');
      expect(err?.stderr).toContain('STRIPE_API_URL');
      expect(err?.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    },
    30_000,
  );
});

describe('the first demo start on a new embedded database', () => {
  // The child always starts on its own embedded PGlite, so the Postgres project skips it.
  it.skipIf(testDbKind() === 'postgres')(
    'is seeded by a child process before the server opens it, and serves the demo logins',
    async () => {
      const dataDir = join(mkdtempSync(join(tmpdir(), 'gallerist-first-')), 'data');
      const child = spawn(process.execPath, ['bin/gallerist.js', 'serve', '--demo'], {
        env: { PATH: process.env.PATH, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      });
      let out = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
      });
      child.stderr.on('data', (b: Buffer) => {
        out += b.toString();
      });
      try {
        await expect
          .poll(() => out, { timeout: 60_000, interval: 100 })
          .toMatch(/Demo logins[\s\S]*admin@demo\.gallerist\.dev/);
        const url = /Health\s+(http:\/\/\S+)\/healthz/.exec(out)?.[1];
        expect(url).toBeTruthy();
        const c = testClient({ request: (path, init) => fetch(`${url}${path}`, init) });
        expect((await c.signIn('admin@demo.gallerist.dev')).user.email).toBe('admin@demo.gallerist.dev');
        // The child created, migrated and seeded the folder: the server found every migration applied.
        expect(out).not.toContain('migrations applied');
      } finally {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
        rmSync(dirname(dataDir), { recursive: true, force: true });
      }
    },
    90_000,
  );
});

describe('clock helpers', () => {
  it('adds calendar months, clamping the day', () => {
    expect(addMonths(new Date('2026-01-31T10:00:00Z'), 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(addMonths(new Date('2026-11-21T00:00:00Z'), 24).toISOString()).toBe('2028-11-21T00:00:00.000Z');
    expect(addMonths(new Date('2028-02-29T00:00:00Z'), 12).toISOString()).toBe('2029-02-28T00:00:00.000Z');
  });
});
