import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScriptedLlm, startScriptedLlm } from '../../test/fixtures/scripted-llm.ts';
import { newDataDir } from '../../test/http.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { checkLlm } from './doctor.ts';
import { chatModel, textEmbedder } from './models.ts';

let llm: ScriptedLlm;
beforeAll(async () => {
  llm = await startScriptedLlm();
});
afterAll(() => llm?.stop());

const config = (env: Record<string, string>) => loadConfig({ DATA_DIR: newDataDir(), LOG_LEVEL: 'silent', ...env });

describe('model configuration', () => {
  it('is optional, and a model without an API to ask is a start-up error naming the variable', () => {
    const none = config({});
    expect(none.llm).toBeNull();
    expect(chatModel(none)).toBeNull();
    expect(textEmbedder(none)).toBeNull();
    expect(() => config({ LLM_MODEL: 'gpt-x' })).toThrow(ConfigError);
    expect(() => config({ LLM_MODEL: 'gpt-x' })).toThrow(/LLM_MODEL: needs LLM_BASE_URL/);
    expect(() => config({ LLM_BASE_URL: 'ftp://x' })).toThrow(/LLM_BASE_URL/);
    const full = config({ LLM_BASE_URL: 'http://h:1/v1/', LLM_MODEL: 'm', EMBEDDINGS_MODEL: 'e' });
    expect(full.llm).toEqual({
      baseUrl: 'http://h:1/v1',
      apiKey: null,
      model: 'm',
      visionModel: 'm',
      embeddingsModel: 'e',
    });
  });
});

describe('gallerist doctor', () => {
  it('without a model: says what still works and how to turn the assistants on', async () => {
    const [c] = await checkLlm(config({}));
    expect(c).toMatchObject({ name: 'assistants', ok: true });
    expect(c.detail).toMatch(/search, recommendations, MCP and ACP work/);
    expect(c.fix).toMatch(/LLM_BASE_URL/);
  });

  it('makes one real call: reports latency, streaming and tool calling, and checks the embedding model', async () => {
    llm.setScript((req) =>
      req.messages.some((m) => m.role === 'tool')
        ? { text: 'ready and able' }
        : { toolCall: { name: 'ping', arguments: {} } },
    );
    const checks = await checkLlm(
      config({ LLM_BASE_URL: llm.url, LLM_MODEL: 'scripted-1', EMBEDDINGS_MODEL: 'embed-1' }),
    );
    expect(checks.map((c) => c.name)).toEqual(['assistants', 'embeddings']);
    expect(checks[0].ok).toBe(true);
    expect(checks[0].detail).toMatch(
      /^scripted-1 answered in \d+ ms \(first token \d+ ms\); streaming yes; tool calls yes$/,
    );
    expect(checks[1]).toMatchObject({ ok: true, detail: expect.stringMatching(/^embed-1: 32 dimensions/) });
  });

  it('flags a model that never calls tools, and an API that cannot be reached', async () => {
    llm.setScript(() => ({ text: 'ready' }));
    const [noTools] = await checkLlm(config({ LLM_BASE_URL: llm.url, LLM_MODEL: 'plain' }));
    expect(noTools.ok).toBe(false);
    expect(noTools.detail).toMatch(/tool calls no/);
    expect(noTools.fix).toMatch(/tool \(function\) calling/);
    const [down] = await checkLlm(config({ LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'm' }));
    expect(down.ok).toBe(false);
    expect(down.fix).toMatch(/LLM_BASE_URL/);
  });
});
