import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
// @ts-expect-error: a plain-JS launcher without type declarations.
import { emulatorBundle } from '../bin/bundles.js';
import type { CannonResult, Result } from './emulator.ts';
import { autocannon, freePort, printResults, rate, round1, sumRuns, toResult, vmRssKb } from './emulator.ts';

/** Knobs for quick runs: the smoke test bounds every run by request count instead of time. */
export interface PeerBenchOptions {
  durationSec?: number;
  /** When set, each measured run sends this many requests instead of running for `durationSec`. */
  amount?: number;
  /** Customers seeded before the list run. */
  seed?: number;
  /** Alternating emulator/peer rounds, summed per side (load drifting on a shared box hits both alike). */
  rounds?: number;
}

interface Server {
  name: string;
  url: string;
  child: ChildProcess;
  /** Spawn until the first 200 from `GET /v1/balance` (emulator) or `GET /v1/customers` (peer), in ms. */
  startMs: number;
  /** Resident set after start, before any load, in MB. */
  idleRssMb: number;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const HEADERS = { authorization: 'Bearer sk_test_bench', 'content-type': 'application/x-www-form-urlencoded' };
const CREATE_BODY = new URLSearchParams({
  email: 'buyer@example.com',
  name: 'Ada Buyer',
  'metadata[ref]': 'b1',
}).toString();

function rssMb(pid: number | undefined): number | null {
  const kb = vmRssKb(pid);
  return kb === null ? null : round1(kb / 1024);
}

// The process's CPU time (user + system) in ms from /proc (Linux; clock ticks of 10 ms); null elsewhere.
function cpuMs(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { headers: HEADERS });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Spawns a server and polls it until it answers; the URL comes from its stdout (emulator) or is given (peer). */
async function spawnServer(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  probePath: string,
  urlFrom: (stdout: string) => string | null,
): Promise<Server> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const deadline = started + 30_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${err || out}`);
    const url = urlFrom(out);
    if (url && (await answers(`${url}${probePath}`))) {
      const startMs = round1(performance.now() - started);
      // A short idle pause so the figure is the settled footprint, not a mid-startup peak.
      await new Promise((r) => setTimeout(r, 300));
      return { name, url, child, startMs, idleRssMb: rssMb(child.pid) ?? -1 };
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not answer within 30 s: ${err || out}`);
}

async function startOurs(): Promise<Server> {
  // Built first if a source changed, so the start figure is a start, not a build.
  await emulatorBundle();
  return spawnServer(
    'emulator',
    ['bin/gallerist.js', 'emulator', '--port', '0'],
    {},
    '/v1/balance',
    (out) => /listening on (http:\/\/\S+)/.exec(out)?.[1] ?? null,
  );
}

async function startPeer(): Promise<Server> {
  const port = await freePort();
  const cli = createRequire(import.meta.url).resolve('stripe-stateful-mock/dist/cli.js');
  // Its default level logs nothing per request either; `warn` only drops the start banner.
  return spawnServer(
    'stripe-stateful-mock',
    [cli],
    { PORT: String(port), LOG_LEVEL: 'warn' },
    '/v1/customers',
    () => `http://127.0.0.1:${port}`,
  );
}

async function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGKILL');
  await exited;
}

