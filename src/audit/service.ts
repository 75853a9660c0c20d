import { asService, atCommitAsService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';

/** Who did something: a user, or the system component acting on its own (webhook, job, CLI). */
export interface Actor {
  userId?: string | null;
  /** e.g. `user`, `webhook`, `job:reconcile`, `cli`. */
  kind: string;
  requestId?: string | null;
}

/**
 * Appends an audit event; call it inside the same transaction as the change it describes. `atCommit` sends it with
 * that transaction's commit instead of now (one round trip fewer on hot paths; nothing may read it before then).
 */
export async function recordAudit(
  db: DB,
  actor: Actor,
  e: {
    accountId?: string | null;
    action: string;
    entityType: string;
    entityId?: string | null;
    before?: unknown;
    after?: unknown;
  },
  opts: { atCommit?: boolean } = {},
): Promise<void> {
  const insert = (tx: DB) =>
    tx.insertInto('audit_events').values({
      account_id: e.accountId ?? null,
      actor_user_id: actor.userId ?? null,
      actor: actor.kind,
      action: e.action,
      entity_type: e.entityType,
      entity_id: e.entityId ?? null,
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
      request_id: actor.requestId ?? null,
    });
  if (opts.atCommit && db.isTransaction) return atCommitAsService(db, insert(db));
  await asService(db, async (tx) => void (await insert(tx).execute()));
}
