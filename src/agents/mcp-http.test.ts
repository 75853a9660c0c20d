import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { testClient } from '../../test/http.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';

// The MCP server inside the running app: Streamable HTTP at /api/mcp, authenticated by a bearer API key.
let app: TestApp;
let db: DB;
const ids: Record<string, string> = {};
let galleryId: string;
let key: { id: string; secret: string };
const clients: Client[] = [];

const http = () => testClient({ request: (path, init) => fetch(`${app.url}${path}`, init) });

async function connect(secret: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${app.url}/api/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${secret}` } },
  });
  const c = new Client({ name: 'gallerist-http-test', version: '1.0.0' });
  await c.connect(transport);
  clients.push(c);
  return c;
}

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

const post = (headers: Record<string, string>, body: string = JSON.stringify(initialize)) =>
  fetch(`${app.url}/api/mcp`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
    body,
  });

beforeAll(async () => {
  app = await startTestApp();
  db = app.platform.deps.db;
  for (const a of await db.selectFrom('accounts').select(['id', 'slug']).execute()) ids[a.slug] = a.id;
  const g = await withService(db, (tx) =>
    tx
      .selectFrom('galleries')
      .select('id')
      .where('account_id', '=', ids['lumen-photography'])
      .where('status', '=', 'published')
      .executeTakeFirstOrThrow(),
  );
  galleryId = g.id;
  const web = http();
  await web.signIn('studio@demo.gallerist.dev');
  const created = await web.post(`/api/accounts/${ids['lumen-photography']}/api-keys`, { name: 'HTTP agent' });
  expect(created.status).toBe(201);
  key = created.body;
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {});
  await app?.stop();
});

describe('MCP over Streamable HTTP (/api/mcp)', () => {
  it('lists the tools and calls one with a bearer API key, without a CSRF token', async () => {
    const c = await connect(key.secret);
    const { tools } = await c.listTools();
    expect(tools.map((t) => t.name)).toContain('list_gallery_products');
    const r = (await c.callTool({
      name: 'list_gallery_products',
      arguments: { gallery_id: galleryId },
    })) as CallToolResult & { structuredContent: { currency: string; products: unknown[] } };
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    expect(r.structuredContent.currency).toBe('EUR');
    expect(r.structuredContent.products.length).toBeGreaterThan(0);
    // Tool errors travel as results, with the platform's code.
    const missing = (await c.callTool({
      name: 'list_gallery_products',
      arguments: { gallery_id: '00000000-0000-4000-8000-000000000000' },
    })) as CallToolResult & { structuredContent: { error: { code: string } } };
    expect(missing.isError).toBe(true);
    expect(missing.structuredContent.error.code).toBe('not_found');
  });

  it('answers 401 with WWW-Authenticate: Bearer without a key, with a bad key and with a revoked key', async () => {
    const web = http();
    await web.signIn('studio@demo.gallerist.dev');
    const doomed = await web.post(`/api/accounts/${ids['lumen-photography']}/api-keys`, { name: 'Doomed' });
    const before = await post({ Authorization: `Bearer ${doomed.body.secret}` });
    expect(before.status).toBe(200);
    expect((await web.del(`/api/accounts/${ids['lumen-photography']}/api-keys/${doomed.body.id}`)).status).toBe(204);
    for (const headers of <Array<Record<string, string>>>[
      {},
      { Authorization: 'Basic abc' },
      { Authorization: `Bearer gk_live_${'A'.repeat(43)}` },
      { Authorization: `Bearer ${doomed.body.secret}` },
    ]) {
      const res = await post(headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    }
    await expect(connect(doomed.body.secret)).rejects.toThrow(/unauthenticated/);
  });

  it('keeps the body limit and the input guard, and refuses GET (stateless: no stream to open)', async () => {
    const auth = { Authorization: `Bearer ${key.secret}` };
    const poisoned = await post(
      auth,
      JSON.stringify({ ...initialize, params: { ...initialize.params, x: 'a\u0000' } }),
    );
    expect(poisoned.status).toBe(400);
    expect(((await poisoned.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    const get = await fetch(`${app.url}/api/mcp`, { headers: { ...auth, Accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    // Last: the server stops reading an oversized body and closes that connection.
    const big = JSON.stringify({ ...initialize, pad: 'x'.repeat(1024 * 1024) });
    const tooBig = await post(auth, big);
    expect(tooBig.status).toBe(413);
  });
});
