import { createHash, randomBytes } from 'node:crypto';

/** A new random bearer token (sessions, invitations, password resets). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Only token hashes are stored, so a leaked table grants nothing. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
