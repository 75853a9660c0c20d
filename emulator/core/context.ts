import type { Context, Hono } from 'hono';
import type { ApiRouter, Handler, ReqCtx } from './api.ts';
import { createApiRouter } from './api.ts';

export type { ReqCtx } from './api.ts';

// The `/v1` routes of each app, filled by `api` as resource modules register and read by both servers.
const routers = new WeakMap<Hono, ApiRouter>();

/** The app's `/v1` router (created on first use). */
export function routerOf(app: Hono): ApiRouter {
  let router = routers.get(app);
  if (!router) {
    router = createApiRouter();
    routers.set(app, router);
  }
  return router;
}

/** Registers a `/v1` API route: the handler returns a stored object (serialized, expanded per `expand[]`). */
export function api(app: Hono, method: 'get' | 'post' | 'delete', path: string, handler: Handler): void {
  routerOf(app).add(method, path, handler);
}

const contexts = new WeakMap<Request, ReqCtx>();

/** Attaches the request context of a page or control request (done once by the first middleware). */
export function setCtx(c: Context, ctx: ReqCtx): void {
  contexts.set(c.req.raw, ctx);
}

/** Request context for a Hono context (pages and the `/_emulator` control API). */
export function getCtx(c: Context): ReqCtx {
  const ctx = contexts.get(c.req.raw);
  if (!ctx) throw new Error('emulator request context missing');
  return ctx;
}
