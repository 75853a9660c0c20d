import { DEFAULT_API_VERSION } from './api-version.ts';
import { newId } from './ids.ts';
import type { EmulatorState, Obj, Origin, Rec } from './state.ts';
import { clone, insert, nowSec } from './state.ts';
import { enqueueEvent } from './webhooks.ts';

// Event types accepted in `enabled_events`; later phases add theirs with registerEventTypes.
const knownEventTypes = new Set<string>();

/** Adds event types that webhook endpoints may subscribe to. */
export function registerEventTypes(types: string[]): void {
  for (const t of types) knownEventTypes.add(t);
}

/** True when `type` is a registered event type. */
export function isKnownEventType(type: string): boolean {
  return knownEventTypes.has(type);
}

registerEventTypes([
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'product.created',
  'product.updated',
  'product.deleted',
  'price.created',
  'price.updated',
  'price.deleted',
  'checkout.session.completed',
  'checkout.session.expired',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'payment_intent.created',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'payment_intent.processing',
  'payment_intent.requires_action',
  'payment_intent.amount_capturable_updated',
  'payment_intent.partially_funded',
  'payment_method.attached',
  'payment_method.detached',
  'payment_method.updated',
  'charge.succeeded',
  'charge.failed',
  'charge.captured',
  'charge.pending',
  'charge.expired',
  'charge.refunded',
  'charge.updated',
  'charge.refund.updated',
  'charge.dispute.created',
  'charge.dispute.closed',
  'refund.created',
  'refund.updated',
  'refund.failed',
  'balance.available',
]);

/** Records an event for an object change and queues webhook deliveries (async, never blocks the caller). */
export function emitEvent(state: EmulatorState, origin: Origin, type: string, object: Obj, previous?: Obj): Rec {
  const event: Obj = {
    id: newId('evt'),
    object: 'event',
    // Events render at the account's version; webhook deliveries restamp it with the endpoint's pinned one.
    api_version: DEFAULT_API_VERSION,
    created: nowSec(state),
    data: previous ? { object: clone(object), previous_attributes: previous } : { object: clone(object) },
    livemode: false,
    pending_webhooks: 0,
    request: { id: origin.requestId, idempotency_key: origin.idempotencyKey },
    type,
  };
  if (origin.account) event.account = origin.account;
  const rec = insert(state, 'event', event, origin.account, { pendingEndpoints: [] });
  enqueueEvent(state, rec);
  return rec;
}

const isPlain = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Stripe's `previous_attributes`: old values of changed keys, recursing into hashes like metadata. */
export function diffPrevious(before: Obj, after: Obj): Obj | null {
  const prev: Obj = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[key];
    const b = after[key];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (isPlain(a) && isPlain(b)) prev[key] = diffPrevious(a, b) ?? {};
    else prev[key] = a === undefined ? null : a;
  }
  return Object.keys(prev).length ? prev : null;
}

/** Mutates a stored object via `mutate` and emits `eventType` with previous_attributes when anything changed. */
export function updateWithEvent(
  state: EmulatorState,
  origin: Origin,
  rec: Rec,
  eventType: string | null,
  mutate: (obj: Obj) => void,
): Obj | null {
  const before = clone(rec.obj);
  mutate(rec.obj);
  const prev = diffPrevious(before, rec.obj);
  if (prev) {
    state.onChange();
    if (eventType) emitEvent(state, origin, eventType, rec.obj, prev);
  }
  return prev;
}

/** Origin for changes made by timers or hosted pages rather than an API request. */
export function systemOrigin(account: string | null): Origin {
  return { account, requestId: null, idempotencyKey: null };
}
