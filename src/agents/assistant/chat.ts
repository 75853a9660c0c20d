import { randomUUID } from 'node:crypto';
import {
  convertToModelMessages,
  createUIMessageStreamResponse,
  type FilePart,
  stepCountIs,
  streamText,
  type TextPart,
  type ToolSet,
  type UIMessage,
  type UIMessageChunk,
} from 'ai';
import type { Logger } from 'pino';
import { checkAccount } from '../../accounts/index.ts';
import { withUser } from '../../db/tenancy.ts';
import { AppError } from '../../errors.ts';
import { chatModel, type Fetch, visionModel } from '../../llm/index.ts';
import type { McpPrincipal } from '../mcp/server.ts';
import { artistDraftTools } from './artist-tools.ts';
import { type Assistant, appendMessages, type Owner, openConversation } from './conversations.ts';
import { admitRequest, recordUsage } from './limits.ts';
import { ARTIST_PROMPT, PATRON_PROMPT, STUDIO_PROMPT } from './prompts.ts';
import { ARTIST_TOOLS, STUDIO_TOOLS, sellerTools } from './seller-tools.ts';
import { patronTools, type ToolDeps, type Viewer } from './tools.ts';

/** Who asks which assistant, for which account: what an answer's rights and limits come from. */
export interface Caller {
  assistant: Assistant;
  owner: Owner;
  viewer: Viewer;
  /** What the request counts against (user or guest, and IP for guests). */
  subjects: string[];
  /** The artist or studio account a seller assistant works for (its member's rights; counted in its limits). */
  accountId?: string;
}

export interface ChatInput extends Caller {
  conversationId?: string;
  text: string;
  /** Aborted when the browser goes away or presses stop: the model call stops too. */
  signal?: AbortSignal;
}

export type ChatDeps = ToolDeps & { logger: Logger; fetch?: Fetch };

/** An assistant set up for one caller: its fixed prompt and tools, opened once and closed when done. */
export interface AssistantSetup {
  system: string;
  tools: ToolSet;
  accountId: string | null;
  close(): Promise<void>;
}

/** A picture the user shows the assistant (a gallery photo or an artwork they may see), read by the server. */
export interface AttachedImage {
  kind: 'photo' | 'artwork';
  id: string;
  title: string;
  data: Uint8Array;
  mediaType: string;
}

/** A question ready to be answered: stored, counted, with the history the model sees. */
export interface Turn {
  conversationId: string;
  history: UIMessage[];
  subjects: string[];
  image?: AttachedImage;
}

/**
 * The assistant's fixed prompt and tools for this caller: the patron's marketplace tools as themselves, or a seller
 * assistant's MCP tools as the signed-in member of the account (404 for an account they are not a member of or of
 * another kind, as the API answers).
 */
