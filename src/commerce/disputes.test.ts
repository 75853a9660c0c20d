import { sql } from 'kysely';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { expectBadCursorsRefused, walkPages } from '../../test/cursor-pages.ts';
import { testClient } from '../../test/http.ts';
import { hashPassword } from '../accounts/index.ts';
import { withService, withUser } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import type { CommerceHooks } from '../modules.ts';
import { processStripeEvent } from './handle-webhook.ts';
import { getOrder } from './orders.ts';
import { createTestOrder, modulesWithTestOffering } from './testing.ts';

let app: TestApp;
let db: DB;
let stripe: Stripe;
let hooks: CommerceHooks;
let strangerId: string;

const SELLER = 'studio@demo.gallerist.dev';
const FRAUD_CARD = '4000000000000259';
const NOT_RECEIVED_CARD = '4000000000002685';

const client = () => testClient({ request: (path: string, init?: RequestInit) => fetch(`${app.url}${path}`, init) });

async function emu(path: string, form: Record<string, string> = {}) {
  const res = await fetch(`${app.emulatorUrl}${path}`, { method: 'POST', body: new URLSearchParams(form) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function flush() {
  await emu('/_emulator/webhooks/flush');
  await app.settle();
}

/** A print order of the demo studio paid through Checkout with `card`; returns it with its PaymentIntent. */
async function paid(card: string, opts: { deliver?: boolean } = {}) {
  const { order, sessionId } = await createTestOrder(db, stripe, hooks, { baseUrl: app.url });
  await emu(`/_emulator/checkout/sessions/${sessionId}/complete`, { card_number: card });
  if (opts.deliver !== false) await flush();
  const session = await stripe.checkout.sessions.retrieve(sessionId);
  return { orderId: order.id, sessionId, pi: session.payment_intent as string };
}

const disputeRows = (orderId: string) =>
  withService(db, (tx) => tx.selectFrom('disputes').selectAll().where('order_id', '=', orderId).execute());

async function mails(to: string, template: string, orderId: string) {
  const ref = (await import('./order-ref.ts')).orderRef(orderId);
  return (await app.mailbox(to)).filter((m) => m.template === template && m.subject.includes(ref));
}

const audits = (orderId: string, action: string) =>
  withService(db, (tx) =>
    tx
      .selectFrom('audit_events')
      .select('after')
      .where('entity_id', '=', orderId)
      .where('action', '=', action)
      .execute(),
  );

/** Every event Stripe made about one payment (its session, charge, PaymentIntent and dispute), oldest first. */
async function eventsOf(pi: string, sessionId: string): Promise<Stripe.Event[]> {
  const all = await stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
  return all
    .filter((e) => {
      const o = e.data.object as { id?: string; payment_intent?: string | null };
      return o.payment_intent === pi || o.id === pi || o.id === sessionId;
    })
    .reverse();
}

beforeAll(async () => {
  app = await startTestApp({ modules: modulesWithTestOffering() });
  db = app.platform.deps.db;
  stripe = app.platform.deps.stripe;
  hooks = app.platform.deps.commerce;
  const hash = await hashPassword('gallerist-demo');
  strangerId = await withService(db, async (tx) => {
    const u = await tx
      .insertInto('users')
      .values({ email: 'stranger@example.com', name: 'Stranger', password_hash: hash })
      .returning('id')
      .executeTakeFirstOrThrow();
    return u.id;
  });
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

describe('disputes', () => {
  let disputedOrder: string;

  it('a fraudulent-dispute card opens one dispute: the seller is told once and the order shows it', async () => {
    const { orderId, pi } = await paid(FRAUD_CARD);
    disputedOrder = orderId;
    const order = await getOrder(db, orderId);
    expect(order.status).toBe('paid');
    const [row, ...more] = await disputeRows(orderId);
    expect(more).toHaveLength(0);
    expect(row).toMatchObject({
      status: 'needs_response',
      reason: 'fraudulent',
      stripe_payment_intent_id: pi,
      is_charge_refundable: false,
      platform_liable: false,
    });
    expect(Number(row.amount)).toBe(order.total);
    expect(row.evidence_due_by!.getTime()).toBeGreaterThan(Date.now());

    const opened = await mails(SELLER, 'orders.dispute_opened', orderId);
    expect(opened).toHaveLength(1);
    expect(opened[0].text).toContain('Fraudulent');
    expect(opened[0].text).toContain('Evidence due by');
    expect(await mails('admin@demo.gallerist.dev', 'orders.dispute_opened_platform', orderId)).toHaveLength(0);
    expect(await audits(orderId, 'order.dispute_opened')).toHaveLength(1);

    const seller = client();
    await seller.signIn(SELLER);
    const detail = await seller.get(`/api/orders/${orderId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.dispute).toMatchObject({
      stripeDisputeId: row.stripe_dispute_id,
      status: 'needs_response',
      outcome: 'open',
      reason: 'fraudulent',
      amount: order.total,
      currency: 'eur',
      amountReturned: 0,
      isChargeRefundable: false,
    });
    expect(detail.body.dispute.dashboardUrl).toBe(`${app.emulatorUrl}/_emulator/objects/${row.stripe_dispute_id}`);
    // The link really opens the dispute at the emulator.
    expect((await (await fetch(detail.body.dispute.dashboardUrl)).json()).id).toBe(row.stripe_dispute_id);
    const list = await seller.get(`/api/accounts/${order.accountId}/orders?pageSize=100&limit=100`);
    const listed = list.body.data.find((o: { id: string }) => o.id === orderId);
    expect(listed.dispute).toMatchObject({ outcome: 'open', reason: 'fraudulent' });
    expect(list.body.data.find((o: { id: string }) => o.id !== orderId)?.dispute ?? null).toBeNull();
  });

  it('refuses to refund a disputed payment with a 409 and writes nothing', async () => {
    const seller = client();
    await seller.signIn(SELLER);
    const r = await seller.post(`/api/orders/${disputedOrder}/refunds`, { amount: 100 });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(/disputed/);
    const refunds = await withService(db, (tx) =>
      tx.selectFrom('refunds').select('id').where('order_id', '=', disputedOrder).execute(),
    );
    expect(refunds).toHaveLength(0);
    expect((await getOrder(db, disputedOrder)).amountRefunded).toBe(0);
  });

  it('the seller accepting the dispute (close) loses it: one "lost" mail, money returned on the order', async () => {
    const [row] = await disputeRows(disputedOrder);
    await stripe.disputes.close(row.stripe_dispute_id);
    await flush();
    const [after] = await disputeRows(disputedOrder);
    expect(after.status).toBe('lost');
    const closed = await mails(SELLER, 'orders.dispute_closed', disputedOrder);
    expect(closed).toHaveLength(1);
    expect(closed[0].subject).toMatch(/Dispute lost/);
    expect(await mails(SELLER, 'orders.dispute_opened', disputedOrder)).toHaveLength(1);
    expect(await audits(disputedOrder, 'order.dispute_lost')).toHaveLength(1);
    const seller = client();
    await seller.signIn(SELLER);
    const detail = await seller.get(`/api/orders/${disputedOrder}`);
    const total = (await getOrder(db, disputedOrder)).total;
    expect(detail.body.dispute).toMatchObject({ status: 'lost', outcome: 'lost', amountReturned: total });
    const refund = await seller.post(`/api/orders/${disputedOrder}/refunds`, {});
    expect(refund.status).toBe(409);
    expect(refund.body.error.message).toMatch(/lost to a dispute/);
  });

  it('winning evidence wins it: one "won" mail, nothing counted as returned', async () => {
    const { orderId } = await paid(NOT_RECEIVED_CARD);
    const [row] = await disputeRows(orderId);
    expect(row.reason).toBe('product_not_received');
    await stripe.disputes.update(row.stripe_dispute_id, { evidence: { uncategorized_text: 'winning_evidence' } });
    await flush();
    const rows = await disputeRows(orderId);
    expect(rows.map((r) => r.status)).toEqual(['won']);
    const closed = await mails(SELLER, 'orders.dispute_closed', orderId);
    expect(closed.map((m) => m.subject)).toEqual([expect.stringMatching(/Dispute won/)]);
    expect(await mails(SELLER, 'orders.dispute_opened', orderId)).toHaveLength(1);
    // under_review, then won: one audit each, no more. The runner may apply the closing first (same second, further
    // along), and then the update is stale and leaves no audit: never two.
    expect((await audits(orderId, 'order.dispute_updated')).length).toBeLessThanOrEqual(1);
    expect(await audits(orderId, 'order.dispute_won')).toHaveLength(1);
    const seller = client();
    await seller.signIn(SELLER);
    const detail = await seller.get(`/api/orders/${orderId}`);
    expect(detail.body.dispute).toMatchObject({ outcome: 'won', amountReturned: 0 });
  });

  it('events reversed and duplicated, before the payment is recorded, converge to Stripe’s state', async () => {
    await emu('/_emulator/chaos', { failure_rate: '1' });
    try {
      const { orderId, pi, sessionId } = await paid(FRAUD_CARD, { deliver: false });
      const [d] = (await stripe.disputes.list({ payment_intent: pi })).data;
      await stripe.disputes.update(d.id, { evidence: { uncategorized_text: 'losing_evidence' } });
      const events = await eventsOf(pi, sessionId);
      expect(events.map((e) => e.type)).toEqual(
        expect.arrayContaining(['charge.dispute.created', 'charge.dispute.closed', 'checkout.session.completed']),
      );
      // Newest first, each twice: the closing comes before the opening, the disputes before the payment.
      for (const e of [...events].reverse().flatMap((e) => [e, e])) {
        await processStripeEvent(db, stripe, hooks, e, { publicUrl: app.url });
      }
      expect((await getOrder(db, orderId)).status).toBe('paid');
      const rows = await disputeRows(orderId);
      expect(rows.map((r) => [r.stripe_dispute_id, r.status])).toEqual([[d.id, 'lost']]);
      expect(await mails(SELLER, 'orders.dispute_opened', orderId)).toHaveLength(1);
      expect(await mails(SELLER, 'orders.dispute_closed', orderId)).toHaveLength(1);
      // The early dispute events were applied when the payment came, not left ignored.
      const inbox = await withService(db, (tx) =>
        tx
          .selectFrom('stripe_events')
          .select(['type', 'status'])
          .where(
            'id',
            'in',
            events.map((e) => e.id),
          )
          .where('type', 'like', 'charge.dispute.%')
          .execute(),
      );
      expect(inbox.length).toBeGreaterThanOrEqual(3);
      expect(inbox.every((e) => e.status === 'processed')).toBe(true);
      // Once more in Stripe's order: all duplicates, nothing changes.
      for (const e of events) await processStripeEvent(db, stripe, hooks, e, { publicUrl: app.url });
      expect((await disputeRows(orderId)).map((r) => r.status)).toEqual(['lost']);
      expect(await mails(SELLER, 'orders.dispute_closed', orderId)).toHaveLength(1);
    } finally {
      await emu('/_emulator/chaos', { failure_rate: '0' });
    }
  });

  it('an older event with a new id (a replay) never moves a closed dispute back', async () => {
    const [row] = await disputeRows(disputedOrder);
    const d = await stripe.disputes.retrieve(row.stripe_dispute_id);
    const stale = {
      id: 'evt_replayed_created',
      object: 'event',
      type: 'charge.dispute.created',
      created: d.created,
      account: undefined,
      data: { object: { ...d, status: 'needs_response' } },
    } as unknown as Stripe.Event;
    expect(await processStripeEvent(db, stripe, hooks, stale, { publicUrl: app.url })).toBe('processed');
    expect((await disputeRows(disputedOrder)).map((r) => r.status)).toEqual(['lost']);
    expect(await mails(SELLER, 'orders.dispute_opened', disputedOrder)).toHaveLength(1);
  });

  it('a dispute on a charge that is not ours is recorded as ignored', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 1234,
      currency: 'eur',
      payment_method: 'pm_card_createDispute',
      confirm: true,
      allowed_payment_method_types: ['card'],
    });
    await flush();
    const rows = await withService(db, (tx) =>
      tx.selectFrom('disputes').select('id').where('stripe_payment_intent_id', '=', pi.id).execute(),
    );
    expect(rows).toHaveLength(0);
    const inbox = await withService(db, (tx) =>
      tx
        .selectFrom('stripe_events')
        .select(['status', 'reason'])
        .where('type', '=', 'charge.dispute.created')
        .where(sql<string>`payload -> 'data' -> 'object' ->> 'payment_intent'`, '=', pi.id)
        .execute(),
    );
    expect(inbox).toEqual([{ status: 'ignored', reason: expect.stringContaining('no matching record of ours') }]);
  });

  it('another tenant, a stranger and anonymous callers never see a dispute (API and RLS)', async () => {
    const order = await getOrder(db, disputedOrder);
    const other = client();
    await other.signIn('provider@demo.gallerist.dev');
    expect((await other.get(`/api/orders/${disputedOrder}`)).status).toBe(404);
    expect((await other.get(`/api/accounts/${order.accountId}/orders`)).status).toBe(404);
    expect((await other.get('/api/admin/disputes')).status).toBe(403);
    expect((await client().get('/api/admin/disputes')).status).toBe(401);
    const stranger = client();
    await stranger.signIn('stranger@example.com');
    expect((await stranger.get(`/api/orders/${disputedOrder}`)).status).toBe(404);

    const count = (tx: DB) =>
      tx
        .selectFrom('disputes')
        .select('id')
        .execute()
        .then((r) => r.length);
    const ids = await withService(db, (tx) =>
      tx
        .selectFrom('users')
        .select(['id', 'email'])
        .where('email', 'in', ['provider@demo.gallerist.dev', SELLER])
        .execute(),
    );
    const id = (email: string) => ids.find((u) => u.email === email)!.id;
    const all = await withService(db, count);
    expect(all).toBeGreaterThanOrEqual(3);
    expect(await withUser(db, { sub: id('provider@demo.gallerist.dev') }, count)).toBe(0);
    expect(await withUser(db, { sub: strangerId }, count)).toBe(0);
    expect(await withUser(db, { sub: id(SELLER) }, count)).toBe(all);
    // Nobody but the service role writes.
    await expect(
      withUser(db, { sub: id(SELLER) }, (tx) => tx.updateTable('disputes').set({ status: 'won' }).execute()),
    ).rejects.toThrow();
  });

  it('platform admins list every dispute, newest first, filtered and paged by cursor', async () => {
    const admin = client();
    await admin.signIn('admin@demo.gallerist.dev');
    const all = await admin.get('/api/admin/disputes?limit=100');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: all.body.data.length, totalCapped: false, nextCursor: null, limit: 100 });
    const created = all.body.data.map((d: { createdAt: string }) => d.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
    expect(all.body.data[0]).toMatchObject({ accountName: 'Lumen Photography', orderRef: expect.any(String) });
    const lost = await admin.get('/api/admin/disputes?outcome=lost');
    expect(lost.body.data.every((d: { outcome: string }) => d.outcome === 'lost')).toBe(true);
    expect(lost.body.total).toBeGreaterThanOrEqual(2);
    // One row a page: every dispute once, in the same order as the single page.
    const walked = await walkPages(admin.get, '/api/admin/disputes?limit=1');
    expect(walked.rows.map((d: { id: string }) => d.id)).toEqual(all.body.data.map((d: { id: string }) => d.id));
    expect(walked.pages).toBe(all.body.data.length);
    await expectBadCursorsRefused(admin.get, '/api/admin/disputes?limit=1', walked.answers[0].nextCursor);
    expect((await admin.get('/api/admin/disputes?outcome=bogus')).status).toBe(400);
  });
});
