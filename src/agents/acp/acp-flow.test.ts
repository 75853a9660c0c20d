import { sql } from 'kysely';
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
import { demoIds, onboardedArtist, publishedArtwork, waitFor } from '../../../test/fixtures/marketplace-buy.ts';
import { getOrder } from '../../commerce/index.ts';
import { withService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { validateAcp } from './schema-validate.ts';
import { verifyMerchantSignature } from './webhooks.ts';

// An agent platform buying an original over ACP REST, end to end on the emulator: discovery, create, update, pay
// with a Shared Payment Token, the signed order webhook, and the sale with the platform's 50 % fee, exactly once.

let app: TestApp;
let db: DB;
let stripe: Stripe;
let ids: Record<string, string>;
let token: string;
let secret: string;
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
    name: 'Test agent',
    webhookUrl: receiver.url,
  });
  token = created.token;
  acp = acpClient(app.url, () => token, 'key');
  secret = created.webhookSecret ?? '';
});
afterAll(async () => {
  receiver?.close();
  await app?.stop();
});

async function readySession(artworkId: string) {
  const created = await acp('POST', '/acp/checkout_sessions', {
    line_items: [{ id: `artwork_${artworkId}` }],
    currency: 'eur',
    capabilities: {},
    buyer: { email: 'agent.buyer@example.com', first_name: 'Ada', last_name: 'Buyer' },
  });
  expect(created.status).toBe(201);
  expect(validateAcp('CheckoutSession', created.body)).toEqual([]);
  expect(created.body.status).toBe('not_ready_for_payment');
  const updated = await acp('POST', `/acp/checkout_sessions/${created.body.id}`, {
    fulfillment_details: { name: 'Ada Buyer', email: 'agent.buyer@example.com', address: acpAddress },
  });
  expect(updated.status).toBe(200);
  expect(validateAcp('CheckoutSession', updated.body)).toEqual([]);
  return updated.body;
}

const salesOf = (artworkId: string) =>
  withService(db, (tx) => tx.selectFrom('marketplace_sales').selectAll().where('artwork_id', '=', artworkId).execute());

