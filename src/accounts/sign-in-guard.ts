import { recordAudit } from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import type { DB } from '../db/types.ts';
import { findUserByEmail, sendSignInLink } from './email-links.ts';
import { checkRateLimit, consumeRateLimit, hitRateLimit, refundRateLimit } from './rate-limit.ts';

/** Per-address attempts before password sign-in pauses for that address. */
export const EMAIL_LIMIT = { limit: 10, windowSeconds: 900 } as const;
/** Per-client limits: all attempts, and failures (so one client can lock at most two addresses per window). */
export const IP_LIMITS = {
  attempts: { limit: 50, windowSeconds: 900 },
  failures: { limit: 20, windowSeconds: 900 },
  failuresPerDay: { limit: 100, windowSeconds: 86_400 },
} as const;

export const LOCKED_MESSAGE =
  'Too many sign-in attempts for this email. If it belongs to an account, we’ve emailed it a one-time sign-in link; otherwise wait and try again.';

/** The outcome of the per-address check. */
export type EmailGate =
  | { allowed: true; pastLock: boolean }
  | { allowed: false; retryAfterSeconds: number; message?: string };

/** Refuses a client over its own limits before it can spend anyone's per-address budget. Commit on its own. */
export async function checkClientLimits(db: DB, ip: string, clock: Clock): Promise<void> {
  const { attempts, failures, failuresPerDay } = IP_LIMITS;
  await checkRateLimit(db, `signin:ip-fail:${ip}`, failures.limit, failures.windowSeconds, clock);
  await checkRateLimit(db, `signin:ip-fail-day:${ip}`, failuresPerDay.limit, failuresPerDay.windowSeconds, clock);
  await consumeRateLimit(db, `signin:ip:${ip}`, attempts.limit, attempts.windowSeconds, clock);
}

/** A right password: the attempt no longer counts against the address (counted first so bursts can't overshoot). */
export async function refundEmailAttempt(db: DB, email: string): Promise<void> {
  await refundRateLimit(db, `signin:email:${email}`);
}

/** Counts a wrong password against the client. */
export async function recordClientFailure(db: DB, ip: string, clock: Clock): Promise<void> {
  const { failures, failuresPerDay } = IP_LIMITS;
  await hitRateLimit(db, `signin:ip-fail:${ip}`, failures.limit, failures.windowSeconds, clock);
  await hitRateLimit(db, `signin:ip-fail-day:${ip}`, failuresPerDay.limit, failuresPerDay.windowSeconds, clock);
}

/**
 * The per-address limit, with two ways past it for the real owner: a browser that signed in to that user before
 * (`knownDevice` returns its cookie's issue time), or the one-time link emailed when the limit trips.
 * Run as service role in its own transaction so the counters and the mail commit even when sign-in is refused.
 */
export async function passEmailLimit(
  db: DB,
  email: string,
  opts: { knownDevice: (userId: string) => number | null; clock: Clock; publicUrl: string; requestId?: string | null },
): Promise<EmailGate> {
  const { clock } = opts;
  const hit = await hitRateLimit(db, `signin:email:${email}`, EMAIL_LIMIT.limit, EMAIL_LIMIT.windowSeconds, clock);
  if (!hit.limited) return { allowed: true, pastLock: false };
  const user = await findUserByEmail(db, email);
  const issuedAt = user ? opts.knownDevice(user.id) : null;
  if (user && issuedAt !== null) {
    // Still bounded per browser, so a stolen device cookie is not an unlimited guessing pass.
    const device = await hitRateLimit(db, `signin:device:${user.id}:${issuedAt}`, 10, 900, clock);
    return device.limited
      ? { allowed: false, retryAfterSeconds: device.retryAfterSeconds }
      : { allowed: true, pastLock: true };
  }
  if (user && !user.suspended_at) {
    // One link per lock window and a few a day, however hard the address is hammered.
    const perWindow = await hitRateLimit(db, `signin-link:${email}`, 1, EMAIL_LIMIT.windowSeconds, clock);
    const perDay = perWindow.limited ? perWindow : await hitRateLimit(db, `signin-link-day:${email}`, 5, 86_400, clock);
    if (!perDay.limited) {
      await sendSignInLink(db, user, clock, opts.publicUrl);
      await recordAudit(
        db,
        { kind: 'anonymous', requestId: opts.requestId ?? null },
        { action: 'user.sign_in_locked', entityType: 'user', entityId: user.id, after: { signInLinkSent: true } },
      );
    }
  }
  return { allowed: false, retryAfterSeconds: hit.retryAfterSeconds, message: LOCKED_MESSAGE };
}
