// The agents module's public surface: other domains import from here, never from its files.
export { type AgentPlatformEnv, agentPlatformAuth } from './acp/auth.ts';
export { type AcpMcpDeps, createAcpMcpServer } from './acp/mcp-binding.ts';
export { ACP_MCP_PATH, acpMcpRoutes } from './acp/mcp-routes.ts';
export { type AgentPlatform, authenticateAgentPlatform } from './acp/platforms.ts';
export {
  type AcpOrder,
  acpWebhookJob,
  queueOrderWebhook,
  signMerchantPayload,
  verifyMerchantSignature,
} from './acp/webhooks.ts';
export { type ApiKeyPrincipal, authenticateApiKey } from './api-keys.ts';
export { LIVE_MAX_FRAME } from './assistant/live.ts';
export { createMcpServer } from './mcp/server.ts';
export type { AgentWebhookEvent, AgentWebhookStatus } from './tables.ts';
