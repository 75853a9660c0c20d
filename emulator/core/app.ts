import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { ApiRequest, ReqCtx } from './api.ts';
import { errorResponse, handleApi, readParams } from './api.ts';
import { getCtx, routerOf, setCtx } from './context.ts';
import { StripeError } from './errors.ts';
import { base62 } from './ids.ts';
import type { EmulatorState } from './state.ts';

/** The per-request context and page security headers, for everything outside `/v1` (pages, control API). */
const context: (state: EmulatorState) => MiddlewareHandler = (state) => async (c, next) => {
  if (c.req.path.startsWith('/v1/')) return next();
  const requestId = `req_${base62(14)}`;
  const ctx: ReqCtx = {
    state,
    params: {},
    rawPairs: [],
    account: c.req.header('stripe-account') || null,
    requestId,
    idempotencyKey: null,
    apiVersion: null,
    path: {},
  };
  setCtx(c, ctx);
  await pageHeaders(c, next);
  c.res.headers.set('request-id', requestId);
};

/** Parses query string and body (form or JSON) into one nested params object, for the control API. */
export const parseParams: MiddlewareHandler = async (c, next) => {
  const url = c.req.url;
  const q = url.indexOf('?');
  await readParams(getCtx(c), {
    method: c.req.method,
    query: q < 0 ? '' : url.slice(q + 1),
    header: (name) => c.req.header(name),
    body: () => c.req.text(),
  });
  await next();
};

/** `/v1` through Hono (in-process `app.fetch`): the same steps the raw server runs (core/api.ts). */
function apiThroughHono(state: EmulatorState, app: Hono): (c: Context) => Promise<Response> {
  return async (c) => {
    const url = c.req.url;
    const q = url.indexOf('?');
    const req: ApiRequest = {
      method: c.req.method,
      path: c.req.path,
      query: q < 0 ? '' : url.slice(q + 1),
      header: (name) => c.req.header(name),
      body: () => c.req.text(),
    };
    const res = await handleApi(state, routerOf(app), req);
    return new Response(c.req.method === 'HEAD' ? null : res.body, { status: res.status, headers: res.headers });
  };
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

/** Hono app with the shared middleware; resource modules add `/v1` routes to its router (`api`) and pages to it. */
export function createBaseApp(state: EmulatorState): Hono {
  const app = new Hono();
  app.use('*', context(state));
  app.use('/_emulator/*', parseParams);
  app.all('/v1/*', apiThroughHono(state, app));
  app.onError((err, c) => {
    const res = errorResponse(err);
    return c.body(res.body, res.status as 400, res.headers);
  });
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
