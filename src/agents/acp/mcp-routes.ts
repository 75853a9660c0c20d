import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../../http/context.ts';
import { type AgentPlatformEnv, agentPlatformAuth } from './auth.ts';
import { ACP_API_VERSION } from './http.ts';
import { createAcpMcpServer } from './mcp-binding.ts';

/** Where the binding is served (outside `/api`, next to the REST endpoints under `/acp`). */
export const ACP_MCP_PATH = '/acp/mcp';

const flat = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  Response.json({ type: 'invalid_request', code, message }, { status, headers });

const binding = new Hono<AgentPlatformEnv>()
  .use(ACP_MCP_PATH, async (c, next) => {
    await next();
    c.header('API-Version', ACP_API_VERSION);
  })
  .post(
    ACP_MCP_PATH,
    bodyLimit({
      maxSize: 1024 * 1024,
      onError: () => flat(413, 'payload_too_large', 'The request body is larger than 1 MB'),
    }),
    agentPlatformAuth(),
    async (c) => {
      // Unparseable JSON is left to the transport (JSON-RPC -32700).
      const parsedBody = await c.req.json().catch(() => undefined);
      const server = createAcpMcpServer(c.get('deps'), c.var.platform);
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
    },
  )
  // Stateless: no server-initiated stream to GET and no session to DELETE.
  .on(['GET', 'DELETE', 'PUT', 'PATCH'], ACP_MCP_PATH, () =>
    Response.json(
      { jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: POST JSON-RPC messages' }, id: null },
      { status: 405, headers: { Allow: 'POST' } },
    ),
  );

/**
 * `POST /acp/mcp`: the ACP MCP binding (mcp-binding.ts) over Streamable HTTP, stateless like `/api/mcp`. The agent
 * platform authenticates each request with its bearer token (`Authorization: Bearer gacp_…`, 401 in ACP's flat error
 * shape otherwise); each request gets a server and transport of its own and a plain JSON reply.
 *
 * Mount before `acpRoutes`: the REST sub-app's middleware and catch-all also match `/acp/*`.
 */
export const acpMcpRoutes: Hono<AppEnv> = new Hono<AppEnv>().route('/', binding);
