import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../../../test/app.ts';
import { type ScriptedLlm, startScriptedLlm } from '../../../test/fixtures/scripted-llm.ts';
import { testClient } from '../../../test/http.ts';
import { connectLive, type LiveStatus, type SocketLike } from '../../../web/src/features/assistant/live-client.ts';
import type { Clock } from '../../clock.ts';
import { loadConfig } from '../../config.ts';
import { withService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { type Platform, startPlatform } from '../../server.ts';
import type { LiveServerFrame } from './live-protocol.ts';

// Live assistant sessions over WebSocket (issue 13, decision 028), against a scripted OpenAI-compatible model: the
// server's socket, its limits and renewal, and the web app's own reconnecting client driven with `ws`.
let app: TestApp;
let llm: ScriptedLlm;
let db: DB;
let lumen: string;
let photoId: string;
// Real time plus an offset the tests move: sessions expire through the injectable clock.
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
const env = (llmUrl: string) => ({
  LLM_BASE_URL: llmUrl,
  LLM_MODEL: 'scripted-1',
  LLM_VISION_MODEL: 'scripted-vision',
  ASSISTANT_REQUESTS_PER_MINUTE: '1000',
});

type Http = ReturnType<typeof testClient>;
const http = (base = () => app.url) => testClient({ request: (path, init) => fetch(`${base()}${path}`, init) });

async function signedIn(email = 'studio@demo.gallerist.dev'): Promise<Http> {
  const c = http();
  await c.signIn(email);
  return c;
}

const cookie = (c: Http) => [...c.jar].map(([k, v]) => `${k}=${v}`).join('; ');
function liveUrl(base: string, c: Http, query: Record<string, string | undefined> = {}, assistant = 'studio') {
  const q = new URLSearchParams({ csrf: c.jar.get('gallerist_csrf') ?? '' });
  for (const [k, v] of Object.entries(query)) if (v) q.set(k, v);
  return `${base.replace(/^http/, 'ws')}/api/assistant/${assistant}/live?${q}`;
}

/** A raw socket that records every frame and its close. */
interface Probe {
  ws: WebSocket;
  frames: LiveServerFrame[];
  closed: Promise<{ code: number; reason: string }>;
  next(type: LiveServerFrame['type'], after?: number): Promise<LiveServerFrame>;
  send(frame: unknown): void;
}
function probe(url: string, c: Http, origin?: string): Promise<Probe> {
  const ws = new WebSocket(url, { headers: { cookie: cookie(c), ...(origin ? { origin } : {}) } });
  const frames: LiveServerFrame[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (d) => {
    frames.push(JSON.parse(String(d)));
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((r) =>
    ws.on('close', (code, reason) => {
      r({ code, reason: String(reason) });
      for (const w of waiters.splice(0)) w();
    }),
  );
  const p: Probe = {
    ws,
    frames,
    closed,
    async next(type, after = 0) {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const f = frames.slice(after).find((x) => x.type === type);
        if (f) return f;
        if (ws.readyState === WebSocket.CLOSED) throw new Error(`closed before a ${type} frame`);
        if (Date.now() > deadline) throw new Error(`no ${type} frame within 15 s: ${JSON.stringify(frames)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 1000);
        });
      }
    },
    send: (frame) => ws.send(JSON.stringify(frame)),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(p));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

const textOf = (frames: LiveServerFrame[], from = 0) =>
  frames
    .slice(from)
    .map((f) => (f.type === 'chunk' && f.chunk.type === 'text-delta' ? f.chunk.delta : ''))
    .join('');

const openRows = () =>
  withService(db, (tx) =>
    tx
      .selectFrom('assistant_live_sessions')
      .select(['id', 'end_reason', 'conversation_id', 'renewed_from'])
      .orderBy('started_at')
      .execute(),
  );

beforeAll(async () => {
  llm = await startScriptedLlm();
  app = await startTestApp({ clock, env: env(llm.url) });
  db = app.platform.deps.db;
  const ids = await withService(db, (tx) =>
    tx
      .selectFrom('gallery_photos as p')
      .innerJoin('accounts as a', 'a.id', 'p.account_id')
      .select(['a.id', 'p.id as photoId'])
      .where('a.slug', '=', 'lumen-photography')
      .executeTakeFirstOrThrow(),
  );
  lumen = ids.id;
  photoId = ids.photoId;
});
afterAll(async () => {
  await app?.stop();
  await llm?.stop();
});

describe('live session', () => {
  it('streams a reply word by word, shows a photo to the vision model, and stores the conversation', async () => {
    const studio = await signedIn();
    const p = await probe(liveUrl(app.url, studio, { accountId: lumen }), studio);
    const session = await p.next('session');
    expect(session).toMatchObject({ type: 'session', conversationId: null, renewed: false });
    llm.setScript(() => ({ text: 'A bright studio portrait with soft window light.', chunkDelayMs: 5 }));
    p.send({ type: 'ask', text: 'What do you see in this photo?', image: { kind: 'photo', id: photoId } });
    await p.next('done');
    const deltas = p.frames.filter((f) => f.type === 'chunk' && f.chunk.type === 'text-delta');
    expect(deltas.length).toBeGreaterThan(3);
    expect(textOf(p.frames)).toBe('A bright studio portrait with soft window light.');
    const conv = (await p.next('conversation')) as { id: string };
    // The picture went to the vision model as an image part; the server's key, never the browser's.
    const req = llm.requests.at(-1);
    expect(req?.model).toBe('scripted-vision');
    const parts = req?.messages.at(-1)?.content as Array<{ type: string; image_url?: { url: string } }>;
    expect(parts.map((x) => x.type)).toEqual(['text', 'image_url']);
    expect(parts[1].image_url?.url).toMatch(/^data:image\/jpeg;base64,.{100,}/);
    // Stored like any conversation, the picture by reference.
    const stored = await studio.get(`/api/assistant/conversations/${conv.id}`);
    expect(stored.status).toBe(200);
    expect(stored.body.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(stored.body.messages[0].parts[1]).toMatchObject({
      type: 'data-image',
      data: { kind: 'photo', id: photoId },
    });
    expect((await openRows()).find((r) => r.id === (session as { sessionId: string }).sessionId)?.conversation_id).toBe(
      conv.id,
    );

    // Bad frames are answered, not fatal; a second question waits for the first.
    p.send({ type: 'ask', text: '' });
    expect(await p.next('error', p.frames.length)).toMatchObject({ code: 'validation_failed' });
    p.ws.send('not json');
    expect(await p.next('error', p.frames.length)).toMatchObject({ code: 'invalid_json' });
    p.ws.close();
    await p.closed;
  });

  it('stops a reply when interrupted, keeping what was written', async () => {
    const studio = await signedIn();
    const p = await probe(liveUrl(app.url, studio, { accountId: lumen }), studio);
    await p.next('session');
    const long = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    llm.setScript(() => ({ text: long, chunkDelayMs: 20 }));
    p.send({ type: 'ask', text: 'Tell me a long story' });
    await p.next('chunk');
    const start = p.frames.length;
    for (;;) {
      if (textOf(p.frames).split(' ').length > 3) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    p.send({ type: 'ask', text: 'and another' });
    expect(await p.next('error', start)).toMatchObject({ code: 'conflict' });
    p.send({ type: 'interrupt' });
    expect(await p.next('done')).toEqual({ type: 'done', interrupted: true });
    const written = textOf(p.frames);
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThan(long.length);
    const conv = (await p.next('conversation')) as { id: string };
    const stored = await studio.get(`/api/assistant/conversations/${conv.id}`);
    const reply = stored.body.messages.at(-1);
    expect(reply.role).toBe('assistant');
    expect(JSON.stringify(reply.parts)).toContain('word1');
    expect(JSON.stringify(reply.parts)).not.toContain('word199');
    p.ws.close();
    await p.closed;
  });

  it('renews at its time limit with the conversation carried over', async () => {
    const studio = await signedIn();
    const p = await probe(liveUrl(app.url, studio, { accountId: lumen }), studio);
    const first = (await p.next('session')) as { sessionId: string; expiresAt: string };
    llm.setScript(() => ({ text: 'Noted: Jamie likes oak frames.' }));
    p.send({ type: 'ask', text: 'Remember that Jamie likes oak frames.' });
    await p.next('done');
    const mark = p.frames.length;
    offsetMs += 16 * 60_000;
    llm.setScript(() => ({ text: 'Oak frames, as you said.' }));
    p.send({ type: 'ask', text: 'What frames does Jamie like?' });
    const renewed = (await p.next('session', mark)) as { sessionId: string; renewed: boolean; conversationId: string };
    expect(renewed.renewed).toBe(true);
    expect(renewed.sessionId).not.toBe(first.sessionId);
    await p.next('done', mark);
    // The new session's first model call saw the whole conversation.
    const seen = JSON.stringify(llm.requests.at(-1)?.messages);
    expect(seen).toContain('Remember that Jamie likes oak frames.');
    expect(seen).toContain('Noted: Jamie likes oak frames.');
    const rows = await openRows();
    expect(rows.find((r) => r.id === first.sessionId)?.end_reason).toBe('renewed');
    expect(rows.find((r) => r.id === renewed.sessionId)).toMatchObject({
      renewed_from: first.sessionId,
      end_reason: null,
      conversation_id: renewed.conversationId,
    });
    p.ws.close();
    await p.closed;
  });

  it('refuses a fourth concurrent session with the reason, and counts a closed one out', async () => {
    const user = await signedIn('member@demo.gallerist.dev').catch(() => signedIn());
    // Whatever this user still had open from earlier tests ends first.
    const me = await user.get('/api/auth/session');
    await withService(db, (tx) =>
      tx
        .updateTable('assistant_live_sessions')
        .set({ ended_at: new Date(), end_reason: 'closed' })
        .where('user_id', '=', me.body.user.id)
        .where('ended_at', 'is', null)
        .execute(),
    );
    // Five at once (on Postgres, truly concurrent admissions): exactly three open, two are refused with the reason.
    const all = await Promise.all([1, 2, 3, 4, 5].map(() => probe(liveUrl(app.url, user, {}, 'patron'), user)));
    const first = await Promise.all(
      all.map(async (p) => {
        while (!p.frames.length) await new Promise((r) => setTimeout(r, 20));
        return p.frames[0];
      }),
    );
    const sessions = all.filter((_, i) => first[i].type === 'session');
    const refused = all.filter((_, i) => first[i].type === 'error');
    expect(sessions).toHaveLength(3);
    expect(refused).toHaveLength(2);
    for (const fourth of refused) {
      expect(fourth.frames[0]).toMatchObject({ code: 'rate_limited' });
      const closed = await fourth.closed;
      expect(closed.code).toBe(4429);
      expect(closed.reason).toMatch(/3 live assistant sessions/);
    }
    sessions[0].ws.close();
    await sessions[0].closed;
    // That session's own row (other rows were closed before this test began): once the server has ended it, one
    // place is free again.
    const closedId = (first[all.indexOf(sessions[0])] as { sessionId?: string }).sessionId;
    expect(closedId).toEqual(expect.any(String));
    await expect.poll(async () => (await openRows()).find((r) => r.id === closedId)?.end_reason).toBe('closed');
    const again = await probe(liveUrl(app.url, user, {}, 'patron'), user);
    expect(await again.next('session')).toMatchObject({ type: 'session' });
    for (const s of [...sessions.slice(1), again]) s.ws.close();
  });

  it('refuses strangers, other sites, other tenants and other users’ conversations', async () => {
    const studio = await signedIn();
    const stranger = http();
    await stranger.get('/api/auth/session');
    await expect(probe(liveUrl(app.url, stranger), stranger)).rejects.toThrow('HTTP 401');
    // No CSRF token, or a page on another site: refused before the upgrade.
    const noToken = liveUrl(app.url, studio).replace(/csrf=[^&]*/, 'csrf=');
    await expect(probe(noToken, studio)).rejects.toThrow('HTTP 403');
    await expect(probe(liveUrl(app.url, studio), studio, 'https://evil.example')).rejects.toThrow('HTTP 403');
    await expect(probe(liveUrl(app.url, studio, { accountId: 'nope' }), studio)).rejects.toThrow('HTTP 400');

    // An artist asking for the studio's assistant: the API's own 404, and the socket closes.
    const artist = await signedIn('artist@demo.gallerist.dev');
    const foreign = await probe(liveUrl(app.url, artist, { accountId: lumen }), artist);
    expect(await foreign.next('error')).toMatchObject({ code: 'not_found' });
    expect((await foreign.closed).code).toBe(4404);

    // Another user's conversation can't be resumed.
    const theirs = await withService(db, (tx) =>
      tx.selectFrom('assistant_conversations').select('id').where('assistant', '=', 'studio').executeTakeFirstOrThrow(),
    );
    const other = await probe(liveUrl(app.url, artist, { conversationId: theirs.id }, 'patron'), artist);
    expect(await other.next('error')).toMatchObject({ code: 'not_found' });
    expect((await other.closed).code).toBe(4404);

    // A photo the user's studio doesn't own (or an artist's work shown to the studio's photo slot) is not found.
    const p = await probe(liveUrl(app.url, artist, {}, 'patron'), artist);
    await p.next('session');
    p.send({ type: 'ask', text: 'look', image: { kind: 'photo', id: photoId } });
    expect(await p.next('error')).toMatchObject({ code: 'not_found', message: 'Photo not found' });
    p.ws.close();
  });
});

describe('live client', () => {
  it('reconnects after the server drops the socket and resumes the conversation on another instance', async () => {
    // Two more instances on the same database, as behind a load balancer: the client meets the third first, and
    // the third goes away mid-conversation.
    const instance = () =>
      startPlatform({
        config: loadConfig({
          PORT: '0',
          HOST: '127.0.0.1',
          DATA_DIR: mkdtempSync(join(tmpdir(), 'gallerist-live-')),
          LOG_LEVEL: 'silent',
          STRIPE_EMULATOR_PORT: '0',
          SESSION_SECRET: app.platform.deps.config.sessionSecret,
          ...env(llm.url),
        }),
        database: app.platform.database,
        clock,
      });
    const second: Platform = await instance();
    const third: Platform = await instance();
    try {
      const studio = await signedIn();
      let target = third.url;
      const statuses: LiveStatus[] = [];
      const frames: LiveServerFrame[] = [];
      const conn = connectLive({
        url: (conversationId) =>
          liveUrl(target, studio, { accountId: lumen, conversationId: conversationId ?? undefined }),
        open: (url) => new WebSocket(url, { headers: { cookie: cookie(studio) } }) as unknown as SocketLike,
        onFrame: (f) => frames.push(f),
        onStatus: (s) => statuses.push(s),
        backoff: { initialMs: 50, maxMs: 200 },
      });
      await expect.poll(() => statuses.at(-1)?.state).toBe('open');
      llm.setScript(() => ({ text: 'Lumen sold three prints this week.' }));
      expect(conn.send({ type: 'ask', text: 'How were sales this week?' })).toBe(true);
      await expect.poll(() => frames.some((f) => f.type === 'done')).toBe(true);
      const conversationId = conn.conversationId();
      expect(conversationId).toBeTruthy();

      // The instance restarts: the socket closes with 1012, the client retries, the balancer sends it elsewhere.
      target = second.url;
      await third.stop();
      await expect.poll(() => statuses.some((s) => s.state === 'reconnecting')).toBe(true);
      await expect.poll(() => statuses.filter((s) => s.state === 'open').length).toBe(2);
      const resumed = frames.filter((f) => f.type === 'session').at(-1) as { conversationId: string };
      expect(resumed.conversationId).toBe(conversationId);
      llm.setScript(() => ({ text: 'As I said: three prints.' }));
      const before = frames.length;
      expect(conn.send({ type: 'ask', text: 'Remind me?' })).toBe(true);
      await expect.poll(() => frames.slice(before).some((f) => f.type === 'done')).toBe(true);
      expect(JSON.stringify(llm.requests.at(-1)?.messages)).toContain('Lumen sold three prints this week.');
      const ended = await withService(db, (tx) =>
        tx
          .selectFrom('assistant_live_sessions')
          .select('end_reason')
          .where('conversation_id', '=', conversationId)
          .execute(),
      );
      expect(ended.map((r) => r.end_reason)).toEqual(expect.arrayContaining(['server_stopped', null]));
      conn.close();
      await expect.poll(() => statuses.at(-1)?.state).toBe('closed');
    } finally {
      await third.stop();
      await second.stop();
    }
  });
});
