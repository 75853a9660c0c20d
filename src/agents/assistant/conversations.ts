import type { UIMessage } from 'ai';
import type { Clock } from '../../clock.ts';
import { withService, withUser } from '../../db/tenancy.ts';
import type { DB, Tx } from '../../db/types.ts';
import { notFound } from '../../errors.ts';

/*
 * Stored conversations (decision 028). A signed-in user's rows are read and written as that user (RLS: only the
 * owner sees them); a guest's are keyed by the hash of their browser's assistant cookie and kept by the server.
 */

export type Assistant = 'patron' | 'artist' | 'studio';
export type Owner = { kind: 'user'; userId: string } | { kind: 'guest'; guestKey: string };

/** How many earlier messages a reply sees: enough for a conversation, bounded in tokens. */
export const HISTORY_LIMIT = 30;

function asOwner<T>(db: DB, owner: Owner, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return owner.kind === 'user' ? withUser(db, { sub: owner.userId }, fn) : withService(db, fn);
}

function ownedBy(tx: Tx, owner: Owner) {
  const q = tx.selectFrom('assistant_conversations as c');
  return owner.kind === 'user' ? q.where('c.user_id', '=', owner.userId) : q.where('c.guest_key', '=', owner.guestKey);
}

/** A title from the first question: its first line, cut at a word near 60 characters. */
export function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0].replace(/\s+/g, ' ');
  if (line.length <= 60) return line || 'New conversation';
  const cut = line.slice(0, 60);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 40))}…`;
}

/** The owner's conversation `id` of this assistant (404 when it is not theirs), or a new one titled by `firstText`. */
export async function openConversation(
  db: DB,
  owner: Owner,
  assistant: Assistant,
  id: string | undefined,
  firstText: string,
  accountId: string | null = null,
): Promise<{ id: string; history: UIMessage[] }> {
  return asOwner(db, owner, async (tx) => {
    if (id) {
      // The same assistant and the same account: a studio's conversation never continues in another studio.
      const found = await ownedBy(tx, owner)
        .select('c.id')
        .where('c.id', '=', id)
        .where('c.assistant', '=', assistant)
        .where('c.account_id', 'is not distinct from', accountId)
        .executeTakeFirst();
      if (!found) throw notFound('Conversation');
      return { id, history: await recentMessages(tx, id) };
    }
    const row = await tx
      .insertInto('assistant_conversations')
      .values({
        assistant,
        account_id: accountId,
        title: titleFrom(firstText),
        ...(owner.kind === 'user' ? { user_id: owner.userId } : { guest_key: owner.guestKey }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id, history: [] };
  });
}

async function recentMessages(tx: Tx, conversationId: string): Promise<UIMessage[]> {
  const rows = await tx
    .selectFrom('assistant_messages')
    .select(['id', 'role', 'parts'])
    .where('conversation_id', '=', conversationId)
    .orderBy('position', 'desc')
    .limit(HISTORY_LIMIT)
    .execute();
  return rows.reverse().map((r) => ({ id: r.id, role: r.role, parts: r.parts }) as UIMessage);
}

/** Appends messages after the last one (one writer per conversation: the position key refuses a duplicate). */
export async function appendMessages(
  db: DB,
  owner: Owner,
  conversationId: string,
  messages: UIMessage[],
  clock: Clock,
) {
  if (!messages.length) return;
  await asOwner(db, owner, async (tx) => {
    const conv = await ownedBy(tx, owner).select('c.id').where('c.id', '=', conversationId).executeTakeFirst();
    if (!conv) throw notFound('Conversation');
    const last = await tx
      .selectFrom('assistant_messages')
      .select((eb) => eb.fn.max('position').as('p'))
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    const start = last?.p === null || last?.p === undefined ? 0 : Number(last.p) + 1;
    await tx
      .insertInto('assistant_messages')
      .values(
        messages.map((m, i) => ({
          conversation_id: conversationId,
          position: start + i,
          id: m.id,
          role: m.role === 'user' ? 'user' : 'assistant',
          parts: JSON.stringify(m.parts),
        })),
      )
      .execute();
    await tx
      .updateTable('assistant_conversations')
      .set({ updated_at: clock.now() })
      .where('id', '=', conversationId)
      .execute();
  });
}

/** The owner's conversations with one assistant (for one account: a seller assistant's), most recent first. */
export function listConversations(db: DB, owner: Owner, assistant: Assistant, accountId: string | null = null) {
  return asOwner(db, owner, async (tx) => {
    const rows = await ownedBy(tx, owner)
      .select(['c.id', 'c.title', 'c.assistant', 'c.created_at', 'c.updated_at'])
      .where('c.assistant', '=', assistant)
      .where('c.account_id', 'is not distinct from', accountId)
      .orderBy('c.updated_at', 'desc')
      .limit(100)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      assistant: r.assistant as Assistant,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    }));
  });
}

/** One conversation with its messages (404 when it is not the owner's). */
export function getConversation(db: DB, owner: Owner, id: string) {
  return asOwner(db, owner, async (tx) => {
    const c = await ownedBy(tx, owner)
      .select(['c.id', 'c.title', 'c.assistant', 'c.created_at', 'c.updated_at'])
      .where('c.id', '=', id)
      .executeTakeFirst();
    if (!c) throw notFound('Conversation');
    const rows = await tx
      .selectFrom('assistant_messages')
      .select(['id', 'role', 'parts', 'created_at'])
      .where('conversation_id', '=', id)
      .orderBy('position')
      .execute();
    return {
      conversation: {
        id: c.id,
        title: c.title,
        assistant: c.assistant as Assistant,
        createdAt: c.created_at.toISOString(),
        updatedAt: c.updated_at.toISOString(),
      },
      messages: rows.map((r) => ({ id: r.id, role: r.role as 'user' | 'assistant', parts: r.parts as unknown[] })),
    };
  });
}

export function renameConversation(db: DB, owner: Owner, id: string, title: string, clock: Clock) {
  return asOwner(db, owner, async (tx) => {
    const found = await ownedBy(tx, owner).select('c.id').where('c.id', '=', id).executeTakeFirst();
    if (!found) throw notFound('Conversation');
    await tx
      .updateTable('assistant_conversations')
      .set({ title, updated_at: clock.now() })
      .where('id', '=', id)
      .execute();
  });
}

export function deleteConversation(db: DB, owner: Owner, id: string) {
  return asOwner(db, owner, async (tx) => {
    const found = await ownedBy(tx, owner).select('c.id').where('c.id', '=', id).executeTakeFirst();
    if (!found) throw notFound('Conversation');
    await tx.deleteFrom('assistant_conversations').where('id', '=', id).execute();
  });
}
