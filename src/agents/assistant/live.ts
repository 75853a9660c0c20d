import { upgradeWebSocket } from '@hono/node-server';
import type { UIMessageChunk } from 'ai';
import type { WSContext } from 'hono/ws';
import { sql } from 'kysely';
import { z } from 'zod';
import { withService, withUser } from '../../db/tenancy.ts';
import { AppError, isAppError } from '../../errors.ts';
import { assertCsrfPresented } from '../../http/middleware.ts';
import { type AppRouter, createRouter, flattenIssues } from '../../http/openapi.ts';
import { chatModel } from '../../llm/index.ts';
import {
  type AssistantSetup,
  beginTurn,
  type Caller,
  type ChatDeps,
  NO_MODEL,
  openAssistant,
  replyStream,
} from './chat.ts';
import { openConversation } from './conversations.ts';
import { LIVE_RESTART_CLOSE_CODE, LiveClientFrame, type LiveServerFrame } from './live-protocol.ts';
import { pictureFor } from './pictures.ts';

/*
 * Live sessions (issue 13, decision 028): a WebSocket between the browser and the server, which streams each turn
 * from the model API with the server's key. A session lasts ASSISTANT_LIVE_SESSION_MINUTES, then renews with the
 * conversation carried over; a user holds at most ASSISTANT_LIVE_SESSIONS_PER_USER at once, counted in Postgres so
 * every instance agrees. The protocol, one JSON object per frame:
 *   browser → server  {type:'ask', text, image?:{kind:'photo'|'artwork', id}} · {type:'interrupt'} · {type:'ping'}
 *   server → browser  {type:'session', sessionId, conversationId, expiresAt, renewed} · {type:'conversation', id}
 *                     {type:'chunk', chunk} (AI SDK UI-message chunks) · {type:'done', interrupted}
 *                     {type:'error', code, message, retryAfterSeconds?} · {type:'pong'}
 * Close codes: 1012 server restarting (reconnect), 4400 bad frame, 4404 unknown conversation or account,
 * 4429 too many live sessions (with the reason), 4503 no model.
 */

const ASSISTANTS = ['patron', 'artist', 'studio'] as const;

const LiveQuery = z.strictObject({
  assistant: z.enum(ASSISTANTS),
  csrf: z.string().max(200).optional(),
  accountId: z.uuid('Unknown account').optional(),
  conversationId: z.uuid('Unknown conversation').optional(),
});

const Frame = LiveClientFrame;
type Frame = LiveClientFrame;

/** A frame larger than this is refused: questions are text, pictures travel by reference. */
export const LIVE_MAX_FRAME = 64 * 1024;
/** How often the instance marks its sockets alive; a session unseen for LAPSE no longer counts (crashed instance). */
const HEARTBEAT_MS = 30_000;
const LAPSE_MS = 90_000;
const TICK_MS = 5_000;

interface Live {
  ws: WSContext;
  caller: Caller & { viewer: { userId: string } };
  setup: AssistantSetup | null;
  sessionId: string;
  conversationId: string | null;
  expiresAt: Date;
  reply: AbortController | null;
  busy: Promise<void> | null;
  closed: boolean;
}

export interface LiveHub {
  routes: AppRouter;
  /** Closes every socket of this instance (1012: clients reconnect, to another instance if this one is going). */
  close(): Promise<void>;
}

function send(ws: WSContext, message: LiveServerFrame) {
  if (ws.readyState === 1) ws.send(JSON.stringify(message));
}

function errorFrame(err: unknown): LiveServerFrame {
  if (isAppError(err)) {
    const retry = (err.details as { retryAfterSeconds?: number } | null)?.retryAfterSeconds;
    return { type: 'error', code: err.code, message: err.message, ...(retry ? { retryAfterSeconds: retry } : {}) };
  }
  return { type: 'error', code: 'internal', message: 'Something went wrong. Please try again.' };
}

