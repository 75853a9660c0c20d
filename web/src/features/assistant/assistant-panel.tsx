import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { ConfirmDelete } from '../../components/confirm-delete.tsx';
import { Alert, Button, ErrorAlert, Input, Spinner, Textarea } from '../../components/ui/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';
import {
  type AssistantName,
  keys,
  type PictureRef,
  useAssistantStatus,
  useConversations,
  useDeleteConversation,
  useRenameConversation,
} from './api.ts';
import { assistantCopy } from './assistant-copy.ts';
import { type Chat, useChat } from './chat-store.ts';
import type { LiveStatus } from './live-client.ts';
import { MessageView, NavigateContext } from './message-view.tsx';
import { PhotoPicker } from './photo-picker.tsx';

const MAX = 4000;

export interface AssistantPanelProps {
  assistant?: AssistantName;
  /** The artist or studio account the seller assistants work in. */
  accountId?: string;
  onNavigate: () => void;
}

/** An assistant's conversation, loaded lazily when the dialog first opens (Markdown and all). */
export default function AssistantPanel({ assistant = 'patron', accountId, onNavigate }: AssistantPanelProps) {
  const status = useAssistantStatus();
  const entry = status.data?.assistants.find((a) => a.name === assistant);

  if (status.isPending) return <Spinner label="Loading the assistant" className="justify-center py-8" />;
  if (status.isError)
    return <ErrorAlert error={status.error} onRetry={status.refetch} title="Could not load the assistant" />;
  if (!entry?.available) {
    return (
      <Alert variant="info" title="The assistant is off">
        {entry?.message ?? 'The assistant is not available on this server.'}
      </Alert>
    );
  }
  return (
    <NavigateContext.Provider value={onNavigate}>
      <Conversation assistant={assistant} accountId={accountId} />
    </NavigateContext.Provider>
  );
}