describe('ACP: an agent buys an original', () => {
  it('publishes a discovery document that validates against the schema', async () => {
    const res = await fetch(`${app.url}/.well-known/acp.json`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(validateAcp('DiscoveryResponse', doc)).toEqual([]);
    expect(doc.api_base_url).toBe(`${app.platform.deps.config.publicUrl}/acp`);
  });

  it('refuses strangers, missing versions and missing idempotency keys with flat errors', async () => {
    expect((await acp('GET', '/acp/checkout_sessions/cs_x', undefined, { auth: 'nope' })).status).toBe(401);
    const noVersion = await fetch(`${app.url}/acp/checkout_sessions/cs_x`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({ code: 'missing_api_version', supported_versions: ['2026-04-17'] });
    const noKey = await fetch(`${app.url}/acp/checkout_sessions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'API-Version': '2026-04-17', 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(noKey.status).toBe(400);
    expect(await noKey.json()).toMatchObject({ type: 'invalid_request', code: 'idempotency_key_required' });
    const bad = await acp('POST', '/acp/checkout_sessions', { line_items: [], currency: 'eur', capabilities: {} });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ type: 'invalid_request', param: '$.line_items' });
    expect((await acp('GET', '/acp/checkout_sessions/cs_doesnotexist00000000')).status).toBe(404);
  });

  it('creates, shows shipping and totals once the address is in, completes with an SPT, and sells once', async () => {
    const artworkId = await publishedArtwork(db, ids['mira-okafor'], { price: 80_000, shipping: 3_000 });
    const session = await readySession(artworkId);
    expect(session.status).toBe('ready_for_payment');
    expect(session.fulfillment_options).toHaveLength(1);
    expect(session.selected_fulfillment_options[0].option_id).toBe(session.fulfillment_options[0].id);
    const totals = Object.fromEntries(session.totals.map((t: { type: string; amount: number }) => [t.type, t.amount]));
    expect(totals).toMatchObject({ subtotal: 80_000, fulfillment: 3_000, total: 83_000 });
    expect(session.line_items[0]).toMatchObject({
      unit_amount: 80_000,
      marketplace_seller_details: { name: 'Mira Okafor' },
    });

    // The agent re-selects the option explicitly: the state stays ready.
    const reselected = await acp('POST', `/acp/checkout_sessions/${session.id}`, {
      selected_fulfillment_options: [
        { type: 'shipping', option_id: session.fulfillment_options[0].id, item_ids: [session.line_items[0].id] },
      ],
    });
    expect(reselected.body.status).toBe('ready_for_payment');

    const spt = await grantedToken(stripe);
    const body = { payment_data: sptPayment(spt) };
    const done = await acp('POST', `/acp/checkout_sessions/${session.id}/complete`, body, { key: 'complete-1' });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(validateAcp('CheckoutSessionWithOrder', done.body)).toEqual([]);
    expect(done.body).toMatchObject({ status: 'completed', order: { checkout_session_id: session.id } });
    expect(done.headers.get('idempotency-key')).toBe('complete-1');

    const order = await getOrder(db, done.body.order.id);
    expect(order).toMatchObject({
      status: 'paid',
      total: 83_000,
      channel: 'acp',
      buyerEmail: 'agent.buyer@example.com',
    });
    const [sale, ...others] = await salesOf(artworkId);
    expect(others).toHaveLength(0);
    // bigint columns read as strings on node-postgres.
    expect({
      ...sale,
      platform_fee: Number(sale.platform_fee),
      artist_amount: Number(sale.artist_amount),
    }).toMatchObject({
      order_id: order.id,
      status: 'paid',
      platform_fee: 40_000,
      artist_amount: 43_000,
    });
    // The artist ships to the address the agent collected.
    expect(sale.shipping_address).toMatchObject({ line1: acpAddress.line_one, city: acpAddress.city });
    const pi = await stripe.paymentIntents.retrieve(order.stripePaymentIntentId!);
    expect(pi).toMatchObject({ amount: 83_000, application_fee_amount: 40_000, status: 'succeeded' });

    // The same key and body replays the stored response; the same key with another body is refused.
    const replay = await acp('POST', `/acp/checkout_sessions/${session.id}/complete`, body, { key: 'complete-1' });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(done.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const other = await acp(
      'POST',
      `/acp/checkout_sessions/${session.id}/complete`,
      { payment_data: sptPayment(await grantedToken(stripe)) },
      { key: 'complete-1' },
    );
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_conflict');
    // A new key on a completed session charges nothing more.
    const again = await acp('POST', `/acp/checkout_sessions/${session.id}/complete`, body);
    expect(again.status).toBe(400);
    expect(await salesOf(artworkId)).toHaveLength(1);

    // The platform hears of the order once, signed with its secret.
    const hook = await waitFor(
      async () => receiver.received.find((r) => r.body.includes(order.id)),
      'the order_create webhook',
    );
    const event = JSON.parse(hook.body);
    expect(event).toMatchObject({ type: 'order_create', data: { type: 'order', id: order.id, status: 'confirmed' } });
    expect(verifyMerchantSignature(secret, hook.signature, hook.body, Math.floor(Date.now() / 1000))).toBe(true);
  });

  it('turns a declined token away and stays completable; two concurrent completes pay once', async () => {
    const artworkId = await publishedArtwork(db, ids['mira-okafor'], { price: 50_000, shipping: 0 });
    const session = await readySession(artworkId);
    const declined = await acp('POST', `/acp/checkout_sessions/${session.id}/complete`, {
      payment_data: sptPayment(await grantedToken(stripe, 'pm_card_chargeDeclined')),
    });
    expect(declined.status).toBe(400);
    expect(declined.body).toMatchObject({ type: 'invalid_request', code: 'payment_declined', param: '$.payment_data' });
    const after = await acp('GET', `/acp/checkout_sessions/${session.id}`);
    expect(after.body.status).toBe('ready_for_payment');
    const artwork = await withService(db, (tx) =>
      tx.selectFrom('artworks').select(['status']).where('id', '=', artworkId).executeTakeFirstOrThrow(),
    );
    expect(artwork.status).toBe('published');

    const [a, b] = await Promise.all([
      acp('POST', `/acp/checkout_sessions/${session.id}/complete`, {
        payment_data: sptPayment(await grantedToken(stripe)),
      }),
      acp('POST', `/acp/checkout_sessions/${session.id}/complete`, {
        payment_data: sptPayment(await grantedToken(stripe)),
      }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(await salesOf(artworkId)).toHaveLength(1);
    const paid = await withService(db, (tx) =>
      tx
        .selectFrom('orders')
        .select('id')
        .where('channel', '=', 'acp')
        .where('status', '=', 'paid')
        .where(sql<boolean>`metadata @> ${JSON.stringify({ artwork_id: artworkId })}::jsonb`)
        .execute(),
    );
    expect(paid).toHaveLength(1);
  });

  it('cancels an open session once (405 after), and hides one platform’s sessions from another', async () => {
    const artworkId = await publishedArtwork(db, ids['mira-okafor'], { price: 10_000 });
    const session = await readySession(artworkId);
    const other = await registerTestPlatform(db, ids['admin@demo.gallerist.dev'], { name: 'Other agent' });
    expect((await acp('GET', `/acp/checkout_sessions/${session.id}`, undefined, { auth: other.token })).status).toBe(
      404,
    );
    const canceled = await acp('POST', `/acp/checkout_sessions/${session.id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(validateAcp('CheckoutSession', canceled.body)).toEqual([]);
    expect(canceled.body.status).toBe('canceled');
    expect((await acp('POST', `/acp/checkout_sessions/${session.id}/cancel`)).status).toBe(405);
  });
});
