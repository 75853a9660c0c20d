import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, CSRF_COOKIE, CSRF_HEADER, createApiError, parseApiError, readCookie } from '../../lib/api.ts';
import type { ApiBody, ApiResponse, Schemas } from '../../lib/api-types.ts';

export type AssistantStatus = ApiResponse<'/assistant', 'get'>;
export type Conversation = Schemas['AssistantConversation'];
export type ConversationList = ApiResponse<'/assistant/conversations', 'get'>;
export type StoredConversation = ApiResponse<'/assistant/conversations/{id}', 'get'>;
export type ChatBody = ApiBody<'/assistant/{assistant}/chat', 'post'>;
export type Role = StoredConversation['messages'][number]['role'];
/** Which assistant: the patron's (anyone), or a seller's (a member of an artist or studio account). */
export type AssistantName = AssistantStatus['assistants'][number]['name'];

/** A text part of a message (AI SDK UIMessage part). */
export interface TextPart {
  type: 'text';
  text: string;
}
/** A tool call and, once known, its result (AI SDK UIMessage tool part, `type` is `tool-<name>`). */
export interface ToolPart {
  type: `tool-${string}`;
  toolCallId: string;
  state: 'input-streaming' | 'input-available' | 'output-available' | 'output-error';
  input?: unknown;
  output?: unknown;
  errorText?: string;
}
/** A picture the user showed the assistant, stored by reference (a gallery photo or an artwork). */
export interface PictureRef {
  kind: 'photo' | 'artwork';
  id: string;
  title: string;
}
export interface ImagePart {
  type: 'data-image';
  data: PictureRef;
}
export type Part = TextPart | ToolPart | ImagePart;
export interface ChatMessage {
  id: string;
  role: Role;
  parts: Part[];
}

export const keys = {
  status: ['assistant', 'status'] as const,
  conversations: ['assistant', 'conversations'] as const,
};

export function useAssistantStatus() {
  return useQuery({
    queryKey: keys.status,
    queryFn: ({ signal }) => api.get<AssistantStatus>('/api/assistant', undefined, signal),
    staleTime: 60_000,
  });
}

/** The user's conversations with an assistant; a seller assistant's for one account only. */
export function useConversations(assistant: AssistantName = 'patron', accountId?: string) {
  return useQuery({
    queryKey: [...keys.conversations, assistant, accountId ?? null],
    queryFn: ({ signal }) =>
      api.get<ConversationList>('/api/assistant/conversations', { assistant, accountId }, signal),
  });
}

export function fetchConversation(id: string, signal?: AbortSignal) {
  return api.get<StoredConversation>(`/api/assistant/conversations/${id}`, undefined, signal);
}

export function useRenameConversation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, title }: { id: string; title: string }) =>
      api.patch(`/api/assistant/conversations/${id}`, { title } satisfies ApiBody<
        '/assistant/conversations/{id}',
        'patch'
      >),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.conversations }),
  });
}

export function useDeleteConversation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/assistant/conversations/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.conversations }),
  });
}

/** Stored parts are `unknown` in the schema: keep the text and tool parts the panel knows how to show. */
export function toParts(parts: unknown[]): Part[] {
  const out: Part[] = [];
  for (const p of parts) {
    if (!p || typeof p !== 'object' || !('type' in p) || typeof p.type !== 'string') continue;
    if (p.type === 'text' && 'text' in p && typeof p.text === 'string') out.push({ type: 'text', text: p.text });
    else if (p.type === 'data-image' && 'data' in p && p.data && typeof p.data === 'object') {
      const d = p.data as Partial<PictureRef>;
      if ((d.kind === 'photo' || d.kind === 'artwork') && typeof d.id === 'string' && typeof d.title === 'string') {
        out.push({ type: 'data-image', data: { kind: d.kind, id: d.id, title: d.title } });
      }
    } else if (p.type.startsWith('tool-') && 'toolCallId' in p) out.push(p as ToolPart);
  }
  return out;
}

/** One chunk of the AI SDK UI-message stream (only the fields the panel reads). */
export interface StreamChunk {
  type: string;
  id?: string;
  delta?: string;
  toolCallId?: string;
  toolName?: string;
  input?: unknown;
  output?: unknown;
  errorText?: string;
}

