import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/app.ts';
import { acpAddress, acpClient, grantedToken, registerTestPlatform, sptPayment } from '../../../test/fixtures/acp.ts';
import { demoIds, onboardedArtist, publishedArtwork } from '../../../test/fixtures/marketplace-buy.ts';
import { platformModules, replaceModule } from '../../assembly.ts';
import { getOrder } from '../../commerce/index.ts';
import { withService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { agentsModule } from '../module.ts';
import { ACP_MCP_TOOLS } from './mcp-binding.ts';
import { acpMcpRoutes } from './mcp-routes.ts';
import { validateAcp } from './schema-validate.ts';

// The ACP MCP binding end to end on the emulator: the same purchase as acp-flow.test.ts, through an MCP client at
// /acp/mcp — list the tools, create, update with an address, complete with a Shared Payment Token, sell once;
// `meta.idempotency_key` replays and conflicts exactly as the REST Idempotency-Key does.

let app: TestApp;
let db: DB;
let stripe: Stripe;
let ids: Record<string, string>;
let token: string;
const clients: Client[] = [];

// The agents module with the binding mounted (a no-op once module.ts lists acpMcpRoutes itself; before acpRoutes,
// whose middleware also matches /acp/*).
const withBinding = replaceModule(platformModules, {
  ...agentsModule,
  build(deps) {
    const parts = agentsModule.build(deps);
    const root = parts.rootRoutes ?? [];
    return root.includes(acpMcpRoutes) ? parts : { ...parts, rootRoutes: [acpMcpRoutes, ...root] };
  },
});

beforeAll(async () => {
  app = await startTestApp({ modules: withBinding });
  db = app.platform.deps.db;
  stripe = app.platform.deps.stripe;
  ids = await demoIds(db);
  await onboardedArtist(db, stripe, app.emulatorUrl, ids['mira-okafor']);
  const created = await registerTestPlatform(db, ids['admin@demo.gallerist.dev'], { name: 'MCP agent' });
  token = created.token;
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {});
  await app?.stop();
});

