import type { DomainModule } from '../modules.ts';
import { apiKeyRoutes } from './api-key-routes.ts';

/** Agents: per-account API keys; the MCP server (src/agents/mcp) authenticates with them and builds on the assembly. */
export const agentsModule: DomainModule = {
  name: 'agents',
  build: () => ({ routes: [apiKeyRoutes] }),
};
