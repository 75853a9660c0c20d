import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { testClient } from '../../test/http.ts';
import { signUpAndConfirm } from '../accounts/testing.ts';
import { platformModules, replaceModule } from '../assembly.ts';
import { completeCheckoutSession, formatMoney, getOrder } from '../commerce/index.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { type LabAdapter, studioLab } from './labs.ts';
import { shopModule } from './module.ts';

let app: TestApp;
let db: DB;
let stripe: Stripe;
let token: string;
let photo: { id: string; filename: string };
let lumenId: string;
type Client = ReturnType<typeof testClient>;
let studio: Client;
// The studio's lab: fulfils by hand unless a test gives it a submit of its own.
let labSubmit: LabAdapter['submit'] = studioLab.submit;
const testLab: LabAdapter = { ...studioLab, submit: (db, order, items) => labSubmit(db, order, items) };

const client = () => testClient({ request: (path, init) => fetch(`${app.url}${path}`, init) });

async function emu(path: string, form: Record<string, string> = {}) {
  const res = await fetch(`${app.emulatorUrl}${path}`, { method: 'POST', body: new URLSearchParams(form) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

type Pick = { product: string; values: string[]; quantity: number; crop?: Record<string, number> };

/** A visitor buys prints of the demo photo and pays through the emulator with a Berlin shipping address. */
async function buy(email: string, picks: Pick[], coupon?: string, card = '4242424242424242') {
  const v = client();
  const catalog = await v.get(`/api/shop/g/${token}/catalog?photoId=${photo.id}`);
  for (const p of picks) {
    const product = catalog.body.data.find((x: { name: string }) => x.name === p.product);
    const optionValueIds = product.groups.map(
      (g: { values: Array<{ id: string; label: string }> }, i: number) =>
        (g.values.find((x) => x.label === p.values[i]) ?? g.values[0]).id,
    );
    const r = await v.post(`/api/shop/g/${token}/cart/items`, {
      photoId: photo.id,
      productId: product.id,
      optionValueIds,
      quantity: p.quantity,
      crop: p.crop ?? null,
    });
    expect(r.status).toBe(201);
  }
  if (coupon) expect((await v.post(`/api/shop/g/${token}/cart/coupon`, { code: coupon })).status).toBe(200);
  const out = await v.post(`/api/shop/g/${token}/checkout`, { email });
  expect(out.status).toBe(201);
  const order = await withService(db, (tx) => getOrder(tx, out.body.orderId));
  const sessionId = order.stripeCheckoutSessionId ?? '';
  await emu(`/_emulator/checkout/sessions/${sessionId}/complete`, {
    card_number: card,
    shipping_name: 'Jamie Rivera',
    shipping_line1: '1 Gallery Way',
    shipping_city: 'Berlin',
    shipping_postal_code: '10115',
    shipping_country: 'DE',
  });
  await emu('/_emulator/webhooks/flush');
  await emu('/_emulator/webhooks/flush');
  await app.settle();
  return { orderId: order.id, sessionId, visitor: v };
}

const mails = async (to: string, template: string) => (await app.mailbox(to)).filter((m) => m.template === template);

const orderUrl = (orderId: string, account = lumenId) => `/api/shop/studios/${account}/orders/${orderId}`;

beforeAll(async () => {
  app = await startTestApp({ modules: replaceModule(platformModules, shopModule({ labs: [testLab] })) });
  db = app.platform.deps.db;
  stripe = app.platform.deps.stripe;
  const g = await withService(db, (tx) =>
    tx
      .selectFrom('galleries as g')
      .innerJoin('gallery_photos as p', 'p.gallery_id', 'g.id')
      .select(['g.token', 'p.id', 'p.filename'])
      .where('g.status', '=', 'published')
      .orderBy('p.position')
      .executeTakeFirstOrThrow(),
  );
  token = g.token;
  photo = { id: g.id, filename: g.filename };
  studio = client();
  const session = await studio.signIn('studio@demo.gallerist.dev');
  lumenId = session.memberships.find((m: { slug: string }) => m.slug === 'lumen-photography').accountId;
});
afterAll(async () => {
  await app?.stop();
});

describe('print fulfilment', () => {
  let first: Awaited<ReturnType<typeof buy>>;

  it('opens fulfilment and emails the print confirmation exactly once, despite webhook replays and returns', async () => {
    first = await buy(
      'first@example.com',
      [
        { product: 'A3 print', values: ['', 'Matte'], quantity: 2, crop: { x: 0.1, y: 0, width: 0.8, height: 1 } },
        { product: 'Canvas 40×60', values: ['', 'Matte varnish'], quantity: 1 },
      ],
      'WELCOME10',
    );
    // Replays: the webhook event again, the success-page return, and the completion path called directly.
    const events = await stripe.events.list({ type: 'checkout.session.completed', limit: 100 });
    const event = events.data.find((e) => (e.data.object as { id: string }).id === first.sessionId);
    expect(event).toBeTruthy();
    const payload = JSON.stringify(event);
    const secret = app.platform.deps.config.webhookSecrets[0];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${app.url}/api/webhooks/stripe`, {
        method: 'POST',
        body: payload,
        headers: {
          'content-type': 'application/json',
          'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret }),
        },
      });
      expect(res.status).toBe(200);
      const summary = await first.visitor.get(`/api/shop/g/${token}/orders/${first.sessionId}`);
      expect(summary.status).toBe(200);
    }
    await app.settle();
    await completeCheckoutSession(db, stripe, app.platform.deps.commerce, first.sessionId, { kind: 'test' });

    const rows = await withService(db, (tx) =>
      tx.selectFrom('print_fulfilments').selectAll().where('order_id', '=', first.orderId).execute(),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'paid', lab: 'studio', buyer_name: 'Jamie Rivera' });
    expect(rows[0].shipping_address).toMatchObject({ line1: '1 Gallery Way', city: 'Berlin', country: 'DE' });
    const confirmations = await mails('first@example.com', 'shop.order_confirmation');
    expect(confirmations).toHaveLength(1);
    const text = confirmations[0].text;
    for (const s of [
      photo.filename,
      'A3 print',
      'Matte',
      'Canvas 40×60',
      'Matte varnish',
      'Cropped to 80%',
      'Berlin',
    ]) {
      expect(text).toContain(s);
    }
    expect(text).toMatch(/Discount/);
    // One confirmation only: the print mail replaces the core's generic one and names the invoice instead.
    expect(text).toMatch(/Your invoice number is \S+/);
    expect(await mails('first@example.com', 'orders.confirmation')).toHaveLength(0);

    const summary = await first.visitor.get(`/api/shop/g/${token}/orders/${first.sessionId}`);
    expect(summary.body).toMatchObject({
      orderId: first.orderId,
      status: 'paid',
      fulfilmentStatus: 'paid',
      email: 'first@example.com',
      shippingAddress: { city: 'Berlin' },
    });
    expect(summary.body.items.map((i: { productName: string }) => i.productName)).toEqual(['A3 print', 'Canvas 40×60']);
    // The session id only opens its own gallery's order.
    expect((await first.visitor.get(`/api/shop/g/nope-${token}/orders/${first.sessionId}`)).status).toBe(404);
    expect((await first.visitor.get(`/api/shop/g/${token}/orders/cs_unknown`)).status).toBe(404);
  });

  it('moves forward only: invalid moves are 409, shipping needs tracking, and the tracking mail goes out once', async () => {
    const url = orderUrl(first.orderId);
    const detail = await studio.get(url);
    expect(detail.status).toBe(200);
    expect(detail.body.fulfilment).toMatchObject({
      status: 'paid',
      nextMoves: ['in_production', 'shipped', 'cancelled'],
    });
    expect(detail.body.items[0]).toMatchObject({
      filename: photo.filename,
      productName: 'A3 print',
      quantity: 2,
      crop: { x: 0.1, y: 0, width: 0.8, height: 1 },
    });
    expect(detail.body.items[0].thumbUrl).toBe(`/api/shop/media/${token}/${photo.id}/thumb`);
    expect(detail.body.items[0].options).toContain('Matte');

    const early = await studio.post(`${url}/deliver`);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('invalid_state');
    expect((await studio.post(`${url}/ship`, {})).status).toBe(400);
    expect((await studio.post(`${url}/ship`, { carrier: 'DHL', trackingNumber: ' ' })).status).toBe(400);
    expect(
      (await studio.post(`${url}/ship`, { carrier: 'DHL', trackingNumber: '1', trackingUrl: 'javascript:x' })).status,
    ).toBe(400);
    expect((await studio.get(url)).body.fulfilment.status).toBe('paid');

    expect((await studio.post(`${url}/in-production`)).status).toBe(200);
    expect((await studio.post(`${url}/in-production`)).status).toBe(409);
    const shipped = await studio.post(`${url}/ship`, {
      carrier: 'DHL',
      trackingNumber: 'JD0146000012345',
      trackingUrl: 'https://www.dhl.de/track?piececode=JD0146000012345',
    });
    expect(shipped.status).toBe(200);
    expect(shipped.body.fulfilment).toMatchObject({
      status: 'shipped',
      carrier: 'DHL',
      trackingNumber: 'JD0146000012345',
    });
    expect((await studio.post(`${url}/ship`, { carrier: 'UPS', trackingNumber: '2' })).status).toBe(409);
    expect((await studio.post(`${url}/cancel`, {})).status).toBe(409);
    expect((await studio.post(`${url}/deliver`)).status).toBe(200);
    expect((await studio.post(`${url}/deliver`)).status).toBe(409);

    const tracking = await mails('first@example.com', 'shop.order_shipped');
    expect(tracking).toHaveLength(1);
    expect(tracking[0].text).toContain('JD0146000012345');
    expect(tracking[0].text).toContain('DHL');
    const final = await studio.get(url);
    expect(final.body.history.map((h: { toStatus: string }) => h.toStatus)).toEqual([
      'paid',
      'in_production',
      'shipped',
      'delivered',
    ]);
    expect(final.body.moneyStatus).toBe('paid');
    const audits = await withService(db, (tx) =>
      tx.selectFrom('audit_events').select('action').where('entity_id', '=', first.orderId).execute(),
    );
    const actions = audits.map((a) => a.action);
    for (const a of ['print_order.in_production', 'print_order.shipped', 'print_order.delivered']) {
      expect(actions.filter((x) => x === a)).toHaveLength(1);
    }
  });

  it('hides orders from other studios and from visitors', async () => {
    const rival = client();
    await signUpAndConfirm(rival, db, { email: 'rival@example.com', name: 'Rival' });
    const created = await rival.post('/api/accounts', { name: 'Rival Studio', slug: 'rival-studio', kind: 'studio' });
    const rivalId: string = created.body.accountId;
    expect((await rival.get(`/api/shop/studios/${lumenId}/orders`)).status).toBe(404);
    expect((await rival.get(orderUrl(first.orderId))).status).toBe(404);
    expect((await rival.get(orderUrl(first.orderId, rivalId))).status).toBe(404);
    expect((await rival.post(`${orderUrl(first.orderId, rivalId)}/cancel`, {})).status).toBe(404);
    expect((await rival.post(`${orderUrl(first.orderId)}/in-production`)).status).toBe(404);
    expect((await rival.get(`/api/shop/studios/${lumenId}/reports/summary`)).status).toBe(404);
    expect((await rival.get(`/api/shop/studios/${rivalId}/orders`)).body).toMatchObject({ data: [], total: 0 });
    expect((await client().get(`/api/shop/studios/${lumenId}/orders`)).status).toBe(401);
    expect((await studio.get(orderUrl('00000000-0000-4000-8000-000000000000'))).status).toBe(404);
    expect((await studio.get(orderUrl('not-a-uuid'))).status).toBe(400);
  });

  let cancelled: Awaited<ReturnType<typeof buy>>;
  let partial: Awaited<ReturnType<typeof buy>>;

  it('cancels a paid order with a full refund, refunds part of another, and filters the list', async () => {
    cancelled = await buy('second@example.com', [{ product: 'A3 print', values: [], quantity: 1 }]);
    const c1 = await studio.post(`${orderUrl(cancelled.orderId)}/cancel`, { reason: 'Client changed their mind' });
    expect(c1.status).toBe(200);
    expect(c1.body.fulfilment.status).toBe('cancelled');
    expect(c1.body.moneyStatus).toBe('refunded');
    expect(c1.body.amountRefunded).toBe(c1.body.total);
    expect((await studio.post(`${orderUrl(cancelled.orderId)}/cancel`, {})).status).toBe(409);
    const notice = await mails('second@example.com', 'shop.order_cancelled');
    expect(notice).toHaveLength(1);
    expect(notice[0].text).toContain('Client changed their mind');
    expect(notice[0].text).toContain(`${formatMoney(c1.body.total, 'eur')} has been refunded`);
    expect((await studio.post(`${orderUrl(cancelled.orderId)}/in-production`)).status).toBe(409);

    partial = await buy('third@example.com', [{ product: 'Canvas 40×60', values: [], quantity: 3 }]);
    const r = await studio.post(`${orderUrl(partial.orderId)}/refunds`, { amount: 500, reason: 'Scratched frame' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ moneyStatus: 'partially_refunded', amountRefunded: 500 });
    expect(r.body.fulfilment.status).toBe('paid');
    expect((await mails('third@example.com', 'shop.order_refunded')).map((m) => m.subject)).toEqual([
      'Refund of EUR 5.00 for your print order',
    ]);
    expect((await studio.post(`${orderUrl(partial.orderId)}/refunds`, { amount: -5 })).status).toBe(400);

    const list = (qs: string) => studio.get(`/api/shop/studios/${lumenId}/orders?${qs}`);
    expect((await list('')).body.total).toBe(3);
    const paid = await list('status=paid');
    expect(paid.body.data.map((o: { id: string }) => o.id)).toEqual([partial.orderId]);
    expect(paid.body.data[0]).toMatchObject({ channel: 'web', agentPlatformName: null });
    expect((await studio.get(orderUrl(partial.orderId))).body).toMatchObject({
      channel: 'web',
      agentPlatformName: null,
    });
    expect((await list('status=cancelled')).body.data[0].id).toBe(cancelled.orderId);
    expect((await list('moneyStatus=partially_refunded')).body.data[0].id).toBe(partial.orderId);
    expect((await list('q=SECOND@')).body.data.map((o: { id: string }) => o.id)).toEqual([cancelled.orderId]);
    expect((await list(`q=${first.orderId.slice(0, 8)}`)).body.data[0].id).toBe(first.orderId);
    const page1 = await list('limit=1');
    const page2 = await list(`limit=1&cursor=${page1.body.nextCursor}`);
    expect(page2.body).toMatchObject({ total: 3, totalCapped: false, limit: 1 });
    expect(page2.body.data).toHaveLength(1);
    expect(page2.body.data[0].id).not.toBe(page1.body.data[0].id);
    expect((await list('status=lost')).status).toBe(400);
    expect((await list('limit=1000')).status).toBe(400);
  });

  it('lets a plain studio member move orders but leaves refunds and cancelling to admins', async () => {
    const member = client();
    await signUpAndConfirm(member, db, { email: 'assistant@example.com', name: 'Al' });
    const userId: string = (await member.get('/api/auth/session')).body.user.id;
    await withService(db, (tx) =>
      tx.insertInto('memberships').values({ account_id: lumenId, user_id: userId, role: 'member' }).execute(),
    );
    const url = orderUrl(partial.orderId);
    expect(
      (await member.get(`/api/shop/studios/${lumenId}/orders?q=%23${partial.orderId.slice(0, 8)}`)).body.total,
    ).toBe(1);
    expect((await member.post(`${url}/refunds`, { amount: 100 })).status).toBe(403);
    expect((await member.post(`${url}/cancel`, {})).status).toBe(403);
    const moved = await member.post(`${url}/in-production`);
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ amountRefunded: 500, fulfilment: { status: 'in_production' } });
    expect(moved.body.history.at(-1)).toMatchObject({ toStatus: 'in_production', actorEmail: 'assistant@example.com' });
  });

  it('reports this month’s revenue net of refunds against last month, and the best sellers', async () => {
    const totals = await withService(db, (tx) =>
      tx
        .selectFrom('orders')
        .select(['id', 'total'])
        .where('id', 'in', [first.orderId, cancelled.orderId, partial.orderId])
        .execute(),
    );
    const total = (id: string) => Number(totals.find((t) => t.id === id)?.total);
    const url = `/api/shop/studios/${lumenId}/reports/summary`;
    const now = await studio.get(url);
    expect(now.status).toBe(200);
    const gross = total(first.orderId) + total(cancelled.orderId) + total(partial.orderId);
    expect(now.body.currency).toBe('eur');
    expect(now.body.current).toMatchObject({
      gross,
      refunds: total(cancelled.orderId) + 500,
      net: gross - total(cancelled.orderId) - 500,
      orderCount: 3,
    });
    expect(now.body.previous).toMatchObject({ gross: 0, net: 0, orderCount: 0 });
    // Canvas: 1 + 3 sold; A3: 2 (the refunded order no longer counts).
    expect(now.body.bestSellers.map((b: { name: string; quantity: number }) => [b.name, b.quantity])).toEqual([
      ['Canvas 40×60', 4],
      ['A3 print', 2],
    ]);

    // Move the first sale into last month: it leaves this month's figures and shows up as last month's.
    await withService(db, (tx) =>
      tx
        .updateTable('orders')
        .set({ paid_at: new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 15)) })
        .where('id', '=', first.orderId)
        .execute(),
    );
    const later = await studio.get(url);
    expect(later.body.previous).toMatchObject({
      gross: total(first.orderId),
      net: total(first.orderId),
      orderCount: 1,
    });
    expect(later.body.current.orderCount).toBe(2);
    expect(later.body.change).toBe(later.body.current.net - total(first.orderId));
  });

  it('hands paid orders to the lab once, and a lab outage never blocks the payment', async () => {
    const calls: string[] = [];
    try {
      labSubmit = async (_db, order, items) => {
        calls.push(order.id);
        expect(items.length).toBeGreaterThan(0);
        return { reference: `LAB-${order.id.slice(0, 6)}` };
      };
      const ok = await buy('lab@example.com', [{ product: 'A3 print', values: [], quantity: 1 }]);
      await completeCheckoutSession(db, stripe, app.platform.deps.commerce, ok.sessionId, { kind: 'test' });
      expect(calls).toEqual([ok.orderId]);
      expect((await studio.get(orderUrl(ok.orderId))).body.fulfilment.labReference).toBe(
        `LAB-${ok.orderId.slice(0, 6)}`,
      );

      labSubmit = async () => {
        throw new Error('lab API unreachable');
      };
      const down = await buy('lab-down@example.com', [{ product: 'A3 print', values: [], quantity: 1 }]);
      expect((await withService(db, (tx) => getOrder(tx, down.orderId))).status).toBe('paid');
      const detail = await studio.get(orderUrl(down.orderId));
      expect(detail.body.fulfilment).toMatchObject({ status: 'paid', labReference: null });
      expect(detail.body.history.map((h: { note: string | null }) => h.note).join(' ')).toContain(
        'lab API unreachable',
      );
      expect(await mails('lab-down@example.com', 'shop.order_confirmation')).toHaveLength(1);
    } finally {
      labSubmit = studioLab.submit;
    }
  });
  it('shows a disputed print order as disputed on the studio list and order page, and refuses its refund', async () => {
    // Stripe's fraudulent-dispute test card: the charge succeeds, then its dispute opens.
    const disputed = await buy(
      'disputed@example.com',
      [{ product: 'A3 print', values: [], quantity: 1 }],
      undefined,
      '4000000000000259',
    );
    await fetch(`${app.emulatorUrl}/_emulator/webhooks/flush`, { method: 'POST' });
    await app.settle();
    const detail = await studio.get(orderUrl(disputed.orderId));
    expect(detail.status).toBe(200);
    expect(detail.body.dispute).toMatchObject({ outcome: 'open', reason: 'fraudulent', amount: detail.body.total });
    expect(detail.body.dispute.dashboardUrl).toContain(detail.body.dispute.stripeDisputeId);
    const list = await studio.get(`/api/shop/studios/${lumenId}/orders?limit=100`);
    const rows = list.body.data as Array<{ id: string; dispute: { outcome: string } | null }>;
    expect(rows.find((o) => o.id === disputed.orderId)?.dispute).toMatchObject({ outcome: 'open' });
    expect(rows.find((o) => o.id === first.orderId)?.dispute).toBeNull();
    const refund = await studio.post(`${orderUrl(disputed.orderId)}/refunds`, { amount: 100, reason: 'goodwill' });
    expect(refund.status).toBe(409);
    expect((await studio.get(orderUrl(disputed.orderId))).body.refunds).toEqual([]);
  });
});
