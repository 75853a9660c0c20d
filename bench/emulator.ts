import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { RunningEmulator } from '../emulator/index.ts';
import { startEmulator } from '../emulator/index.ts';

/** One measured route. */
export interface Result {
  suite: string;
  name: string;
  requests: number;
  rps: number;
  p99_ms: number;
  errors: number;
  /** rps relative to the suite's baseline route (1 for the baseline itself). */
  ratio: number;
}

/** Knobs for quick runs (the smoke test uses short durations). */
export interface BenchOptions {
  durationSec?: number;
  connections?: number;
}

interface CannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: CannonRequest, context: object) => CannonRequest;
  onResponse?: (status: number, body: string) => void;
}
/** The part of autocannon's result the benches read. */
export interface CannonResult {
  duration: number;
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; mean: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Cannon = (opts: Record<string, unknown>) => Promise<CannonResult>;

// autocannon ships no type declarations, so load it through require with the small shape used here.
export const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

const AUTH = { authorization: 'Bearer sk_test_bench', 'content-type': 'application/x-www-form-urlencoded' };

function sessionBody(price: string): string {
  return new URLSearchParams({
    mode: 'payment',
    'line_items[0][price]': price,
    'line_items[0][quantity]': '1',
    success_url: 'https://shop.example/ok?cs={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://shop.example/cart',
  }).toString();
}

async function createPrice(emu: RunningEmulator): Promise<string> {
  const res = await fetch(`${emu.url}/v1/products`, {
    method: 'POST',
    headers: AUTH,
    body: 'name=Print&default_price_data[currency]=usd&default_price_data[unit_amount]=2500',
  });
  return ((await res.json()) as { default_price: string }).default_price;
}

// Creates sessions in-process (no socket), to top up the pool of open sessions for the complete benchmark.
async function topUp(emu: RunningEmulator, price: string, pool: string[], count: number): Promise<void> {
  const body = sessionBody(price);
  for (let i = 0; i < count; i += 200) {
    const batch = Array.from({ length: Math.min(200, count - i) }, () =>
      Promise.resolve(emu.app.request('/v1/checkout/sessions', { method: 'POST', headers: AUTH, body })).then((r) =>
        r.json(),
      ),
    );
    for (const s of (await Promise.all(batch)) as Array<{ id: string }>) pool.push(s.id);
  }
}

async function run(
  emu: RunningEmulator,
  connections: number,
  limit: { duration?: number; amount?: number },
  requests: CannonRequest[],
): Promise<CannonResult> {
  return autocannon({ url: emu.url, connections, headers: AUTH, requests, ...limit });
}

// Total over elapsed time: autocannon's per-second average is skewed for short, amount-bounded runs.
export const rate = (r: CannonResult) => r.requests.total / Math.max(r.duration, 0.001);

const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : 0;

/** Runs `count` jobs on `connections` workers; each job's latency in ms, or null when it failed. */
export async function closedLoop(count: number, connections: number, job: (i: number) => Promise<boolean>) {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(connections, count) }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t = performance.now();
        const ok = await job(i).catch(() => false);
        if (ok) latencies.push(performance.now() - t);
        else errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { count, errors, seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

/** A process's resident memory in kB from /proc (Linux); null elsewhere, so a figure is omitted rather than guessed. */
export function vmRssKb(pid: number | undefined): number | null {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) : null;
  } catch {
    return null;
  }
}

/** One decimal, for milliseconds in results. */
/** A port free right now on 127.0.0.1, for servers that take no port 0 or must be told theirs up front. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export const round1 = (n: number) => Number(n.toFixed(1));

/** A result from a timed loop (count calls in `seconds`, errors, p99), as a rate relative to a same-run baseline. */
export function loopResult(
  suite: string,
  name: string,
  r: { count: number; errors: number; seconds: number; p99: number },
  baseRps: number | null,
): Result {
  const rps = r.count / Math.max(r.seconds, 0.001);
  return {
    suite,
    name,
    requests: r.count,
    rps: Math.round(rps),
    p99_ms: round1(r.p99),
    errors: r.errors,
    ratio: baseRps ? Number((rps / baseRps).toFixed(3)) : 1,
  };
}

/** Several runs of one route as one: rate over the total time, the worst p99, all errors. */
export function sumRuns(runs: CannonResult[]): CannonResult {
  return {
    ...runs[0],
    duration: runs.reduce((a, r) => a + r.duration, 0),
    requests: { ...runs[0].requests, total: runs.reduce((a, r) => a + r.requests.total, 0) },
    latency: { ...runs[0].latency, p99: Math.max(...runs.map((r) => r.latency.p99)) },
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    timeouts: runs.reduce((a, r) => a + r.timeouts, 0),
  };
}

/** One autocannon run as a result row; `ratio` is its rate over the baseline's. */
export function toResult(name: string, r: CannonResult, baselineRps: number | null, suite = 'emulator'): Result {
  return {
    suite,
    name,
    requests: r.requests.total,
    rps: Math.round(rate(r)),
    p99_ms: r.latency.p99,
    errors: r.non2xx + r.errors + r.timeouts,
    ratio: baselineRps ? Number((rate(r) / baselineRps).toFixed(3)) : 1,
  };
}