export async function openAssistant(deps: ChatDeps, caller: Caller): Promise<AssistantSetup> {
  if (caller.assistant === 'patron') {
    return { system: PATRON_PROMPT, tools: patronTools(deps, caller.viewer), accountId: null, close: async () => {} };
  }
  const userId = caller.viewer.userId;
  if (!userId) throw new AppError('unauthenticated', 'Sign in to continue');
  const kind = caller.assistant;
  const account = await withUser(deps.db, { sub: userId }, (tx) =>
    checkAccount(tx, caller.accountId, { id: userId, isPlatformAdmin: false }, { kind: [kind], min: 'member' }),
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

/** The model for a reply: the vision model when the question carries a picture (503 when none is configured). */
export function replyModel(deps: ChatDeps, withImage: boolean) {
  const model = withImage ? visionModel(deps.config, deps.fetch) : chatModel(deps.config, deps.fetch);
  if (model) return model;
  if (!withImage) throw new AppError('unavailable', NO_MODEL);
  throw new AppError(
    'unavailable',
    'This server’s assistant cannot look at pictures: set LLM_VISION_MODEL to a model that can.',
  );
}

/**
 * Counts the question against the limits, opens (or creates) the conversation and stores the question, committed
 * before any model call: no transaction stays open over the network.
 */
export async function beginTurn(
  deps: ChatDeps,
  setup: AssistantSetup,
  caller: Caller,
  question: { conversationId?: string; text: string; image?: AttachedImage },
): Promise<Turn> {
  const subjects = setup.accountId ? [...caller.subjects, `account:${setup.accountId}`] : caller.subjects;
  await admitRequest(deps.db, deps.config, deps.clock, subjects);
  const conversation = await openConversation(
    deps.db,
    caller.owner,
    caller.assistant,
    question.conversationId,
    question.text,
    setup.accountId,
  );
  // "Try again" after a failed reply resends the same question: answer the stored one instead of storing it twice.
  const last = conversation.history.at(-1);
  const retry =
    !question.image &&
    last?.role === 'user' &&
    last.parts.length === 1 &&
    last.parts[0].type === 'text' &&
    last.parts[0].text === question.text;
  const parts: UIMessage['parts'] = [{ type: 'text', text: question.text }];
  // Stored as a reference: the picture itself is sent to the model for this question only.
  if (question.image) {
    const { kind, id, title } = question.image;
    parts.push({ type: 'data-image', data: { kind, id, title } });
  }
  const userMessage: UIMessage = retry
    ? (conversation.history.pop() as UIMessage)
    : { id: randomUUID(), role: 'user', parts };
  if (!retry) await appendMessages(deps.db, caller.owner, conversation.id, [userMessage], deps.clock);
  return {
    conversationId: conversation.id,
    history: [...conversation.history, userMessage],
    subjects,
    image: question.image,
  };
}

/**
 * Streams the model's answer to a turn as AI SDK UI-message chunks (text deltas, tool calls and results), then
 * stores the reply and its token usage. The system prompt and the tool set are the server's; the user's text and
 * tool results reach the model only as user and tool messages. `onEnd` runs once everything is stored.
 */
export async function replyStream(
  deps: ChatDeps,
  setup: AssistantSetup,
  caller: Caller,
  turn: Turn,
  opts: { signal?: AbortSignal; onEnd?: () => Promise<void> | void } = {},
): Promise<ReadableStream<UIMessageChunk>> {
  const model = replyModel(deps, Boolean(turn.image));
  const current = turn.history.at(-1);
  const messages = await convertToModelMessages(turn.history, {
    tools: setup.tools,
    ignoreIncompleteToolCalls: true,
    // Earlier pictures are named, not resent; this question's picture goes to the model as an image part.
    convertDataPart: (part): TextPart | FilePart | undefined => {
      if (part.type !== 'data-image') return undefined;
      const ref = part.data as { kind: string; id: string; title: string };
      if (turn.image && current?.parts.includes(part)) {
        return { type: 'file', data: turn.image.data, mediaType: turn.image.mediaType };
      }
      return { type: 'text', text: `(The user showed the ${ref.kind} “${ref.title}” here.)` };
    },
  });
  const log = { conversationId: turn.conversationId };
  const result = streamText({
    model: model.model,
    system: setup.system,
    messages,
    tools: setup.tools,
    stopWhen: stepCountIs(MAX_STEPS),
    maxRetries: 1,
    abortSignal: opts.signal,
    // Reported to the browser by the UI stream's onError below; logged here instead of the SDK's console output.
    onError: ({ error }) => deps.logger.warn({ err: error, ...log }, 'assistant model call failed'),
  });
  return result.toUIMessageStream({
    originalMessages: turn.history,
    generateMessageId: randomUUID,
    onError: (err) => {
      deps.logger.warn({ err, ...log }, 'assistant reply failed');
      return 'The assistant could not answer just now. Please try again.';
    },
    onFinish: async ({ responseMessage }) => {
      try {
        if (responseMessage.parts.length) {
          await appendMessages(deps.db, caller.owner, turn.conversationId, [responseMessage], deps.clock);
        }
        await recordUsage(deps.db, deps.clock, {
          subjects: turn.subjects,
          userId: caller.viewer.userId,
          accountId: setup.accountId,
          guest: caller.owner.kind === 'guest',
          assistant: caller.assistant,
          model: model.id,
          usage: await result.totalUsage,
        });
      } catch (err) {
        deps.logger.error({ err, ...log }, 'could not store the assistant reply');
      } finally {
        await opts.onEnd?.();
      }
    },
  });
}

/** Answers one message as a streamed UI-message response (Server-Sent Events); see `beginTurn` and `replyStream`. */
export async function assistantChat(deps: ChatDeps, input: ChatInput): Promise<Response> {
  replyModel(deps, false);
  const setup = await openAssistant(deps, input);
  let stream: ReadableStream<UIMessageChunk>;
  let turn: Turn;
  try {
    turn = await beginTurn(deps, setup, input, { conversationId: input.conversationId, text: input.text });
    stream = await replyStream(deps, setup, input, turn, { signal: input.signal, onEnd: setup.close });
  } catch (err) {
    await setup.close();
    throw err;
  }
  return createUIMessageStreamResponse({ stream, headers: { 'x-conversation-id': turn.conversationId } });
}
