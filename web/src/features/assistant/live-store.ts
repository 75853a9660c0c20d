import type { LiveServerFrame } from '../../../../src/agents/assistant/live-protocol.ts';
import { errorMessage } from '../../lib/api.ts';
import {
  type AssistantName,
  applyChunk,
  type ChatMessage,
  fetchConversation,
  liveSocketUrl,
  type Part,
  type StreamChunk,
  toParts,
} from './api.ts';
import { type ChatState, initial, nextId, type Store } from './chat-store.ts';
import { connectLive, type LiveConnection, type SocketLike } from './live-client.ts';

// Refusals the user must act on before asking again: the question goes back in the box, without "Try again".
const FINAL_REFUSALS = new Set(['rate_limited', 'validation_failed', 'not_found', 'unavailable']);

/**
 * A conversation over a live session (decision 028): one WebSocket while the panel is open, reconnecting and resuming
 * the conversation on its own; replies stream in as frames, Stop interrupts the reply on the server.
 */
export function createLiveStore(assistant: AssistantName, accountId: string): Store {
  let state: ChatState = initial;
  const listeners = new Set<() => void>();
  let conn: LiveConnection | null = null;
  let current: object | null = null;
  let users = 0;
  let pending: { user: ChatMessage; reply: ChatMessage; text: string; onDone?: () => void; started: boolean } | null =
    null;

  function set(patch: Partial<ChatState>) {
    state = { ...state, ...patch };
    for (const l of listeners) l();
  }

  function showReply() {
    if (!pending) return;
    const reply = pending.reply;
    set({ messages: [...state.messages.filter((m) => m.id !== reply.id), reply] });
  }

  function finish(error: ChatState['error'] = null) {
    const p = pending;
    if (!p) return;
    pending = null;
    set({
      status: 'idle',
      error,
      // An empty reply (stopped before a word) leaves no empty bubble.
      messages: state.messages.filter((m) => m.id !== p.reply.id || m.parts.length > 0),
    });
    p.onDone?.();
  }

  function onFrame(frame: LiveServerFrame) {
    switch (frame.type) {
      case 'session':
        if (frame.conversationId) set({ conversationId: frame.conversationId });
        return;
      case 'conversation':
        set({ conversationId: frame.id });
        return;
      case 'chunk': {
        if (!pending) return;
        const chunk = frame.chunk as StreamChunk;
        if (chunk.type === 'error') {
          set({
            error: {
              message: chunk.errorText ?? 'The assistant could not answer just now.',
              retryable: true,
              resend: pending.text,
            },
          });
          return;
        }
        pending.started = true;
        const next = applyChunk(pending.reply, chunk);
        if (next !== pending.reply) {
          pending.reply = next;
          showReply();
        }
        return;
      }
      case 'done':
        finish(state.error);
        return;
      case 'error': {
        const error = {
          message: frame.message,
          retryable: !FINAL_REFUSALS.has(frame.code),
          resend: null as string | null,
        };
        if (pending && !pending.started) {
          // Refused before the model wrote anything: take the question back out, so it isn't shown twice.
          const p = pending;
          set({ messages: state.messages.filter((m) => m.id !== p.user.id && m.id !== p.reply.id) });
          finish({ ...error, resend: p.text });
        } else {
          set({ error });
        }
        return;
      }
      default:
        return;
    }
  }

  function connect() {
    const token = {};
    current = token;
    let opened = false;
    conn = connectLive({
      url: (conversationId) => liveSocketUrl(assistant, accountId, conversationId),
      open: (url) => new WebSocket(url) as unknown as SocketLike,
      conversationId: state.conversationId,
      onFrame: (f) => {
        if (current !== token) return;
        if (f.type === 'session') opened = true;
        // A refusal before the session opened is said once, by the closed session's reason.
        if (f.type === 'error' && !opened) return;
        onFrame(f);
      },
      onStatus: (live) => {
        if (current !== token) return;
        if (live.state === 'connecting') opened = false;
        set({ live });
        // The server stored what was written before the connection went: keep it, and say so.
        if (live.state !== 'open' && live.state !== 'connecting' && pending) {
          finish({
            message: 'The connection dropped while the assistant was answering; the reply so far is kept.',
            retryable: true,
            resend: pending.text,
          });
        }
        if (live.state === 'closed') {
          conn = null;
          current = null;
        }
      },
    });
  }

  function disconnect() {
    current = null;
    conn?.close();
    conn = null;
    set({ live: null });
  }

  function reconnectFresh() {
    const wasActive = users > 0;
    disconnect();
    if (wasActive) connect();
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get: () => state,
    claim(owner) {
      if (state.owner === owner) return;
      pending = null;
      disconnect();
      state = { ...initial, owner };
      if (users > 0) connect();
    },
    activate() {
      users += 1;
      if (!conn) connect();
      return () => {
        users -= 1;
        // The socket stays while a reply is still coming in, and closes once the panel has gone.
        setTimeout(() => {
          if (users === 0 && !pending) disconnect();
        }, 30_000);
      };
    },
    stop() {
      conn?.send({ type: 'interrupt' });
    },
    reset() {
      pending = null;
      set({ conversationId: null, messages: [], status: 'idle', error: null });
      reconnectFresh();
    },
    async open(id) {
      pending = null;
      set({ conversationId: id, messages: [], status: 'loading', error: null });
      try {
        const stored = await fetchConversation(id);
        if (state.conversationId !== id) return;
        set({
          messages: stored.messages.map((m) => ({ id: m.id, role: m.role, parts: toParts(m.parts) })),
          status: 'idle',
        });
        reconnectFresh();
      } catch (e) {
        if (state.conversationId !== id) return;
        set({ status: 'idle', error: { message: errorMessage(e), retryable: false, resend: null } });
      }
    },
    async send(text, onDone, image) {
      if (state.status !== 'idle') return;
      const parts: Part[] = [{ type: 'text', text }];
      if (image) parts.push({ type: 'data-image', data: image });
      const user: ChatMessage = { id: nextId(), role: 'user', parts };
      const reply: ChatMessage = { id: nextId(), role: 'assistant', parts: [] };
      const sent = conn?.send({ type: 'ask', text, ...(image ? { image: { kind: image.kind, id: image.id } } : {}) });
      if (!sent) {
        set({
          error: { message: 'The live session is connecting. Try again in a moment.', retryable: true, resend: text },
        });
        return;
      }
      pending = { user, reply, text, onDone, started: false };
      set({ messages: [...state.messages, user, reply], status: 'streaming', error: null });
    },
  };
}
