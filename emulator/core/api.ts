import { DEFAULT_API_VERSION, invalidApiVersion, isApiVersion } from './api-version.ts';
import { invalid, StripeError } from './errors.ts';
import { expand } from './expand.ts';
import { base62 } from './ids.ts';
import { parseForm, stringifyLeaves } from './params.ts';
import type { EmulatorState, Obj, Origin } from './state.ts';
import { clone, nowMs } from './state.ts';

/**
 * The `/v1` API without an HTTP framework: the raw Node server calls it directly (the hot path) and the Hono app
 * adapts to it (in-process `app.fetch`), so both run the same steps: auth, version, params, route, idempotency,
 * handler, expand, Stripe's error shape.
 */

/** Per-request data the handlers read. */
export interface ReqCtx extends Origin {
  state: EmulatorState;
  params: Obj;
  rawPairs: Array<[string, string]>;
  /** The request's valid `Stripe-Version`; null means the account default. */
  apiVersion: string | null;
  /** Set once the handler changed state: idempotency then keeps even an error result, as Stripe does. */
  executed?: boolean;
  path: Record<string, string>;
}

export type Handler = (ctx: ReqCtx) => Obj | Promise<Obj>;

/** What the API needs of a request, whichever server received it. */
export interface ApiRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The query string without `?` ('' when none). */
  query: string;
  header(name: string): string | undefined;
  body(): Promise<string>;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

/** `/v1` routes in registration order (first match wins, as in Hono), bucketed by method, depth and resource. */
export interface ApiRouter {
  add(method: string, path: string, handler: Handler): void;
  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | null;
}

export function createApiRouter(): ApiRouter {
  const buckets = new Map<string, Route[]>();
  // Segment 1 is the resource (`customers` in /v1/customers/:id); a parameter there would match any bucket.
  const keyOf = (method: string, segments: string[]) => `${method} ${segments.length} ${segments[1] ?? ''}`;
  return {
    add(method, path, handler) {
      const segments = path.split('/').slice(1);
      if (segments[1]?.startsWith(':')) throw new Error(`route ${path}: the resource segment can't be a parameter`);
      const key = keyOf(method.toUpperCase(), segments);
      const list = buckets.get(key) ?? [];
      list.push({ method: method.toUpperCase(), segments, handler });
      buckets.set(key, list);
    },
    match(method, path) {
      const segments = path.split('/').slice(1);
      const list = buckets.get(keyOf(method === 'HEAD' ? 'GET' : method, segments));
      if (!list) return null;
      for (const route of list) {
        const params: Record<string, string> = {};
        let ok = true;
        for (let i = 0; i < segments.length; i++) {
          const want = route.segments[i];
          if (want.startsWith(':')) {
            if (!segments[i]) {
              ok = false;
              break;
            }
            params[want.slice(1)] = decode(segments[i]);
          } else if (want !== segments[i]) {
            ok = false;
            break;
          }
        }
        if (ok) return { handler: route.handler, params };
      }
      return null;
    },
  };
}

