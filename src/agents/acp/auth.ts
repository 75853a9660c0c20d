import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../../http/context.ts';
import { type AgentPlatform, authenticateAgentPlatform } from './platforms.ts';

/** What an ACP route gets from `agentPlatformAuth()`: the calling platform. */
export type AgentPlatformEnv = AppEnv & { Variables: { platform: AgentPlatform } };

/** ACP errors are flat (`{type, code, message}`), not the platform's `{error: {…}}` (ACP checkout RFC §3.1). */
const unauthorized = (message: string) =>
  new Response(JSON.stringify({ type: 'invalid_request', code: 'unauthorized', message }), {
    status: 401,
    headers: { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer' },
  });

/**
 * Route middleware for the ACP endpoints: reads `Authorization: Bearer gacp_…`, authenticates the agent platform and
 * sets `c.var.platform`; a missing, malformed, unknown or revoked token is 401 in the ACP error shape.
 */
export function agentPlatformAuth() {
  return createMiddleware<AgentPlatformEnv>(async (c, next) => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (!m) return unauthorized('Send the agent platform token: Authorization: Bearer <token>');
    const platform = await authenticateAgentPlatform(c.get('deps').db, m[1]);
    if (!platform) return unauthorized('The bearer token is invalid or has been revoked');
    c.set('platform', platform);
    await next();
  });
}
