import { randomUUID } from 'node:crypto';
import {
  convertToModelMessages,
  createUIMessageStreamResponse,
  stepCountIs,
  streamText,
  toUIMessageStream,
  type UIMessage,
} from 'ai';
import type { Logger } from 'pino';
import { AppError } from '../../errors.ts';
import { chatModel, type Fetch } from '../../llm/index.ts';
import { type Assistant, appendMessages, type Owner, openConversation } from './conversations.ts';
import { admitRequest, recordUsage } from './limits.ts';
import { PATRON_PROMPT } from './prompts.ts';
import { patronTools, type ToolDeps, type Viewer } from './tools.ts';

export interface ChatInput {
  assistant: Assistant;
  owner: Owner;
  viewer: Viewer;
  /** What the request counts against (user or guest, and IP for guests). */
  subjects: string[];
  conversationId?: string;
  text: string;
  /** Aborted when the browser goes away or presses stop: the model call stops too. */
  signal?: AbortSignal;
}

export type ChatDeps = ToolDeps & { logger: Logger; fetch?: Fetch };

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
  if (input.assistant !== 'patron') throw new AppError('not_found', 'Assistant not found');
  await admitRequest(deps.db, deps.config, deps.clock, input.subjects);
  const conversation = await openConversation(deps.db, input.owner, input.assistant, input.conversationId, input.text);
  const userMessage: UIMessage = { id: randomUUID(), role: 'user', parts: [{ type: 'text', text: input.text }] };
  await appendMessages(deps.db, input.owner, conversation.id, [userMessage], deps.clock);

  const tools = patronTools(deps, input.viewer);
  const history = [...conversation.history, userMessage];
  const result = streamText({
    model: chat.model,
    system: PATRON_PROMPT,
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
          subjects: input.subjects,
          userId: input.viewer.userId,
          accountId: null,
          guest: input.owner.kind === 'guest',
          assistant: input.assistant,
          model: chat.id,
          usage: await result.totalUsage,
        });
      } catch (err) {
        deps.logger.error({ err, conversationId: conversation.id }, 'could not store the assistant reply');
      }
    },
  });
  return createUIMessageStreamResponse({ stream, headers: { 'x-conversation-id': conversation.id } });
}
