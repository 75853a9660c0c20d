import { pathToFileURL } from 'node:url';
import { registerAgentPlatform } from '../src/agents/acp/platforms.ts';
import { createApiKey } from '../src/agents/api-keys.ts';
import { withUser } from '../src/db/tenancy.ts';
import { startTestApp, type TestApp } from '../test/app.ts';
import { grantedToken } from '../test/fixtures/acp.ts';
import { demoIds, onboardedArtist, publishedArtwork } from '../test/fixtures/marketplace-buy.ts';
import {
  autocannon,
  type BenchOptions,
  closedLoop,
  loopResult,
  printResults,
  type Result,
  rate,
  round1 as round,
} from './emulator.ts';

/** Knobs for the agent benches: `flows` bounds the ACP measurement (the smoke test uses a handful). */
export interface AgentBenchOptions extends BenchOptions {
  flows?: number;
}

const ACP_VERSION = '2026-04-17';
const address = {
  name: 'Ada Buyer',
  line_one: 'Torstr. 1',
  city: 'Berlin',
  state: 'BE',
  country: 'DE',
  postal_code: '10119',
};

type Loop = Awaited<ReturnType<typeof closedLoop>>;

const agentsResult = (name: string, r: Loop, baseRps: number | null): Result => loopResult('agents', name, r, baseRps);

async function bodySize(url: string, init?: RequestInit): Promise<number> {
  const res = await fetch(url, init);
  return (await res.arrayBuffer()).byteLength;
}

/**
 * ACP: one agent checkout end to end (create a session for a fresh artwork, update it with an address, complete it
 * with an emulator Shared Payment Token: three requests, the last one paying through Stripe and recording the sale),
 * against three sequential reads of a completed session (`GET /acp/checkout_sessions/:id`, a trivial route with the
 * same auth and a response of the same size) on the same workers. Artworks and tokens are prepared untimed.
 */