/** Benchmarks checkout-session create/retrieve/complete against GET /v1/balance on an in-process emulator. */
export async function benchEmulator(opts: BenchOptions = {}): Promise<Result[]> {
  const duration = opts.durationSec ?? 5;
  const connections = opts.connections ?? 16;
  const emu = await startEmulator({ port: 0, autoAdvance: false });
  try {
    const price = await createPrice(emu);
    const baseline = await run(emu, connections, { duration }, [{ method: 'GET', path: '/v1/balance' }]);
    const base = rate(baseline);
    const results = [toResult('GET /v1/balance (baseline)', baseline, null)];

    const pool: string[] = [];
    const create = await run(emu, connections, { duration }, [
      {
        method: 'POST',
        path: '/v1/checkout/sessions',
        body: sessionBody(price),
        onResponse: (status, body) => {
          const id = status === 200 ? /"id":"(cs_test_\w+)"/.exec(body)?.[1] : undefined;
          if (id) pool.push(id);
        },
      },
    ]);
    results.push(toResult('POST /v1/checkout/sessions', create, base));
    if (pool.length < 1000) await topUp(emu, price, pool, 1000 - pool.length);

    let r = 0;
    const retrieve = await run(emu, connections, { duration }, [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: `/v1/checkout/sessions/${pool[r++ % pool.length]}` }),
      },
    ]);
    results.push(toResult('GET /v1/checkout/sessions/:id', retrieve, base));

    // Every complete must hit a distinct open session: a shared cursor hands each request the next pool id
    // (an exhausted pool would repeat the last id, which fails and shows up as errors).
    let next = 0;
    const completeReq: CannonRequest = {
      method: 'POST',
      setupRequest: (req) => {
        const id = pool[next++] ?? pool[pool.length - 1];
        return { ...req, path: `/_emulator/checkout/sessions/${id}/complete`, body: '' };
      },
    };
    const calibration = await run(emu, connections, { amount: Math.min(1000, pool.length) }, [completeReq]);
    // Little's law (closed loop): rate ≈ connections / mean latency. The measured run is bounded by request
    // count, not time, so a machine that speeds up after calibration can never run the pool dry.
    const estimate = (connections * 1000) / Math.max(calibration.latency.mean, 0.01);
    const amount = Math.max(200, Math.ceil(estimate * duration));
    const missing = next + amount + connections - pool.length;
    if (missing > 0) await topUp(emu, price, pool, missing);
    const complete = await run(emu, connections, { amount }, [completeReq]);
    results.push(toResult('POST /_emulator/checkout/sessions/:id/complete', complete, base));
    const used = Math.min(next, pool.length);
    if (new Set(pool.slice(0, used)).size !== used) throw new Error('complete benchmark reused a session');
    return results;
  } finally {
    await emu.stop();
  }
}

/** Prints results as an aligned table. */
export function printResults(results: Result[]): void {
  console.table(
    results.map((r) => ({
      suite: r.suite,
      route: r.name,
      'req/s': r.rps,
      'p99 ms': r.p99_ms,
      requests: r.requests,
      errors: r.errors,
      'vs baseline': `${r.ratio}×`,
    })),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printResults(await benchEmulator());
}

/** PaymentIntent create+confirm on an in-memory emulator, then on one persisting to a journal (ratio = cost of it). */
export async function benchEmulatorJournal(opts: BenchOptions = {}): Promise<Result[]> {
  const duration = opts.durationSec ?? 3;
  const connections = opts.connections ?? 16;
  // Imported here because this section was appended to a file whose header is shared with other benches.
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const body = new URLSearchParams({
    amount: '2000',
    currency: 'usd',
    confirm: 'true',
    payment_method: 'pm_card_visa',
    'allowed_payment_method_types[]': 'card',
  }).toString();
  const measure = async (seconds: number, dataFile?: string) => {
    const emu = await startEmulator({ port: 0, autoAdvance: false, dataFile });
    try {
      return await run(emu, connections, { duration: seconds }, [
        { method: 'POST', path: '/v1/payment_intents', body },
      ]);
    } finally {
      await emu.stop();
    }
  };
  // Sums alternating halves, so load that drifts during the run (a shared CI box) hits both sides alike.
  const total = sumRuns;
  const dir = mkdtempSync(join(tmpdir(), 'bench-journal-'));
  try {
    // autocannon runs at least ~1 s, so short (smoke) runs skip the warm-up and the second round.
    const rounds = duration >= 1 ? 2 : 1;
    // Warm-up, so the first measured run doesn't pay for JIT compilation.
    if (rounds > 1) await measure(1);
    const memory: CannonResult[] = [];
    const journal: CannonResult[] = [];
    for (let round = 0; round < rounds; round++) {
      memory.push(await measure(duration / rounds));
      journal.push(await measure(duration / rounds, join(dir, `state-${round}.json`)));
    }
    const name = 'POST /v1/payment_intents confirm=true';
    return [
      { ...toResult(`${name} (in-memory)`, total(memory), null), suite: 'emulator-journal' },
      { ...toResult(`${name} (journal)`, total(journal), rate(total(memory))), suite: 'emulator-journal' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
