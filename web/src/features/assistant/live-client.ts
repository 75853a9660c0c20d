import {
  LIVE_FINAL_CLOSE_CODES,
  type LiveClientFrame,
  type LiveServerFrame,
} from '../../../../src/agents/assistant/live-protocol.ts';

/*
 * The browser's end of a live assistant session (decision 028): one WebSocket that reconnects with backoff after a
 * dropped connection or a server restart and resumes the same conversation. It is plain TypeScript over the standard
 * WebSocket interface, so tests drive it with Node's `ws` against a real server.
 */

/** The part of the standard WebSocket this client uses (browsers' WebSocket and `ws` both have it). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type LiveStatus =
  | { state: 'connecting' }
  | { state: 'open'; sessionId: string; expiresAt: string }
  | { state: 'reconnecting'; attempt: number; inMs: number }
  /** Ended for good: by the user, or by a refusal the user must act on (the reason says which). */
  | { state: 'closed'; code: number; reason: string };

export interface LiveOptions {
  /** The socket URL for a (re)connection, resuming `conversationId` when there is one. */
  url(conversationId: string | null): string;
  open(url: string): SocketLike;
  onFrame(frame: LiveServerFrame): void;
  onStatus(status: LiveStatus): void;
  conversationId?: string | null;
  /** First retry delay and its cap; doubled per failed attempt, with jitter; given up after `attempts`. */
  backoff?: { initialMs: number; maxMs: number; attempts?: number };
}

export interface LiveConnection {
  /** False while (re)connecting: the caller waits for `open` before asking. */
  send(frame: LiveClientFrame): boolean;
  close(): void;
  conversationId(): string | null;
}

const OPEN = 1;

/** Opens a live session and keeps it open until `close()` or a final refusal. */
export function connectLive(opts: LiveOptions): LiveConnection {
  const backoff = opts.backoff ?? { initialMs: 500, maxMs: 15_000 };
  let conversationId = opts.conversationId ?? null;
  let socket: SocketLike | null = null;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let ended = false;
  let ready = false;

  function connect() {
    ready = false;
    opts.onStatus({ state: 'connecting' });
    const ws = opts.open(opts.url(conversationId));
    socket = ws;
    ws.onmessage = (ev) => {
      let frame: LiveServerFrame;
      try {
        frame = JSON.parse(String(ev.data)) as LiveServerFrame;
      } catch {
        return;
      }
      if (frame.type === 'session') {
        attempt = 0;
        ready = true;
        if (frame.conversationId) conversationId = frame.conversationId;
        opts.onStatus({ state: 'open', sessionId: frame.sessionId, expiresAt: frame.expiresAt });
      } else if (frame.type === 'conversation') {
        conversationId = frame.id;
      }
      opts.onFrame(frame);
    };
    ws.onclose = (ev) => {
      if (socket !== ws) return;
      socket = null;
      ready = false;
      const final = (LIVE_FINAL_CLOSE_CODES as readonly number[]).includes(ev.code);
      if (ended || final || attempt >= (backoff.attempts ?? 8)) {
        ended = true;
        const reason = ev.reason || (final || ev.code === 1000 ? '' : 'The live session could not reconnect.');
        opts.onStatus({ state: 'closed', code: ev.code, reason });
        return;
      }
      // Dropped or the server restarted: try again, later each time, resuming the conversation.
      attempt += 1;
      const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (attempt - 1));
      const inMs = Math.round(base / 2 + Math.random() * (base / 2));
      opts.onStatus({ state: 'reconnecting', attempt, inMs });
      timer = setTimeout(connect, inMs);
    };
    ws.onerror = () => {};
  }

  connect();
  return {
    send(frame) {
      if (!socket || socket.readyState !== OPEN || !ready) return false;
      socket.send(JSON.stringify(frame));
      return true;
    },
    close() {
      ended = true;
      if (timer) clearTimeout(timer);
      if (socket) socket.close(1000, 'closed by the user');
      else opts.onStatus({ state: 'closed', code: 1000, reason: 'closed by the user' });
    },
    conversationId: () => conversationId,
  };
}
