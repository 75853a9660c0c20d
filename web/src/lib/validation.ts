/**
 * Form validation with the server's own zod schemas (src/<domain>/fields.ts), so users see the same rules and
 * messages before a round trip as the API would answer with. Forms import the field schemas directly and check each
 * value with `fieldError`; there are no client-side copies of the rules.
 */
import type { ZodType } from 'zod';
import { SLUG_MAX } from '../../../src/accounts/fields.ts';

export { safeNext } from './safe-next.ts';

/** The first problem the schema finds with `value`, as its user-facing message, or `undefined` when it is valid. */
export function fieldError(schema: ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : (result.error.issues[0]?.message ?? 'Check this value.');
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