function decode(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const TTL_MS = 24 * 60 * 60 * 1000;
// Errors that mean "the request never ran", which Stripe does not store under the key.
const NOT_STORED = new Set([401, 409, 429]);

/** Stripe saves a result only once the endpoint began executing: not for 4xx before any change, never for 5xx. */
function isStored(status: number, executed: boolean, errorType: string | null): boolean {
  if (NOT_STORED.has(status) || status >= 500 || errorType === 'idempotency_error') return false;
  return status < 400 || executed;
}

/** Answers one `/v1` request. Never throws: errors come back in Stripe's shape. */
export async function handleApi(state: EmulatorState, router: ApiRouter, req: ApiRequest): Promise<ApiResponse> {
  const requestId = `req_${base62(14)}`;
  const ctx: ReqCtx = {
    state,
    params: {},
    rawPairs: [],
    account: req.header('stripe-account') || null,
    requestId,
    idempotencyKey: req.header('idempotency-key') || null,
    apiVersion: null,
    path: {},
  };
  let res: ApiResponse;
  try {
    res = await run(ctx, router, req);
  } catch (err) {
    res = errorResponse(err);
  }
  res.headers['request-id'] ??= requestId;
  res.headers['stripe-version'] = ctx.apiVersion ?? DEFAULT_API_VERSION;
  return res;
}

async function run(ctx: ReqCtx, router: ApiRouter, req: ApiRequest): Promise<ApiResponse> {
  auth(req.header('authorization') ?? '');
  const version = req.header('stripe-version');
  if (version) {
    if (!isApiVersion(version)) throw invalidApiVersion(version);
    ctx.apiVersion = version;
  }
  await readParams(ctx, req);
  const route = router.match(req.method, req.path);
  if (!route) {
    throw new StripeError(
      404,
      'invalid_request_error',
      `Unrecognized request URL (${req.method}: ${req.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    );
  }
  ctx.path = route.params;
  const key = ctx.idempotencyKey;
  if (req.method !== 'POST' || !key) return execute(ctx, route.handler);
  return idempotent(ctx, req, key, route.handler);
}

async function execute(ctx: ReqCtx, handler: Handler): Promise<ApiResponse> {
  const before = ctx.state.changes;
  let out: Obj | Promise<Obj>;
  try {
    out = handler(ctx);
  } finally {
    // Measured synchronously, so other requests' changes can't be counted as this one's.
    if (ctx.state.changes !== before) ctx.executed = true;
  }
  let value = await out;
  const paths = ctx.params.expand;
  // Without expand nothing mutates the result and it is serialized right here, so no copy is needed.
  if (paths !== undefined) {
    value = clone(value);
    const list = Array.isArray(paths) ? paths : typeof paths === 'object' ? Object.values(paths) : [paths];
    if (list.some((p) => typeof p !== 'string')) throw invalid('Invalid expand', 'expand');
    expand(ctx.state, ctx.account, value, list as string[]);
  }
  return json(200, value);
}

/** Honours `Idempotency-Key` on POSTs: replays the stored response, rejects reuse with different params. */
async function idempotent(ctx: ReqCtx, req: ApiRequest, key: string, handler: Handler): Promise<ApiResponse> {
  const { state } = ctx;
  const scoped = `${ctx.account ?? ''}:${key}`;
  const fingerprint = `${req.method} ${req.path}?${ctx.rawPairs
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join('&')}`;
  const existing = state.idempotency.get(scoped);
  if (existing && existing.expiresAt > nowMs(state)) {
    if (existing.fingerprint !== fingerprint) {
      throw new StripeError(
        400,
        'idempotency_error',
        `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      );
    }
    if (existing.inFlight) {
      throw new StripeError(
        409,
        'idempotency_error',
        `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
      );
    }
    return {
      status: existing.status,
      headers: {
        'content-type': 'application/json',
        'idempotent-replayed': 'true',
        'original-request': existing.requestId,
        'request-id': ctx.requestId ?? existing.requestId,
        'idempotency-key': key,
      },
      body: existing.body,
    };
  }
  const record = {
    fingerprint,
    status: 0,
    body: '',
    requestId: ctx.requestId ?? '',
    expiresAt: nowMs(state) + TTL_MS,
    inFlight: true,
  };
  // Re-inserted, not overwritten: an expired key reused moves to the end, keeping insertion order expiry order.
  state.idempotency.delete(scoped);
  state.idempotency.set(scoped, record);
  let res: ApiResponse;
  let errorType: string | null = null;
  try {
    res = await execute(ctx, handler);
  } catch (err) {
    res = errorResponse(err);
    errorType = err instanceof StripeError ? err.type : 'api_error';
  }
  if (!isStored(res.status, ctx.executed === true, errorType)) {
    state.idempotency.delete(scoped);
  } else {
    record.status = res.status;
    record.body = res.body;
    record.inFlight = false;
    state.onChange();
  }
  res.headers['idempotency-key'] = key;
  return res;
}

/** Purges idempotency records past their 24 h on the emulator clock (runs on the clock tick). */
export function purgeIdempotency(state: EmulatorState): void {
  const now = nowMs(state);
  // Keys expire a fixed time after they are stored, so insertion order is expiry order: stop at the first live one
  // instead of reading every key every second.
  for (const [key, rec] of state.idempotency) {
    if (rec.expiresAt > now) break;
    if (!rec.inFlight) state.idempotency.delete(key);
  }
}

const json = (status: number, value: unknown): ApiResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

/** A thrown error in Stripe's `{ error: … }` shape; anything unexpected is a 500 `api_error`. */
export function errorResponse(err: unknown): ApiResponse {
  if (err instanceof StripeError) {
    const res = json(err.status, err.toJSON());
    if (err.status !== 409) res.headers['stripe-should-retry'] = 'false';
    return res;
  }
  console.error('[stripe-emulator] unexpected error', err);
  const message = err instanceof Error ? err.message : String(err);
  return json(500, { error: { type: 'api_error', message: `Internal emulator error: ${message}` } });
}

/** Accepts any `sk_test_`/`rk_test_` key via Bearer or Basic auth. */
function auth(header: string): void {
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

/** Parses the query string and the body (form or JSON) into one nested params object. */
export async function readParams(
  ctx: Pick<ReqCtx, 'params' | 'rawPairs'>,
  req: Pick<ApiRequest, 'method' | 'query' | 'header' | 'body'>,
): Promise<void> {
  // Most API calls have no query string: they skip building a URLSearchParams.
  const pairs: Array<[string, string]> = req.query ? [...new URLSearchParams(req.query.split('#')[0])] : [];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const type = req.header('content-type') ?? '';
    const text = await req.body();
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
