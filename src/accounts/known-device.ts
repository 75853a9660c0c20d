import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a browser stays "known" after its last successful sign-in. */
export const KNOWN_DEVICE_DAYS = 180;

/** One cookie per user, so a shared browser keeps the standing of everyone who signed in on it. */
export const knownDeviceCookieName = (userId: string) => `gallerist_device_${userId.replaceAll('-', '')}`;

function mac(secret: string, userId: string, issuedAt: number): string {
  return createHmac('sha256', secret).update(`known-device:${userId}:${issuedAt}`).digest('base64url');
}

/** The cookie value proving this browser signed in as `userId` at `issuedAt` (ms since epoch). */
export function signKnownDevice(secret: string, userId: string, issuedAt: number): string {
  return `${issuedAt}.${mac(secret, userId, issuedAt)}`;
}

/** True when `value` was issued by us for exactly this user within the last KNOWN_DEVICE_DAYS. */
export function verifyKnownDevice(secret: string, userId: string, value: string | undefined, now: Date): boolean {
  if (!value || value.length > 200) return false;
  const [issuedRaw, sig] = value.split('.');
  const issuedAt = Number(issuedRaw);
  if (!Number.isSafeInteger(issuedAt) || !sig) return false;
  const age = now.getTime() - issuedAt;
  if (age < -60_000 || age > KNOWN_DEVICE_DAYS * 86_400_000) return false;
  const a = Buffer.from(sig);
  const b = Buffer.from(mac(secret, userId, issuedAt));
  return a.length === b.length && timingSafeEqual(a, b);
}
