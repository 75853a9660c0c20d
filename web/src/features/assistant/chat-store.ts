import { useSyncExternalStore } from 'react';
import { errorMessage, isApiError } from '../../lib/api.ts';
import {
  type AssistantName,
  applyChunk,
  type ChatMessage,
  fetchConversation,
  type PictureRef,
  streamChat,
  toParts,
} from './api.ts';
import type { LiveStatus } from './live-client.ts';
import { createLiveStore } from './live-store.ts';

export interface ChatError {
  message: string;
  /** Rate limits say when to try again themselves: no retry button then. */
  retryable: boolean;
  /** The question to send again on retry (when it never reached the model). */
  resend: string | null;
}

export interface ChatState {
  /** Whose conversation this is (user id or "guest"): a different user starts afresh. */
  owner: string | null;
  conversationId: string | null;
  messages: ChatMessage[];
  status: 'idle' | 'loading' | 'streaming';
  error: ChatError | null;
  /** The live session's connection, for assistants that talk over one (null otherwise). */
  live: LiveStatus | null;
}

export const initial: ChatState = {
  owner: null,
  conversationId: null,
  messages: [],
  status: 'idle',
  error: null,
  live: null,
};
let seq = 0;
export const nextId = () => `local-${++seq}`;

/** One assistant's conversation (per account for the seller assistants), with its actions. */
export interface Chat {
  stop(): void;
  reset(): void;
  open(id: string): Promise<void>;
  /** Sends a question (with a picture, over a live session) and streams the reply; `onDone` runs once it has ended. */
  send(text: string, onDone?: () => void, image?: PictureRef): Promise<void>;
  /** Live sessions: connects while a panel shows the conversation; the returned function lets go of it. */
  activate?(): () => void;
}

export interface Store extends Chat {
  subscribe(listener: () => void): () => void;
  get(): ChatState;
  /** A different user (or signed out): nothing of the previous conversation shows. */
  claim(owner: string): void;
}

function createStore(assistant: AssistantName, accountId: string | undefined): Store {
  let state: ChatState = initial;
  let controller: AbortController | null = null;
  const listeners = new Set<() => void>();

  function set(patch: Partial<ChatState>) {
    state = { ...state, ...patch };
    for (const l of listeners) l();
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get: () => state,
    claim(owner) {
      if (state.owner === owner) return;
      controller?.abort();
      controller = null;
      state = { ...initial, owner };
    },

    stop() {
      controller?.abort();
    },

    reset() {
      controller?.abort();
      set({ conversationId: null, messages: [], status: 'idle', error: null });
    },

    async open(id) {
      controller?.abort();
      const ctrl = new AbortController();
      controller = ctrl;
      set({ conversationId: id, messages: [], status: 'loading', error: null });
      try {
        const stored = await fetchConversation(id, ctrl.signal);
        if (controller !== ctrl) return;
        set({
          messages: stored.messages.map((m) => ({ id: m.id, role: m.role, parts: toParts(m.parts) })),
          status: 'idle',
        });
      } catch (e) {
        if (controller !== ctrl) return;
        set({ status: 'idle', error: { message: errorMessage(e), retryable: false, resend: null } });
      }
    },

    async send(text, onDone) {
      if (state.status !== 'idle') return;
      const ctrl = new AbortController();
      controller = ctrl;
      const user: ChatMessage = { id: nextId(), role: 'user', parts: [{ type: 'text', text }] };
      let reply: ChatMessage = { id: nextId(), role: 'assistant', parts: [] };
      let started = false;
      set({ messages: [...state.messages, user], status: 'streaming', error: null });
      const update = () => {
        if (controller !== ctrl) return;
        const messages = state.messages.filter((m) => m.id !== reply.id);
        set({ messages: [...messages, reply] });
      };
      try {
        await streamChat(
          assistant,
          {
            message: text,
            ...(accountId ? { accountId } : {}),
            ...(state.conversationId ? { conversationId: state.conversationId } : {}),
          },
          (conversationId) => {
            started = true;
            if (conversationId && controller === ctrl) set({ conversationId });
            update();
          },
          (chunk) => {
            if (chunk.type === 'error') {
              if (controller === ctrl) {
                set({
                  error: {
                    message: chunk.errorText ?? 'The assistant could not answer just now.',
                    retryable: true,
                    resend: text,
                  },
                });
              }
              return;
            }
            const next = applyChunk(reply, chunk);
            if (next !== reply) {
              reply = next;
              update();
            }
          },
          ctrl.signal,
        );
      } catch (e) {
        if (controller !== ctrl) return;
        if (ctrl.signal.aborted) {
          // Stopped: the partial reply stays.
        } else if (!started) {
          // The question never reached the model: take it back out, so a retry does not show it twice.
          set({
            messages: state.messages.filter((m) => m.id !== user.id),
            error: {
              message: errorMessage(e),
              retryable: !(isApiError(e) && (e.code === 'rate_limited' || e.status === 429 || e.status === 400)),
              resend: text,
            },
          });
        } else {
          set({ error: { message: errorMessage(e), retryable: true, resend: text } });
        }
      } finally {
        if (controller === ctrl) {
          controller = null;
          // An empty reply (stopped before a word) leaves no empty bubble.
          set({ status: 'idle', messages: state.messages.filter((m) => m.id !== reply.id || m.parts.length > 0) });
          onDone?.();
        }
      }
    },
  };
}

/** One conversation per assistant and account, for the page session. */
const stores = new Map<string, Store>();

function storeFor(assistant: AssistantName, accountId: string | undefined): Store {
  const key = `${assistant}:${accountId ?? ''}`;
  let store = stores.get(key);
  if (!store) {
    // The studio (gallery) assistant talks over a live session; the others stream each answer over HTTP.
    store =
      assistant === 'studio' && accountId ? createLiveStore(assistant, accountId) : createStore(assistant, accountId);
    stores.set(key, store);
  }
  return store;
}

/**
 * The conversation lives for the page session (module state), not with the dialog: closing the panel or moving
 * between pages keeps it, and a reply keeps streaming in the background. Each assistant (and, for the seller
 * assistants, each account) has its own.
 */
export function useChat(owner: string, assistant: AssistantName = 'patron', accountId?: string): [ChatState, Chat] {
  const store = storeFor(assistant, accountId);
  store.claim(owner);
  const state = useSyncExternalStore(store.subscribe, store.get);
  return [state, store];
}
