import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../clock.ts';
import type { Database } from '../../db/connect.ts';
import { withService } from '../../db/tenancy.ts';
import { createTestDatabase } from '../../db/testing.ts';
import type { DB } from '../../db/types.ts';
import { runDueJobs } from '../../jobs/index.ts';
import { hashAgentToken } from './platforms.ts';
import {
  type AcpOrder,
  acpWebhookJob,
  acpWebhookJobs,
  queueOrderWebhook,
  signMerchantPayload,
  verifyMerchantSignature,
} from './webhooks.ts';

let d: Database;
let db: DB;
let receiver: Server;
let receiverUrl = '';
const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
/** Statuses the receiver answers with, in order; 200 once they run out. */
const answers: number[] = [];
const secret = 'whsec_test-secret-0123456789abcdef';
const handlers = new Map(Object.entries(acpWebhookJobs));
const logger = pino({ level: 'silent' });
const clock = fixedClock('2026-05-01T12:00:00Z');
const seconds = () => Math.floor(clock.now().getTime() / 1000);
const run = () => runDueJobs(db, { handlers, workerId: 'w', clock, logger });

const order = (id = 'ord_123', status = 'created'): AcpOrder => ({
  type: 'order',
  id,
  checkout_session_id: 'checkout_session_123',
  permalink_url: `https://gallerist.example/orders/${id}`,
  status,
  line_items: [
    { id: 'li_1', title: 'Print “Dune”', quantity: { ordered: 1, current: 1, fulfilled: 0 }, unit_price: 9900 },
  ],
  totals: [{ type: 'total', display_text: 'Total', amount: 9900 }],
});

