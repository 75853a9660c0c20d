import { sql } from 'kysely';
import { type Actor, recordAudit } from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { DB } from '../db/types.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { queueMail, renderEmail } from '../mail/index.ts';
import { checkAccount, type Role } from './access.ts';
import { findUserByEmail, isUnconfirmed, sendConfirmation, sendExistingAccountNotice } from './email-links.ts';
import { hashPassword, needsRehash, timingDummyHash, verifyPassword } from './password.ts';
import { hitRateLimit } from './rate-limit.ts';
import type { MembershipT, UserT } from './schema.ts';
import { hashToken, newToken } from './tokens.ts';

const SESSION_DAYS = 30;
const RESET_MINUTES = 60;
const INVITE_DAYS = 7;

type UserRow = { id: string; email: string; name: string; is_platform_admin: boolean };

/** Maps a users row to the public user shape. */
export function toUser(u: UserRow): UserT {
  return { id: u.id, email: u.email, name: u.name, isPlatformAdmin: u.is_platform_admin };
}

/**
 * Registers an address without revealing whether it was taken: a new address gets a user (unconfirmed until the
 * emailed link is opened), a known one gets a notice mailed to its owner. Run as service role.
 */
export async function signUp(
  db: DB,
  input: { email: string; password: string; name: string; next?: string },
  clock: Clock,
  publicUrl: string,
  requestId: string | null = null,
): Promise<void> {
  const email = input.email.toLowerCase();
  // Hash either way so both outcomes take the same time.
  const password_hash = await hashPassword(input.password);
  const row = await db
    .insertInto('users')
    .values({ email, name: input.name, password_hash })
    .onConflict((oc) => oc.doNothing())
    .returning(['id', 'email', 'name'])
    .executeTakeFirst();
  if (row) {
    await db.insertInto('unconfirmed_users').values({ user_id: row.id }).execute();
    await recordAudit(
      db,
      { kind: 'user', userId: row.id, requestId },
      { action: 'user.signed_up', entityType: 'user', entityId: row.id },
    );
    await sendConfirmation(db, row, clock, publicUrl, input.next);
    return;
  }
  const existing = await findUserByEmail(db, email);
  if (!existing) return;
  // A few notices an hour at most, so the form can't flood someone's inbox.
  const hit = await hitRateLimit(db, `signup-notice:${email}`, 3, 3600, clock);
  if (!hit.limited) await sendExistingAccountNotice(db, existing, publicUrl);
  await recordAudit(
    db,
    { kind: 'anonymous', requestId },
    {
      action: 'user.sign_up_existing_email',
      entityType: 'user',
      entityId: existing.id,
      after: { ownerNotified: !hit.limited },
    },
  );
}

/**
 * Checks credentials; the same error (and the same scrypt work) for unknown email and wrong password so accounts
 * can't be enumerated. `emailConfirmed` is false for a sign-up whose link was never opened. A verified password
 * whose stored hash uses weaker scrypt parameters than today's is re-hashed in the same transaction (`db`).
 */
export async function signIn(
  db: DB,
  input: { email: string; password: string },
): Promise<{ user: UserT; emailConfirmed: boolean }> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'is_platform_admin', 'password_hash', 'suspended_at'])
    .where(sql`lower(email)`, '=', input.email.toLowerCase())
    .executeTakeFirst();
  const ok = await verifyPassword(input.password, row?.password_hash ?? (await timingDummyHash()));
  if (!row || !ok) throw new AppError('invalid_credentials', 'Email or password is incorrect');
  if (row.suspended_at) throw new AppError('forbidden', 'This user has been suspended. Contact the platform admin.');
  if (needsRehash(row.password_hash)) {
    // Only if unchanged meanwhile: a concurrent password reset must win over this upgrade of the old password.
    await db
      .updateTable('users')
      .set({ password_hash: await hashPassword(input.password) })
      .where('id', '=', row.id)
      .where('password_hash', '=', row.password_hash)
      .execute();
  }
  return { user: toUser(row), emailConfirmed: !(await isUnconfirmed(db, row.id)) };
}

