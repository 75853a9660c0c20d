import type { Context } from 'hono';
import { Hono } from 'hono';
import type { AppEnv } from '../../http/context.ts';
import { type AgentPlatformEnv, agentPlatformAuth } from './auth.ts';
import { ACP_BASE_PATH, buildDiscoveryDocument } from './discovery.ts';
import { acpError, acpErrorHandler, acpHeaders, acpIdempotency, parseAcpBody } from './http.ts';
import {
  CancelSessionRequest,
  CheckoutSessionCompleteRequest,
  CheckoutSessionCreateRequest,
  CheckoutSessionUpdateRequest,
} from './schema.ts';
import {
  acpSessionDeps,
  cancelSession,
  completeSession,
  createSession,
  getSession,
  type SessionDeps,
  updateSession,
} from './sessions.ts';

const sessionDeps = (c: Context<AgentPlatformEnv>): SessionDeps => acpSessionDeps(c.get('deps'));

// The body as JSON, or the ACP 400 for malformed JSON (an empty body is `{}` where the spec allows none).
async function body(c: Context<AgentPlatformEnv>, emptyOk = false): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim() && emptyOk) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw acpError('invalid_request', 'invalid_json', 'The request body is not valid JSON', undefined, 400);
  }
}

/**
 * The Agentic Commerce Protocol seller API (release 2026-04-17) at `/acp`, outside `/api`: its own headers, flat
 * errors, bearer auth per agent platform and idempotency per RFC §6; and the discovery document at
 * `/.well-known/acp.json`. The specification vendored in `./spec` is the contract.
 */
export const acpRoutes = new Hono<AppEnv>()
  .get('/.well-known/acp.json', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(buildDiscoveryDocument(c.get('deps').config));
  })
  .route(
    ACP_BASE_PATH,
    new Hono<AgentPlatformEnv>()
      .onError(acpErrorHandler)
      .use(acpHeaders(), agentPlatformAuth(), acpIdempotency())
      .post('/checkout_sessions', async (c) => {
        const req = parseAcpBody(CheckoutSessionCreateRequest, await body(c));
        return c.json(await createSession(sessionDeps(c), c.var.platform, req), 201);
      })
      .get('/checkout_sessions/:id', async (c) =>
        c.json(await getSession(sessionDeps(c), c.var.platform, c.req.param('id')), 200),
      )
      .post('/checkout_sessions/:id', async (c) => {
        const req = parseAcpBody(CheckoutSessionUpdateRequest, await body(c));
        return c.json(await updateSession(sessionDeps(c), c.var.platform, c.req.param('id'), req), 200);
      })
      .post('/checkout_sessions/:id/complete', async (c) => {
        const req = parseAcpBody(CheckoutSessionCompleteRequest, await body(c));
        return c.json(await completeSession(sessionDeps(c), c.var.platform, c.req.param('id'), req), 200);
      })
      .post('/checkout_sessions/:id/cancel', async (c) => {
        parseAcpBody(CancelSessionRequest, await body(c, true));
        return c.json(await cancelSession(sessionDeps(c), c.var.platform, c.req.param('id')), 200);
      })
      .all('*', () => {
        throw acpError('invalid_request', 'not_found', 'No such ACP endpoint', undefined, 404);
      }),
  );
