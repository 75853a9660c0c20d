import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import type { CommerceHooks } from '../modules.ts';
import { applyStripeEvent } from './handle-webhook.ts';
import { getOrder } from './orders.ts';
import { createTestOrder, modulesWithTestOffering } from './testing.ts';

// Validly signed events about objects Gallerist never created: acknowledged with 200 and stored `ignored` with a
// reason, so Stripe stops retrying them; a real outage still answers 500.

let app: TestApp;
let db: DB;
let stripe: Stripe;
let hooks: CommerceHooks;

function signedPost(event: Record<string, unknown>) {
  const payload = JSON.stringify({ object: 'event', api_version: '2025-09-30.clover', created: 1, ...event });
  const secret = app.platform.deps.config.webhookSecrets[0];
  const sig = stripe.webhooks.generateTestHeaderString({ payload, secret });
  return fetch(`${app.url}/api/webhooks/stripe`, {
    method: 'POST',
    body: payload,
    headers: { 'content-type': 'application/json', 'stripe-signature': sig },
  });
}

const inbox = (id: string) =>
  withService(db, (tx) => tx.selectFrom('stripe_events').selectAll().where('id', '=', id).executeTakeFirst());

/** Posts the event twice (a Stripe retry): both 200, stored ignored with a reason matching `reason`. */
async function expectIgnored(event: { id: string } & Record<string, unknown>, reason: RegExp) {
  const res = await signedPost(event);
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(200);
  expect(body).toEqual({ received: true, status: 'queued' });
  await app.settle();
  const row = await inbox(event.id);
  expect(row).toMatchObject({ status: 'ignored', error: null, order_id: null });
  expect(row?.reason).toMatch(reason);
  const replay = await signedPost(event);
  expect(replay.status).toBe(200);
  expect((await replay.json()).status).toBe('duplicate');
  expect((await inbox(event.id))?.status).toBe('ignored');
}

beforeAll(async () => {
  app = await startTestApp({ modules: modulesWithTestOffering() });
  db = app.platform.deps.db;
  stripe = app.platform.deps.stripe;
  hooks = app.platform.deps.commerce;
});

afterAll(async () => {
  await app?.stop();
});

