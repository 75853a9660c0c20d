// Apart from validation.ts so the guards (loaded on every page) don't pull in zod and the server's field schemas.

/** Only same-site paths are accepted as redirect targets, so `?next=` cannot send users elsewhere. */
export function safeNext(next: string | null | undefined, fallback = '/app'): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  return next;
}
