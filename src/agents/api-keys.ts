import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { requireRole } from '../accounts/index.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import type { AccountKind } from '../db/account-kind.ts';
import { asService, withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { AppError, forbidden, notFound } from '../errors.ts';

/** The rights a key acts with; never above its creator's (owners and admins mint keys). */
export type ApiKeyRole = 'admin' | 'member';

/** What an authenticated key acts as: its account, the creator's identity under RLS, and the narrower role. */
export interface ApiKeyPrincipal {
  keyId: string;
  accountId: string;
  accountKind: AccountKind;
  role: ApiKeyRole;
  userId: string;
}

/** A key as lists show it: never the secret or its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  role: ApiKeyRole;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const KEY_PREFIX = 'gk_live_';
// `gk_live_` plus 8 random characters: enough to find the row, far too little to guess the rest.
const SHOWN_CHARS = KEY_PREFIX.length + 8;
const KEY_PATTERN = /^gk_live_[A-Za-z0-9_-]{43}$/;
const rank = { member: 1, admin: 2, owner: 3 } as const;

/** sha256 hex of a secret: keys are 32 random bytes, so a fast hash is enough (no dictionary to slow down). */
export const hashApiKey = (secret: string) => createHash('sha256').update(secret).digest('hex');

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function toView(r: {
  id: string;
  name: string;
  prefix: string;
  role: string;
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}): ApiKeyView {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    role: r.role as ApiKeyRole,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    lastUsedAt: iso(r.last_used_at),
    revokedAt: iso(r.revoked_at),
  };
}

/**
 * Mints a key for an account; the caller (run under withUser) must be one of its admins or owners. Returns the
 * secret once: only its hash is stored. Audited in the same transaction.
 */
export async function createApiKey(
  db: DB,
  actor: Actor & { userId: string },
  accountId: string,
  input: { name: string; role: ApiKeyRole },
): Promise<ApiKeyView & { secret: string }> {
  const creatorRole = await requireRole(db, accountId, actor.userId, 'admin');
  if (rank[input.role] > rank[creatorRole]) throw forbidden('A key cannot have more rights than its creator');
  const secret = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const row = await asService(db, (tx) =>
    tx
      .insertInto('api_keys')
      .values({
        account_id: accountId,
        name: input.name,
        prefix: secret.slice(0, SHOWN_CHARS),
        secret_hash: hashApiKey(secret),
        role: input.role,
        created_by: actor.userId,
      })
      .returning(['id', 'name', 'prefix', 'role', 'created_by', 'created_at', 'last_used_at', 'revoked_at'])
      .executeTakeFirstOrThrow(),
  );
  const view = toView(row);
  await recordAudit(db, actor, {
    accountId,
    action: 'api_key.created',
    entityType: 'api_key',
    entityId: view.id,
    after: { name: view.name, prefix: view.prefix, role: view.role },
  });
  return { ...view, secret };
}

/** An account's keys, newest first, revoked ones included; admins and owners only (run under withUser). */
export async function listApiKeys(db: DB, accountId: string, userId: string): Promise<ApiKeyView[]> {
  await requireRole(db, accountId, userId, 'admin');
  const rows = await db
    .selectFrom('api_keys')
    .select(['id', 'name', 'prefix', 'role', 'created_by', 'created_at', 'last_used_at', 'revoked_at'])
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toView);
}

/** Revokes a key of the account (admins and owners, under withUser); revoking twice is a no-op. */
export async function revokeApiKey(
  db: DB,
  actor: Actor & { userId: string },
  accountId: string,
  keyId: string,
): Promise<void> {
  await requireRole(db, accountId, actor.userId, 'admin');
  const key = await db
    .selectFrom('api_keys')
    .select(['id', 'revoked_at'])
    .where('id', '=', keyId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!key) throw notFound('API key');
  if (key.revoked_at) return;
  await asService(db, (tx) =>
    tx
      .updateTable('api_keys')
      .set({ revoked_at: sql<Date>`now()` })
      .where('id', '=', keyId)
      .where('revoked_at', 'is', null)
      .execute(),
  );
  await recordAudit(db, actor, { accountId, action: 'api_key.revoked', entityType: 'api_key', entityId: keyId });
}

const refused = () => new AppError('unauthenticated', 'The API key is invalid or has been revoked');

/**
 * Resolves a presented secret to its principal, or throws `unauthenticated`: unknown, malformed or revoked keys,
 * keys whose creator left the account or was suspended, and suspended accounts all read the same. The role is the
 * lower of the key's and the creator's current one. Records last_used_at. Runs as service in its own transaction
 * (or the caller's).
 */
export async function authenticateApiKey(db: DB, secret: string): Promise<ApiKeyPrincipal> {
  if (!KEY_PATTERN.test(secret)) throw refused();
  const presented = Buffer.from(hashApiKey(secret), 'hex');
  return withService(db, async (tx) => {
    const candidates = await tx
      .selectFrom('api_keys as k')
      .innerJoin('accounts as a', 'a.id', 'k.account_id')
      .leftJoin('memberships as m', (j) =>
        j.onRef('m.account_id', '=', 'k.account_id').onRef('m.user_id', '=', 'k.created_by'),
      )
      .leftJoin('users as u', 'u.id', 'k.created_by')
      .select([
        'k.id',
        'k.account_id',
        'k.secret_hash',
        'k.role',
        'k.created_by',
        'k.revoked_at',
        'a.kind',
        'a.suspended_at as account_suspended_at',
        'm.role as member_role',
        'u.suspended_at as user_suspended_at',
      ])
      .where('k.prefix', '=', secret.slice(0, SHOWN_CHARS))
      .execute();
    // Compare every candidate's hash in constant time; the prefix only narrows the search.
    const key = candidates.find((k) => timingSafeEqual(Buffer.from(k.secret_hash, 'hex'), presented));
    if (!key || key.revoked_at || key.account_suspended_at || key.user_suspended_at || !key.member_role) {
      throw refused();
    }
    await tx.updateTable('api_keys').set({ last_used_at: sql<Date>`now()` }).where('id', '=', key.id).execute();
    const keyRole = key.role as ApiKeyRole;
    return {
      keyId: key.id,
      accountId: key.account_id,
      accountKind: key.kind,
      role: rank[key.member_role] >= rank[keyRole] ? keyRole : 'member',
      userId: key.created_by,
    };
  });
}
