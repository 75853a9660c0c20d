import type { DomainModule } from '../modules.ts';
import { agentPlatformAdminRoutes } from './acp/admin-routes.ts';
import { ACP_IDEMPOTENCY_PRUNE_JOB, acpIdempotencySchedule, pruneAcpIdempotencyKeys } from './acp/http.ts';
import { acpRoutes } from './acp/routes.ts';
import { acpWebhookJobs } from './acp/webhooks.ts';
import { apiKeyRoutes } from './api-key-routes.ts';
import { mcpHttpRoutes } from './mcp/http-route.ts';

/**
 * Agents: per-account API keys and the MCP server over HTTP (`/api/mcp`); `gallerist mcp` serves it over stdio.
 * Agent platforms (ACP, decision 025): admin routes to register them, and the job that sends them order events.
 */
export const agentsModule: DomainModule = {
  name: 'agents',
  build: () => ({
    routes: [apiKeyRoutes, mcpHttpRoutes, agentPlatformAdminRoutes],
    rootRoutes: [acpRoutes],
    jobs: {
      ...acpWebhookJobs,
      [ACP_IDEMPOTENCY_PRUNE_JOB]: async (_payload, ctx) => {
        const n = await pruneAcpIdempotencyKeys(ctx.db, ctx.clock.now());
        if (n) ctx.logger.info({ rows: n }, 'ACP idempotency keys pruned');
      },
    },
    schedules: [acpIdempotencySchedule],
  }),
};
