import type { Hono } from 'hono';
import { invalidApiVersion, isApiVersion } from '../core/api-version.ts';
import { api } from '../core/context.ts';
import { invalid } from '../core/errors.ts';
import { isKnownEventType } from '../core/events.ts';
import { base62, newId } from '../core/ids.ts';
import { listResponse } from '../core/list.ts';
import type { V } from '../core/params.ts';
import { arr, bool, listParams, mergeMetadata, metadata, req, str, validate } from '../core/params.ts';
import { all, insert, mustFind, nowSec } from '../core/state.ts';

/** `enabled_events` entries must be `*` or a known event type, as Stripe validates. */
const enabledEvents: V = (value, path) => {
  const list = arr(str)(value, path) as string[];
  list.forEach((t, i) => {
    if (t !== '*' && !isKnownEventType(t)) throw invalid(`Invalid event type: ${t}`, `${path}[${i}]`);
  });
  if (!list.length) throw invalid('enabled_events must contain at least one event type.', path);
  return list;
};

const url: V = (value, path) => {
  const s = str(value, path);
  if (typeof s !== 'string' || !/^https?:\/\/\S+$/.test(s))
    throw invalid('Invalid URL: must be an http(s) URL.', path, 'url_invalid');
  return s;
};

/** A pinned API version for the endpoint's payloads; must be well-formed like `Stripe-Version`. */
const apiVersion: V = (value, path) => {
  const s = str(value, path);
  if (typeof s === 'string' && !isApiVersion(s)) throw invalidApiVersion(s, path);
  return s;
};

// Webhook endpoints belong to the platform, even when created with a Stripe-Account header.
const PLATFORM = null;

/** Webhook endpoints: create (secret shown once), retrieve, update, delete, list. */
export const webhookEndpoints = (app: Hono): void => {
  api(app, 'post', '/v1/webhook_endpoints', (ctx) => {
    const p = validate(ctx.params, {
      url: req(url),
      enabled_events: req(enabledEvents),
      description: str,
      metadata,
      connect: bool,
      api_version: apiVersion,
    });
    const secret = `whsec_${base62(32)}`;
    const endpoint = {
      id: newId('we'),
      object: 'webhook_endpoint',
      api_version: p.api_version ?? null,
      application: null,
      created: nowSec(ctx.state),
      description: p.description ?? null,
      enabled_events: p.enabled_events,
      livemode: false,
      metadata: mergeMetadata({}, p.metadata),
      status: 'enabled',
      url: p.url,
    };
    insert(ctx.state, 'webhook_endpoint', endpoint, PLATFORM, { secret, connect: p.connect ?? false });
    return { ...endpoint, secret };
  });

  api(app, 'get', '/v1/webhook_endpoints/:id', (ctx) => {
    validate(ctx.params, {});
    return mustFind(ctx.state, ctx.path.id, 'webhook_endpoint', PLATFORM).obj;
  });

  api(app, 'post', '/v1/webhook_endpoints/:id', (ctx) => {
    const p = validate(ctx.params, { url, enabled_events: enabledEvents, description: str, metadata, disabled: bool });
    const rec = mustFind(ctx.state, ctx.path.id, 'webhook_endpoint', PLATFORM);
    const o = rec.obj;
    if (p.url) o.url = p.url;
    if (p.enabled_events) o.enabled_events = p.enabled_events;
    if (p.description !== undefined) o.description = p.description;
    if (p.metadata !== undefined) o.metadata = mergeMetadata(o.metadata, p.metadata);
    if (p.disabled !== undefined) o.status = p.disabled ? 'disabled' : 'enabled';
    ctx.state.onChange();
    return o;
  });

  api(app, 'delete', '/v1/webhook_endpoints/:id', (ctx) => {
    validate(ctx.params, {});
    const rec = mustFind(ctx.state, ctx.path.id, 'webhook_endpoint', PLATFORM);
    rec.deleted = true;
    ctx.state.queue = ctx.state.queue.filter((q) => q.endpointId !== rec.id);
    ctx.state.onChange();
    return { id: rec.id, object: 'webhook_endpoint', deleted: true };
  });

  api(app, 'get', '/v1/webhook_endpoints', (ctx) => {
    const p = validate(ctx.params, listParams);
    return listResponse('/v1/webhook_endpoints', all(ctx.state, 'webhook_endpoint', PLATFORM), p);
  });
};
