import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

type Parsers<F> = { [K in keyof F]: (raw: string | null) => F[K] };

/** Reads the 1-based `?page=` of a list, treating missing or junk values as the first page. */
export function pageFromParams(params: URLSearchParams): number {
  return Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
}

/**
 * Filter and page state of a list kept in the URL, so reloads, back/forward and shared links keep them.
 * Each filter is parsed on read, so a junk value is dropped from the URL at the next update.
 */
export function useListParams<F extends Record<string, string>>(parsers: Parsers<F>) {
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(
    Object.entries(parsers).map(([key, parse]) => [key, (parse as (raw: string | null) => string)(params.get(key))]),
  ) as F;
  const page = pageFromParams(params);

  const update = (next: Partial<F> & { page?: number }) => {
    const p = new URLSearchParams(params);
    for (const key of Object.keys(parsers)) {
      const value = next[key] ?? filters[key];
      if (value) p.set(key, value);
      else p.delete(key);
    }
    const pg = next.page ?? page;
    if (pg > 1) p.set('page', String(pg));
    else p.delete('page');
    // Filter changes replace the history entry; paging pushes one so Back returns to the previous page.
    setParams(p, { replace: next.page === undefined });
  };

  return { filters, page, update };
}

/**
 * The URL query plus a setter that merges changes into it (an empty value removes the key) in place of the current
 * history entry; any change that does not set `page` returns the list to its first page.
 */
export function useQueryPatch() {
  const [params, setParams] = useSearchParams();
  const patch = useCallback(
    (next: Record<string, string | undefined>) =>
      setParams(
        (prev) => {
          const out = new URLSearchParams(prev);
          for (const [key, value] of Object.entries(next)) {
            if (value) out.set(key, value);
            else out.delete(key);
          }
          if (!('page' in next)) out.delete('page');
          return out;
        },
        { replace: true },
      ),
    [setParams],
  );
  return [params, patch] as const;
}
