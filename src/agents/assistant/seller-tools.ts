import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { type JSONSchema7, jsonSchema, type ToolSet, tool } from 'ai';
import { createMcpServer, type McpDeps, type McpPrincipal } from '../mcp/server.ts';

/** The MCP tools each seller assistant may use (the studio's and the artist's share of the same server). */
export const STUDIO_TOOLS = [
  'sales_summary',
  'list_galleries',
  'list_clients',
  'list_gallery_products',
  'create_gallery_checkout',
  'get_order_status',
  'list_orders',
] as const;
export const ARTIST_TOOLS = ['list_artworks', 'sales_summary', 'list_orders', 'get_order_status'] as const;

/**
 * A seller assistant's tools are the MCP server's own (decision 028): the same server an API key talks to, built
 * for the signed-in user in their account, connected in process. So an assistant and an outside agent act through
 * one set of tools, one set of checks and one audit trail; only `names` are offered to the model.
 */
export async function sellerTools(
  deps: McpDeps,
  principal: McpPrincipal,
  names: readonly string[],
): Promise<{ tools: ToolSet; close(): Promise<void> }> {
  const server = createMcpServer(deps, principal);
  const client = new Client({ name: 'gallerist-assistant', version: '0.1.0' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  const { tools: listed } = await client.listTools();
  const tools: ToolSet = {};
  for (const t of listed) {
    if (!names.includes(t.name)) continue;
    tools[t.name] = tool({
      description: t.description ?? t.name,
      inputSchema: jsonSchema(t.inputSchema as JSONSchema7),
      execute: async (args) => {
        const r = await client.callTool({ name: t.name, arguments: args as Record<string, unknown> });
        // Refusals carry the platform's error code and message, as for MCP clients.
        return (r.structuredContent ?? { text: r.content }) as Record<string, unknown>;
      },
    });
  }
  return {
    tools,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}
