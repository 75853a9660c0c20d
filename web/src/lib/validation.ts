/** Client-side mirrors of the server's validation rules, so users see problems before a round trip. */

export const PASSWORD_MIN = 10;
export const NAME_MAX = 100;
export const SLUG_MAX = 60;

// Deliberately loose: the server is the authority, this only catches obvious typos.
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Whether a (trimmed) value has the shape of an email address; the one client-side email pattern. */
export function looksLikeEmail(value: string): boolean {
  return EMAIL_RE.test(value.trim());
}

export function validateEmail(value: string): string | undefined {
  const v = value.trim();
  if (!v) return 'Enter your email address.';
  if (v.length > 254 || !looksLikeEmail(v)) return 'Enter a valid email address, like name@example.com.';
  return undefined;
}

export function validatePassword(value: string): string | undefined {
  if (!value) return 'Enter a password.';
  if (value.length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  return undefined;
}

export function validateName(value: string, label = 'name'): string | undefined {
  const v = value.trim();
  if (!v) return `Enter a ${label}.`;
  if (v.length > NAME_MAX) return `Keep the ${label} to ${NAME_MAX} characters or fewer.`;
  return undefined;
}

export function validateSlug(value: string): string | undefined {
  if (!value) return 'Enter a URL name.';
  if (value.length > SLUG_MAX) return `Keep it to ${SLUG_MAX} characters or fewer.`;
  if (!SLUG_RE.test(value)) return 'Use lowercase letters, numbers and single hyphens.';
  return undefined;
}

/** Derives a URL-safe slug from a display name ("Café Noir Studio" → "cafe-noir-studio"). */
export function slugify(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX)
    .replace(/-+$/g, '');
}

/** Only same-site paths are accepted as redirect targets, so `?next=` cannot send users elsewhere. */
export function safeNext(next: string | null | undefined, fallback = '/app'): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  return next;
}
