import type { UIMessageChunk } from 'ai';
import { z } from 'zod';

/*
 * The live assistant session's frames (decision 028), one JSON object per WebSocket message. The server validates
 * what the browser sends with these schemas and the web client types what it reads with these types: one source.
 */

/** What the browser sends. */
export const LiveClientFrame = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('ask'),
    text: z.string().trim().min(1, 'Write a message').max(4000, 'Keep a message under 4,000 characters'),
    /** A picture to look at, by reference: a gallery photo of the studio, or an artwork the user may see. */
    image: z.strictObject({ kind: z.enum(['photo', 'artwork']), id: z.uuid('Unknown picture') }).optional(),
  }),
  /** Stops the reply being written; what was written so far is kept. */
  z.strictObject({ type: z.literal('interrupt') }),
  z.strictObject({ type: z.literal('ping') }),
]);
export type LiveClientFrame = z.infer<typeof LiveClientFrame>;

/** What the server sends. */
export type LiveServerFrame =
  /** A session began (or renewed, history kept); `conversationId` is null until the first question. */
  | { type: 'session'; sessionId: string; conversationId: string | null; expiresAt: string; renewed: boolean }
  /** The first question created this conversation. */
  | { type: 'conversation'; id: string }
  /** A piece of the reply, as the AI SDK's UI-message stream has it (text deltas, tool calls and results). */
  | { type: 'chunk'; chunk: UIMessageChunk }
  /** The reply ended (interrupted: stopped by the user, kept as far as it went). */
  | { type: 'done'; interrupted: boolean }
  | { type: 'error'; code: string; message: string; retryAfterSeconds?: number; details?: unknown }
  | { type: 'pong' };

/** Close codes after which a client must not reconnect on its own (the reason says why). */
export const LIVE_FINAL_CLOSE_CODES = [4400, 4401, 4404, 4429, 4503] as const;
/** The server is restarting or moving the session: reconnect (to whichever instance answers). */
export const LIVE_RESTART_CLOSE_CODE = 1012;