/**
 * Opens a session row, refusing one over the user's limit. Renewal ends the old row in the same transaction, so a
 * renewing user never counts twice nor loses their place to another tab.
 */
async function openSessionRow(
  deps: ChatDeps,
  caller: Live['caller'],
  accountId: string | null,
  conversationId: string | null,
  renewedFrom: string | null,
): Promise<{ id: string; expiresAt: Date }> {
  const userId = caller.viewer.userId;
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + deps.config.ASSISTANT_LIVE_SESSION_MINUTES * 60_000);
  return withUser(deps.db, { sub: userId }, async (tx) => {
    // One admission at a time per user, across instances: the count and the insert see the same sessions.
    await sql`select pg_advisory_xact_lock(hashtextextended(${`assistant-live:${userId}`}, 0))`.execute(tx);
    if (renewedFrom) {
      await tx
        .updateTable('assistant_live_sessions')
        .set({ ended_at: now, end_reason: 'renewed' })
        .where('id', '=', renewedFrom)
        .where('ended_at', 'is', null)
        .execute();
    } else {
      const open = await tx
        .selectFrom('assistant_live_sessions')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('user_id', '=', userId)
        .where('ended_at', 'is', null)
        .where('seen_at', '>', new Date(now.getTime() - LAPSE_MS))
        .executeTakeFirstOrThrow();
      const max = deps.config.ASSISTANT_LIVE_SESSIONS_PER_USER;
      if (Number(open.n) >= max) {
        throw new AppError(
          'rate_limited',
          `You already have ${max} live assistant sessions open (in other tabs or windows). Close one to start another.`,
          { limit: max },
        );
      }
    }
    const row = await tx
      .insertInto('assistant_live_sessions')
      .values({
        user_id: userId,
        assistant: caller.assistant,
        account_id: accountId,
        conversation_id: conversationId,
        renewed_from: renewedFrom,
        started_at: now,
        expires_at: expiresAt,
        seen_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id, expiresAt };
  });
}

async function endSessionRow(deps: ChatDeps, live: Live, reason: 'closed' | 'server_stopped') {
  await withUser(deps.db, { sub: live.caller.viewer.userId }, (tx) =>
    tx
      .updateTable('assistant_live_sessions')
      .set({ ended_at: deps.clock.now(), end_reason: reason })
      .where('id', '=', live.sessionId)
      .where('ended_at', 'is', null)
      .execute(),
  );
}

