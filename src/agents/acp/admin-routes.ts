import { platformAdmin } from '../../http/access.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../../http/openapi.ts';
import {
  listAgentPlatforms,
  registerAgentPlatform,
  revokeAgentPlatform,
  updateAgentPlatformWebhook,
} from './platforms.ts';

const tags = ['Admin', 'Agent platforms'];
const admin = platformAdmin();
const PlatformParam = z.object({ platformId: z.uuid('Unknown agent platform') });

const WebhookUrl = z
  .url({ protocol: /^https?$/, message: 'Enter a full https URL' })
  .max(2000, 'Use a URL of at most 2000 characters')
  .openapi({ description: 'Where order events are POSTed; https (plain http only for localhost)' });
const WebhookSecret = z
  .string()
  .min(16, 'Use at least 16 characters')
  .max(200, 'Use at most 200 characters')
  .openapi({ description: 'The shared HMAC secret the platform verifies `Merchant-Signature` with' });

const AgentPlatformOut = z
  .object({
    id: z.string(),
    name: z.string(),
    tokenPrefix: z.string().openapi({ description: 'The first characters of the token, to tell tokens apart' }),
    webhookUrl: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('AgentPlatform');

const SecretOnce = z
  .string()
  .nullable()
  .openapi({ description: 'The webhook secret this call set (given or generated): shown once, null otherwise' });

const AgentPlatformCreated = AgentPlatformOut.extend({
  token: z.string().openapi({ description: 'The bearer token (`gacp_…`): shown once, give it to the platform now' }),
  webhookSecret: SecretOnce,
}).openapi('AgentPlatformCreated');

const AgentPlatformWebhookSet = AgentPlatformOut.extend({ webhookSecret: SecretOnce }).openapi(
  'AgentPlatformWebhookSet',
);

const RegisterInput = z
  .strictObject({
    name: z.string().trim().min(1, 'Name the platform').max(100, 'Use at most 100 characters'),
    webhookUrl: WebhookUrl.optional(),
    webhookSecret: WebhookSecret.optional(),
  })
  .openapi('AgentPlatformInput');

const WebhookInput = z
  .strictObject({
    webhookUrl: WebhookUrl.nullable().openapi({ description: 'null removes the webhook and its secret' }),
    webhookSecret: WebhookSecret.optional(),
  })
  .openapi('AgentPlatformWebhookInput');

/**
 * Agent platforms (Agentic Commerce Protocol, decision 025): platform admins register the agent platforms that may
 * call our ACP endpoints, hand them their bearer token once, set where order events go, and revoke them.
 */
export const agentPlatformAdminRoutes = createRouter()
  .openapi(
    route({
      method: 'get',
      path: '/admin/agent-platforms',
      tags,
      middleware: admin,
      summary: 'Registered agent platforms, revoked ones included (platform admins)',
      responses: { 200: jsonResponse(z.object({ data: z.array(AgentPlatformOut) })) },
    }),
    async (c) => {
      const data = await c.var.access.tx((tx) => listAgentPlatforms(tx));
      return c.json({ data }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/admin/agent-platforms',
      tags,
      middleware: admin,
      summary: 'Register an agent platform; its bearer token is returned once (platform admins)',
      request: { body: jsonBody(RegisterInput) },
      responses: { 201: jsonResponse(AgentPlatformCreated, 'Registered') },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { access } = c.var;
      const created = await access.tx((tx) => registerAgentPlatform(tx, access.actor, input));
      return c.json(created, 201);
    },
  )
  .openapi(
    route({
      method: 'put',
      path: '/admin/agent-platforms/{platformId}/webhook',
      tags,
      middleware: admin,
      summary: "Set or remove a platform's webhook URL and secret (platform admins)",
      request: { params: PlatformParam, body: jsonBody(WebhookInput) },
      responses: { 200: jsonResponse(AgentPlatformWebhookSet) },
    }),
    async (c) => {
      const { platformId } = c.req.valid('param');
      const input = c.req.valid('json');
      const { access } = c.var;
      const platform = await access.tx((tx) => updateAgentPlatformWebhook(tx, access.actor, platformId, input));
      return c.json(platform, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/admin/agent-platforms/{platformId}/revoke',
      tags,
      middleware: admin,
      summary: "Revoke a platform's token at once; revoking twice is a no-op (platform admins)",
      request: { params: PlatformParam },
      responses: { 200: jsonResponse(AgentPlatformOut) },
    }),
    async (c) => {
      const { platformId } = c.req.valid('param');
      const { access } = c.var;
      const platform = await access.tx((tx) => revokeAgentPlatform(tx, access.actor, platformId));
      return c.json(platform, 200);
    },
  );
