import { checkLlm } from '../llm/index.ts';
import type { DomainModule } from '../modules.ts';
import { agentPlatformAdminRoutes } from './acp/admin-routes.ts';
import { acpFeedRoutes } from './acp/feed-routes.ts';
import { ACP_IDEMPOTENCY_PRUNE_JOB, acpIdempotencySchedule, pruneAcpIdempotencyKeys } from './acp/http.ts';
import { acpMcpRoutes } from './acp/mcp-routes.ts';
import { acpOrderListener } from './acp/order-events.ts';
import { acpRoutes } from './acp/routes.ts';
import { acpWebhookJobs } from './acp/webhooks.ts';
import { apiKeyRoutes } from './api-key-routes.ts';
import { createLiveHub } from './assistant/live.ts';
import { assistantRoutes } from './assistant/routes.ts';
import { mcpHttpRoutes } from './mcp/http-route.ts';

/**
 * Agents: per-account API keys and the MCP server over HTTP (`/api/mcp`); `gallerist mcp` serves it over stdio.
 * The in-app assistants (`/api/assistant`, decision 028) on the same services and rights.
 * Agent platforms (ACP, decision 025): admin routes to register them, the order listener that queues their order
 * events, and the job that sends them.
 */
export const agentsModule: DomainModule = {
  name: 'agents',
  // The model API behind the assistants: one real call, timed (decision 028).
  doctorChecks: [(config) => checkLlm(config)],
  build: (deps) => {
    const { config } = deps;
    // Live assistant sessions: this instance's open sockets, closed with the app.
    const live = createLiveHub(deps);
    return {
      routes: [apiKeyRoutes, mcpHttpRoutes, agentPlatformAdminRoutes, assistantRoutes, live.routes],
      close: live.close,
      // The feed and the MCP binding first: the REST app's headers check and catch-all match all of /acp.
      rootRoutes: [acpFeedRoutes, acpMcpRoutes, acpRoutes],
      // Later changes to an agent platform's orders (refund, shipment, delivery…) become `order_update` webhooks.
      orderListeners: [acpOrderListener({ publicUrl: config.publicUrl })],
      jobs: {
        ...acpWebhookJobs,
        [ACP_IDEMPOTENCY_PRUNE_JOB]: async (_payload, ctx) => {
          const n = await pruneAcpIdempotencyKeys(ctx.db, ctx.clock.now());
          if (n) ctx.logger.info({ rows: n }, 'ACP idempotency keys pruned');
        },
      },
      schedules: [acpIdempotencySchedule],
    };
  },
};
