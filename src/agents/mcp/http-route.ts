import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { Hono } from 'hono';
import { isAppError } from '../../errors.ts';
import type { AppEnv } from '../../http/context.ts';
import { inputGuard } from '../../http/input-guard.ts';
import { authenticateApiKey } from '../api-keys.ts';
import { createMcpServer } from './server.ts';

const unauthenticated = (message: string) =>
  new Response(JSON.stringify({ error: { code: 'unauthenticated', message, details: null } }), {
    status: 401,
    headers: { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer' },
  });

/**
 * `POST /mcp` (under /api): the MCP server over Streamable HTTP, stateless. Each request authenticates its
 * `Authorization: Bearer gk_live_…` key and gets a server and transport of its own, built from the same deps as
 * the stdio command; replies are plain JSON, so nothing stays open between requests.
 */
export const mcpHttpRoutes = new Hono<AppEnv>()
  // The CSRF exemption in src/http/app.ts also skips the app's input guard, so the route runs it itself.
  .post('/mcp', inputGuard(), async (c) => {
    const deps = c.get('deps');
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    if (!m) return unauthenticated('Send an API key: Authorization: Bearer gk_live_…');
    let principal: Awaited<ReturnType<typeof authenticateApiKey>>;
    try {
      principal = await authenticateApiKey(deps.db, m[1]);
    } catch (err) {
      if (isAppError(err) && err.code === 'unauthenticated') return unauthenticated(err.message);
      throw err;
    }
    // The input guard has already read and vetted the body; hand the parsed value on rather than re-read it.
    const parsedBody = await c.req.json().catch(() => undefined);
    const server = createMcpServer(deps, principal);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    try {
      await server.connect(transport);
      return await transport.handleRequest(c.req.raw, { parsedBody });
    } finally {
      // The JSON reply is complete once handleRequest resolves, so the per-request server can go.
      await server.close();
    }
  })
  // Stateless: no server-initiated stream to GET and no session to DELETE.
  .on(['GET', 'DELETE'], '/mcp', () =>
    Response.json(
      { jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: POST JSON-RPC messages' }, id: null },
      { status: 405, headers: { Allow: 'POST' } },
    ),
  );
