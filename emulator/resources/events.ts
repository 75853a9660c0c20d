import type { Hono } from 'hono';
import { api } from '../core/context.ts';
import { listResponse } from '../core/list.ts';
import { arr, bool, listParams, str, validate } from '../core/params.ts';
import { all, mustFind } from '../core/state.ts';

/** Matches an event type against a filter that may end in `*` (e.g. `charge.*`). */
function typeMatches(type: string, pattern: string): boolean {
  return pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
}

/** Events: retrieve and list (type, types[], created, delivery_success filters). */
export const events = (app: Hono): void => {
  api(app, 'get', '/v1/events/:id', (ctx) => {
    validate(ctx.params, {});
    return mustFind(ctx.state, ctx.path.id, 'event', ctx.account).obj;
  });

  api(app, 'get', '/v1/events', (ctx) => {
    const p = validate(ctx.params, { ...listParams, type: str, types: arr(str), delivery_success: bool });
    const recs = all(ctx.state, 'event', ctx.account).filter(
      (r) =>
        (!p.type || typeMatches(r.obj.type, p.type)) &&
        (!p.types || p.types.some((t: string) => typeMatches(r.obj.type, t))) &&
        (p.delivery_success === undefined || (r.obj.pending_webhooks === 0) === p.delivery_success),
    );
    return listResponse('/v1/events', recs, p);
  });
};