/** The live-session WebSocket route and the instance's open sockets (one hub per app, built by the module). */
export function createLiveHub(deps: ChatDeps): LiveHub {
  const sockets = new Set<Live>();
  let lastBeat = 0;
  let stopping = false;

  const sessionFrame = (live: Live, renewed: boolean): LiveServerFrame => ({
    type: 'session',
    sessionId: live.sessionId,
    conversationId: live.conversationId,
    expiresAt: live.expiresAt.toISOString(),
    renewed,
  });

  /** A new session in place of an expired one: tools set up afresh (rights re-checked), the conversation kept. */
  async function renew(live: Live) {
    const setup = await openAssistant(deps, live.caller);
    await live.setup?.close();
    live.setup = setup;
    const row = await openSessionRow(deps, live.caller, setup.accountId, live.conversationId, live.sessionId);
    live.sessionId = row.id;
    live.expiresAt = row.expiresAt;
    send(live.ws, sessionFrame(live, true));
  }

  const expired = (live: Live) => deps.clock.now().getTime() >= live.expiresAt.getTime();

  async function answer(live: Live, frame: Extract<Frame, { type: 'ask' }>) {
    if (expired(live)) await renew(live);
    const setup = live.setup as AssistantSetup;
    const image = frame.image
      ? await pictureFor(deps, live.caller.viewer.userId, setup.accountId, live.caller.assistant, frame.image)
      : undefined;
    const turn = await beginTurn(deps, setup, live.caller, {
      conversationId: live.conversationId ?? undefined,
      text: frame.text,
      image,
    });
    if (live.conversationId !== turn.conversationId) {
      live.conversationId = turn.conversationId;
      send(live.ws, { type: 'conversation', id: turn.conversationId });
      await withUser(deps.db, { sub: live.caller.viewer.userId }, (tx) =>
        tx
          .updateTable('assistant_live_sessions')
          .set({ conversation_id: turn.conversationId })
          .where('id', '=', live.sessionId)
          .execute(),
      );
    }
    const ctrl = new AbortController();
    live.reply = ctrl;
    let stored!: () => void;
    const done = new Promise<void>((r) => {
      stored = r;
    });
    const stream = await replyStream(deps, setup, live.caller, turn, { signal: ctrl.signal, onEnd: () => stored() });
    const reader = stream.getReader();
    try {
      for (;;) {
        const { done: end, value } = await reader.read();
        if (end) break;
        send(live.ws, { type: 'chunk', chunk: value satisfies UIMessageChunk });
      }
    } finally {
      // The reply (even a partial one) is stored before the next question is taken; a broken stream may never
      // report it, so the wait is bounded.
      await Promise.race([done, new Promise((r) => setTimeout(r, 10_000).unref())]);
      live.reply = null;
    }
    send(live.ws, { type: 'done', interrupted: ctrl.signal.aborted });
  }

  function onFrame(live: Live, raw: unknown) {
    let frame: Frame;
    try {
      const text = typeof raw === 'string' ? raw : '';
      const parsed = Frame.safeParse(JSON.parse(text));
      if (!parsed.success) {
        send(live.ws, {
          type: 'error',
          code: 'validation_failed',
          message: parsed.error.issues[0]?.message ?? 'The message is invalid',
          details: flattenIssues(parsed.error.issues),
        });
        return;
      }
      frame = parsed.data;
    } catch {
      send(live.ws, { type: 'error', code: 'invalid_json', message: 'Frames are JSON objects' });
      return;
    }
    if (frame.type === 'ping') return send(live.ws, { type: 'pong' });
    if (frame.type === 'interrupt') return live.reply?.abort();
    if (live.busy) {
      send(live.ws, {
        type: 'error',
        code: 'conflict',
        message: 'The assistant is still answering: wait for it, or interrupt it.',
      });
      return;
    }
    live.busy = answer(live, frame)
      .catch((err) => {
        if (!isAppError(err)) deps.logger.error({ err, sessionId: live.sessionId }, 'live assistant turn failed');
        send(live.ws, errorFrame(err));
      })
      .finally(() => {
        live.busy = null;
      });
  }

  async function open(live: Live, resume: string | undefined) {
    try {
      live.setup = await openAssistant(deps, live.caller);
      // Resuming after a reconnect: the conversation must be this user's, with this assistant and account.
      if (resume) {
        await openConversation(deps.db, live.caller.owner, live.caller.assistant, resume, '', live.setup.accountId);
        live.conversationId = resume;
      }
      const row = await openSessionRow(deps, live.caller, live.setup.accountId, live.conversationId, null);
      live.sessionId = row.id;
      live.expiresAt = row.expiresAt;
      if (live.closed || stopping) {
        await endSessionRow(deps, live, 'closed');
        await live.setup.close();
        return;
      }
      sockets.add(live);
      send(live.ws, sessionFrame(live, false));
    } catch (err) {
      await live.setup?.close();
      live.setup = null;
      send(live.ws, errorFrame(err));
      const code =
        isAppError(err) && err.code === 'rate_limited'
          ? 4429
          : isAppError(err) && err.code === 'not_found'
            ? 4404
            : 4400;
      live.ws.close(code, isAppError(err) ? err.message.slice(0, 120) : 'Could not start the session');
    }
  }

  async function closed(live: Live, reason: 'closed' | 'server_stopped') {
    if (live.closed) return;
    live.closed = true;
    sockets.delete(live);
    live.reply?.abort();
    await live.busy;
    if (live.sessionId) {
      await endSessionRow(deps, live, reason).catch((err) =>
        deps.logger.warn({ err, sessionId: live.sessionId }, 'could not end a live session'),
      );
    }
    await live.setup?.close().catch((err) => deps.logger.warn({ err }, 'could not close a live session’s tools'));
    live.setup = null;
  }

  // Heartbeats keep this instance's sessions counted; idle sessions past their time renew without a question.
  const timer = setInterval(() => {
    const now = Date.now();
    if (now - lastBeat >= HEARTBEAT_MS && sockets.size) {
      lastBeat = now;
      const ids = [...sockets].map((l) => l.sessionId);
      void withService(deps.db, (tx) =>
        tx
          .updateTable('assistant_live_sessions')
          .set({ seen_at: deps.clock.now() })
          .where('id', 'in', ids)
          .where('ended_at', 'is', null)
          .execute(),
      ).catch((err) => deps.logger.warn({ err }, 'live session heartbeat failed'));
    }
    for (const live of sockets) {
      if (!live.busy && expired(live)) {
        live.busy = renew(live)
          .catch((err) => send(live.ws, errorFrame(err)))
          .finally(() => {
            live.busy = null;
          });
      }
    }
  }, TICK_MS);
  timer.unref();

  const routes = createRouter();
  routes.get(
    '/assistant/:assistant/live',
    async (c, next) => {
      const parsed = LiveQuery.safeParse({ ...c.req.query(), assistant: c.req.param('assistant') });
      if (!parsed.success) {
        throw new AppError('validation_failed', 'The request is invalid', flattenIssues(parsed.error.issues));
      }
      if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
        throw new AppError('bad_request', 'This is a WebSocket endpoint: connect with a WebSocket client.');
      }
      // A browser opens a WebSocket cross-site with our cookies: the token and the Origin must say it is our page.
      assertCsrfPresented(c, parsed.data.csrf);
      if (!c.get('user')) throw new AppError('unauthenticated', 'Sign in to start a live session');
      if (!chatModel(deps.config)) throw new AppError('unavailable', NO_MODEL);
      if (stopping) throw new AppError('unavailable', 'This server is restarting: try again in a moment.');
      return next();
    },
    upgradeWebSocket((c) => {
      const user = c.get('user') as { id: string; email: string };
      const q = LiveQuery.parse({ ...c.req.query(), assistant: c.req.param('assistant') });
      const live: Live = {
        ws: undefined as unknown as WSContext,
        caller: {
          assistant: q.assistant,
          owner: { kind: 'user', userId: user.id },
          viewer: { userId: user.id, email: user.email },
          subjects: [`user:${user.id}`],
          accountId: q.accountId,
        },
        setup: null,
        sessionId: '',
        conversationId: null,
        expiresAt: new Date(0),
        reply: null,
        busy: null,
        closed: false,
      };
      let opening: Promise<void> = Promise.resolve();
      return {
        onOpen: (_evt, ws) => {
          live.ws = ws;
          // Never rejects: a failure to open has been told to the client and logged.
          opening = open(live, q.conversationId).catch((err) =>
            deps.logger.error({ err }, 'could not open a live assistant session'),
          );
        },
        onMessage: (evt, _ws) => {
          void opening.then(() => {
            if (!live.closed && live.setup) onFrame(live, evt.data);
          });
        },
        onClose: () => {
          void opening
            .then(() => closed(live, stopping ? 'server_stopped' : 'closed'))
            .catch((err) => deps.logger.warn({ err, sessionId: live.sessionId }, 'could not close a live session'));
        },
        onError: (evt) => deps.logger.warn({ err: evt }, 'live assistant socket error'),
      };
    }),
  );

  return {
    routes,
    async close() {
      stopping = true;
      clearInterval(timer);
      const all = [...sockets];
      for (const live of all) live.ws.close(LIVE_RESTART_CLOSE_CODE, 'The server is restarting: reconnecting…');
      await Promise.all(all.map((live) => closed(live, 'server_stopped')));
    },
  };
}
