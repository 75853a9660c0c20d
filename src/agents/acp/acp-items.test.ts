import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/app.ts';
import { acpAddress, acpClient, grantedToken, registerTestPlatform, sptPayment } from '../../../test/fixtures/acp.ts';
import { demoIds, httpClient } from '../../../test/fixtures/marketplace-buy.ts';
import { getOrder } from '../../commerce/index.ts';
import { withService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { cart, createGallery, galleryByToken, galleryProducts, getSettings } from '../../shop/index.ts';
import { validateAcp } from './schema-validate.ts';

// An agent buys what isn't an artwork over ACP REST: prints from a client gallery (by its link token, priced exactly
// like the web cart) and expert-service credits for an organization (only for an org admin's email).

let app: TestApp;
let db: DB;
let stripe: Stripe;
let ids: Record<string, string>;
let token: string;
let acp: ReturnType<typeof acpClient>;

beforeAll(async () => {
  app = await startTestApp();
  db = app.platform.deps.db;
  stripe = app.platform.deps.stripe;
  ids = await demoIds(db);
  // Nobody listens there: the test reads the queued order events, not their delivery.
  const created = await registerTestPlatform(db, ids['admin@demo.gallerist.dev'], {
    name: 'Items agent',
    webhookUrl: 'http://127.0.0.1:9/acp',
  });
  token = created.token;
  acp = acpClient(app.url, () => token, 'items');
});
afterAll(async () => {
  await app?.stop();
});

const totalsOf = (session: Record<string, any>) =>
  Object.fromEntries(session.totals.map((t: { type: string; amount: number }) => [t.type, t.amount]));

async function create(itemIds: string[], buyer: string, withAddress = true) {
  const res = await acp('POST', '/acp/checkout_sessions', {
    line_items: itemIds.map((id) => ({ id })),
    currency: 'eur',
    capabilities: {},
    buyer: { email: buyer, first_name: 'Ada', last_name: 'Buyer' },
    ...(withAddress ? { fulfillment_details: { name: 'Ada Buyer', email: buyer, address: acpAddress } } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(validateAcp('CheckoutSession', res.body)).toEqual([]);
  return res.body;
}

async function complete(sessionId: string) {
  const done = await acp('POST', `/acp/checkout_sessions/${sessionId}/complete`, {
    payment_data: sptPayment(await grantedToken(stripe)),
  });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  expect(validateAcp('CheckoutSessionWithOrder', done.body)).toEqual([]);
  expect(done.body.status).toBe('completed');
  return getOrder(db, done.body.order.id);
}

describe('ACP: an agent buys prints from a client gallery', () => {
  it('prices prints with options like the web cart, pays, and opens the studio’s fulfilment', async () => {
    const { galleryToken, picks, webTotal } = await withService(db, async (tx) => {
      const lumen = ids['lumen-photography'];
      const g0 = await tx
        .selectFrom('galleries')
        .select('token')
        .where('account_id', '=', lumen)
        .where('title', '=', 'Rivera wedding — autumn 2026')
        .executeTakeFirstOrThrow();
      const g = await galleryByToken(tx, g0.token, app.platform.deps.clock);
      const photos = await tx
        .selectFrom('gallery_photos')
        .select('id')
        .where('gallery_id', '=', g.id)
        .orderBy('id')
        .execute();
      const products = await galleryProducts(tx, g);
      const a4 = products.find((p) => p.sku === 'PRINT-A4');
      const canvas = products.find((p) => p.sku === 'CANVAS-40x60');
      if (!a4 || !canvas) throw new Error('demo products missing');
      // A4 on fine-art paper in an oak frame; a canvas with matte varnish, unframed.
      const picks = [
        { photoId: photos[0].id, productId: a4.id, optionValueIds: a4.groups.map((gr) => gr.values.at(-1)?.id ?? '') },
        {
          photoId: photos[1].id,
          productId: canvas.id,
          optionValueIds: canvas.groups.map((gr) => (gr.name === 'Finish' ? gr.values[1].id : gr.values[0].id)),
        },
      ];
      // What the web cart charges for the same prints (its default shipping rate is the first, as ACP's).
      const row = await cart.ensureCart(tx, g, 'acp-comparison-visitor-000000');
      for (const p of picks) await cart.addItem(tx, g, row.id, { ...p, quantity: 1, crop: null });
      const view = await cart.cartView(tx, g, row, await getSettings(tx, g.account_id), app.platform.deps.clock);
      await cart.clearCart(tx, row.id);
      return { galleryToken: g.token, picks, webTotal: view.totals };
    });
    const itemIds = picks.map((p) => `print_${galleryToken}_${p.productId}_${p.photoId}_${p.optionValueIds.join('.')}`);
    const session = await create(itemIds, 'print.buyer@example.com');
    expect(session.status, JSON.stringify(session.messages)).toBe('ready_for_payment');
    expect(session.line_items).toHaveLength(2);
    expect(session.line_items[0].marketplace_seller_details).toEqual({ name: 'Lumen Photography' });
    expect(session.fulfillment_options.map((o: { id: string }) => o.id)).toEqual([
      'ship_standard',
      'ship_express',
      'ship_world',
    ]);
    expect(totalsOf(session)).toMatchObject({
      subtotal: webTotal.subtotal,
      fulfillment: webTotal.shipping,
      tax: webTotal.tax,
      total: webTotal.total,
    });

    // Express shipping: the total follows the studio's rate.
    const express = await acp('POST', `/acp/checkout_sessions/${session.id}`, {
      selected_fulfillment_options: [
        { type: 'shipping', option_id: 'ship_express', item_ids: session.line_items.map((l: { id: string }) => l.id) },
      ],
    });
    expect(validateAcp('CheckoutSession', express.body)).toEqual([]);
    expect(totalsOf(express.body).total).toBe(webTotal.total - webTotal.shipping + 1500);

    const order = await complete(session.id);
    expect(order).toMatchObject({
      status: 'paid',
      offeringType: 'print',
      channel: 'acp',
      total: webTotal.total - webTotal.shipping + 1500,
      buyerEmail: 'print.buyer@example.com',
    });
    expect(order.metadata).toMatchObject({ shipping_rate_id: 'express', acp_session_id: session.id });
    const fulfilment = await withService(db, (tx) =>
      tx.selectFrom('print_fulfilments').selectAll().where('order_id', '=', order.id).execute(),
    );
    expect(fulfilment).toHaveLength(1);
    expect(fulfilment[0].account_id).toBe(ids['lumen-photography']);
    // The address the agent collected is where the studio ships.
    expect(fulfilment[0].buyer_name).toBe('Ada Buyer');
    expect(fulfilment[0].shipping_address).toMatchObject({ line1: 'Torstr. 1', city: 'Berlin', country: 'DE' });

    // The studio ships and delivers: the platform gets an order_update for each, with the tracking.
    const studio = httpClient(app.url);
    await studio.signIn('studio@demo.gallerist.dev');
    const base = `/api/shop/studios/${ids['lumen-photography']}/orders/${order.id}`;
    const shipped = await studio.post(`${base}/ship`, { carrier: 'DPD', trackingNumber: '01234567890123' });
    expect(shipped.status, JSON.stringify(shipped.body)).toBe(200);
    expect((await studio.post(`${base}/deliver`)).status).toBe(200);
    const events = await withService(db, (tx) =>
      tx
        .selectFrom('agent_webhook_deliveries')
        .select(['event_type', 'payload'])
        .where('order_id', '=', order.id)
        .orderBy('created_at')
        .execute(),
    );
    const payloads = events.map((e) => e.payload as { type: string; data: Record<string, any> });
    expect(payloads.map((p) => [p.type, p.data.status])).toEqual([
      ['order_create', 'confirmed'],
      ['order_update', 'shipped'],
      ['order_update', 'completed'],
    ]);
    expect(payloads[1].data.fulfillments).toMatchObject([{ carrier: 'DPD', tracking_number: '01234567890123' }]);
    for (const p of payloads) expect(validateAcp('Order', p.data)).toEqual([]);
  });

  it('refuses a PIN gallery with a message and shows nothing behind the PIN; unknown links are not found', async () => {
    const pinned = await withService(db, async (tx) => {
      const g = await createGallery(tx, ids['lumen-photography'], {
        title: 'Private gallery',
        status: 'published',
        storeEnabled: true,
      });
      await tx.updateTable('galleries').set({ pin_hash: 'not-a-real-hash' }).where('id', '=', g.id).execute();
      const product = await tx
        .selectFrom('print_products')
        .select('id')
        .where('account_id', '=', ids['lumen-photography'])
        .executeTakeFirstOrThrow();
      return { token: g.token, productId: product.id };
    });
    const uuid = '00000000-0000-4000-8000-000000000000';
    const session = await create([`print_${pinned.token}_${pinned.productId}_${uuid}_${uuid}`], 'a@example.com');
    expect(session.status).toBe('not_ready_for_payment');
    expect(session.line_items).toEqual([]);
    expect(session.messages).toContainEqual(
      expect.objectContaining({ type: 'error', code: 'requires_sign_in', resolution: 'requires_buyer_input' }),
    );
    expect(session.messages.find((m: { code?: string }) => m.code === 'requires_sign_in').content).toMatch(/PIN/);
    const refused = await acp('POST', `/acp/checkout_sessions/${session.id}/complete`, {
      payment_data: sptPayment(await grantedToken(stripe)),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('requires_sign_in');

    const unknown = await create([`print_${'x'.repeat(43)}_${uuid}_${uuid}_${uuid}`], 'a@example.com');
    expect(unknown.messages[0]).toMatchObject({ type: 'error', code: 'not_found' });
  });

  it('refuses mixing kinds in one session', async () => {
    const uuid = '00000000-0000-4000-8000-000000000000';
    const mixed = await create([`artwork_${uuid}`, `credits_${uuid}_${uuid}`], 'a@example.com');
    expect(mixed.status).toBe('not_ready_for_payment');
    expect(mixed.messages).toContainEqual(
      expect.objectContaining({ type: 'error', code: 'invalid', param: '$.line_items[1].id' }),
    );
  });
});

describe('ACP: an agent buys expert-service credits for an organization', () => {
  const bundle = () =>
    withService(db, (tx) =>
      tx
        .selectFrom('credit_bundles')
        .select(['id', 'price_amount'])
        .where('name', '=', 'Starter · 5 hours')
        .executeTakeFirstOrThrow(),
    );

  it('sells a bundle to an org admin: paid, digital, the lot granted once', async () => {
    const b = await bundle();
    const session = await create([`credits_${b.id}_${ids['acme-corp']}`], 'org@demo.gallerist.dev', false);
    expect(session.status, JSON.stringify(session.messages)).toBe('ready_for_payment');
    expect(session.fulfillment_options).toEqual([expect.objectContaining({ type: 'digital' })]);
    expect(session.selected_fulfillment_options[0]).toMatchObject({ type: 'digital' });
    expect(totalsOf(session)).toMatchObject({ total: Number(b.price_amount), fulfillment: 0, tax: 0 });

    const order = await complete(session.id);
    expect(order).toMatchObject({
      status: 'paid',
      offeringType: 'credit_bundle',
      channel: 'acp',
      total: Number(b.price_amount),
      buyerUserId: ids['org@demo.gallerist.dev'],
    });
    expect(order.metadata).toMatchObject({ organization_id: ids['acme-corp'], bundle_id: b.id, minutes: 300 });
    const lots = await withService(db, (tx) =>
      tx.selectFrom('credit_lots').selectAll().where('order_id', '=', order.id).execute(),
    );
    expect(lots).toHaveLength(1);
    expect(lots[0].organization_account_id).toBe(ids['acme-corp']);
    // Completing again charges and grants nothing more.
    const again = await acp('POST', `/acp/checkout_sessions/${session.id}/complete`, {
      payment_data: sptPayment(await grantedToken(stripe)),
    });
    expect(again.status).toBe(400);
    const stillOne = await withService(db, (tx) =>
      tx.selectFrom('credit_lots').select('id').where('order_id', '=', order.id).execute(),
    );
    expect(stillOne).toHaveLength(1);
  });

  it('refuses a buyer who is not an admin of the organization', async () => {
    const b = await bundle();
    for (const email of ['member@demo.gallerist.dev', 'stranger@example.com']) {
      const session = await create([`credits_${b.id}_${ids['acme-corp']}`], email, false);
      expect(session.status).toBe('not_ready_for_payment');
      expect(session.messages).toContainEqual(
        expect.objectContaining({ type: 'error', code: 'approval_required', param: '$.buyer.email' }),
      );
      const refused = await acp('POST', `/acp/checkout_sessions/${session.id}/complete`, {
        payment_data: sptPayment(await grantedToken(stripe)),
      });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('approval_required');
    }
    // An organization that isn't one reads as not for sale.
    const wrong = await create([`credits_${b.id}_${ids['lumen-photography']}`], 'org@demo.gallerist.dev', false);
    expect(wrong.messages[0]).toMatchObject({ type: 'error', code: 'not_found' });
  });
});
