import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { getSessionUser } from '../accounts/index.ts';
import { isTransactionConflict } from '../db/errors.ts';
import { withService } from '../db/tenancy.ts';
import { AppError, isAppError } from '../errors.ts';
import type { AppEnv, Deps } from './context.ts';
import { errorStatus } from './errors.ts';

export const SESSION_COOKIE = 'gallerist_session';
export const CSRF_COOKIE = 'gallerist_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** Attaches deps, a request id (honouring a sane incoming one) and a child logger. */
export function requestContext(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && /^[\w.-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    c.set('deps', deps);
    c.set('requestId', id);
    c.set('log', deps.logger.child({ reqId: id }));
    c.set('user', null);
    c.set('sessionId', null);
    c.header('x-request-id', id);
    const start = performance.now();
    // Counted so this process's job runner lets requests go first (jobs/signal.ts).
    const answered = deps.assembly.jobSignal.requestStarted();
    try {
      await next();
    } finally {
      answered();
    }
    const ms = Math.round(performance.now() - start);
    const level = c.res.status >= 500 ? 'error' : 'info';
    if (c.req.path !== '/healthz') {
      c.get('log')[level]({ method: c.req.method, path: c.req.path, status: c.res.status, ms }, 'request');
    }
  };
}

/** Renders any thrown error as `{error:{code,message,details}}`; only unexpected errors become 500s. */
export function errorHandler(err: Error, c: Context<AppEnv>): Response {
  if (isAppError(err)) {
    const retryAfter = err.code === 'rate_limited' ? Number(err.details?.retryAfterSeconds) : Number.NaN;
    if (retryAfter > 0) c.header('Retry-After', String(Math.ceil(retryAfter)));
    return c.json({ error: { code: err.code, message: err.message, details: err.details } }, errorStatus[err.code]);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const msg = err.message || 'Bad request';
    const code = status === 413 ? 'payload_too_large' : /json/i.test(msg) ? 'invalid_json' : 'bad_request';
    const message = code === 'invalid_json' ? 'The request body is not valid JSON' : msg;
    return c.json({ error: { code, message, details: null } }, status === 413 ? 413 : 400);
  }
  if (isTransactionConflict(err)) {
    // Lost a serialization or deadlock race: nothing was written, and the client may safely retry.
    c.get('log')?.warn({ err }, 'transaction conflict');
    return c.json(
      { error: { code: 'conflict', message: 'The request collided with another; please retry', details: null } },
      409,
    );
  }
  // stripe-node names its errors 'Error' and puts the class (StripeConnectionError, …) in `type`.
  const type = (err as { type?: unknown }).type;
  if (typeof type === 'string' && type.startsWith('Stripe')) {
    c.get('log')?.error({ err }, 'stripe error');
    return c.json(
      { error: { code: 'upstream_error', message: `Payment provider error: ${err.message}`, details: null } },
      502,
    );
  }
  c.get('log')?.error({ err }, 'unhandled error');
  return c.json(
    {
      error: {
        code: 'internal',
        message: 'Something went wrong on our side',
        details: { requestId: c.get('requestId') },
      },
    },
    500,
  );
}

/** Loads the signed-in user from the session cookie, if any. */
export function sessionLoader(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token && token.length < 200) {
      const { db, clock } = c.get('deps');
      const found = await withService(db, (tx) => getSessionUser(tx, token, clock));
      if (found) {
        c.set('user', found.user);
        c.set('sessionId', found.sessionId);
      }
    }
    await next();
  };
}

// A CSRF token is `nonce.mac`, the MAC binding the nonce to this browser's session (or to "no session"), so a
// cookie an attacker plants from a sibling domain is useless and signing in or out rotates the token.
function csrfMac(secret: string, nonce: string, binding: string): string {
  return createHmac('sha256', secret).update(`csrf:${nonce}:${binding}`).digest('base64url');
}

// The session token when the request carries a valid session, else ''.
function csrfBinding(c: Context<AppEnv>): string {
  return c.get('sessionId') ? (getCookie(c, SESSION_COOKIE) ?? '') : '';
}

/** True when `token` was issued by this server for `binding`. */
function validCsrfToken(secret: string, token: string, binding: string): boolean {
  const m = /^([\w-]{16,64})\.([\w-]{43})$/.exec(token);
  if (!m) return false;
  const a = Buffer.from(m[2]);
  const b = Buffer.from(csrfMac(secret, m[1], binding));
  return a.length === b.length && timingSafeEqual(a, b);
}

function issueCsrfToken(c: Context<AppEnv>, binding: string): string {
  const { config } = c.get('deps');
  const nonce = randomBytes(18).toString('base64url');
  const token = `${nonce}.${csrfMac(config.sessionSecret, nonce, binding)}`;
  setCookie(c, CSRF_COOKIE, token, {
    path: '/',
    sameSite: 'Lax',
    secure: config.secureCookies,
    httpOnly: false,
    maxAge: 60 * 60 * 24 * 365,
  });
  c.set('csrfToken', token);
  return token;
}

