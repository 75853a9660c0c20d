import { createHmac } from 'node:crypto';
import { newId } from './ids.ts';
import type { DeliveryAttempt, EmulatorState, QueuedDelivery, Rec } from './state.ts';
import { allScopes, nextSeq, nowMs } from './state.ts';

/** Seconds to wait before retry n (after attempt n fails); attempts stop after the last entry. */
export const RETRY_BACKOFF_SECONDS = [60, 300, 1800, 7200, 18000, 36000, 86400];
const MAX_DELIVERIES_KEPT = 2000;
const DELIVERY_TIMEOUT_MS = 10_000;

// Running per-endpoint workers, per state (kept out of the snapshot-able state object).
const workers = new WeakMap<EmulatorState, Map<string, Promise<void>>>();

function workerMap(state: EmulatorState): Map<string, Promise<void>> {
  let m = workers.get(state);
  if (!m) {
    m = new Map();
    workers.set(state, m);
  }
  return m;
}

/** Stripe-Signature header value: `t=…,v1=HMAC-SHA256(secret, "t.payload")`. */
export function signPayload(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

/** Whether an endpoint subscribes to an event (connect endpoints get connected-account events only). */
export function endpointMatches(endpoint: Rec, event: Rec): boolean {
  if (endpoint.obj.status !== 'enabled') return false;
  if (Boolean(endpoint.internal.connect) !== Boolean(event.obj.account)) return false;
  const enabled: string[] = endpoint.obj.enabled_events;
  return enabled.includes('*') || enabled.includes(event.obj.type);
}

/** Queues one delivery per matching endpoint and sets `pending_webhooks`. */
export function enqueueEvent(state: EmulatorState, event: Rec): void {
  const endpoints = allScopes(state, 'webhook_endpoint')
    .filter((e) => endpointMatches(e, event))
    .sort((a, b) => a.seq - b.seq);
  event.internal.pendingEndpoints = endpoints.map((e) => e.id);
  event.obj.pending_webhooks = endpoints.length;
  for (const endpoint of endpoints) {
    const copies = Math.random() < state.chaos.duplicate_rate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      state.queue.push({
        id: newId('wdq'),
        eventId: event.id,
        endpointId: endpoint.id,
        attempt: 1,
        dueAt: nowMs(state),
        seq: nextSeq(state),
      });
    }
  }
  // Let the request finish queueing all its events first, so ordering (and chaos reordering) sees them together.
  if (endpoints.length) setImmediate(() => pump(state));
}

/** Starts a worker for every endpoint that has due deliveries and none running. */
export function pump(state: EmulatorState): void {
  const running = workerMap(state);
  const now = nowMs(state);
  for (const item of state.queue) {
    if (item.dueAt > now || running.has(item.endpointId)) continue;
    const p = runWorker(state, item.endpointId).finally(() => running.delete(item.endpointId));
    running.set(item.endpointId, p);
  }
}

/** Resolves once no delivery is due or in flight (future retries stay queued). */
export async function flush(state: EmulatorState): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    pump(state);
    const running = [...workerMap(state).values()];
    if (!running.length) return;
    await Promise.allSettled(running);
  }
}

function takeNext(state: EmulatorState, endpointId: string): QueuedDelivery | undefined {
  const now = nowMs(state);
  const due = state.queue
    .filter((q) => q.endpointId === endpointId && q.dueAt <= now)
    .sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
  if (!due.length) return undefined;
  const pick =
    due.length > 1 && Math.random() < state.chaos.reorder_rate ? due[Math.floor(Math.random() * due.length)] : due[0];
  state.queue.splice(state.queue.indexOf(pick), 1);
  return pick;
}

async function runWorker(state: EmulatorState, endpointId: string): Promise<void> {
  for (let item = takeNext(state, endpointId); item; item = takeNext(state, endpointId)) {
    await deliver(state, item);
  }
}

async function deliver(state: EmulatorState, item: QueuedDelivery): Promise<void> {
  const event = state.records.get(item.eventId);
  const endpoint = state.records.get(item.endpointId);
  if (!event || !endpoint || endpoint.deleted) return;
  const started = Date.now();
  const attempt: DeliveryAttempt = {
    id: newId('wda'),
    event: event.id,
    type: event.obj.type,
    endpoint: endpoint.id,
    url: endpoint.obj.url,
    attempt: item.attempt,
    status: null,
    ok: false,
    error: null,
    response: null,
    created: Math.floor(nowMs(state) / 1000),
    duration_ms: 0,
    next_retry_at: null,
  };
  if (Math.random() < state.chaos.failure_rate) {
    attempt.error = 'chaos: simulated delivery failure';
  } else {
    // An endpoint with a pinned api_version gets its payloads stamped with that version.
    const pinned: string | null = endpoint.obj.api_version;
    const payload = JSON.stringify(pinned ? { ...event.obj, api_version: pinned } : event.obj, null, 2);
    try {
      const res = await fetch(endpoint.obj.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'stripe-signature': signPayload(payload, endpoint.internal.secret),
        },
        body: payload,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      attempt.status = res.status;
      attempt.ok = res.ok;
      attempt.response = (await res.text().catch(() => '')).slice(0, 500);
    } catch (err) {
      attempt.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
  }
  attempt.duration_ms = Date.now() - started;
  if (attempt.ok) {
    const pending: string[] = event.internal.pendingEndpoints ?? [];
    event.internal.pendingEndpoints = pending.filter((id) => id !== endpoint.id);
    event.obj.pending_webhooks = event.internal.pendingEndpoints.length;
  } else if (item.attempt <= RETRY_BACKOFF_SECONDS.length) {
    const dueAt = nowMs(state) + RETRY_BACKOFF_SECONDS[item.attempt - 1] * 1000;
    attempt.next_retry_at = Math.floor(dueAt / 1000);
    state.queue.push({ ...item, id: newId('wdq'), attempt: item.attempt + 1, dueAt, seq: nextSeq(state) });
  }
  state.deliveries.push(attempt);
  if (state.deliveries.length > MAX_DELIVERIES_KEPT)
    state.deliveries.splice(0, state.deliveries.length - MAX_DELIVERIES_KEPT);
  state.onChange();
}