/** Applies one stream chunk to the assistant message being built (a new object, so React sees the change). */
export function applyChunk(message: ChatMessage, chunk: StreamChunk): ChatMessage {
  const parts = [...message.parts];
  const tool = (id: string | undefined) =>
    parts.findIndex((p) => p.type !== 'text' && p.type !== 'data-image' && p.toolCallId === id);
  switch (chunk.type) {
    case 'text-start':
      parts.push({ type: 'text', text: '' });
      break;
    case 'text-delta': {
      const last = parts.at(-1);
      if (last?.type === 'text') parts[parts.length - 1] = { ...last, text: last.text + (chunk.delta ?? '') };
      else parts.push({ type: 'text', text: chunk.delta ?? '' });
      break;
    }
    case 'tool-input-start':
    case 'tool-input-available': {
      const i = tool(chunk.toolCallId);
      const next: ToolPart = {
        ...(i >= 0 ? (parts[i] as ToolPart) : {}),
        type: `tool-${chunk.toolName ?? 'unknown'}`,
        toolCallId: chunk.toolCallId ?? '',
        state: chunk.type === 'tool-input-start' ? 'input-streaming' : 'input-available',
        ...(chunk.type === 'tool-input-available' ? { input: chunk.input } : {}),
      };
      if (i >= 0) parts[i] = next;
      else parts.push(next);
      break;
    }
    case 'tool-output-available':
    case 'tool-output-error':
    case 'tool-input-error': {
      const i = tool(chunk.toolCallId);
      if (i < 0) break;
      const prev = parts[i] as ToolPart;
      parts[i] =
        chunk.type === 'tool-output-available'
          ? { ...prev, state: 'output-available', output: chunk.output }
          : { ...prev, state: 'output-error', errorText: chunk.errorText ?? 'The tool failed.' };
      break;
    }
    default:
      return message;
  }
  return { ...message, parts };
}

async function csrfToken(): Promise<string> {
  const existing = readCookie(CSRF_COOKIE);
  if (existing) return existing;
  // Any API GET sets the cookie; the session endpoint also returns the token.
  const session = await api.get<{ csrfToken?: string }>('/api/auth/session').catch(() => null);
  return readCookie(CSRF_COOKIE) ?? session?.csrfToken ?? '';
}

/**
 * Asks an assistant and streams the reply: calls `onChunk` for every UI-message-stream chunk (SSE `data:`
 * lines) and resolves with the conversation id once the stream ends. Errors before the stream are ApiErrors;
 * aborting `signal` stops the stream (and the model call on the server).
 */
export async function streamChat(
  assistant: AssistantName,
  body: ChatBody,
  onStart: (conversationId: string | null) => void,
  onChunk: (chunk: StreamChunk) => void,
  signal: AbortSignal,
  retried = false,
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`/api/assistant/${assistant}/chat`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        accept: 'text/event-stream',
        'content-type': 'application/json',
        [CSRF_HEADER]: await csrfToken(),
      },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    throw createApiError(0, 'network_error', 'Could not reach the server. Check your connection and try again.');
  }
  if (!res.ok || !res.body) {
    const json = await res.json().catch(() => null);
    const error = parseApiError(res.status, json);
    if (error.code === 'csrf_failed' && !retried) {
      await api.get('/api/auth/session').catch(() => null);
      return streamChat(assistant, body, onStart, onChunk, signal, true);
    }
    throw error;
  }
  onStart(res.headers.get('x-conversation-id'));
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += value;
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf('\n');
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      if (!data || data === '[DONE]') continue;
      try {
        onChunk(JSON.parse(data) as StreamChunk);
      } catch {
        // A malformed line is skipped; the rest of the reply still shows.
      }
    }
  }
}

/** The live session's socket address for the studio assistant (the CSRF token travels in the query). */
export function liveSocketUrl(assistant: AssistantName, accountId: string, conversationId: string | null): string {
  const q = new URLSearchParams({ csrf: readCookie(CSRF_COOKIE) ?? '', accountId });
  if (conversationId) q.set('conversationId', conversationId);
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${window.location.host}/api/assistant/${assistant}/live?${q}`;
}
