import { sql } from 'kysely';
import { recordAudit } from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import type { DB } from '../db/types.ts';
import { AppError } from '../errors.ts';
import { queueMail, renderEmail } from '../mail/index.ts';
import { hitRateLimit } from './rate-limit.ts';
import type { UserT } from './schema.ts';
import type { EmailLinkPurpose } from './tables.ts';
import { hashToken, newToken } from './tokens.ts';

const LINK_MINUTES: Record<EmailLinkPurpose, number> = { confirm_email: 24 * 60, sign_in: 30 };

type Recipient = { id: string; email: string; name: string };

/** Creates a one-time link token; the user's older open links of the same purpose stop working. */
export async function issueEmailLink(db: DB, userId: string, purpose: EmailLinkPurpose, clock: Clock) {
  await db
    .updateTable('email_links')
    .set({ used_at: clock.now() })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
  const token = newToken();
  await db
    .insertInto('email_links')
    .values({
      user_id: userId,
      purpose,
      token_hash: hashToken(token),
      expires_at: new Date(clock.now().getTime() + LINK_MINUTES[purpose] * 60_000),
    })
    .execute();
  return token;
}

/** Spends a link and returns its user; opening it proves the address, so it also confirms a pending sign-up. */
export async function consumeEmailLink(
  db: DB,
  token: string,
  clock: Clock,
  requestId: string | null = null,
): Promise<UserT> {
  const link = await db
    .updateTable('email_links')
    .set({ used_at: clock.now() })
    .where('token_hash', '=', hashToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', clock.now())
    .returning(['user_id', 'purpose'])
    .executeTakeFirst();
  if (!link) {
    throw new AppError(
      'gone',
      'This link is invalid, already used or expired. Sign in or sign up again for a new one.',
    );
  }
  const user = await db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'is_platform_admin', 'suspended_at'])
    .where('id', '=', link.user_id)
    .executeTakeFirstOrThrow();
  if (user.suspended_at) throw new AppError('forbidden', 'This user has been suspended. Contact the platform admin.');
  const confirmed = await db.deleteFrom('unconfirmed_users').where('user_id', '=', user.id).executeTakeFirst();
  await recordAudit(
    db,
    { kind: 'user', userId: user.id, requestId },
    {
      action: link.purpose === 'confirm_email' ? 'user.email_confirmed' : 'user.signed_in_with_link',
      entityType: 'user',
      entityId: user.id,
      after: { emailConfirmed: Number(confirmed.numDeletedRows) > 0 },
    },
  );
  return { id: user.id, email: user.email, name: user.name, isPlatformAdmin: user.is_platform_admin };
}

/** Whether the user signed up but has not opened a link from their inbox yet. */
export async function isUnconfirmed(db: DB, userId: string): Promise<boolean> {
  const r = await db.selectFrom('unconfirmed_users').select('user_id').where('user_id', '=', userId).executeTakeFirst();
  return Boolean(r);
}

/** Emails the "confirm your email to finish signing up" link; `next` (a same-site path) rides along. */
export async function sendConfirmation(
  db: DB,
  user: Recipient,
  clock: Clock,
  publicUrl: string,
  next?: string,
): Promise<void> {
  const token = await issueEmailLink(db, user.id, 'confirm_email', clock);
  const url = `${publicUrl}/confirm-email?token=${encodeURIComponent(token)}${next ? `&next=${encodeURIComponent(next)}` : ''}`;
  const body = renderEmail({
    preheader: 'One click and you’re in',
    heading: 'Confirm your email to finish signing up',
    paragraphs: [
      `Hi ${user.name}, thanks for creating a Gallerist account. Confirm this is your address to sign in.`,
      `The link works once and expires in ${LINK_MINUTES.confirm_email / 60} hours. If you didn't sign up, ignore this email.`,
    ],
    button: { label: 'Confirm email and sign in', url },
  });
  await queueMail(db, {
    to: user.email,
    subject: 'Confirm your email to finish signing up',
    template: 'email_confirmation',
    ...body,
  });
}

/** Re-sends the confirmation link at most three times an hour (sign-in of an unconfirmed account). */
export async function resendConfirmation(db: DB, user: Recipient, clock: Clock, publicUrl: string): Promise<void> {
  const hit = await hitRateLimit(db, `confirm-resend:${user.id}`, 3, 3600, clock);
  if (!hit.limited) await sendConfirmation(db, user, clock, publicUrl);
}

/** Tells an existing user that someone tried to sign up with their address (instead of telling the visitor). */
export async function sendExistingAccountNotice(db: DB, user: Recipient, publicUrl: string): Promise<void> {
  const signIn = `${publicUrl}/sign-in?email=${encodeURIComponent(user.email)}`;
  const body = renderEmail({
    heading: 'You already have a Gallerist account',
    paragraphs: [
      `Hi ${user.name}, someone tried to create a Gallerist account with your email address. You already have one, so nothing was changed.`,
      `If it was you, sign in, or reset your password if you've forgotten it: ${publicUrl}/forgot-password`,
      `If it wasn't you, you can ignore this email; your account is safe.`,
    ],
    button: { label: 'Sign in', url: signIn },
  });
  await queueMail(db, {
    to: user.email,
    subject: 'Someone tried to create an account with your email',
    template: 'sign_up_existing_account',
    ...body,
  });
}

/** Emails a one-time sign-in link after the per-address limit tripped: the real owner gets in without the password. */
export async function sendSignInLink(db: DB, user: Recipient, clock: Clock, publicUrl: string): Promise<void> {
  const token = await issueEmailLink(db, user.id, 'sign_in', clock);
  const body = renderEmail({
    heading: 'Sign in to Gallerist',
    paragraphs: [
      `Hi ${user.name}, there were many failed attempts to sign in to your account, so password sign-in is paused for a few minutes.`,
      `If that was you, use this link to sign in now. It works once and expires in ${LINK_MINUTES.sign_in} minutes.`,
      `If it wasn't you, someone may be guessing your password: nobody got in, and you can reset it at ${publicUrl}/forgot-password`,
    ],
    button: { label: 'Sign in', url: `${publicUrl}/sign-in/link?token=${encodeURIComponent(token)}` },
  });
  await queueMail(db, { to: user.email, subject: 'Your Gallerist sign-in link', template: 'sign_in_link', ...body });
}

/** The user behind an address (case-insensitive), if any. */
export function findUserByEmail(db: DB, email: string) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'suspended_at'])
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}