describe('webhook events about objects that are not ours', () => {
  it('ignores charge.refunded for a PaymentIntent Stripe does not know, with or without an order id', async () => {
    await expectIgnored(
      {
        id: 'evt_foreign_refund_1',
        type: 'charge.refunded',
        data: { object: { id: 'ch_foreign_1', object: 'charge', payment_intent: 'pi_foreign_1', metadata: {} } },
      },
      /pi_foreign_1 does not exist/,
    );
    await expectIgnored(
      {
        id: 'evt_foreign_refund_2',
        type: 'charge.refunded',
        data: {
          object: {
            id: 'ch_foreign_2',
            object: 'charge',
            payment_intent: 'pi_foreign_2',
            metadata: { order_id: 'A-17' },
          },
        },
      },
      /no order A-17/,
    );
    await expectIgnored(
      {
        id: 'evt_foreign_refund_3',
        type: 'refund.created',
        data: { object: { id: 're_foreign_3', object: 'refund', payment_intent: null, charge: 'ch_x', metadata: {} } },
      },
      /has no Gallerist order/,
    );
  });

  it('ignores charge.refunded for another integration’s real PaymentIntent on the same account', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1500, currency: 'eur' });
    await expectIgnored(
      {
        id: 'evt_other_integration_refund',
        type: 'charge.refunded',
        data: { object: { id: 'ch_other', object: 'charge', payment_intent: pi.id, metadata: {} } },
      },
      new RegExp(`payment intent ${pi.id} has no Gallerist order`),
    );
  });

  it('ignores refunds and sessions of a connected account, even when they name one of our orders', async () => {
    const { order, sessionId } = await createTestOrder(db, stripe, hooks, { baseUrl: app.url });
    await expectIgnored(
      {
        id: 'evt_connect_refund',
        type: 'charge.refunded',
        account: 'acct_someone_else',
        data: { object: { id: 'ch_c', object: 'charge', payment_intent: 'pi_c', metadata: { order_id: order.id } } },
      },
      /from connected account acct_someone_else/,
    );
    await expectIgnored(
      {
        id: 'evt_connect_session',
        type: 'checkout.session.completed',
        account: 'acct_someone_else',
        data: { object: { id: sessionId, object: 'checkout.session', metadata: { order_id: order.id } } },
      },
      /from connected account/,
    );
    expect((await getOrder(db, order.id)).status).toBe('pending');
  });

  it('ignores checkout.session.* for unknown sessions and orders, and for a session that is not the order’s', async () => {
    await expectIgnored(
      {
        id: 'evt_unknown_session_1',
        type: 'checkout.session.completed',
        data: { object: { id: 'cs_unknown_1', object: 'checkout.session', metadata: { order_id: randomUUID() } } },
      },
      /^no order .* for checkout session cs_unknown_1$/,
    );
    await expectIgnored(
      {
        id: 'evt_unknown_session_2',
        type: 'checkout.session.expired',
        data: { object: { id: 'cs_unknown_2', object: 'checkout.session', metadata: null } },
      },
      /cs_unknown_2 has no order_id metadata/,
    );
    const { order } = await createTestOrder(db, stripe, hooks, { baseUrl: app.url });
    for (const type of ['checkout.session.completed', 'checkout.session.async_payment_failed']) {
      await expectIgnored(
        {
          id: `evt_wrong_session_${type}`,
          type,
          data: { object: { id: 'cs_not_the_orders', object: 'checkout.session', metadata: { order_id: order.id } } },
        },
        /belongs to checkout session cs_/,
      );
    }
    expect((await getOrder(db, order.id)).status).toBe('pending');
  });

  it('ignores a session Stripe does not know for an order that never stored one', async () => {
    const { order } = await createTestOrder(db, stripe, hooks, { baseUrl: app.url });
    await withService(db, (tx) =>
      tx.updateTable('orders').set({ stripe_checkout_session_id: null }).where('id', '=', order.id).execute(),
    );
    await expectIgnored(
      {
        id: 'evt_session_missing_on_stripe',
        type: 'checkout.session.completed',
        data: { object: { id: 'cs_never_created', object: 'checkout.session', metadata: { order_id: order.id } } },
      },
      /cs_never_created does not exist on this Stripe account/,
    );
    expect((await getOrder(db, order.id)).status).toBe('pending');
  });

  it('ignores payouts and Connect accounts we do not know, and event types we do not handle', async () => {
    const payout = { object: 'payout', amount: 1000, currency: 'eur', status: 'paid', arrival_date: 1, metadata: {} };
    await expectIgnored(
      {
        id: 'evt_unknown_payout',
        type: 'payout.paid',
        account: 'acct_unknown_artist',
        data: { object: { id: 'po_unknown', ...payout } },
      },
      /payout\.paid po_unknown: no matching record/,
    );
    await expectIgnored(
      { id: 'evt_platform_payout', type: 'payout.paid', data: { object: { id: 'po_platform', ...payout } } },
      /po_platform/,
    );
    await expectIgnored(
      {
        id: 'evt_unknown_account',
        type: 'account.updated',
        account: 'acct_unknown_artist',
        data: { object: { id: 'acct_unknown_artist', object: 'account', charges_enabled: true } },
      },
      /account\.updated acct_unknown_artist/,
    );
    await expectIgnored(
      { id: 'evt_unhandled_type', type: 'customer.created', data: { object: { id: 'cus_1', object: 'customer' } } },
      /unhandled event type customer\.created/,
    );
  });

  it('keeps the event failed when Stripe cannot be reached, then applies it when Stripe redelivers', async () => {
    const event = {
      id: 'evt_refund_while_stripe_down',
      object: 'event',
      api_version: '2025-09-30.clover',
      created: 1,
      type: 'charge.refunded',
      data: { object: { id: 'ch_down', object: 'charge', payment_intent: 'pi_while_down', metadata: {} } },
    } as unknown as Stripe.Event;
    // A client for a port nothing listens on: a connection error, not a "no such object".
    const down = new Stripe('sk_test_down', { host: '127.0.0.1', port: 9, protocol: 'http', maxNetworkRetries: 0 });
    await expect(applyStripeEvent(db, down, hooks, event)).rejects.toThrow();
    expect(await inbox(event.id)).toMatchObject({ status: 'failed' });
    expect((await inbox(event.id))?.error).toBeTruthy();
    const res = await signedPost(event as unknown as Record<string, unknown>);
    expect(await res.json()).toEqual({ received: true, status: 'queued' });
    await app.settle();
    const row = await inbox(event.id);
    expect(row).toMatchObject({ status: 'ignored', error: null });
    expect(row?.reason).toMatch(/pi_while_down does not exist/);
  });
});
