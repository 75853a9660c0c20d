import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Clock, systemClock } from '../../clock.ts';
import { withService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { notFound } from '../../errors.ts';
import { enqueueJob, type JobHandler } from '../../jobs/index.ts';
import type { AgentWebhookEvent, AgentWebhookStatus } from '../tables.ts';

/**
 * The ACP Order object (spec 2026-04-17, `openapi.agentic_checkout.yaml#/components/schemas/Order`) as a webhook
 * carries it: the full order, never a delta. Only the fields the webhook spec requires are typed; the rest (line
 * items, fulfillments, adjustments, totals…) pass through as given.
 */
export interface AcpOrder {
  type: 'order';
  id: string;
  checkout_session_id: string;
  permalink_url: string;
  /** created, confirmed, manual_review, processing, shipped, completed, canceled (receivers accept others). */
  status: string;
  [field: string]: unknown;
}

export const acpWebhookJob = 'agents.acp_webhook';
/** Retries back off up to an hour each (src/jobs/queue.ts backoffMs): about seven hours before giving up. */
const maxAttempts = 12;
const timeoutMs = 10_000;
const maxErrorLength = 1000;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, the `Merchant-Signature` header. */
export function signMerchantPayload(secret: string, rawBody: string, timestampSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex');
  return `t=${timestampSeconds},v1=${v1}`;
}

/**
 * Checks a `Merchant-Signature` header against the raw body: well formed, timestamp within `toleranceSeconds` of
 * `nowSeconds` (either way), and one `v1` matching in constant time. For our tests and for receivers' helpers.
 */
export function verifyMerchantSignature(
  secret: string,
  header: string | null | undefined,
  rawBody: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  if (!header) return false;
  let t: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value, ...rest] = part.trim().split('=');
    if (rest.length > 0 || value === undefined) return false;
    if (key === 't' && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === 'v1' && /^[0-9a-fA-F]{64}$/.test(value)) signatures.push(value.toLowerCase());
  }
  if (t === null || signatures.length === 0 || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signMerchantPayload(secret, rawBody, t).slice(`t=${t},v1=`.length), 'hex');
  return signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
}

/**
 * Records an order event for an agent platform and enqueues its delivery (`agents.acp_webhook`), in the caller's
 * transaction when given one, so the event goes out only if the order change commits. A revoked platform or one
 * without a webhook URL gets nothing: returns null. Unknown platform: not found.
 */
export async function queueOrderWebhook(
  db: DB,
  input: {
    platformId: string;
    type: AgentWebhookEvent;
    order: AcpOrder;
    /** Our order (orders.id) for the audit trail; defaults to `order.id` when that is one of our uuids. */
    orderId?: string | null;
  },
): Promise<{ id: string } | null> {
  return withService(db, async (tx) => {
    const platform = await tx
      .selectFrom('agent_platforms')
      .select(['id', 'webhook_url', 'revoked_at'])
      .where('id', '=', input.platformId)
      .executeTakeFirst();
    if (!platform) throw notFound('Agent platform');
    if (platform.revoked_at || !platform.webhook_url) return null;
    const orderId = input.orderId ?? (uuidPattern.test(input.order.id) ? input.order.id : null);
    const row = await tx
      .insertInto('agent_webhook_deliveries')
      .values({
        platform_id: platform.id,
        event_type: input.type,
        order_id: orderId,
        payload: JSON.stringify({ type: input.type, data: input.order }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await enqueueJob(tx, acpWebhookJob, { id: row.id }, { uniqueKey: `acp-webhook:${row.id}`, maxAttempts });
    return { id: row.id };
  });
}

function errorText(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const msg = [e?.message ?? String(err), e?.cause?.code ?? e?.cause?.message].filter(Boolean).join(': ');
  return msg.slice(0, maxErrorLength);
}

/**
 * Sends one delivery: reads it in one short transaction, POSTs with no transaction open, records the outcome in a
 * second. A 2xx marks it delivered; any other answer or a network error is recorded (attempts, last_error) and
 * thrown so the job runner retries with backoff; on the final attempt the row is marked failed. A delivery already
 * settled, or whose platform was revoked or lost its webhook meanwhile, is not sent again.
 */
export async function deliverOrderWebhook(
  db: DB,
  deliveryId: string,
  options: { clock?: Clock; final?: boolean } = {},
): Promise<AgentWebhookStatus> {
  const clock = options.clock ?? systemClock;
  const row = await withService(db, (tx) =>
    tx
      .selectFrom('agent_webhook_deliveries as d')
      .innerJoin('agent_platforms as p', 'p.id', 'd.platform_id')
      .select(['d.id', 'd.event_type', 'd.payload', 'd.status', 'p.webhook_url', 'p.webhook_secret', 'p.revoked_at'])
      .where('d.id', '=', deliveryId)
      .executeTakeFirst(),
  );
  if (!row) throw notFound('Webhook delivery');
  if (row.status !== 'pending') return row.status as AgentWebhookStatus;
  const record = (values: { status?: AgentWebhookStatus; error: string | null; attempted: boolean }) =>
    withService(db, (tx) =>
      tx
        .updateTable('agent_webhook_deliveries')
        .set((eb) => ({
          last_error: values.error,
          ...(values.status ? { status: values.status } : {}),
          ...(values.status === 'delivered' ? { delivered_at: clock.now() } : {}),
          ...(values.attempted ? { attempts: eb('attempts', '+', 1) } : {}),
        }))
        .where('id', '=', deliveryId)
        .where('status', '=', 'pending')
        .execute(),
    );
  if (row.revoked_at || !row.webhook_url || !row.webhook_secret) {
    await record({ status: 'failed', error: 'the platform was revoked or has no webhook', attempted: false });
    return 'failed';
  }
  const event = row.payload as { data: unknown };
  const body = JSON.stringify({ type: row.event_type, data: event.data });
  const now = clock.now();
  const t = Math.floor(now.getTime() / 1000);
  let error: string | null = null;
  try {
    const res = await fetch(row.webhook_url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Merchant-Signature': signMerchantPayload(row.webhook_secret, body, t),
        // Stable across retries, so a receiver can tell a retry from a new event.
        'Request-Id': row.id,
        Timestamp: new Date(t * 1000).toISOString(),
        'User-Agent': 'Gallerist-ACP-Webhooks/1',
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text().catch(() => '');
    if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}${text ? `: ${text}` : ''}`;
  } catch (err) {
    error = errorText(err);
  }
  if (error === null) {
    await record({ status: 'delivered', error: null, attempted: true });
    return 'delivered';
  }
  error = error.slice(0, maxErrorLength);
  await record({ error, attempted: true, ...(options.final ? { status: 'failed' as const } : {}) });
  throw new Error(`ACP webhook ${deliveryId} to platform failed: ${error}`);
}

/** The `agents.acp_webhook` job: delivers one queued order event. */
export const acpWebhookJobs: Record<string, JobHandler<{ id: string }>> = {
  [acpWebhookJob]: async (payload, ctx) => {
    const status = await deliverOrderWebhook(ctx.db, payload.id, {
      clock: ctx.clock,
      final: ctx.attempt >= ctx.maxAttempts,
    });
    ctx.logger.debug({ deliveryId: payload.id, status, attempt: ctx.attempt }, 'ACP webhook sent');
  },
};
