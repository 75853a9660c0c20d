import { randomUUID } from 'node:crypto';
import {
  convertToModelMessages,
  createUIMessageStreamResponse,
  stepCountIs,
  streamText,
  type ToolSet,
  toUIMessageStream,
  type UIMessage,
} from 'ai';
import type { Logger } from 'pino';
import { checkAccount } from '../../accounts/index.ts';
import { withUser } from '../../db/tenancy.ts';
import { AppError } from '../../errors.ts';
import { chatModel, type Fetch } from '../../llm/index.ts';
import type { McpPrincipal } from '../mcp/server.ts';
import { artistDraftTools } from './artist-tools.ts';
import { type Assistant, appendMessages, type Owner, openConversation } from './conversations.ts';
import { admitRequest, recordUsage } from './limits.ts';
import { ARTIST_PROMPT, PATRON_PROMPT, STUDIO_PROMPT } from './prompts.ts';
import { ARTIST_TOOLS, STUDIO_TOOLS, sellerTools } from './seller-tools.ts';
import { patronTools, type ToolDeps, type Viewer } from './tools.ts';

export interface ChatInput {
  assistant: Assistant;
  owner: Owner;
  viewer: Viewer;
  /** What the request counts against (user or guest, and IP for guests). */
  subjects: string[];
  conversationId?: string;
  /** The artist or studio account a seller assistant works for (its member's rights; counted in its limits). */
  accountId?: string;
  text: string;
  /** Aborted when the browser goes away or presses stop: the model call stops too. */
  signal?: AbortSignal;
}

export type ChatDeps = ToolDeps & { logger: Logger; fetch?: Fetch };

interface Setup {
  system: string;
  tools: ToolSet;
  accountId: string | null;
  close(): Promise<void>;
}

/**
 * The assistant's fixed prompt and tools for this caller: the patron's marketplace tools as themselves, or a seller
 * assistant's MCP tools as the signed-in member of the account (404 for an account they are not a member of or of
 * another kind, as the API answers).
 */
async function setup(deps: ChatDeps, input: ChatInput): Promise<Setup> {
  if (input.assistant === 'patron') {
    return { system: PATRON_PROMPT, tools: patronTools(deps, input.viewer), accountId: null, close: async () => {} };
  }
  const userId = input.viewer.userId;
  if (!userId) throw new AppError('unauthenticated', 'Sign in to continue');
  const kind = input.assistant;
  const account = await withUser(deps.db, { sub: userId }, (tx) =>
    checkAccount(tx, input.accountId, { id: userId, isPlatformAdmin: false }, { kind: [kind], min: 'member' }),
  );
  const principal: McpPrincipal = {
    keyId: null,
    userId,
    accountId: account.id,
    accountKind: kind,
    // The member's own role, as an API key's: owners and admins act as admins.
    role: account.role === 'member' ? 'member' : 'admin',
  };
  const seller = await sellerTools(deps, principal, kind === 'studio' ? STUDIO_TOOLS : ARTIST_TOOLS);
  const tools = kind === 'artist' ? { ...seller.tools, ...artistDraftTools(deps, principal) } : seller.tools;
  return {
    system: kind === 'studio' ? STUDIO_PROMPT : ARTIST_PROMPT,
    tools,
    accountId: account.id,
    close: seller.close,
  };
}

/** One line on why there is no assistant, for the API and the panel. */
export const NO_MODEL =
  'The assistant is off on this server: an administrator can turn it on by setting LLM_BASE_URL, LLM_API_KEY and LLM_MODEL.';

/** How many model round trips (tool calls and their follow-ups) one question may take. */
const MAX_STEPS = 5;

/**
 * Answers one message as a streamed UI-message response (Server-Sent Events): checks the limits, stores the user's
 * message (committed before the model is called: no transaction stays open over the network), streams the model's
 * reply and its tool calls, then stores the reply and its token usage. The system prompt and the tool set are the
 * server's; the user's text and tool results reach the model only as user and tool messages.
 */
export async function assistantChat(deps: ChatDeps, input: ChatInput): Promise<Response> {
  const chat = chatModel(deps.config, deps.fetch);
  if (!chat) throw new AppError('unavailable', NO_MODEL);
  const ready = await setup(deps, input);
  let conversation: Awaited<ReturnType<typeof openConversation>>;
  const subjects = ready.accountId ? [...input.subjects, `account:${ready.accountId}`] : input.subjects;
  try {
    await admitRequest(deps.db, deps.config, deps.clock, subjects);
    conversation = await openConversation(
      deps.db,
      input.owner,
      input.assistant,
      input.conversationId,
      input.text,
      ready.accountId,
    );
  } catch (err) {
    await ready.close();
    throw err;
  }
  // "Try again" after a failed reply resends the same question: answer the stored one instead of storing it twice.
  const last = conversation.history.at(-1);
  const retry =
    last?.role === 'user' &&
    last.parts.length === 1 &&
    last.parts[0].type === 'text' &&
    last.parts[0].text === input.text;
  const userMessage: UIMessage = retry
    ? (conversation.history.pop() as UIMessage)
    : { id: randomUUID(), role: 'user', parts: [{ type: 'text', text: input.text }] };
  if (!retry) await appendMessages(deps.db, input.owner, conversation.id, [userMessage], deps.clock);

  const tools = ready.tools;
  const history = [...conversation.history, userMessage];
  const result = streamText({
    model: chat.model,
    system: ready.system,
    messages: await convertToModelMessages(history, { tools, ignoreIncompleteToolCalls: true }),
    tools,
    stopWhen: stepCountIs(MAX_STEPS),
    maxRetries: 1,
    abortSignal: input.signal,
    // Reported to the browser by the UI stream's onError below; logged here instead of the SDK's console output.
    onError: ({ error }) =>
      deps.logger.warn({ err: error, conversationId: conversation.id }, 'assistant model call failed'),
  });
  const stream = toUIMessageStream({
    stream: result.stream,
    tools,
    originalMessages: history,
    generateMessageId: randomUUID,
    onError: (err) => {
      deps.logger.warn({ err, conversationId: conversation.id }, 'assistant reply failed');
      return 'The assistant could not answer just now. Please try again.';
    },
    onFinish: async ({ responseMessage }) => {
      try {
        if (responseMessage.parts.length) {
          await appendMessages(deps.db, input.owner, conversation.id, [responseMessage], deps.clock);
        }
        await recordUsage(deps.db, deps.clock, {
          subjects,
          userId: input.viewer.userId,
          accountId: ready.accountId,
          guest: input.owner.kind === 'guest',
          assistant: input.assistant,
          model: chat.id,
          usage: await result.totalUsage,
        });
      } catch (err) {
        deps.logger.error({ err, conversationId: conversation.id }, 'could not store the assistant reply');
      } finally {
        await ready.close();
      }
    },
  });
  return createUIMessageStreamResponse({ stream, headers: { 'x-conversation-id': conversation.id } });
}
