import type { DomainModule } from '../modules.ts';
import { apiKeyRoutes } from './api-key-routes.ts';
import { mcpHttpRoutes } from './mcp/http-route.ts';

/** Agents: per-account API keys and the MCP server over HTTP (`/api/mcp`); `gallerist mcp` serves it over stdio. */
export const agentsModule: DomainModule = {
  name: 'agents',
  build: () => ({ routes: [apiKeyRoutes, mcpHttpRoutes] }),
};
