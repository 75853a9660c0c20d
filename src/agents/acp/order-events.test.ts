import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/app.ts';
import {
  acpAddress,
  acpClient,
  grantedToken,
  registerTestPlatform,
  sptPayment,
  webhookReceiver,
} from '../../../test/fixtures/acp.ts';
import {
  demoIds,
  httpClient,
  onboardedArtist,
  publishedArtwork,
  waitFor,
} from '../../../test/fixtures/marketplace-buy.ts';
import { createPaidSale } from '../../../test/fixtures/marketplace-sales.ts';
import { withService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { validateAcp } from './schema-validate.ts';

// After an agent's purchase, the order's later life reaches the platform: the artist ships (order_update `shipped`
// with tracking), delivers (`completed`), the admin refunds in full (`canceled` with a refund adjustment). Every
// event carries the full order, valid against the ACP schema, once per change. Web orders send nothing.

let app: TestApp;
let db: DB;
let stripe: Stripe;
let ids: Record<string, string>;
let token: string;
let artist: ReturnType<typeof httpClient>;
let admin: ReturnType<typeof httpClient>;
let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
let acp: ReturnType<typeof acpClient>;

beforeAll(async () => {
  app = await startTestApp();
  db = app.platform.deps.db;
  stripe = app.platform.deps.stripe;
  ids = await demoIds(db);
  await onboardedArtist(db, stripe, app.emulatorUrl, ids['mira-okafor']);
  receiver = await webhookReceiver();
  const created = await registerTestPlatform(db, ids['admin@demo.gallerist.dev'], {
    name: 'Events agent',
    webhookUrl: receiver.url,
  });
  token = created.token;
  acp = acpClient(app.url, () => token, 'events');
  artist = httpClient(app.url);
  await artist.signIn('artist@demo.gallerist.dev');
  admin = httpClient(app.url);
  await admin.signIn('admin@demo.gallerist.dev');
});
afterAll(async () => {
  receiver?.close();
  await app?.stop();
});

/** An agent buys the artwork over ACP with a Shared Payment Token; returns the order id. */
async function agentBuys(artworkId: string): Promise<string> {
  const created = await acp('POST', '/acp/checkout_sessions', {
    line_items: [{ id: `artwork_${artworkId}` }],
    currency: 'eur',
    capabilities: {},
    buyer: { email: 'events.buyer@example.com', first_name: 'Ada', last_name: 'Buyer' },
  });
  expect(created.status).toBe(201);
  await acp('POST', `/acp/checkout_sessions/${created.body.id}`, {
    fulfillment_details: { name: 'Ada Buyer', email: 'events.buyer@example.com', address: acpAddress },
  });
  const done = await acp('POST', `/acp/checkout_sessions/${created.body.id}/complete`, {
    payment_data: sptPayment(await grantedToken(stripe)),
  });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return done.body.order.id;
}

const eventsFor = (orderId: string) =>
  receiver.received
    .map((r) => JSON.parse(r.body) as { type: string; data: Record<string, any> })
    .filter((e) => e.data?.id === orderId);
const deliveries = (orderId: string) =>
  withService(db, (tx) =>
    tx
      .selectFrom('agent_webhook_deliveries')
      .select(['event_type', 'status'])
      .where('order_id', '=', orderId)
      .orderBy('created_at')
      .execute(),
  );
const saleOf = (orderId: string) =>
  withService(db, (tx) =>
    tx.selectFrom('marketplace_sales').select('id').where('order_id', '=', orderId).executeTakeFirstOrThrow(),
  );

describe('ACP order events after the purchase', () => {
  it('tells the platform of shipment, delivery and a full refund, each once, with the full order', async () => {
    const artworkId = await publishedArtwork(db, ids['mira-okafor'], { price: 60_000, shipping: 2_500 });
    const orderId = await agentBuys(artworkId);
    const create = await waitFor(async () => eventsFor(orderId)[0], 'the order_create webhook');
    // Paying is announced by order_create (already confirmed), not by an order_update besides.
    expect(create).toMatchObject({ type: 'order_create', data: { status: 'confirmed' } });
    const sale = await saleOf(orderId);

    const tracking = { carrier: 'DHL', trackingNumber: 'JD0146000999', trackingUrl: 'https://track.example/JD0146' };
    expect((await artist.post(`/api/marketplace/sales/${sale.id}/ship`, tracking)).status).toBe(200);
    const shipped = await waitFor(async () => eventsFor(orderId)[1], 'the shipped order_update');
    expect(shipped).toMatchObject({
      type: 'order_update',
      data: {
        type: 'order',
        id: orderId,
        status: 'shipped',
        fulfillments: [
          {
            type: 'shipping',
            status: 'shipped',
            carrier: 'DHL',
            tracking_number: 'JD0146000999',
            tracking_url: 'https://track.example/JD0146',
          },
        ],
      },
    });

    expect((await artist.post(`/api/marketplace/sales/${sale.id}/deliver`)).status).toBe(200);
    const delivered = await waitFor(async () => eventsFor(orderId)[2], 'the delivered order_update');
    expect(delivered.data).toMatchObject({ status: 'completed', fulfillments: [{ status: 'delivered' }] });

    const refund = await admin.post(`/api/marketplace/sales/${sale.id}/refunds`, { reason: 'Returned' });
    expect(refund.status, JSON.stringify(refund.body)).toBe(200);
    const canceled = await waitFor(async () => eventsFor(orderId)[3], 'the refund order_update');
    expect(canceled.data).toMatchObject({
      status: 'canceled',
      adjustments: [{ type: 'refund', amount: 62_500, currency: 'eur', status: 'completed' }],
      fulfillments: [{ tracking_number: 'JD0146000999' }],
    });
    expect(canceled.data.totals).toContainEqual({ type: 'amount_refunded', display_text: 'Refunded', amount: 62_500 });

    for (const e of eventsFor(orderId)) expect(validateAcp('Order', e.data), e.type).toEqual([]);
    // Stripe's own refund webhooks arrive later and change nothing: no further event.
    await waitFor(
      () =>
        withService(db, (tx) =>
          tx
            .selectFrom('stripe_events')
            .select('id')
            .where('order_id', '=', orderId)
            .where('type', 'like', 'charge.refund%')
            .where('status', '=', 'processed')
            .executeTakeFirst(),
        ),
      'the refund webhook',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect((await deliveries(orderId)).map((d) => d.event_type)).toEqual([
      'order_create',
      'order_update',
      'order_update',
      'order_update',
    ]);
    expect(eventsFor(orderId).map((e) => e.data.status)).toEqual(['confirmed', 'shipped', 'completed', 'canceled']);
  });

  it('sends nothing for a web order shipped and refunded', async () => {
    const ctx = { db, stripe, emulatorUrl: app.emulatorUrl };
    const { saleId, orderId } = await createPaidSale(ctx, { accountId: ids['mira-okafor'] });
    const tracking = { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' };
    expect((await artist.post(`/api/marketplace/sales/${saleId}/ship`, tracking)).status).toBe(200);
    expect((await admin.post(`/api/marketplace/sales/${saleId}/refunds`, { reason: 'Returned' })).status).toBe(200);
    expect(await deliveries(orderId)).toEqual([]);
    expect(eventsFor(orderId)).toEqual([]);
  });
});