async function connect(bearer = token): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${app.url}/acp/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${bearer}` } },
  });
  const c = new Client({ name: 'acp-mcp-test', version: '1.0.0' });
  await c.connect(transport);
  clients.push(c);
  return c;
}

let keys = 0;
const meta = (key?: string) => ({
  api_version: '2026-04-17',
  idempotency_key: key ?? `mcp-key-${++keys}`,
  user_agent: 'AcpMcpTest/1.0',
});

type Json = Record<string, any>;

/** Calls a tool; returns the session (structuredContent) or throws the JSON-RPC error. */
async function call(client: Client, name: string, args: Json): Promise<Json> {
  const res = (await client.callTool({ name, arguments: args })) as Json;
  expect(res.isError).toBeFalsy();
  // The session is the structured content, spread into the result too (the binding's `result` is the session).
  expect(res.id).toBe(res.structuredContent.id);
  expect(JSON.parse(res.content[0].text)).toEqual(res.structuredContent);
  return res.structuredContent as Json;
}

/** The JSON-RPC error of a failing call: code and ACP error in `data`. */
async function callError(client: Client, name: string, args: Json): Promise<{ code: number; data: Json }> {
  try {
    await client.callTool({ name, arguments: args });
  } catch (err) {
    expect(err).toBeInstanceOf(McpError);
    const e = err as McpError;
    return { code: e.code, data: e.data as Json };
  }
  throw new Error(`${name} did not fail`);
}

const salesOf = (artworkId: string) =>
  withService(db, (tx) => tx.selectFrom('marketplace_sales').selectAll().where('artwork_id', '=', artworkId).execute());

async function readySession(client: Client, artworkId: string): Promise<Json> {
  const created = await call(client, 'create_checkout_session', {
    meta: meta(),
    payload: {
      line_items: [{ id: `artwork_${artworkId}` }],
      currency: 'eur',
      capabilities: {},
      buyer: { email: 'agent.buyer@example.com', first_name: 'Ada', last_name: 'Buyer' },
    },
  });
  expect(validateAcp('CheckoutSession', created)).toEqual([]);
  expect(created.status).toBe('not_ready_for_payment');
  const updated = await call(client, 'update_checkout_session', {
    meta: meta(),
    id: created.id,
    payload: { fulfillment_details: { name: 'Ada Buyer', email: 'agent.buyer@example.com', address: acpAddress } },
  });
  expect(validateAcp('CheckoutSession', updated)).toEqual([]);
  return updated;
}

describe('ACP over MCP: an agent buys an original', () => {
  it('lists the five checkout tools with the {meta, id, payload} arguments', async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...ACP_MCP_TOOLS].sort());
    const byName = Object.fromEntries(tools.map((t) => [t.name, t.inputSchema as Json]));
    expect(byName.create_checkout_session.required?.sort()).toEqual(['meta', 'payload']);
    expect(Object.keys(byName.create_checkout_session.properties)).not.toContain('id');
    expect(byName.get_checkout_session.required?.sort()).toEqual(['id', 'meta']);
    expect(Object.keys(byName.get_checkout_session.properties)).not.toContain('payload');
    expect(byName.complete_checkout_session.required?.sort()).toEqual(['id', 'meta', 'payload']);
    expect(byName.cancel_checkout_session.required?.sort()).toEqual(['id', 'meta']);
    expect(byName.complete_checkout_session.properties.meta.required).toEqual(['api_version']);
    expect(byName.complete_checkout_session.properties.payload.properties).toHaveProperty('payment_data');
  });

  it('refuses a wrong token with the flat 401, and malformed calls with JSON-RPC errors', async () => {
    await expect(connect('gacp_wrong')).rejects.toThrow();
    const res = await fetch(`${app.url}/acp/mcp`, {
      method: 'POST',
      headers: {
        Authorization: 'Bearer gacp_wrong',
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ type: 'invalid_request', code: 'unauthorized' });
    expect((await fetch(`${app.url}/acp/mcp`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(405);

    const client = await connect();
    const noVersion = await callError(client, 'get_checkout_session', { meta: {}, id: 'cs_x' });
    expect(noVersion).toMatchObject({
      code: -32000,
      data: { type: 'invalid_request', code: 'missing_api_version', supported_versions: ['2026-04-17'] },
    });
    const oldVersion = await callError(client, 'get_checkout_session', {
      meta: { api_version: '2020-01-01' },
      id: 'x',
    });
    expect(oldVersion.data.code).toBe('unsupported_api_version');
    expect((await callError(client, 'get_checkout_session', { meta: meta() })).code).toBe(-32602);
    const missing = await callError(client, 'get_checkout_session', { meta: meta(), id: 'cs_doesnotexist00000000' });
    expect(missing).toMatchObject({ code: -32000, data: { type: 'invalid_request', code: 'not_found' } });
    expect(validateAcp('Error', missing.data)).toEqual([]);
    const bad = await callError(client, 'create_checkout_session', {
      meta: meta(),
      payload: { line_items: [], currency: 'eur', capabilities: {} },
    });
    expect(bad).toMatchObject({ code: -32000, data: { type: 'invalid_request', param: '$.payload.line_items' } });
    const noPayload = await callError(client, 'create_checkout_session', { meta: meta() });
    expect(noPayload.data).toMatchObject({ type: 'invalid_request', param: '$.payload' });
  });

  it('creates, updates with an address, completes with an SPT, sells once; the idempotency key replays', async () => {
    const client = await connect();
    const artworkId = await publishedArtwork(db, ids['mira-okafor'], { price: 80_000, shipping: 3_000 });
    const session = await readySession(client, artworkId);
    expect(session.status).toBe('ready_for_payment');
    const totals = Object.fromEntries(session.totals.map((t: { type: string; amount: number }) => [t.type, t.amount]));
    expect(totals).toMatchObject({ subtotal: 80_000, fulfillment: 3_000, total: 83_000 });

    const read = await call(client, 'get_checkout_session', { meta: { api_version: '2026-04-17' }, id: session.id });
    expect(validateAcp('CheckoutSession', read)).toEqual([]);
    expect(read).toEqual(session);

    const args = {
      meta: meta('complete-1'),
      id: session.id,
      payload: { payment_data: sptPayment(await grantedToken(stripe)) },
    };
    const done = await call(client, 'complete_checkout_session', args);
    expect(validateAcp('CheckoutSessionWithOrder', done)).toEqual([]);
    expect(done).toMatchObject({ status: 'completed', order: { checkout_session_id: session.id } });
    const order = await getOrder(db, done.order.id);
    expect(order).toMatchObject({ status: 'paid', total: 83_000, channel: 'acp' });
    expect(await salesOf(artworkId)).toHaveLength(1);

    // The same key and arguments replay the stored result (another connection, same platform): nothing is charged.
    const replay = await call(await connect(), 'complete_checkout_session', args);
    expect(validateAcp('CheckoutSessionWithOrder', replay)).toEqual([]);
    expect(replay).toEqual(done);
    // The same key with another payload is the conflict.
    const other = await callError(client, 'complete_checkout_session', {
      ...args,
      payload: { payment_data: sptPayment(await grantedToken(stripe)) },
    });
    expect(other).toMatchObject({ code: -32000, data: { type: 'invalid_request', code: 'idempotency_conflict' } });
    // A new key on a completed session charges nothing more.
    const again = await callError(client, 'complete_checkout_session', { ...args, meta: meta() });
    expect(again.data.type).toBe('invalid_request');
    expect(await salesOf(artworkId)).toHaveLength(1);
    const pi = await stripe.paymentIntents.retrieve(order.stripePaymentIntentId!);
    expect(pi).toMatchObject({ amount: 83_000, status: 'succeeded' });
  });

  it('keeps MCP and REST idempotency keys apart, and cancels without a payload', async () => {
    const client = await connect();
    const artworkId = await publishedArtwork(db, ids['mira-okafor'], { price: 10_000 });
    const session = await readySession(client, artworkId);
    // The key used over MCP is unused over REST: the REST request runs (and its own replay is REST's).
    const rest = await acpClient(app.url, () => token, 'rest')(
      'POST',
      `/acp/checkout_sessions/${session.id}`,
      { buyer: { email: 'rest@example.com', first_name: 'R', last_name: 'E' } },
      { key: 'shared-key' },
    );
    expect(rest.status).toBe(200);
    const viaMcp = await call(client, 'update_checkout_session', {
      meta: meta('shared-key'),
      id: session.id,
      payload: { buyer: { email: 'mcp@example.com', first_name: 'M', last_name: 'C' } },
    });
    expect(viaMcp.buyer.email).toBe('mcp@example.com');

    const canceled = await call(client, 'cancel_checkout_session', {
      meta: { api_version: '2026-04-17' },
      id: session.id,
    });
    expect(validateAcp('CheckoutSession', canceled)).toEqual([]);
    expect(canceled.status).toBe('canceled');
    const twice = await callError(client, 'cancel_checkout_session', { meta: meta(), id: session.id });
    expect(twice.data).toMatchObject({ type: 'invalid_request', code: 'invalid' });
  });
});