function Conversation({ assistant, accountId }: { assistant: AssistantName; accountId?: string }) {
  const { user } = useSession();
  const [state, chat] = useChat(user?.id ?? 'guest', assistant, accountId);
  const copy = assistantCopy[assistant];
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const [showPast, setShowPast] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const log = useRef<HTMLDivElement>(null);
  const streaming = state.status === 'streaming';
  const last = state.messages.at(-1);
  const [picture, setPicture] = useState<PictureRef | null>(null);
  const [picking, setPicking] = useState(false);
  // Pictures go over the live session, which the studio assistant uses.
  const canShowPhotos = Boolean(chat.activate && accountId);

  useEffect(() => {
    input.current?.focus();
  }, []);
  // A live session is open while the panel shows it (and a little longer, for a reply still coming in).
  useEffect(() => chat.activate?.(), [chat]);
  // Keep the newest words in view while they arrive.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every new word by design
  useEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [state.messages]);

  // A question refused before it reached the model (over the limit, invalid) goes back in the box for later.
  const refused = state.error && !state.error.retryable ? state.error.resend : null;
  useEffect(() => {
    if (refused) setText((current) => current || refused);
  }, [refused]);

  const send = (message: string) => {
    const trimmed = message.trim();
    if (!trimmed || streaming || trimmed.length > MAX) return;
    setText('');
    void chat.send(trimmed, () => qc.invalidateQueries({ queryKey: keys.conversations }), picture ?? undefined);
    setPicture(null);
    setPicking(false);
    input.current?.focus();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send(text);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send(text);
    }
  };

  return (
    <div className="flex min-h-0 min-w-0 flex-1 flex-col gap-3">
      <div className="flex flex-wrap gap-2">
        <Button
          size="sm"
          variant="secondary"
          onClick={() => {
            chat.reset();
            setShowPast(false);
            input.current?.focus();
          }}
          disabled={state.messages.length === 0 && !state.conversationId}
        >
          New conversation
        </Button>
        <Button size="sm" variant="ghost" aria-expanded={showPast} onClick={() => setShowPast((v) => !v)}>
          Past conversations
        </Button>
      </div>
      {showPast ? (
        <PastConversations
          assistant={assistant}
          accountId={accountId}
          chat={chat}
          current={state.conversationId}
          onOpen={(id) => {
            setShowPast(false);
            void chat.open(id);
          }}
        />
      ) : null}

      <div
        ref={log}
        role="log"
        aria-live="polite"
        aria-label="Conversation"
        aria-busy={streaming || state.status === 'loading'}
        className="grid min-h-0 min-w-0 flex-1 content-start gap-4 overflow-y-auto overflow-x-hidden pr-1"
      >
        {state.status === 'loading' ? (
          <Spinner label="Loading the conversation" className="justify-center py-6" />
        ) : null}
        {state.status !== 'loading' && state.messages.length === 0 ? (
          <div className="grid gap-3 py-2">
            <p className="text-sm text-muted">{copy.intro}</p>
            <ul className="flex flex-wrap gap-2" aria-label="Suggestions">
              {copy.suggestions.map((s) => (
                <li key={s}>
                  <button
                    type="button"
                    onClick={() => send(s)}
                    className="focus-ring rounded-full border border-border-strong px-3 py-1 text-left text-sm hover:bg-stone-50"
                  >
                    {s}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {state.messages.map((m) => (
          <MessageView key={m.id} message={m} streaming={streaming && m === last} />
        ))}
      </div>

      {state.error ? (
        <Alert
          variant="error"
          title="The assistant could not answer"
          action={
            state.error.retryable && state.error.resend ? (
              <Button size="sm" variant="secondary" onClick={() => send(state.error?.resend ?? '')}>
                Try again
              </Button>
            ) : null
          }
        >
          {state.error.message}
        </Alert>
      ) : null}

      {state.live ? <LiveLine status={state.live} onReconnect={() => chat.activate?.()?.()} /> : null}
      {canShowPhotos && picking && accountId ? (
        <PhotoPicker
          accountId={accountId}
          onPick={(p) => {
            setPicture(p);
            setPicking(false);
            input.current?.focus();
          }}
        />
      ) : null}
      {picture ? (
        <p className="flex min-w-0 items-center gap-2 text-sm">
          <span className="min-w-0 truncate">
            Showing the photo <strong>{picture.title}</strong> with your next message
          </span>
          <Button size="sm" variant="ghost" onClick={() => setPicture(null)} aria-label={`Remove ${picture.title}`}>
            Remove
          </Button>
        </p>
      ) : null}

      <form onSubmit={submit} className="grid gap-1.5">
        <label htmlFor="assistant-message" className="sr-only">
          {copy.messageLabel}
        </label>
        <Textarea
          id="assistant-message"
          ref={input}
          rows={2}
          value={text}
          maxLength={MAX}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder={copy.placeholder}
          aria-describedby={text.length > MAX - 500 ? 'assistant-count' : undefined}
          className="max-h-40 resize-none"
        />
        <div className="flex items-center justify-between gap-2">
          <span id="assistant-count" className="text-xs text-muted" aria-live="polite">
            {text.length > MAX - 500 ? `${text.length.toLocaleString()} / ${MAX.toLocaleString()} characters` : ''}
          </span>
          {canShowPhotos ? (
            <Button
              size="sm"
              variant="ghost"
              aria-expanded={picking}
              onClick={() => setPicking((v) => !v)}
              className="ml-auto"
            >
              {picture ? 'Change photo' : 'Show a photo'}
            </Button>
          ) : null}
          {streaming ? (
            <Button size="sm" variant="secondary" onClick={() => chat.stop()}>
              Stop
            </Button>
          ) : (
            <Button size="sm" type="submit" disabled={!text.trim() || state.status !== 'idle'}>
              Send
            </Button>
          )}
        </div>
      </form>
    </div>
  );
}

/** The live session's state in words: connected, reconnecting (and when), or closed with the server's reason. */
function LiveLine({ status, onReconnect }: { status: LiveStatus; onReconnect: () => void }) {
  if (status.state === 'closed') {
    return (
      <Alert
        variant="info"
        title="Live session closed"
        action={
          <Button size="sm" variant="secondary" onClick={onReconnect}>
            Reconnect
          </Button>
        }
      >
        {status.reason || 'The live session has ended.'}
      </Alert>
    );
  }
  const words =
    status.state === 'open'
      ? 'Live session connected'
      : status.state === 'connecting'
        ? 'Connecting the live session…'
        : `Connection lost: reconnecting in ${Math.max(1, Math.round(status.inMs / 1000))} s…`;
  return (
    <p role="status" className="flex items-center gap-2 text-xs text-muted" data-live={status.state}>
      <span
        aria-hidden="true"
        className={`h-2 w-2 rounded-full ${status.state === 'open' ? 'bg-emerald-600' : 'bg-amber-500'}`}
      />
      {words}
    </p>
  );
}

function PastConversations({
  assistant,
  chat,
  current,
  onOpen,
  accountId,
}: {
  assistant: AssistantName;
  accountId?: string;
  chat: Chat;
  current: string | null;
  onOpen: (id: string) => void;
}) {
  const q = useConversations(assistant, accountId);
  const rename = useRenameConversation();
  const remove = useDeleteConversation();
  const [editing, setEditing] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [renameError, setRenameError] = useState<string | null>(null);

  if (q.isPending) return <Spinner label="Loading conversations" />;
  if (q.isError) return <ErrorAlert error={q.error} onRetry={q.refetch} title="Could not load conversations" />;
  if (q.data.data.length === 0) return <p className="text-sm text-muted">No past conversations yet.</p>;

  const saveTitle = (e: FormEvent, id: string) => {
    e.preventDefault();
    setRenameError(null);
    rename.mutate(
      { id, title },
      { onSuccess: () => setEditing(null), onError: (err) => setRenameError(errorMessage(err)) },
    );
  };

  return (
    <ul
      aria-label="Past conversations"
      className="grid max-h-56 gap-1 overflow-y-auto rounded-control border border-border p-2"
    >
      {q.data.data.map((c) => (
        <li key={c.id} className="flex min-w-0 flex-wrap items-center gap-1">
          {editing === c.id ? (
            <form onSubmit={(e) => saveTitle(e, c.id)} className="flex min-w-0 flex-1 flex-wrap items-center gap-1">
              <Input
                aria-label="Conversation title"
                value={title}
                maxLength={120}
                onChange={(e) => setTitle(e.target.value)}
                className="h-8 min-w-0 flex-1"
                autoFocus
              />
              <Button size="sm" type="submit" loading={rename.isPending}>
                Save
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setEditing(null)}>
                Cancel
              </Button>
              {renameError ? <p className="w-full text-xs text-red-700">{renameError}</p> : null}
            </form>
          ) : (
            <>
              <button
                type="button"
                onClick={() => onOpen(c.id)}
                aria-current={c.id === current ? 'true' : undefined}
                className="focus-ring min-w-0 flex-1 truncate rounded-md px-2 py-1 text-left text-sm hover:bg-stone-100 aria-[current]:font-semibold"
              >
                {c.title}
              </button>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Rename ${c.title}`}
                onClick={() => {
                  setEditing(c.id);
                  setTitle(c.title);
                  setRenameError(null);
                }}
              >
                Rename
              </Button>
              <ConfirmDelete
                name={`“${c.title}”`}
                description="The conversation and its messages are deleted for good."
                confirmLabel="Delete conversation"
                onDelete={async () => {
                  await remove.mutateAsync(c.id);
                  if (c.id === current) chat.reset();
                }}
              />
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
