// Small helpers for reading and querying rows, shared by every domain.

/** A timestamp column (Date, or the string raw SQL returns) as an ISO string; null stays null. */
export function iso(d: Date | string): string;
export function iso(d: Date | string | null | undefined): string | null;
export function iso(d: Date | string | null | undefined): string | null {
  return d ? new Date(d).toISOString() : null;
}

/** Escapes `\`, `%` and `_` so user text matches literally inside a LIKE/ILIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/** An ILIKE pattern matching `text` literally anywhere in the value. */
export function likePattern(text: string): string {
  return `%${escapeLike(text)}%`;
}
