import { signedIn } from '../http/access.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../http/openapi.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.ts';

const AccountIdParam = z.object({ accountId: z.uuid('Unknown account') });
const tags = ['API keys'];

const ApiKeyOut = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'The first characters of the key, to tell keys apart' }),
    role: z.enum(['admin', 'member']),
    createdBy: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey');

const ApiKeyCreated = ApiKeyOut.extend({
  secret: z.string().openapi({ description: 'The key itself (`gk_live_…`): shown once, store it now' }),
}).openapi('ApiKeyCreated');

const ApiKeyInput = z
  .strictObject({
    name: z.string().trim().min(1, 'Name the key').max(100),
    role: z.enum(['admin', 'member']).default('member'),
  })
  .openapi('ApiKeyInput');

/** An account's API keys for agents (MCP clients): owners and admins list, mint and revoke them. */
export const apiKeyRoutes = createRouter()
  .openapi(
    route({
      method: 'get',
      path: '/accounts/{accountId}/api-keys',
      tags,
      // The key services check the caller's role (owners and admins; a key never outranks its creator).
      middleware: signedIn(),
      summary: "The account's API keys, revoked ones included (owners and admins)",
      request: { params: AccountIdParam },
      responses: { 200: jsonResponse(z.object({ data: z.array(ApiKeyOut) })) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const { access } = c.var;
      const data = await access.tx((tx) => listApiKeys(tx, accountId, access.user.id));
      return c.json({ data }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/accounts/{accountId}/api-keys',
      tags,
      // The key services check the caller's role (owners and admins; a key never outranks its creator).
      middleware: signedIn(),
      summary: 'Create an API key acting with at most the given role; the secret is returned once (owners and admins)',
      request: { params: AccountIdParam, body: jsonBody(ApiKeyInput) },
      responses: { 201: jsonResponse(ApiKeyCreated, 'Created') },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const input = c.req.valid('json');
      const { access } = c.var;
      const key = await access.tx((tx) => createApiKey(tx, access.actor, accountId, input));
      return c.json(key, 201);
    },
  )
  .openapi(
    route({
      method: 'delete',
      path: '/accounts/{accountId}/api-keys/{keyId}',
      tags,
      // The key services check the caller's role (owners and admins; a key never outranks its creator).
      middleware: signedIn(),
      summary: 'Revoke an API key at once (owners and admins)',
      request: { params: AccountIdParam.extend({ keyId: z.uuid('Unknown API key') }) },
      responses: { 204: { description: 'Revoked' } },
    }),
    async (c) => {
      const { accountId, keyId } = c.req.valid('param');
      const { access } = c.var;
      await access.tx((tx) => revokeApiKey(tx, access.actor, accountId, keyId));
      return c.body(null, 204);
    },
  );
