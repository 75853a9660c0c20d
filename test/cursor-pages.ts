import { expect } from 'vitest';

// Shared checks for the keyset-paginated list routes (issue 17, src/db/keyset.ts).

type Answer = { status: number; body: any; headers: Headers };

/** `path` with `cursor` (URI-encoded) added to its query, or `path` unchanged for the first page. */
export function withCursor(path: string, cursor: string | null | undefined): string {
  if (!cursor) return path;
  return `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`;
}

/**
 * Reads every page of a cursor list, calling `between` after each page (to insert rows meanwhile), and returns the
 * rows in the order served and how many pages it took. Each page must be a 200 with `nextCursor` and `limit`.
 */
export async function walkPages<T = any>(
  get: (path: string) => Promise<Answer>,
  path: string,
  between?: (page: number) => Promise<void>,
  maxPages = 50,
): Promise<{ rows: T[]; pages: number; answers: any[] }> {
  const rows: T[] = [];
  const answers: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const r = await get(withCursor(path, cursor));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toHaveProperty('nextCursor');
    answers.push(r.body);
    rows.push(...r.body.data);
    cursor = r.body.nextCursor;
    pages++;
    if (between) await between(pages);
  } while (cursor && pages < maxPages);
  return { rows, pages, answers };
}

/**
 * Cursors we never issued, including a tampered copy of `good`: each must be a 400 JSON error, never a 500. A list
 * keyed by text (`textKey`) takes any string as its key (bound as a parameter), so a forged key is not refused there.
 */
export async function expectBadCursorsRefused(
  get: (path: string) => Promise<Answer>,
  path: string,
  good: string,
  opts: { textKey?: boolean } = {},
) {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const forged = b64(["2026-01-01' or 1=1 --", '00000000-0000-0000-0000-000000000000']);
  const notUuid = b64(['2026-01-01T00:00:00.000000Z', "x' or 1=1 --"]);
  const bad = ['garbage', `${good.slice(0, -4)}AAAA`, good.slice(1), notUuid, 'x'.repeat(1001)];
  for (const cursor of opts.textKey ? bad : [...bad, forged, 'x'.repeat(301)]) {
    const r = await get(withCursor(path, cursor));
    expect(r.status, cursor).toBe(400);
    expect(r.headers.get('content-type')).toContain('application/json');
    expect(['bad_request', 'validation_failed']).toContain(r.body.error.code);
    expect(r.body.error).toEqual(
      expect.objectContaining({ code: expect.any(String), message: expect.any(String), details: expect.anything() }),
    );
  }
  const garbage = await get(withCursor(path, 'garbage'));
  expect(garbage.body.error.code).toBe('bad_request');
}