/** Returns the CSRF token for this browser and session, issuing a new cookie when it is missing or stale. */
export function ensureCsrfToken(c: Context<AppEnv>): string {
  const issued = c.get('csrfToken');
  if (issued) return issued;
  const binding = csrfBinding(c);
  const existing = getCookie(c, CSRF_COOKIE);
  if (existing && validCsrfToken(c.get('deps').config.sessionSecret, existing, binding)) return existing;
  return issueCsrfToken(c, binding);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

// Browsers say where a request comes from; non-browser clients (scripts, tests) send neither header and are
// covered by the token alone. Unlike Hono's csrf(), a missing header is not a refusal, and every body type counts.
function fromOurPages(c: Context<AppEnv>): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site) return site === 'same-origin' || site === 'none';
  const origin = c.req.header('origin');
  if (!origin) return true;
  return origin === new URL(c.req.url).origin || origin === new URL(c.get('deps').config.publicUrl).origin;
}

/**
 * CSRF defence in two layers on state-changing API calls (webhooks authenticate by signature instead): the
 * `x-csrf-token` header must equal the cookie and be bound to the current session, and a browser's
 * `Sec-Fetch-Site`/`Origin` must say the call comes from our own pages. Runs after `sessionLoader`.
 */
export function csrfProtection(exempt: (path: string) => boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // Callers authenticated another way (Stripe signatures, API keys) never use a browser token: don't mint one.
    if (exempt(c.req.path)) return next();
    // A read mints nothing: the session endpoint hands the token out (the web app asks it before a first write),
    // so public answers carry no Set-Cookie a shared cache would have to refuse or pass on, and a stranger's read
    // costs no random nonce and MAC (12 % of a cached catalog read's CPU).
    if (SAFE_METHODS.has(c.req.method)) return next();
    const cookie = getCookie(c, CSRF_COOKIE);
    const token = ensureCsrfToken(c);
    assertCsrf(c, cookie, token, c.req.header(CSRF_HEADER));
    return next();
  };
}

/**
 * The same two checks for a request that changes state without the header: a WebSocket upgrade is a GET the
 * browser sends cross-site with cookies, so its token comes in the query and its Origin must be ours.
 */
export function assertCsrfPresented(c: Context<AppEnv>, presented: string | undefined): void {
  const cookie = getCookie(c, CSRF_COOKIE);
  assertCsrf(c, cookie, ensureCsrfToken(c), presented);
}

function assertCsrf(c: Context<AppEnv>, cookie: string | undefined, token: string, presented: string | undefined) {
  const a = Buffer.from(presented ?? '');
  const b = Buffer.from(token);
  if (!cookie || cookie !== token || a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new AppError('csrf_failed', 'Missing or invalid CSRF token. Reload the page and try again.');
  }
  if (!fromOurPages(c)) throw new AppError('csrf_failed', 'This request did not come from Gallerist’s own pages.');
}

/** Sets the session cookie with the platform's cookie policy. */
export function setSessionCookie(c: Context<AppEnv>, token: string, expires: Date): void {
  setCookie(c, SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: c.get('deps').config.secureCookies,
    expires,
  });
  // A new session gets a new CSRF token: one issued before sign-in is no longer accepted.
  issueCsrfToken(c, token);
}

/** Ends the browser's session cookie and rotates the CSRF token to the signed-out one. */
export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
  issueCsrfToken(c, '');
}

/** The client address, for rate limiting and session metadata (see `pickClientIp` for proxies). */
export function clientIp(c: Context<AppEnv>): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const socket = env?.incoming?.socket?.remoteAddress ?? 'local';
  return pickClientIp(socket, c.req.header('x-forwarded-for'), c.get('deps').config.TRUST_PROXY);
}

/** True for 127.0.0.0/8 and ::1 (also IPv4-mapped), and for in-process requests that have no socket at all. */
export function isLoopback(ip: string): boolean {
  if (ip === 'local') return true;
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || ip === '::1';
}

/** Answers 404 to every client but this machine (the real client behind trusted proxies, see `clientIp`). */
export function loopbackOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!isLoopback(clientIp(c))) return c.text('Not found', 404);
    await next();
  };
}

/**
 * The client behind `hops` trusted proxies: each proxy appends the address it received from, so the client is the
 * hops-th entry from the right. Entries further left are whatever the client sent and are never trusted; with no
 * trusted proxies the header is ignored, so a client can't pick its own rate-limit key.
 */
export function pickClientIp(socket: string, forwardedFor: string | undefined, hops: number): string {
  if (hops <= 0 || !forwardedFor) return socket;
  const chain = forwardedFor
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return chain[Math.max(0, chain.length - hops)] ?? socket;
}
