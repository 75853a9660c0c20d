import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { notFound } from '../../errors.ts';
import { platformAdmin } from '../../http/access.ts';
import type { AppEnv } from '../../http/context.ts';
import { clientIp } from '../../http/middleware.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../../http/openapi.ts';
import { chatModel } from '../../llm/index.ts';
import { assistantChat, NO_MODEL } from './chat.ts';
import {
  deleteConversation,
  getConversation,
  listConversations,
  type Owner,
  renameConversation,
} from './conversations.ts';
import { usageSummary } from './limits.ts';

/** The browser's key to its guest conversations (httpOnly; only its hash is stored). */
const GUEST_COOKIE = 'gallerist_assistant';
const ASSISTANTS = ['patron', 'artist', 'studio'] as const;

const ChatInput = z.strictObject({
  conversationId: z.uuid('Unknown conversation').optional(),
  accountId: z
    .uuid('Unknown account')
    .optional()
    .describe('The artist or studio account (artist and studio assistants)'),
  message: z.string().trim().min(1, 'Write a message').max(4000, 'Keep a message under 4,000 characters'),
});
const ConversationOut = z
  .object({
    id: z.string(),
    title: z.string(),
    assistant: z.enum(['patron', 'artist', 'studio']),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('AssistantConversation');
const IdParam = z.object({ id: z.uuid('Unknown conversation') });

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

/** The signed-in user, or the guest this browser is (made on first use when `create`). */
function ownerOf(c: Context<AppEnv>, create: boolean): Owner | null {
  const user = c.get('user');
  if (user) return { kind: 'user', userId: user.id };
  let key = getCookie(c, GUEST_COOKIE);
  if (!key || !/^[\w-]{43}$/.test(key)) {
    if (!create) return null;
    key = randomBytes(32).toString('base64url');
    const { config } = c.get('deps');
    // A browser session cookie: a guest's conversations end with the session.
    setCookie(c, GUEST_COOKIE, key, {
      path: '/api/assistant',
      sameSite: 'Lax',
      secure: config.secureCookies,
      httpOnly: true,
    });
  }
  return { kind: 'guest', guestKey: hash(key) };
}

/** The assistants: status, streamed chat, stored conversations, and the admins' usage table (decision 028). */
export const assistantRoutes = createRouter()
  .openapi(
    route({
      method: 'get',
      path: '/assistant',
      tags: ['Assistant'],
      summary: 'Which assistants this server runs, and why not when one is off (public)',
      responses: {
        200: jsonResponse(
          z.object({
            model: z.string().nullable(),
            assistants: z.array(
              z.object({ name: z.enum(ASSISTANTS), available: z.boolean(), message: z.string().nullable() }),
            ),
          }),
        ),
      },
    }),
    (c) => {
      const chat = chatModel(c.get('deps').config);
      return c.json(
        {
          model: chat?.id ?? null,
          assistants: ASSISTANTS.map((name) => ({ name, available: Boolean(chat), message: chat ? null : NO_MODEL })),
        },
        200,
      );
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/assistant/{assistant}/chat',
      tags: ['Assistant'],
      summary:
        'Ask an assistant: the reply streams as Server-Sent Events in the AI SDK UI-message protocol; the conversation id is in x-conversation-id',
      request: { params: z.object({ assistant: z.enum(ASSISTANTS) }), body: jsonBody(ChatInput) },
      responses: {
        200: { description: 'The streamed reply', content: { 'text/event-stream': { schema: z.string() } } },
      },
    }),
    async (c) => {
      const { assistant } = c.req.valid('param');
      const { conversationId, accountId, message } = c.req.valid('json');
      const deps = c.get('deps');
      const user = c.get('user');
      const owner = ownerOf(c, true) as Owner;
      const subjects =
        owner.kind === 'user' ? [`user:${owner.userId}`] : [`guest:${owner.guestKey}`, `ip:${clientIp(c)}`];
      const res = await assistantChat(deps, {
        assistant,
        owner,
        viewer: { userId: user?.id ?? null, email: user?.email ?? null },
        subjects,
        conversationId,
        accountId,
        text: message,
        signal: c.req.raw.signal,
      });
      // The guest cookie set above travels with the stream.
      for (const [k, v] of c.res.headers) if (k === 'set-cookie') res.headers.append(k, v);
      return res as never;
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/assistant/conversations',
      tags: ['Assistant'],
      summary: "The caller's conversations with an assistant, most recent first (a guest's are this browser's)",
      request: {
        query: z.object({
          assistant: z.enum(ASSISTANTS).default('patron'),
          accountId: z.uuid('Unknown account').optional().describe("A seller assistant's account"),
        }),
      },
      responses: { 200: jsonResponse(z.object({ data: z.array(ConversationOut) })) },
    }),
    async (c) => {
      const owner = ownerOf(c, false);
      const { assistant, accountId } = c.req.valid('query');
      const data = owner ? await listConversations(c.get('deps').db, owner, assistant, accountId ?? null) : [];
      return c.json({ data }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/assistant/conversations/{id}',
      tags: ['Assistant'],
      summary: 'One of the caller’s conversations with its messages (AI SDK UI messages)',
      request: { params: IdParam },
      responses: {
        200: jsonResponse(
          z.object({
            conversation: ConversationOut,
            messages: z.array(
              z.object({ id: z.string(), role: z.enum(['user', 'assistant']), parts: z.array(z.unknown()) }),
            ),
          }),
        ),
      },
    }),
    async (c) => {
      const owner = ownerOf(c, false);
      const { id } = c.req.valid('param');
      if (!owner) throw notFound('Conversation');
      return c.json(await getConversation(c.get('deps').db, owner, id), 200);
    },
  )
  .openapi(
    route({
      method: 'patch',
      path: '/assistant/conversations/{id}',
      tags: ['Assistant'],
      summary: 'Rename a conversation',
      request: {
        params: IdParam,
        body: jsonBody(z.strictObject({ title: z.string().trim().min(1, 'Give it a title').max(120) })),
      },
      responses: { 204: { description: 'Renamed' } },
    }),
    async (c) => {
      const owner = ownerOf(c, false);
      const { id } = c.req.valid('param');
      const { title } = c.req.valid('json');
      const { db, clock } = c.get('deps');
      if (!owner) throw notFound('Conversation');
      await renameConversation(db, owner, id, title, clock);
      return c.body(null, 204);
    },
  )
  .openapi(
    route({
      method: 'delete',
      path: '/assistant/conversations/{id}',
      tags: ['Assistant'],
      summary: 'Delete a conversation and its messages',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' } },
    }),
    async (c) => {
      const owner = ownerOf(c, false);
      const { id } = c.req.valid('param');
      if (!owner) throw notFound('Conversation');
      await deleteConversation(c.get('deps').db, owner, id);
      return c.body(null, 204);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/admin/assistant/usage',
      tags: ['Assistant'],
      summary: 'Assistant token usage per user, account and model (platform admins)',
      middleware: platformAdmin(),
      request: { query: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }) },
      responses: {
        200: jsonResponse(
          z.object({
            since: z.string(),
            data: z.array(
              z.object({
                assistant: z.enum(['patron', 'artist', 'studio']),
                model: z.string(),
                who: z.string(),
                account: z.string().nullable(),
                requests: z.number().int(),
                inputTokens: z.number().int(),
                outputTokens: z.number().int(),
              }),
            ),
          }),
        ),
      },
    }),
    async (c) => {
      const { days } = c.req.valid('query');
      const since = new Date(c.get('deps').clock.now().getTime() - days * 86_400_000);
      const data = await c.var.access.tx((tx) => usageSummary(tx, since));
      return c.json({ since: since.toISOString(), data }, 200);
    },
  );