async function addPlatform(name: string, values: { webhook_url?: string | null; revoked_at?: Date | null } = {}) {
  return withService(db, (tx) =>
    tx
      .insertInto('agent_platforms')
      .values({
        name,
        token_hash: hashAgentToken(`gacp_${name}`),
        token_prefix: `gacp_${name}`.padEnd(13, 'x').slice(0, 13),
        webhook_url: values.webhook_url === undefined ? receiverUrl : values.webhook_url,
        webhook_secret: values.webhook_url === null ? null : secret,
        revoked_at: values.revoked_at ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow(),
  ).then((r) => r.id);
}

const delivery = (id: string) =>
  withService(db, (tx) =>
    tx.selectFrom('agent_webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
  );
const jobOf = (id: string) =>
  withService(db, (tx) =>
    tx.selectFrom('jobs').selectAll().where('unique_key', '=', `acp-webhook:${id}`).executeTakeFirstOrThrow(),
  );

beforeAll(async () => {
  d = await createTestDatabase();
  db = d.db;
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = answers.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status < 300 ? '{"received":true}' : '{"type":"processing_error","code":"oops","message":"down"}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/acp/order_events`;
});
afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
  await d?.close();
});
beforeEach(() => {
  received.length = 0;
  answers.length = 0;
});

describe('ACP order webhooks', () => {
  it('POSTs {type, data} with a valid Merchant-Signature and marks the delivery delivered', async () => {
    const platformId = await addPlatform('chatgpt');
    const queued = await queueOrderWebhook(db, { platformId, type: 'order_create', order: order() });
    expect(queued).not.toBeNull();
    expect(await delivery(queued!.id)).toMatchObject({ status: 'pending', attempts: 0, event_type: 'order_create' });

    expect(await run()).toBe(1);
    expect(received).toHaveLength(1);
    const [req] = received;
    expect(JSON.parse(req.body)).toEqual({ type: 'order_create', data: order() });
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['request-id']).toBe(queued!.id);
    expect(req.headers.timestamp).toBe(clock.now().toISOString());
    const signature = req.headers['merchant-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[a-f0-9]{64}$/);
    expect(verifyMerchantSignature(secret, signature, req.body, seconds())).toBe(true);
    // The signature covers exactly these bytes, with this secret, at about this time.
    expect(verifyMerchantSignature(secret, signature, `${req.body} `, seconds())).toBe(false);
    expect(verifyMerchantSignature('another-secret-0123456789', signature, req.body, seconds())).toBe(false);
    expect(verifyMerchantSignature(secret, signature, req.body, seconds() + 301)).toBe(false);
    expect(verifyMerchantSignature(secret, signature, req.body, seconds() - 301)).toBe(false);
    expect(verifyMerchantSignature(secret, signature, req.body, seconds() + 600, 900)).toBe(true);

    const row = await delivery(queued!.id);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, last_error: null });
    expect(row.delivered_at?.toISOString()).toBe(clock.now().toISOString());
    expect((await jobOf(queued!.id)).status).toBe('done');
  });

  it('retries after a 500 with backoff, recording the error, and delivers on the second attempt', async () => {
    const platformId = await addPlatform('retry');
    answers.push(500);
    const queued = await queueOrderWebhook(db, { platformId, type: 'order_update', order: order('ord_9', 'shipped') });
    expect(await run()).toBe(1);
    const failed = await delivery(queued!.id);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1 });
    expect(failed.last_error).toMatch(/^HTTP 500/);
    const job = await jobOf(queued!.id);
    expect(job).toMatchObject({ name: acpWebhookJob, status: 'queued', attempts: 1 });
    expect(job.run_at.getTime()).toBeGreaterThan(clock.now().getTime());

    // Not due yet; then the clock reaches the retry.
    expect(await run()).toBe(0);
    clock.set(job.run_at);
    expect(await run()).toBe(1);
    expect(received).toHaveLength(2);
    const second = received[1];
    expect(JSON.parse(second.body)).toMatchObject({ type: 'order_update', data: { id: 'ord_9', status: 'shipped' } });
    expect(
      verifyMerchantSignature(secret, second.headers['merchant-signature'] as string, second.body, seconds()),
    ).toBe(true);
    expect(await delivery(queued!.id)).toMatchObject({ status: 'delivered', attempts: 2, last_error: null });
    expect((await jobOf(queued!.id)).status).toBe('done');
  });

  it('records a network error and marks the delivery failed on the last attempt', async () => {
    // A port nothing listens on: connection refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const platformId = await addPlatform('down', { webhook_url: `http://127.0.0.1:${port}/hook` });
    const queued = await queueOrderWebhook(db, { platformId, type: 'order_create', order: order('ord_down') });
    await withService(db, (tx) =>
      tx.updateTable('jobs').set({ max_attempts: 1 }).where('unique_key', '=', `acp-webhook:${queued!.id}`).execute(),
    );
    expect(await run()).toBe(1);
    const row = await delivery(queued!.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, delivered_at: null });
    expect(row.last_error).toMatch(/fetch failed|ECONNREFUSED/);
    expect((await jobOf(queued!.id)).status).toBe('failed');
  });

  it('queues nothing for a revoked platform or one without a webhook, and stays atomic with the caller', async () => {
    const revoked = await addPlatform('revoked', { revoked_at: new Date() });
    const hookless = await addPlatform('hookless', { webhook_url: null });
    expect(await queueOrderWebhook(db, { platformId: revoked, type: 'order_create', order: order() })).toBeNull();
    expect(await queueOrderWebhook(db, { platformId: hookless, type: 'order_create', order: order() })).toBeNull();
    await expect(
      queueOrderWebhook(db, {
        platformId: '00000000-0000-4000-8000-000000000000',
        type: 'order_create',
        order: order(),
      }),
    ).rejects.toMatchObject({ code: 'not_found' });

    const platformId = await addPlatform('rollback');
    await expect(
      withService(db, async (tx) => {
        await queueOrderWebhook(tx, { platformId, type: 'order_create', order: order() });
        throw new Error('order failed');
      }),
    ).rejects.toThrow('order failed');
    const rows = await withService(db, (tx) =>
      tx.selectFrom('agent_webhook_deliveries').select('id').where('platform_id', '=', platformId).execute(),
    );
    expect(rows).toEqual([]);
  });

  it('does not send a queued event once its platform is revoked', async () => {
    const platformId = await addPlatform('revoked-later');
    const queued = await queueOrderWebhook(db, { platformId, type: 'order_create', order: order() });
    await withService(db, (tx) =>
      tx.updateTable('agent_platforms').set({ revoked_at: new Date() }).where('id', '=', platformId).execute(),
    );
    expect(await run()).toBe(1);
    expect(received).toHaveLength(0);
    expect(await delivery(queued!.id)).toMatchObject({ status: 'failed', attempts: 0 });
  });

  it('verifyMerchantSignature refuses malformed headers', () => {
    const body = '{"type":"order_create"}';
    const good = signMerchantPayload(secret, body, 1_700_000_000);
    expect(verifyMerchantSignature(secret, good, body, 1_700_000_000)).toBe(true);
    for (const header of [
      '',
      null,
      undefined,
      't=1700000000',
      good.replace('v1=', 'v0='),
      good.replace('t=', 't=x'),
      `${good}=`,
      good.slice(0, -1),
    ]) {
      expect(verifyMerchantSignature(secret, header, body, 1_700_000_000)).toBe(false);
    }
  });
});
