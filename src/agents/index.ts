// The agents module's public surface: other domains import from here, never from its files.
export { type ApiKeyPrincipal, authenticateApiKey } from './api-keys.ts';
export { createMcpServer } from './mcp/server.ts';
