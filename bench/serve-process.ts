import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type Database, openPostgres } from '../src/db/connect.ts';
import { freePort } from './emulator.ts';

/** `gallerist serve` on a fresh Postgres database, in a process of its own. */
export interface ServeProcess {
  url: string;
  /** A pool on the same database, for the bench's own setup and checks. */
  database: Database;
  /** Stops the server, then drops its database and data dir. */
  stop(): Promise<void>;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const adminQuery = async (adminUrl: string, statement: string) => {
  const c = new pg.Client(adminUrl);
  await c.connect();
  await c.query(statement).finally(() => c.end());
};

/** A new database named after `name` on the server at `adminUrl`: its URL, and how to drop it. */
export async function createBenchDatabase(adminUrl: string, name: string) {
  const db = `${name}_${Date.now()}_${randomUUID().slice(0, 6)}`;
  await adminQuery(adminUrl, `create database ${db}`);
  const url = new URL(adminUrl);
  url.pathname = `/${db}`;
  return { url: url.toString(), drop: () => adminQuery(adminUrl, `drop database if exists ${db} with (force)`) };
}

/**
 * Runs the platform as in production (a process of its own, its job runner on, the embedded emulator) on a new
 * database of the server at `adminUrl`, so the load generator's work is not counted in the platform's latency.
 */
export async function startServeProcess(
  adminUrl: string,
  opts: { name: string; args?: string[]; env?: Record<string, string> },
): Promise<ServeProcess> {
  const created = await createBenchDatabase(adminUrl, opts.name);
  const dataDir = mkdtempSync(join(tmpdir(), `${opts.name}-`));
  const port = await freePort();
  // The embedded emulator unless the caller names a Stripe (a key and STRIPE_API_URL) in `env`.
  const { STRIPE_SECRET_KEY: _ours, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    DATABASE_URL: created.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    STRIPE_EMULATOR_PORT: '0',
    LOG_LEVEL: 'warn',
    JOBS: 'on',
    ...opts.env,
  };
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      'bin/gallerist.js',
      ...(opts.args ?? ['serve']),
    ],
    {
      cwd: root,
      env,
      stdio: 'ignore',
    },
  );
  const base = `http://127.0.0.1:${port}`;
  // The server's default pool size, so the bench's own transactions queue for connections as the server's do.
  const database = await openPostgres(created.url, 10);
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await database.close();
    await created.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`gallerist serve exited with ${child.exitCode}`);
      const up = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (i > 900) throw new Error('gallerist serve did not answer within 90 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: base, database, stop };
}