async function seed(s: Server, count: number): Promise<void> {
  for (let i = 0; i < count; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, async () => {
        const res = await fetch(`${s.url}/v1/customers`, { method: 'POST', headers: HEADERS, body: CREATE_BODY });
        if (!res.ok) throw new Error(`${s.name} seed failed: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }),
    );
  }
}

interface Route {
  name: string;
  connections: number;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

const ROUTES: Route[] = [
  { name: 'GET /v1/customers?limit=100 c=16', connections: 16, method: 'GET', path: '/v1/customers?limit=100' },
  { name: 'POST /v1/customers c=16', connections: 16, method: 'POST', path: '/v1/customers', body: CREATE_BODY },
  { name: 'POST /v1/customers c=64', connections: 64, method: 'POST', path: '/v1/customers', body: CREATE_BODY },
];

// `sampleInt` is when autocannon notices a run is over: short amount-bound runs lower it so they end promptly.
async function measure(
  s: Server,
  route: Route,
  limit: { duration?: number; amount?: number; sampleInt?: number },
): Promise<CannonResult & { cpuMs: number | null }> {
  const before = cpuMs(s.child.pid);
  const r = await autocannon({
    url: s.url,
    connections: route.connections,
    headers: HEADERS,
    requests: [{ method: route.method, path: route.path, ...(route.body ? { body: route.body } : {}) }],
    ...limit,
  });
  const after = cpuMs(s.child.pid);
  return { ...r, cpuMs: before === null || after === null ? null : after - before };
}

/** Server CPU per request over a side's runs, in ms; null when /proc is not there. */
function cpuPerRequest(runs: Array<CannonResult & { cpuMs: number | null }>): number | null {
  if (runs.some((r) => r.cpuMs === null)) return null;
  const requests = runs.reduce((a, r) => a + r.requests.total, 0);
  return requests ? runs.reduce((a, r) => a + (r.cpuMs ?? 0), 0) / requests : null;
}

const total = sumRuns;

const row = (name: string, r: CannonResult, peerRps: number | null) => toResult(name, r, peerRps, 'emulator-peer');

/**
 * The emulator (in-memory, own process via its CLI) against stripe-stateful-mock (own process), through identical
 * requests: customers.create at 16 and 64 connections and a 100-item customer list over seeded customers. Ratios are
 * emulator ÷ peer (target ≥ 2 for create). Also the emulator's CLI start time and idle RSS (targets < 1 s, < 100 MB).
 */
export async function benchEmulatorPeer(opts: PeerBenchOptions = {}): Promise<Result[]> {
  const duration = opts.durationSec ?? 4;
  const seedCount = opts.seed ?? 500;
  const rounds = opts.rounds ?? 2;
  const limit = (share: number) =>
    opts.amount ? { amount: opts.amount, sampleInt: 50 } : { duration: Math.max(1, duration * share) };
  const ours = await startOurs();
  let peer: Server | null = null;
  try {
    peer = await startPeer();
    const servers = [ours, peer];
    for (const s of servers) await seed(s, seedCount);
    type Run = CannonResult & { cpuMs: number | null };
    const byRoute = new Map<string, { ours: Run[]; peer: Run[] }>();
    // The list route comes first in ROUTES, so it sees exactly the seeded customers before creates add more.
    for (const r of ROUTES) {
      const slot = { ours: [] as Run[], peer: [] as Run[] };
      byRoute.set(r.name, slot);
      // Warm-up per route, so neither side is measured while its JIT is still compiling that path.
      if (!opts.amount) for (const s of servers) await measure(s, r, { duration: 1 });
      for (let round = 0; round < rounds; round++) {
        // Alternates which side goes first, so neither always runs on the hotter (or quieter) half.
        for (const s of round % 2 ? [peer, ours] : [ours, peer]) {
          (s === ours ? slot.ours : slot.peer).push(await measure(s, r, limit(1 / rounds)));
        }
      }
    }
    const results: Result[] = [];
    for (const r of ROUTES) {
      const slot = byRoute.get(r.name);
      if (!slot) continue;
      const p = total(slot.peer);
      results.push(row(`${r.name} (stripe-stateful-mock)`, p, null));
      results.push(row(`${r.name} (emulator)`, total(slot.ours), rate(p)));
      // Throughput on a 2-core box is partly the load generator's; CPU per request is the server's own cost.
      const ours = cpuPerRequest(slot.ours);
      const theirs = cpuPerRequest(slot.peer);
      if (ours !== null && theirs !== null) {
        results.push({
          suite: 'emulator-peer',
          name: `${r.name}: server CPU µs/request, emulator [peer ${Math.round(theirs * 1000)}]`,
          requests: total(slot.ours).requests.total,
          rps: Math.round(ours * 1000),
          p99_ms: 0,
          errors: 0,
          // Peer ÷ emulator, so above 1 means the emulator spends less per request.
          ratio: ours > 0 ? Number((theirs / ours).toFixed(3)) : 1,
        });
      }
    }
    // Start figures as rows: `rps` holds the measured value (ms or MB), `ratio` the emulator ÷ peer.
    results.push(
      startRow('CLI start to first answer, ms (target < 1000)', ours.startMs, peer.startMs),
      startRow('idle RSS after start, MB (target < 100)', ours.idleRssMb, peer.idleRssMb),
    );
    console.log(
      `emulator CLI: start ${ours.startMs} ms, idle RSS ${ours.idleRssMb} MB; stripe-stateful-mock: start ${peer.startMs} ms, idle RSS ${peer.idleRssMb} MB`,
    );
    return results;
  } finally {
    await stopServer(ours);
    if (peer) await stopServer(peer);
  }
}

function startRow(name: string, ours: number, peer: number): Result {
  return {
    suite: 'emulator-peer',
    name: `${name} [peer ${peer}]`,
    requests: 1,
    rps: ours,
    p99_ms: 0,
    errors: ours < 0 ? 1 : 0,
    ratio: peer > 0 ? Number((ours / peer).toFixed(3)) : 1,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printResults(await benchEmulatorPeer());
}
