import { stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { Check } from '../doctor.ts';
import { chatModel, type Fetch, textEmbedder } from './models.ts';

/**
 * `gallerist doctor` with a model configured: one real chat call that must stream and call a tool, timed, and one
 * embedding. Without one it says what works anyway and how to add a model.
 */
export async function checkLlm(config: Config, fetchImpl?: Fetch): Promise<Check[]> {
  const name = 'assistants';
  const chat = chatModel(config, fetchImpl);
  const checks: Check[] = [];
  if (!chat) {
    checks.push({
      name,
      ok: true,
      detail: config.llm
        ? 'LLM_BASE_URL set but no LLM_MODEL: assistants are off; search, recommendations, MCP and ACP work'
        : 'no model configured: assistants are off; search, recommendations, MCP and ACP work',
      fix: 'Set LLM_BASE_URL, LLM_API_KEY and LLM_MODEL (any OpenAI-compatible API) to turn the assistants on.',
    });
  } else {
    const started = performance.now();
    let firstTokenMs: number | null = null;
    let deltas = 0;
    let toolCalled = false;
    // A streamed call reports failures here, not by throwing.
    let failure: unknown = null;
    try {
      const result = streamText({
        model: chat.model,
        system: 'You are a connectivity probe. Call the `ping` tool once, then reply with the single word: ready.',
        prompt: 'Check the connection.',
        tools: {
          ping: tool({
            description: 'Answers pong.',
            inputSchema: z.object({}),
            execute: async () => {
              toolCalled = true;
              return { pong: true };
            },
          }),
        },
        stopWhen: stepCountIs(3),
        maxRetries: 0,
        abortSignal: AbortSignal.timeout(30_000),
        onError: ({ error }) => {
          failure = error;
        },
      });
      for await (const part of result.textStream) {
        if (part) {
          deltas++;
          firstTokenMs ??= performance.now() - started;
        }
      }
      if (failure) throw failure;
      const total = Math.round(performance.now() - started);
      const streaming = deltas > 1;
      checks.push({
        name,
        ok: toolCalled,
        detail: `${chat.id} answered in ${total} ms (first token ${firstTokenMs === null ? '—' : `${Math.round(firstTokenMs)} ms`}); streaming ${streaming ? 'yes' : `no (${deltas} chunk)`}; tool calls ${toolCalled ? 'yes' : 'no'}`,
        ...(toolCalled
          ? {}
          : { fix: 'The assistants need a model that supports tool (function) calling; pick another LLM_MODEL.' }),
      });
    } catch (err) {
      checks.push({
        name,
        ok: false,
        detail: `${chat.id} at ${config.llm?.baseUrl}: ${(err as Error).message}`,
        fix: 'Check LLM_BASE_URL (it usually ends in /v1), LLM_API_KEY and that LLM_MODEL exists there.',
      });
    }
  }
  const embedder = textEmbedder(config, fetchImpl);
  if (embedder) {
    const started = performance.now();
    try {
      const [v] = await embedder.embed(['gallerist doctor probe']);
      checks.push({
        name: 'embeddings',
        ok: v.length > 0,
        detail: `${embedder.model}: ${v.length} dimensions in ${Math.round(performance.now() - started)} ms; artwork text is embedded by it`,
      });
    } catch (err) {
      checks.push({
        name: 'embeddings',
        ok: false,
        detail: `${embedder.model}: ${(err as Error).message}`,
        fix: 'Check EMBEDDINGS_MODEL, or unset it to use the built-in text embedding.',
      });
    }
  }
  return checks;
}