/** Starts a session and returns its bearer token (only its hash is stored). */
export async function createSession(
  db: DB,
  userId: string,
  clock: Clock,
  meta: { userAgent?: string | null; ip?: string | null } = {},
): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const expiresAt = new Date(clock.now().getTime() + SESSION_DAYS * 86_400_000);
  await db
    .insertInto('sessions')
    .values({
      token_hash: hashToken(token),
      user_id: userId,
      expires_at: expiresAt,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
      ip: meta.ip ?? null,
      created_at: clock.now(),
      last_seen_at: clock.now(),
    })
    .execute();
  return { token, expiresAt };
}

/** Resolves a session token to its user, or null when unknown, expired or suspended. */
export async function getSessionUser(
  db: DB,
  token: string,
  clock: Clock,
): Promise<{ user: UserT; sessionId: string } | null> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([
      's.id as session_id',
      's.last_seen_at',
      'u.id',
      'u.email',
      'u.name',
      'u.is_platform_admin',
      'u.suspended_at',
    ])
    .where('s.token_hash', '=', hashToken(token))
    .where('s.expires_at', '>', clock.now())
    .executeTakeFirst();
  if (!row || row.suspended_at) return null;
  // Touch at most hourly so reads don't turn every request into a write.
  if (clock.now().getTime() - new Date(row.last_seen_at).getTime() > 3_600_000) {
    await db.updateTable('sessions').set({ last_seen_at: clock.now() }).where('id', '=', row.session_id).execute();
  }
  return { user: toUser(row), sessionId: row.session_id };
}

/** Ends a session. */
export async function deleteSession(db: DB, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
}

/** Emails a reset link if the address belongs to a user; silent otherwise so addresses can't be probed. */
export async function requestPasswordReset(
  db: DB,
  email: string,
  clock: Clock,
  publicUrl: string,
  requestId: string | null = null,
): Promise<void> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'email', 'name'])
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .where('suspended_at', 'is', null)
    .executeTakeFirst();
  if (!user) return;
  // Only the newest link works: an older email lying around in an inbox can't be used any more.
  const revoked = await db
    .updateTable('password_resets')
    .set({ used_at: clock.now() })
    .where('user_id', '=', user.id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  const token = newToken();
  await db
    .insertInto('password_resets')
    .values({
      user_id: user.id,
      token_hash: hashToken(token),
      expires_at: new Date(clock.now().getTime() + RESET_MINUTES * 60_000),
    })
    .execute();
  const url = `${publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
  const body = renderEmail({
    heading: 'Reset your password',
    paragraphs: [
      `Hi ${user.name}, someone asked to reset the password for your Gallerist account.`,
      `The link works once and expires in ${RESET_MINUTES} minutes; it replaces any earlier reset link. If it wasn't you, ignore this email.`,
    ],
    button: { label: 'Choose a new password', url },
  });
  await queueMail(db, {
    to: user.email,
    subject: 'Reset your Gallerist password',
    template: 'password_reset',
    ...body,
  });
  await recordAudit(
    db,
    { kind: 'anonymous', requestId },
    {
      action: 'user.password_reset_requested',
      entityType: 'user',
      entityId: user.id,
      after: { revokedLinks: Number(revoked.numUpdatedRows) },
    },
  );
}

