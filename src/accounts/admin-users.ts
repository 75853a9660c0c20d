import { sql } from 'kysely';
import { type Actor, recordAudit } from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import { afterCursor, type Cursor, cappedCount, cursorAt, decodeCursor, keysetPage } from '../db/keyset.ts';
import { iso, likePattern } from '../db/sql.ts';
import { asService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { AppError, notFound } from '../errors.ts';
import { queueMail, renderEmail } from '../mail/index.ts';

// Platform-admin user and tenant management. Callers run these under withUser as a platform admin, so RLS
// (users_update / accounts_update allow platform admins) is a second gate behind the platformAdmin() route middleware.
//
// What suspension blocks:
// - a suspended user can't sign in, every session ends at once, and RLS treats them as no member/admin;
// - a suspended account (tenant) drops out of the public marketplace (catalog, artist page, detail, checkout
//   via isPublicArtwork) and credit bundles; its members can still sign in and read their own history.

type AdminActor = Actor & { userId: string };

export interface UserFilters {
  q?: string;
  admin?: boolean;
  suspended?: boolean;
  /** The previous page's `nextCursor`. */
  cursor?: string;
  limit: number;
}

export interface AccountFilters {
  q?: string;
  suspended?: boolean;
  kind?: 'studio' | 'artist' | 'provider' | 'organization';
  cursor?: string;
  limit: number;
}

const USER_COLS = ['id', 'email', 'name', 'is_platform_admin', 'suspended_at', 'created_at'] as const;

/**
 * Runs a directory search as service role once the caller is known to be a platform admin (who sees every row
 * anyway): under RLS the ILIKE, not being leakproof, could not use the pg_trgm indexes of migration 0109.
 */
async function asAdminSearch<T>(db: DB, q: string | undefined, fn: (tx: DB) => Promise<T>): Promise<T> {
  if (!q) return fn(db);
  const { rows } = await sql<{ ok: boolean }>`select coalesce(app.is_platform_admin(), false) as ok`.execute(db);
  if (!rows[0]?.ok) throw new AppError('forbidden', 'Only platform admins can search the directory');
  return asService(db, fn);
}

/** Users matching a search and the admin/suspended filters, newest first, a keyset page at a time, with a capped total. */
export async function searchUsers(db: DB, f: UserFilters) {
  const cursor = decodeCursor(f.cursor);
  return asAdminSearch(db, f.q, (tx) => findUsers(tx, f, cursor));
}

async function findUsers(db: DB, f: UserFilters, cursor: Cursor | null) {
  let base = db.selectFrom('users');
  if (f.q) {
    const p = likePattern(f.q);
    base = base.where((eb) => eb.or([eb('email', 'ilike', p), eb('name', 'ilike', p)]));
  }
  if (f.admin !== undefined) base = base.where('is_platform_admin', '=', f.admin);
  if (f.suspended !== undefined) base = base.where('suspended_at', f.suspended ? 'is not' : 'is', null);
  const found = await (cursor ? base.where(afterCursor('created_at', 'id', cursor, 'desc')) : base)
    .select(USER_COLS)
    .select(cursorAt('created_at').as('cursor_at'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const { rows, nextCursor } = keysetPage(found, f.limit);
  return { data: rows.map(toAdminUser), nextCursor, limit: f.limit, ...(await cappedCount(db, base)) };
}

function toAdminUser(u: {
  id: string;
  email: string;
  name: string;
  is_platform_admin: boolean;
  suspended_at: Date | null;
  created_at: Date;
}) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    isPlatformAdmin: u.is_platform_admin,
    suspendedAt: iso(u.suspended_at),
    createdAt: new Date(u.created_at).toISOString(),
  };
}

/** One user with their memberships and the latest audit events they caused or that concern them. */
export async function getUserDetail(db: DB, userId: string) {
  const u = await db.selectFrom('users').select(USER_COLS).where('id', '=', userId).executeTakeFirst();
  if (!u) throw notFound('User');
  const memberships = await db
    .selectFrom('memberships as m')
    .innerJoin('accounts as a', 'a.id', 'm.account_id')
    .select(['a.id', 'a.slug', 'a.name', 'a.kind', 'a.suspended_at', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('a.name')
    .execute();
  const audit = await db
    .selectFrom('audit_events as e')
    .leftJoin('users as au', 'au.id', 'e.actor_user_id')
    .select(['e.id', 'e.action', 'e.actor', 'e.actor_user_id', 'au.email as actor_email', 'e.after', 'e.created_at'])
    .where((eb) => eb.or([eb('e.actor_user_id', '=', userId), eb('e.entity_id', '=', userId)]))
    .orderBy('e.created_at', 'desc')
    .limit(20)
    .execute();
  return {
    user: toAdminUser(u),
    memberships: memberships.map((m) => ({
      accountId: m.id,
      slug: m.slug,
      name: m.name,
      kind: m.kind,
      role: m.role,
      accountSuspendedAt: iso(m.suspended_at),
    })),
    audit: audit.map((e) => ({
      id: e.id,
      action: e.action,
      actor: e.actor,
      actorUserId: e.actor_user_id,
      actorEmail: e.actor_email ?? null,
      after: (e.after ?? null) as unknown,
      createdAt: new Date(e.created_at).toISOString(),
    })),
  };
}

// Locks every active admin row so two concurrent revocations/suspensions can't both see "another admin left".
async function otherActiveAdmins(db: DB, exceptUserId: string): Promise<number> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('is_platform_admin', '=', true)
    .where('suspended_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.filter((r) => r.id !== exceptUserId).length;
}

async function lockUser(db: DB, userId: string) {
  const u = await db.selectFrom('users').select(USER_COLS).where('id', '=', userId).forUpdate().executeTakeFirst();
  if (!u) throw notFound('User');
  return u;
}

/** Grants or revokes platform admin; nobody revokes themselves and the last active admin always stays. */
export async function setPlatformAdmin(
  db: DB,
  actor: AdminActor,
  userId: string,
  grant: boolean,
  reason: string | undefined,
  clock: Clock,
) {
  if (!grant && userId === actor.userId) {
    throw new AppError('invalid_state', "You can't revoke your own platform admin rights; ask another admin.");
  }
  const active = grant ? 0 : await otherActiveAdmins(db, userId);
  const u = await lockUser(db, userId);
  if (u.is_platform_admin === grant) {
    throw new AppError('invalid_state', grant ? 'This user is already a platform admin' : 'This user is not an admin');
  }
  if (!grant && !u.suspended_at && active === 0) {
    throw new AppError('invalid_state', 'This is the last active platform admin; grant someone else first.');
  }
  const row = await db
    .updateTable('users')
    .set({ is_platform_admin: grant, updated_at: clock.now() })
    .where('id', '=', userId)
    .returning(USER_COLS)
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, {
    action: grant ? 'user.platform_admin_granted' : 'user.platform_admin_revoked',
    entityType: 'user',
    entityId: userId,
    before: { isPlatformAdmin: u.is_platform_admin },
    after: { isPlatformAdmin: grant, reason: reason ?? null },
  });
  return toAdminUser(row);
}

/** Suspends a user: sign-in refused, every session ended, the user told why by email. */
export async function suspendUser(db: DB, actor: AdminActor, userId: string, reason: string, clock: Clock) {
  if (userId === actor.userId) throw new AppError('invalid_state', "You can't suspend yourself.");
  const active = await otherActiveAdmins(db, userId);
  const u = await lockUser(db, userId);
  if (u.suspended_at) throw new AppError('invalid_state', 'This user is already suspended');
  if (u.is_platform_admin && active === 0) {
    throw new AppError('invalid_state', 'This is the last active platform admin and cannot be suspended.');
  }
  const row = await db
    .updateTable('users')
    .set({ suspended_at: clock.now(), updated_at: clock.now() })
    .where('id', '=', userId)
    .returning(USER_COLS)
    .executeTakeFirstOrThrow();
  // Sessions are server bookkeeping (service role only); ending them logs the user out everywhere now.
  // Open reset links are spent too, so a reset can't mint a session for a suspended user.
  const ended = await asService(db, async (tx) => {
    await tx
      .updateTable('password_resets')
      .set({ used_at: clock.now() })
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .execute();
    return tx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  });
  await recordAudit(db, actor, {
    action: 'user.suspended',
    entityType: 'user',
    entityId: userId,
    before: { suspendedAt: null },
    after: { suspendedAt: iso(row.suspended_at), reason, sessionsEnded: Number(ended.numDeletedRows) },
  });
  const body = renderEmail({
    heading: 'Your Gallerist account has been suspended',
    paragraphs: [
      `Hi ${u.name}, a platform admin suspended your Gallerist user account, so you can no longer sign in.`,
      `Reason: ${reason}`,
      'If you think this is a mistake, reply to this email or contact the platform admin.',
    ],
  });
  await queueMail(db, {
    to: u.email,
    subject: 'Your Gallerist account is suspended',
    template: 'user_suspended',
    ...body,
  });
  return toAdminUser(row);
}

/** Lifts a user's suspension and tells them they can sign in again. */
export async function unsuspendUser(
  db: DB,
  actor: AdminActor,
  userId: string,
  reason: string | undefined,
  clock: Clock,
) {
  const u = await lockUser(db, userId);
  if (!u.suspended_at) throw new AppError('invalid_state', 'This user is not suspended');
  const row = await db
    .updateTable('users')
    .set({ suspended_at: null, updated_at: clock.now() })
    .where('id', '=', userId)
    .returning(USER_COLS)
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, {
    action: 'user.unsuspended',
    entityType: 'user',
    entityId: userId,
    before: { suspendedAt: iso(u.suspended_at) },
    after: { suspendedAt: null, reason: reason ?? null },
  });
  const body = renderEmail({
    heading: 'Your Gallerist account is active again',
    paragraphs: [`Hi ${u.name}, a platform admin lifted the suspension of your account. You can sign in again.`],
  });
  await queueMail(db, {
    to: u.email,
    subject: 'Your Gallerist account is active again',
    template: 'user_unsuspended',
    ...body,
  });
  return toAdminUser(row);
}

/** Accounts matching a search and the suspended/kind filters, newest first, a keyset page at a time, with member counts. */
export async function searchAccounts(db: DB, f: AccountFilters) {
  const cursor = decodeCursor(f.cursor);
  return asAdminSearch(db, f.q, (tx) => findAccounts(tx, f, cursor));
}

async function findAccounts(db: DB, f: AccountFilters, cursor: Cursor | null) {
  let base = db.selectFrom('accounts as a');
  if (f.q) {
    const p = likePattern(f.q);
    base = base.where((eb) => eb.or([eb('a.slug', 'ilike', p), eb('a.name', 'ilike', p)]));
  }
  if (f.suspended !== undefined) base = base.where('a.suspended_at', f.suspended ? 'is not' : 'is', null);
  if (f.kind) base = base.where('a.kind', '=', f.kind);
  const found = await (cursor ? base.where(afterCursor('a.created_at', 'a.id', cursor, 'desc')) : base)
    .select(cursorAt('a.created_at').as('cursor_at'))
    .select((eb) => [
      'a.id',
      'a.slug',
      'a.name',
      'a.kind',
      'a.suspended_at',
      'a.created_at',
      eb
        .selectFrom('memberships as m')
        .select(sql<string>`count(*)`.as('n'))
        .whereRef('m.account_id', '=', 'a.id')
        .as('member_count'),
    ])
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const { rows, nextCursor } = keysetPage(found, f.limit);
  return {
    data: rows.map((a) => ({
      id: a.id,
      slug: a.slug,
      name: a.name,
      kind: a.kind,
      suspendedAt: iso(a.suspended_at),
      createdAt: new Date(a.created_at).toISOString(),
      memberCount: Number(a.member_count ?? 0),
    })),
    nextCursor,
    limit: f.limit,
    ...(await cappedCount(db, base)),
  };
}

/** Suspends or reinstates a tenant; owners are emailed, the reason is audited (required to suspend). */
export async function setAccountSuspended(
  db: DB,
  actor: AdminActor,
  accountId: string,
  suspend: boolean,
  reason: string | undefined,
  clock: Clock,
) {
  const a = await db
    .selectFrom('accounts')
    .select(['id', 'name', 'suspended_at'])
    .where('id', '=', accountId)
    .forUpdate()
    .executeTakeFirst();
  if (!a) throw notFound('Account');
  if (Boolean(a.suspended_at) === suspend) {
    throw new AppError(
      'invalid_state',
      suspend ? 'This account is already suspended' : 'This account is not suspended',
    );
  }
  const row = await db
    .updateTable('accounts')
    .set({ suspended_at: suspend ? clock.now() : null, updated_at: clock.now() })
    .where('id', '=', accountId)
    .returning(['id', 'suspended_at'])
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, {
    accountId,
    action: suspend ? 'account.suspended' : 'account.unsuspended',
    entityType: 'account',
    entityId: accountId,
    before: { suspendedAt: iso(a.suspended_at) },
    after: { suspendedAt: iso(row.suspended_at), reason: reason ?? null },
  });
  const owners = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.email', 'u.name'])
    .where('m.account_id', '=', accountId)
    .where('m.role', '=', 'owner')
    .execute();
  for (const o of owners) {
    const body = renderEmail({
      heading: suspend ? `${a.name} has been suspended` : `${a.name} is active again`,
      paragraphs: suspend
        ? [
            `Hi ${o.name}, a platform admin suspended ${a.name}. Its public pages and listings are hidden and it can't sell until the suspension is lifted.`,
            `Reason: ${reason}`,
          ]
        : [`Hi ${o.name}, a platform admin lifted the suspension of ${a.name}. Its listings are public again.`],
    });
    await queueMail(db, {
      to: o.email,
      subject: suspend ? `${a.name} is suspended on Gallerist` : `${a.name} is active again on Gallerist`,
      template: suspend ? 'account_suspended' : 'account_unsuspended',
      accountId,
      ...body,
    });
  }
  return { id: row.id, suspendedAt: iso(row.suspended_at) };
}
