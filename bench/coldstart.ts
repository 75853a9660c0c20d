import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
// @ts-expect-error: a plain-JS launcher without type declarations.
import { appBundle } from '../bin/bundles.js';
import { printResults, type Result, vmRssKb } from './emulator.ts';
import { createBenchDatabase } from './serve-process.ts';

/*
 * Cold start and idle memory of `gallerist serve --demo` (issue 17): time from spawning the process to the first
 * 200 from /healthz, and RSS once it has idled, on a new DATA_DIR (or a new Postgres database) and again on the same
 * one. The baseline, measured in the same run, is a bare Hono server in a process of its own: what any Node server
 * costs to start and to keep, over which the rest is the platform's.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Targets from issue 17 (ms and MB). */
export const COLD_START_TARGETS = {
  freshMs: 12_000,
  secondMs: 3_000,
  pgliteRssMb: 400,
  postgresRssMb: 250,
} as const;

export interface ColdStartOptions {
  /** How long a started server idles before its RSS is read (default 5 s). */
  idleMs?: number;
}

interface Started {
  ms: number;
  rssMb: number;
}

const MB = 1_000_000;

// Resident memory in MB (the targets' unit); -1 where there is no /proc.
function rssMb(pid: number | undefined): number {
  const kb = vmRssKb(pid);
  return kb === null ? -1 : Math.round((kb * 1024) / MB);
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** Spawns `args`, polls the URL its output names (or `url`) until it answers, idles, and reads its RSS. */
async function timeStart(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  urlFrom: (out: string) => string | null,
  idleMs: number,
): Promise<Started> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: 'pipe' });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  try {
    const deadline = started + 120_000;
    while (performance.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}): ${out.slice(-2000)}`);
      const url = urlFrom(out);
      if (url && (await healthy(url))) {
        const ms = Math.round(performance.now() - started);
        await new Promise((r) => setTimeout(r, idleMs));
        return { ms, rssMb: rssMb(child.pid) };
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`${name} did not answer within 120 s: ${out.slice(-2000)}`);
  } finally {
    await stop(child);
  }
}

// The platform listens on PORT 0 and prints its health URL in the banner, once everything has started.
const bannerUrl = (out: string) => /Health\s+(http:\/\/\S+\/healthz)/.exec(out)?.[1] ?? null;

const BASELINE = `import { serve } from '@hono/node-server';
import { Hono } from 'hono';
const app = new Hono().get('/healthz', (c) => c.json({ status: 'ok' }));
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (i) => console.log('listening on http://127.0.0.1:' + i.port + '/healthz'));`;

const baselineUrl = (out: string) => /listening on (http:\/\/\S+)/.exec(out)?.[1] ?? null;

/**
 * Starts the platform four ways (embedded database fresh and again; Postgres fresh and again when
 * TEST_DATABASE_URL is set) and the bare Hono baseline, and reports each start's time and idle RSS.
 */
export async function benchColdStart(opts: ColdStartOptions = {}): Promise<Result[]> {
  const idleMs = opts.idleMs ?? 5000;
  // Built first if a source changed, so a start figure is a start, not a bundle build; the web app likewise.
  await appBundle();
  if (!existsSync(join(root, 'web', 'dist', 'index.html'))) {
    throw new Error('web/dist is missing: run `npm run build:web` first, so the figures are starts, not builds');
  }
  const baseline = await timeStart('hono baseline', ['--input-type=module', '-e', BASELINE], {}, baselineUrl, idleMs);
  const serve = ['bin/gallerist.js', 'serve', '--demo'];
  const quiet = { PORT: '0', LOG_LEVEL: 'warn' };
  const rows: Array<{ what: string; s: Started; target: { ms: number; mb: number } }> = [];

  const dir = mkdtempSync(join(tmpdir(), 'bench-coldstart-'));
  try {
    const env = { ...quiet, DATA_DIR: join(dir, 'data'), DATABASE_URL: '' };
    const pgliteTarget = COLD_START_TARGETS.pgliteRssMb;
    const fresh = await timeStart('pglite fresh', serve, env, bannerUrl, idleMs);
    rows.push({
      what: 'embedded PGlite, new DATA_DIR',
      s: fresh,
      target: { ms: COLD_START_TARGETS.freshMs, mb: pgliteTarget },
    });
    const again = await timeStart('pglite second', serve, env, bannerUrl, idleMs);
    rows.push({
      what: 'embedded PGlite, second start',
      s: again,
      target: { ms: COLD_START_TARGETS.secondMs, mb: pgliteTarget },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    const created = await createBenchDatabase(adminUrl, 'bench_coldstart');
    const pgDir = mkdtempSync(join(tmpdir(), 'bench-coldstart-pg-'));
    try {
      const env = { ...quiet, DATA_DIR: pgDir, DATABASE_URL: created.url };
      const target = COLD_START_TARGETS.postgresRssMb;
      const fresh = await timeStart('postgres fresh', serve, env, bannerUrl, idleMs);
      rows.push({ what: 'Postgres, new database', s: fresh, target: { ms: COLD_START_TARGETS.freshMs, mb: target } });
      const again = await timeStart('postgres second', serve, env, bannerUrl, idleMs);
      rows.push({ what: 'Postgres, second start', s: again, target: { ms: COLD_START_TARGETS.secondMs, mb: target } });
    } finally {
      await created.drop();
      rmSync(pgDir, { recursive: true, force: true });
    }
  }

  const results: Result[] = [
    {
      suite: 'coldstart',
      name: 'bare Hono server: start to first answer, ms (baseline)',
      requests: 1,
      rps: baseline.ms,
      p99_ms: 0,
      errors: 0,
      ratio: 1,
    },
    {
      suite: 'coldstart',
      name: 'bare Hono server: idle RSS, MB (baseline)',
      requests: 1,
      rps: baseline.rssMb,
      p99_ms: 0,
      errors: baseline.rssMb < 0 ? 1 : 0,
      ratio: 1,
    },
  ];
  for (const { what, s, target } of rows) {
    const met = (v: number, t: number) => (v >= 0 && v < t ? 'met' : 'MISSED');
    console.log(
      `serve --demo, ${what}: /healthz after ${s.ms} ms (target < ${target.ms}: ${met(s.ms, target.ms)}), ` +
        `idle RSS ${s.rssMb} MB (target < ${target.mb}: ${met(s.rssMb, target.mb)}); bare Hono ${baseline.ms} ms, ${baseline.rssMb} MB`,
    );
    // `rps` holds the figure (ms or MB), `ratio` the baseline's over it: how many bare servers' worth it costs.
    results.push(
      {
        suite: 'coldstart',
        name: `serve --demo, ${what}: start to /healthz, ms (target < ${target.ms})`,
        requests: 1,
        rps: s.ms,
        p99_ms: 0,
        errors: 0,
        ratio: Number((baseline.ms / s.ms).toFixed(3)),
      },
      {
        suite: 'coldstart',
        name: `serve --demo, ${what}: idle RSS, MB (target < ${target.mb})`,
        requests: 1,
        rps: s.rssMb,
        p99_ms: 0,
        errors: s.rssMb < 0 ? 1 : 0,
        ratio: s.rssMb > 0 ? Number((baseline.rssMb / s.rssMb).toFixed(3)) : 0,
      },
    );
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printResults(await benchColdStart());
}