/** Sets a new password from a reset token, ending every other session of that user. */
export async function confirmPasswordReset(db: DB, token: string, password: string, clock: Clock): Promise<UserT> {
  const reset = await db
    .updateTable('password_resets')
    .set({ used_at: clock.now() })
    .where('token_hash', '=', hashToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', clock.now())
    .returning(['user_id'])
    .executeTakeFirst();
  if (!reset) {
    throw new AppError('gone', 'This reset link is invalid or has expired. Request a new one.', {
      fieldErrors: { token: ['This reset link is invalid or has expired'] },
    });
  }
  const user = await db
    .updateTable('users')
    .set({ password_hash: await hashPassword(password), updated_at: clock.now() })
    .where('id', '=', reset.user_id)
    .returning(['id', 'email', 'name', 'is_platform_admin'])
    .executeTakeFirstOrThrow();
  await db.deleteFrom('sessions').where('user_id', '=', user.id).execute();
  // The link came to the inbox, so it also proves the address of a pending sign-up.
  const confirmed = await db.deleteFrom('unconfirmed_users').where('user_id', '=', user.id).executeTakeFirst();
  await recordAudit(
    db,
    { kind: 'user', userId: user.id },
    {
      action: 'user.password_reset',
      entityType: 'user',
      entityId: user.id,
      after: { emailConfirmed: Number(confirmed.numDeletedRows) > 0 },
    },
  );
  return toUser(user);
}

/** The accounts a user belongs to, with their role. */
export async function listMemberships(db: DB, userId: string): Promise<MembershipT[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('accounts as a', 'a.id', 'm.account_id')
    .select(['a.id', 'a.slug', 'a.name', 'a.kind', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('a.name')
    .execute();
  return rows.map((r) => ({ accountId: r.id, slug: r.slug, name: r.name, kind: r.kind, role: r.role }));
}

/** Creates a tenant with the creator as owner. Run as service role: the creator is not yet a member. */
export async function createAccount(
  db: DB,
  actor: Actor & { userId: string },
  input: { name: string; slug: string; kind: MembershipT['kind'] },
): Promise<MembershipT> {
  try {
    const a = await db
      .insertInto('accounts')
      .values({ name: input.name, slug: input.slug, kind: input.kind })
      .returning(['id', 'slug', 'name', 'kind'])
      .executeTakeFirstOrThrow();
    await db.insertInto('memberships').values({ account_id: a.id, user_id: actor.userId, role: 'owner' }).execute();
    await recordAudit(db, actor, {
      accountId: a.id,
      action: 'account.created',
      entityType: 'account',
      entityId: a.id,
      after: a,
    });
    return { accountId: a.id, slug: a.slug, name: a.name, kind: a.kind, role: 'owner' };
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError('conflict', 'That address is taken', { fieldErrors: { slug: ['That address is taken'] } });
    }
    throw err;
  }
}

/** Members of an account; under withUser, RLS returns nothing for non-members. */
export async function listMembers(db: DB, accountId: string) {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.name', 'm.role', 'm.created_at'])
    .where('m.account_id', '=', accountId)
    .orderBy('m.created_at')
    .execute();
  return rows.map((r) => ({
    userId: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    joinedAt: new Date(r.created_at).toISOString(),
  }));
}

/** The caller's role in an account, or null. */
export async function roleIn(db: DB, accountId: string, userId: string): Promise<MembershipT['role'] | null> {
  const r = await db
    .selectFrom('memberships')
    .select('role')
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r?.role ?? null;
}

/** Throws 404 (not a member: don't reveal it exists) or 403 (role too low); the rule is `checkAccount`'s. */
export async function requireRole(db: DB, accountId: string, userId: string, min: Role): Promise<Role> {
  return (await checkAccount(db, accountId, { id: userId, isPlatformAdmin: false }, { min })).role as Role;
}

/** Lets platform admins through and requires membership of everyone else, with the same 404 as `requireRole`. */
export async function requireMemberOrAdmin(
  db: DB,
  accountId: string,
  user: { id: string; isPlatformAdmin: boolean },
): Promise<void> {
  await checkAccount(db, accountId, user, { min: 'member', platformAdmins: true });
}

/** Pending invitations of an account. */
export async function listInvitations(db: DB, accountId: string, clock: Clock) {
  const rows = await db
    .selectFrom('invitations')
    .select(['id', 'email', 'role', 'created_at', 'expires_at'])
    .where('account_id', '=', accountId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', clock.now())
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toInvitation);
}

function toInvitation(r: { id: string; email: string; role: 'admin' | 'member'; created_at: Date; expires_at: Date }) {
  return {
    id: r.id,
    email: r.email,
    role: r.role,
    createdAt: new Date(r.created_at).toISOString(),
    expiresAt: new Date(r.expires_at).toISOString(),
  };
}

/** Invites someone by email; owners and admins only. Sends the invitation email. */
export async function inviteMember(
  db: DB,
  actor: Actor & { userId: string },
  accountId: string,
  input: { email: string; role: 'admin' | 'member' },
  clock: Clock,
  publicUrl: string,
) {
  await requireRole(db, accountId, actor.userId, 'admin');
  const already = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('u.id')
    .where('m.account_id', '=', accountId)
    .where(sql`lower(u.email)`, '=', input.email)
    .executeTakeFirst();
  if (already) {
    throw new AppError('conflict', 'This person is already a member', { fieldErrors: { email: ['Already a member'] } });
  }
  const token = newToken();
  const inv = await db
    .insertInto('invitations')
    .values({
      account_id: accountId,
      email: input.email,
      role: input.role,
      token_hash: hashToken(token),
      invited_by: actor.userId,
      expires_at: new Date(clock.now().getTime() + INVITE_DAYS * 86_400_000),
      created_at: clock.now(),
    })
    .returning(['id', 'email', 'role', 'created_at', 'expires_at'])
    .executeTakeFirstOrThrow();
  const account = await db
    .selectFrom('accounts')
    .select(['name'])
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  const inviter = await db
    .selectFrom('users')
    .select(['name'])
    .where('id', '=', actor.userId)
    .executeTakeFirstOrThrow();
  const body = renderEmail({
    heading: `Join ${account.name} on Gallerist`,
    paragraphs: [
      `${inviter.name} invited you to join ${account.name} as ${input.role === 'admin' ? 'an admin' : 'a member'}.`,
      `The invitation expires in ${INVITE_DAYS} days. Sign in or create an account with ${input.email} to accept it.`,
    ],
    button: { label: 'Accept invitation', url: `${publicUrl}/invite?token=${encodeURIComponent(token)}` },
  });
  await queueMail(db, {
    to: input.email,
    subject: `You're invited to ${account.name}`,
    template: 'invitation',
    accountId,
    ...body,
  });
  await recordAudit(db, actor, {
    accountId,
    action: 'membership.invited',
    entityType: 'invitation',
    entityId: inv.id,
    after: { email: inv.email, role: inv.role },
  });
  return toInvitation(inv);
}

/** Accepts an invitation for the signed-in user, whose email must match it. Run as service role. */
export async function acceptInvitation(
  db: DB,
  actor: Actor & { userId: string },
  token: string,
  clock: Clock,
): Promise<MembershipT> {
  const inv = await db
    .selectFrom('invitations')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .forUpdate()
    .executeTakeFirst();
  if (!inv || inv.revoked_at || inv.accepted_at || new Date(inv.expires_at) <= clock.now()) {
    throw new AppError('gone', 'This invitation is invalid, already used or expired. Ask for a new one.');
  }
  const user = await db.selectFrom('users').select(['email']).where('id', '=', actor.userId).executeTakeFirstOrThrow();
  if (user.email.toLowerCase() !== inv.email.toLowerCase()) {
    throw new AppError(
      'forbidden',
      `This invitation was sent to ${inv.email}. Sign in with that address to accept it.`,
    );
  }
  await db
    .insertInto('memberships')
    .values({ account_id: inv.account_id, user_id: actor.userId, role: inv.role })
    .onConflict((oc) => oc.columns(['account_id', 'user_id']).doNothing())
    .execute();
  await db.updateTable('invitations').set({ accepted_at: clock.now() }).where('id', '=', inv.id).execute();
  await recordAudit(db, actor, {
    accountId: inv.account_id,
    action: 'membership.joined',
    entityType: 'membership',
    entityId: actor.userId,
    after: { role: inv.role },
  });
  const a = await db
    .selectFrom('accounts')
    .select(['id', 'slug', 'name', 'kind'])
    .where('id', '=', inv.account_id)
    .executeTakeFirstOrThrow();
  const m = await roleIn(db, a.id, actor.userId);
  return { accountId: a.id, slug: a.slug, name: a.name, kind: a.kind, role: m ?? inv.role };
}

/** Removes a member; admins can't remove owners and the last owner can never be removed. */
export async function removeMember(db: DB, actor: Actor & { userId: string }, accountId: string, userId: string) {
  const actorRole = await requireRole(db, accountId, actor.userId, 'admin');
  const target = await roleIn(db, accountId, userId);
  if (!target) throw notFound('Member');
  if (target === 'owner' && actorRole !== 'owner') throw forbidden('Only owners can remove an owner');
  if (target === 'owner') {
    const { n } = await db
      .selectFrom('memberships')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('account_id', '=', accountId)
      .where('role', '=', 'owner')
      .executeTakeFirstOrThrow();
    if (Number(n) <= 1) throw new AppError('invalid_state', 'An account needs at least one owner');
  }
  await db.deleteFrom('memberships').where('account_id', '=', accountId).where('user_id', '=', userId).execute();
  await recordAudit(db, actor, {
    accountId,
    action: 'membership.removed',
    entityType: 'membership',
    entityId: userId,
    before: { role: target },
  });
}
