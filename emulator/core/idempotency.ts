import type { MiddlewareHandler } from 'hono';
import { getCtx } from './context.ts';
import { StripeError } from './errors.ts';
import type { EmulatorState } from './state.ts';
import { nowMs } from './state.ts';

const TTL_MS = 24 * 60 * 60 * 1000;

// Errors that mean "the request never ran", which Stripe does not store under the key.
const NOT_STORED = new Set([401, 409, 429]);

/** Stripe saves a result only once the endpoint began executing: not for 4xx before any change, never for 5xx. */
function isStored(status: number, executed: boolean, errorType: string | null): boolean {
  if (NOT_STORED.has(status) || status >= 500 || errorType === 'idempotency_error') return false;
  return status < 400 || executed;
}

/** Honours `Idempotency-Key` on POSTs: replays the stored response, rejects reuse with different params. */
export const idempotency: MiddlewareHandler = async (c, next) => {
  const ctx = getCtx(c);
  // Read once by the context middleware already.
  const key = ctx.idempotencyKey;
  if (c.req.method !== 'POST' || !key) return next();
  const { state } = ctx;
  const scoped = `${ctx.account ?? ''}:${key}`;
  const fingerprint = `${c.req.method} ${new URL(c.req.url).pathname}?${ctx.rawPairs
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
        'There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ' +
          key +
          '. Please try again later.',
      );
    }
    return new Response(existing.body, {
      status: existing.status,
      headers: {
        'content-type': 'application/json',
        'idempotent-replayed': 'true',
        'original-request': existing.requestId,
        'request-id': ctx.requestId ?? existing.requestId,
        'idempotency-key': key,
      },
    });
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
  try {
    await next();
  } finally {
    const res = c.res;
    const errorType = res.status >= 400 ? await errorTypeOf(res) : null;
    if (!res || !isStored(res.status, ctx.executed === true, errorType)) {
      state.idempotency.delete(scoped);
    } else {
      record.status = res.status;
      // The handler's own JSON when this is its response: cloning and reading the body back costs a stream copy.
      record.body = ctx.sent?.res === res ? ctx.sent.body : await res.clone().text();
      record.inFlight = false;
      state.onChange();
    }
  }
  c.header('idempotency-key', key);
};

async function errorTypeOf(res: Response): Promise<string | null> {
  try {
    const body = (await res.clone().json()) as { error?: { type?: string } };
    return body.error?.type ?? null;
  } catch {
    return null;
  }
}

/** Drops idempotency records older than 24 h on the emulator clock. */
export function purgeIdempotency(state: EmulatorState): void {
  const now = nowMs(state);
  // Keys expire a fixed time after they are stored, so insertion order is expiry order: stop at the first live one
  // instead of reading every key every second.
  for (const [key, rec] of state.idempotency) {
    if (rec.expiresAt > now) break;
    if (!rec.inFlight) state.idempotency.delete(key);
  }
}
