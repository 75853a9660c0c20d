import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { DEFAULT_API_VERSION, invalidApiVersion, isApiVersion } from './api-version.ts';
import type { ReqCtx } from './context.ts';
import { getCtx, setCtx } from './context.ts';
import { invalid, StripeError } from './errors.ts';
import { idempotency } from './idempotency.ts';
import { base62 } from './ids.ts';
import { parseForm, stringifyLeaves } from './params.ts';
import type { EmulatorState, Obj } from './state.ts';

/** Creates request ids, the per-request context and the Stripe-ish response headers. */
const context: (state: EmulatorState) => MiddlewareHandler = (state) => async (c, next) => {
  const requestId = `req_${base62(14)}`;
  const ctx: ReqCtx = {
    state,
    params: {},
    rawPairs: [],
    account: c.req.header('stripe-account') || null,
    requestId,
    idempotencyKey: c.req.header('idempotency-key') || null,
    apiVersion: null,
    path: {},
    c,
  };
  setCtx(c, ctx);
  const isApi = c.req.path.startsWith('/v1/');
  // Page security headers are applied here rather than as a layer of their own, which every API call paid for.
  if (isApi) await next();
  else await pageHeaders(c, next);
  c.res.headers.set('request-id', requestId);
  if (isApi) c.res.headers.set('stripe-version', ctx.apiVersion ?? DEFAULT_API_VERSION);
};

/** `Stripe-Version` picks the request's version (the account default when absent); malformed ones are a 400. */
function apiVersion(c: Context): void {
  const requested = c.req.header('stripe-version');
  if (requested) {
    if (!isApiVersion(requested)) throw invalidApiVersion(requested);
    getCtx(c).apiVersion = requested;
  }
}

/** Accepts any `sk_test_`/`rk_test_` key via Bearer or Basic auth. */
function auth(c: Context): void {
  const header = c.req.header('authorization') ?? '';
  let key = '';
  if (/^bearer /i.test(header)) key = header.slice(7).trim();
  else if (/^basic /i.test(header)) key = Buffer.from(header.slice(6).trim(), 'base64').toString().split(':')[0];
  if (!key) {
    throw new StripeError(
      401,
      'authentication_error',
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    );
  }
  if (!/^(sk|rk)_test_\w+$/.test(key)) {
    const masked =
      key.length > 8 ? `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : key;
    throw new StripeError(401, 'authentication_error', `Invalid API Key provided: ${masked}`, {
      code: 'api_key_invalid',
    });
  }
}

/** Parses query string and body (form or JSON) into one nested params object. */
export const parseParams: MiddlewareHandler = async (c, next) => {
  await readParams(c);
  await next();
};

/** The `/v1` steps in order (auth, version, params, idempotency) as one middleware: each layer costs a dispatch. */
const v1: MiddlewareHandler = async (c, next) => {
  auth(c);
  apiVersion(c);
  await readParams(c);
  return idempotency(c, next);
};

async function readParams(c: Context): Promise<void> {
  const ctx = getCtx(c);
  const url = c.req.url;
  const q = url.indexOf('?');
  // Most API calls have no query string: they skip building a URL object.
  const pairs: Array<[string, string]> = q < 0 ? [] : [...new URLSearchParams(url.slice(q + 1).split('#')[0])];
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    const type = c.req.header('content-type') ?? '';
    const text = await c.req.text();
    if (text && type.includes('application/json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw invalid('Invalid JSON body');
      }
      const flat = stringifyLeaves(parsed) as Obj;
      Object.assign(ctx.params, flat);
      pairs.push(['__json', text]);
    } else if (text) {
      pairs.push(...new URLSearchParams(text).entries());
    }
  }
  ctx.rawPairs = pairs.filter(([k]) => k !== '__json');
  parseForm(ctx.rawPairs, ctx.params);
  if (pairs.some(([k]) => k === '__json')) ctx.rawPairs = pairs;
}

/** Renders StripeError (and unexpected errors) in Stripe's JSON error shape. */
function onError(err: Error, c: Context): Response {
  if (err instanceof StripeError) {
    const res = c.json(err.toJSON(), err.status as 400);
    if (err.status !== 409) res.headers.set('stripe-should-retry', 'false');
    return res;
  }
  console.error('[stripe-emulator] unexpected error', err);
  return c.json({ error: { type: 'api_error', message: `Internal emulator error: ${err.message}` } }, 500);
}

// Hosted pages have no script at all; forms redirect to the integration's own URLs, so form-action stays open.
const pageHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'none'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'http:', 'https:'],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: 'DENY',
  strictTransportSecurity: false,
  crossOriginResourcePolicy: false,
});

/** Hono app with the shared middleware; resource modules add routes to it. */
export function createBaseApp(state: EmulatorState): Hono {
  const app = new Hono();
  app.use('*', context(state));
  app.use('/v1/*', v1);
  app.use('/_emulator/*', parseParams);
  app.onError(onError);
  app.notFound((c) => {
    const e = new StripeError(
      404,
      'invalid_request_error',
      `Unrecognized request URL (${c.req.method}: ${new URL(c.req.url).pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    );
    return c.json(e.toJSON(), 404);
  });
  return app;
}
