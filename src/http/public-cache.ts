import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../clock.ts';
import type { AppEnv } from './context.ts';
import { CSRF_COOKIE } from './middleware.ts';

/**
 * Answers for the public catalog reads (marketplace browse and artworks, gallery pages, their print catalog and
 * thumbnails) kept in memory while the rows they were read from are unchanged (decisions 033 and 036). On the
 * embedded database PGlite hands this process each commit's notification before the commit returns, so no stale
 * answer outlives a write; on Postgres every instance hears every instance's commits over LISTEN a few milliseconds
 * later, and keeps answers only while that connection is up. A short time to live bounds what only time changes
 * (a gallery's expiry, a checkout's hold on an original).
 */
export interface PublicReadCache {
  /** Drops every stored answer; called for each committed write to a catalog table. */
  invalidate(): void;
  /** Serving from and storing into the cache; off until the invalidation feed is live. */
  enable(on: boolean): void;
  /** Route middleware answering from the cache, or storing what the route answers. */
  middleware: MiddlewareHandler<AppEnv>;
  /** Answers held now. */
  size(): number;
}

/** The channel migration 0119's triggers notify at the commit of any write to a table a cached read reads. */
export const CATALOG_CHANNEL = 'gallerist_catalog';

interface Entry {
  at: number;
  status: number;
  headers: Array<[string, string]>;
  body: Uint8Array<ArrayBuffer>;
}

export interface PublicReadCacheOptions {
  clock: Clock;
  ttlMs?: number;
  maxEntries?: number;
  maxBytes?: number;
  /** Larger answers are served but not kept. */
  maxEntryBytes?: number;
}

// Cookies that never change a public answer: the CSRF token (minted per browser, set again on every answer).
const NEUTRAL_COOKIES = new Set([CSRF_COOKIE]);

/** True when the request could be any stranger's: no session, no gallery unlock or visitor cookie, no API key. */
function anonymous(cookieHeader: string | undefined, authorization: string | undefined): boolean {
  if (authorization) return false;
  if (!cookieHeader) return true;
  for (const part of cookieHeader.split(';')) {
    const name = part.split('=', 1)[0].trim();
    if (name && !NEUTRAL_COOKIES.has(name)) return false;
  }
  return true;
}

export function createPublicReadCache(opts: PublicReadCacheOptions): PublicReadCache {
  const ttlMs = opts.ttlMs ?? 5_000;
  const maxEntries = opts.maxEntries ?? 2_000;
  const maxBytes = opts.maxBytes ?? 32 * 1024 * 1024;
  const maxEntryBytes = opts.maxEntryBytes ?? 512 * 1024;
  const entries = new Map<string, Entry>();
  let bytes = 0;
  let enabled = false;
  // Bumped by every invalidation: an answer read before a write committed is never stored after it.
  let generation = 0;

  const clear = () => {
    generation++;
    entries.clear();
    bytes = 0;
  };
  const drop = (key: string, e: Entry) => {
    entries.delete(key);
    bytes -= e.body.byteLength;
  };

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (!enabled || c.req.method !== 'GET' || !anonymous(c.req.header('cookie'), c.req.header('authorization'))) {
      return next();
    }
    const url = c.req.url;
    const key = url.slice(url.indexOf('/', url.indexOf('//') + 2));
    const now = opts.clock.now().getTime();
    const hit = entries.get(key);
    if (hit) {
      // Map order is insertion order: moving a hit to the end makes eviction least recently used.
      entries.delete(key);
      if (now - hit.at >= 0 && now - hit.at < ttlMs) {
        entries.set(key, hit);
        return c.body(hit.body, hit.status as 200, Object.fromEntries(hit.headers));
      }
      bytes -= hit.body.byteLength;
    }
    const started = generation;
    await next();
    const res = c.res;
    if (res.status !== 200 || started !== generation || !enabled) return;
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > maxEntryBytes) return;
    // The route's own cookies would make the answer someone's; the CSRF cookie is minted again for each request.
    const cookies = res.headers.getSetCookie();
    if (cookies.some((s) => !s.startsWith(`${CSRF_COOKIE}=`))) return;
    // A Uint8Array body takes the Node adapter's direct write path (no web stream per answer).
    const body = new Uint8Array(await res.arrayBuffer());
    c.res = new Response(body, res);
    if (body.byteLength > maxEntryBytes || started !== generation) return;
    const headers = [...res.headers].filter(([k]) => k !== 'set-cookie' && k !== 'content-length');
    entries.set(key, { at: now, status: res.status, headers, body });
    bytes += body.byteLength;
    for (const [k, e] of entries) {
      if (entries.size <= maxEntries && bytes <= maxBytes) break;
      drop(k, e);
    }
  };

  return {
    middleware,
    invalidate: clear,
    size: () => entries.size,
    enable(on) {
      enabled = on;
      if (!on) clear();
    },
  };
}

/** Route middleware for a public read: served from and stored into the app's cache when it has one. */
export const cachedPublicRead: MiddlewareHandler<AppEnv> = (c, next) => {
  const cache = c.var.deps.publicCache;
  return cache ? cache.middleware(c, next) : next();
};
