import type { Context, Hono } from 'hono';
import { invalid } from './errors.ts';
import { expand } from './expand.ts';
import type { EmulatorState, Obj, Origin } from './state.ts';
import { clone } from './state.ts';

/** Per-request data shared by middleware and handlers. */
export interface ReqCtx extends Origin {
  state: EmulatorState;
  params: Obj;
  rawPairs: Array<[string, string]>;
  /** The request's valid `Stripe-Version`; null means the account default. */
  apiVersion: string | null;
  /** Set once the handler changed state: idempotency then keeps even an error result, as Stripe does. */
  executed?: boolean;
  path: Record<string, string>;
  c: Context;
  /** The handler's response and its JSON text, so idempotency can store the body without re-reading it. */
  sent?: { res: Response; body: string };
}

const contexts = new WeakMap<Request, ReqCtx>();

/** Attaches the request context (done once by the first middleware). */
export function setCtx(c: Context, ctx: ReqCtx): void {
  contexts.set(c.req.raw, ctx);
}

/** Request context for a Hono context. */
export function getCtx(c: Context): ReqCtx {
  const ctx = contexts.get(c.req.raw);
  if (!ctx) throw new Error('emulator request context missing');
  return ctx;
}

type Handler = (ctx: ReqCtx) => Obj | Promise<Obj>;

/** Registers a `/v1` API route: the handler returns a stored object (cloned, then expanded per `expand[]`). */
export function api(app: Hono, method: 'get' | 'post' | 'delete', path: string, handler: Handler): void {
  app.on(method.toUpperCase(), path, async (c) => {
    const ctx = getCtx(c);
    ctx.path = c.req.param() as Record<string, string>;
    const before = ctx.state.changes;
    let out: Obj | Promise<Obj>;
    try {
      out = handler(ctx);
    } finally {
      // Measured synchronously, so other requests' changes can't be counted as this one's.
      if (ctx.state.changes !== before) ctx.executed = true;
    }
    const value = await out;
    const paths = ctx.params.expand;
    // Without expand nothing mutates the result and c.json serializes it right here, so no copy is needed.
    if (paths === undefined) return send(c, ctx, value);
    const result = clone(value);
    const list = Array.isArray(paths) ? paths : typeof paths === 'object' ? Object.values(paths) : [paths];
    if (list.some((p) => typeof p !== 'string')) throw invalid('Invalid expand', 'expand');
    expand(ctx.state, ctx.account, result, list as string[]);
    return send(c, ctx, result);
  });
}

/** What `c.json` does (same body, status and headers), keeping the JSON text on the request context. */
function send(c: Context, ctx: ReqCtx, value: Obj): Response {
  const body = JSON.stringify(value);
  const res = c.body(body, undefined, { 'Content-Type': 'application/json' });
  ctx.sent = { res, body };
  return res;
}