async function benchAcp(app: TestApp, ids: Record<string, string>, flows: number, connections: number) {
  const { db, stripe } = app.platform.deps;
  const admin = ids['admin@demo.gallerist.dev'];
  const { token } = await withUser(db, { sub: admin }, (tx) =>
    registerAgentPlatform(tx, { kind: 'user', userId: admin }, { name: 'Bench agent', webhookUrl: null }),
  );
  const artist = ids['mira-okafor'];
  await onboardedArtist(db, stripe, app.emulatorUrl, artist);
  const prepared: Array<{ artworkId: string; spt: string }> = [];
  for (let i = 0; i < flows; i++) {
    const artworkId = await publishedArtwork(db, artist, { price: 80_000, shipping: 3_000, title: `Bench ${i}` });
    prepared.push({ artworkId, spt: await grantedToken(stripe) });
  }
  let keys = 0;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'API-Version': ACP_VERSION,
        'Idempotency-Key': `bench-${++keys}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    return { ok: res.ok, json };
  };

  let sessionBytes = 0;
  let sessionId = '';
  const acp = await closedLoop(flows, connections, async (i) => {
    const { artworkId, spt } = prepared[i];
    const created = await post('/acp/checkout_sessions', {
      line_items: [{ id: `artwork_${artworkId}` }],
      currency: 'eur',
      capabilities: {},
      buyer: { email: 'bench.buyer@example.com', first_name: 'Ada', last_name: 'Buyer' },
    });
    if (!created.ok) return false;
    const id = String(created.json.id);
    const updated = await post(`/acp/checkout_sessions/${id}`, {
      fulfillment_details: { name: 'Ada Buyer', email: 'bench.buyer@example.com', address },
    });
    if (!updated.ok || updated.json.status !== 'ready_for_payment') return false;
    sessionBytes = JSON.stringify(updated.json).length;
    const done = await post(`/acp/checkout_sessions/${id}/complete`, {
      payment_data: {
        handler_id: 'card_tokenized',
        instrument: { type: 'card', credential: { type: 'spt', token: spt } },
      },
    });
    sessionId = id;
    return done.ok && done.json.status === 'completed';
  });

  // The baseline reads a completed session back: same auth and middleware, a response of the same size.
  const trivial = `${app.url}/acp/checkout_sessions/${sessionId}`;
  const readHeaders = { Authorization: `Bearer ${token}`, 'API-Version': ACP_VERSION };
  const trivialBytes = await bodySize(trivial, { headers: readHeaders });
  const base = await closedLoop(flows, connections, async () => {
    for (let k = 0; k < 3; k++) {
      const res = await fetch(trivial, { headers: readHeaders });
      await res.arrayBuffer();
      if (!res.ok) return false;
    }
    return true;
  });
  const baseRps = base.count / Math.max(base.seconds, 0.001);
  console.log(
    `acp: updated session ${sessionBytes} B, completed session read ${trivialBytes} B; ` +
      `create→complete p50 ${round(acp.p50)} ms, p99 ${round(acp.p99)} ms ` +
      `(baseline 3× GET p50 ${round(base.p50)} ms, p99 ${round(base.p99)} ms)`,
  );
  return [
    agentsResult('3× GET /acp/checkout_sessions/:id (baseline, per flow)', base, null),
    agentsResult('ACP create → update → complete (per flow)', acp, baseRps),
  ];
}

/**
 * MCP: `tools/call search_artworks` over Streamable HTTP at /api/mcp with a bearer API key, against GET
 * /api/marketplace/artworks (the same artworks as REST JSON, a route of similar response size, read from the database
 * rather than the public read cache) in the same run.
 */
async function benchMcp(app: TestApp, ids: Record<string, string>, duration: number, connections: number) {
  const { db } = app.platform.deps;
  const studio = ids['studio@demo.gallerist.dev'];
  const key = await withUser(db, { sub: studio }, (tx) =>
    createApiKey(tx, { kind: 'user', userId: studio }, ids['lumen-photography'], { name: 'Bench key', role: 'admin' }),
  );
  const headers = {
    Authorization: `Bearer ${key.secret}`,
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
    'MCP-Protocol-Version': '2025-06-18',
  };
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name: 'search_artworks', arguments: {} },
  });
  const probe = await fetch(`${app.url}/api/mcp`, { method: 'POST', headers, body });
  const probeText = await probe.text();
  if (!probe.ok || probeText.includes('"isError":true'))
    throw new Error(`MCP probe failed: ${probeText.slice(0, 300)}`);
  const restPath = '/api/marketplace/artworks';
  const restBytes = await bodySize(`${app.url}${restPath}`);

  // A visitor cookie keeps the baseline off the public read cache (decision 033): MCP reads the database each time.
  const baseline = await autocannon({
    url: `${app.url}${restPath}`,
    headers: { cookie: 'gallerist_visitor=bench' },
    connections,
    duration,
  });
  const mcp = await autocannon({ url: `${app.url}/api/mcp`, method: 'POST', headers, body, connections, duration });
  const base = rate(baseline);
  console.log(`mcp: search_artworks response ${probeText.length} B, ${restPath} ${restBytes} B`);
  const toResult = (name: string, r: typeof mcp, baseRps: number | null): Result => ({
    suite: 'agents',
    name,
    requests: r.requests.total,
    rps: Math.round(rate(r)),
    p99_ms: r.latency.p99,
    errors: r.non2xx + r.errors + r.timeouts,
    ratio: baseRps ? Number((rate(r) / baseRps).toFixed(3)) : 1,
  });
  return [
    toResult(`GET ${restPath} (baseline)`, baseline, null),
    toResult('POST /api/mcp tools/call search_artworks', mcp, base),
  ];
}

/**
 * Agent channels: ACP checkout latency and MCP tool-call throughput, each against a baseline of the same run. (The file
 * sorts after platform.ts on purpose: run.ts runs benches in one process, and the platform bench reports memory.)
 */
export async function benchAgents(opts: AgentBenchOptions = {}): Promise<Result[]> {
  const duration = opts.durationSec ?? 5;
  const connections = opts.connections ?? 16;
  const app = await startTestApp({ demo: true });
  try {
    const ids = await demoIds(app.platform.deps.db);
    const mcp = await benchMcp(app, ids, duration, connections);
    const acp = await benchAcp(app, ids, opts.flows ?? 40, Math.min(connections, 4));
    return [...mcp, ...acp];
  } finally {
    await app.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printResults(await benchAgents());
}
