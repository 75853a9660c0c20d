import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModel, LanguageModel } from 'ai';
import { embedMany } from 'ai';
import type { Config, LlmConfig } from '../config.ts';

/*
 * The model API (decision 028): one OpenAI-compatible endpoint (OpenAI, Gemini's compatible endpoint, Ollama,
 * llama.cpp, vLLM) through the Vercel AI SDK. Every function returns null when the model it needs is not
 * configured, and callers say so plainly instead of pretending.
 */

/** Embeds texts with the configured EMBEDDINGS_MODEL. */
export interface TextEmbedder {
  model: string;
  embed(texts: string[]): Promise<number[][]>;
}

/** A fetch the tests (or a proxy) can swap in. */
export type Fetch = typeof globalThis.fetch;

function provider(llm: LlmConfig, fetchImpl?: Fetch) {
  return createOpenAICompatible({
    name: 'llm',
    baseURL: llm.baseUrl,
    ...(llm.apiKey ? { apiKey: llm.apiKey } : {}),
    // Usage numbers in streamed replies feed rate limits and the admin's usage table.
    includeUsage: true,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}

/** The chat model (LLM_MODEL), or null. */
export function chatModel(config: Pick<Config, 'llm'>, fetchImpl?: Fetch): { id: string; model: LanguageModel } | null {
  const llm = config.llm;
  if (!llm?.model) return null;
  return { id: llm.model, model: provider(llm, fetchImpl).chatModel(llm.model) };
}

/** The model that can look at images (LLM_VISION_MODEL, else LLM_MODEL), or null. */
export function visionModel(
  config: Pick<Config, 'llm'>,
  fetchImpl?: Fetch,
): { id: string; model: LanguageModel } | null {
  const llm = config.llm;
  if (!llm?.visionModel) return null;
  return { id: llm.visionModel, model: provider(llm, fetchImpl).chatModel(llm.visionModel) };
}

// Embedding APIs cap a request's inputs; 64 stays under every provider's limit we know of.
const EMBED_BATCH = 64;

/** The embedder for EMBEDDINGS_MODEL, or null (the recommendations then use their built-in text embedding). */
export function textEmbedder(config: Pick<Config, 'llm'>, fetchImpl?: Fetch): TextEmbedder | null {
  const llm = config.llm;
  if (!llm?.embeddingsModel) return null;
  const model: EmbeddingModel = provider(llm, fetchImpl).embeddingModel(llm.embeddingsModel);
  return {
    model: llm.embeddingsModel,
    async embed(texts) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += EMBED_BATCH) {
        const { embeddings } = await embedMany({ model, values: texts.slice(i, i + EMBED_BATCH), maxRetries: 2 });
        out.push(...embeddings);
      }
      return out;
    },
  };
}
