import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/app.ts';
import {
  demoIds,
  emu,
  emuObject,
  httpClient,
  onboardedArtist,
  publishedArtwork,
  waitFor,
} from '../../../test/fixtures/marketplace-buy.ts';
import type { Clock } from '../../clock.ts';
import { getOrder } from '../../commerce/index.ts';
import { withService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { splitFee } from '../payouts/fees.ts';
import { fillStripeFee } from './refunds.ts';

let app: TestApp;
let db: DB;
let stripe: Stripe;
let ids: Record<string, string>;
let destination: string;
// The app's clock follows the emulator's, so sessions opened after the clock moved are still valid there.
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

async function advance(seconds: number) {
  await emu(app.emulatorUrl, '/_emulator/clock/advance', { seconds: String(seconds) });
  offsetMs += seconds * 1000;
}

const artworkRow = (id: string) =>
  withService(db, (tx) => tx.selectFrom('artworks').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
const saleOf = (orderId: string) =>
  withService(db, (tx) =>
    tx.selectFrom('marketplace_sales').selectAll().where('order_id', '=', orderId).executeTakeFirst(),
  );
const count = (table: 'orders' | 'marketplace_sales') =>
  withService(db, async (tx) =>
    Number(
      (
        await tx
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  );

async function pay(checkoutUrl: string, form: Record<string, string> = {}) {
  const sessionId = checkoutUrl.match(/cs_[\w]+/)?.[0];
  await emu(app.emulatorUrl, `/_emulator/checkout/sessions/${sessionId}/complete`, {
    email: 'buyer@example.com',
    name: 'Ada Buyer',
    ...form,
  });
  return sessionId!;
}

beforeAll(async () => {
  app = await startTestApp({ clock });
  db = app.platform.deps.db;
  stripe = app.platform.deps.stripe;
  ids = await demoIds(db);
  destination = await onboardedArtist(db, stripe, app.emulatorUrl, ids['mira-okafor']);
});
afterAll(async () => {
  await app?.stop();
});

describe('buying an original', () => {
  it('reserves it for one guest, records the sale with both shares and the Stripe fee, and marks it sold', async () => {
    const artworkId = await publishedArtwork(db, ids['mira-okafor'], { price: 100_001, shipping: 2_500 });
    const guest = httpClient(app.url);
    const price = await guest.get(`/api/marketplace/artworks/${artworkId}/price`);
    expect(price.body).toMatchObject({
      price: 100_001,
      shipping: 2_500,
      total: 102_501,
      platformFee: 50_000,
      artistReceives: 52_501,
      availability: 'available',
    });

    const r = await guest.post(`/api/marketplace/artworks/${artworkId}/checkout`, { email: 'Guest@Example.com' });
    expect(r.status).toBe(201);
    const order = await getOrder(db, r.body.orderId);
    expect(order).toMatchObject({
      offeringType: 'artwork',
      accountId: ids['mira-okafor'],
      buyerUserId: null,
      buyerEmail: 'guest@example.com',
      total: 102_501,
      destinationAccount: destination,
    });
    expect(await artworkRow(artworkId)).toMatchObject({ status: 'reserved', reserved_order_id: order.id });
    const session = await stripe.checkout.sessions.retrieve(order.stripeCheckoutSessionId!, {
      expand: ['payment_intent'],
    });
    expect(session.expires_at - session.created).toBeGreaterThanOrEqual(30 * 60);
    expect(session.expires_at - session.created).toBeLessThanOrEqual(32 * 60);
    expect(session.shipping_address_collection?.allowed_countries).toContain('DE');

    // Anyone else is turned away while the hold lasts.
    const other = httpClient(app.url);
    const refused = await other.post(`/api/marketplace/artworks/${artworkId}/checkout`, { email: 'late@example.com' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.reason).toBe('artwork_reserved');
    expect((await other.get(`/api/marketplace/artworks/${artworkId}/price`)).body.availability).toBe('reserved');

    await pay(r.body.checkoutUrl, {
      shipping_name: 'Ada Buyer',
      shipping_line1: 'Torstr. 1',
      shipping_city: 'Berlin',
      shipping_postal_code: '10119',
      shipping_country: 'DE',
    });
    const sale = await waitFor(() => saleOf(order.id), 'the sale');
    const { fee } = splitFee(100_001, 5000);
    expect(sale).toMatchObject({
      account_id: ids['mira-okafor'],
      artwork_id: artworkId,
      buyer_email: 'guest@example.com',
      status: 'paid',
      fee_bps: 5000,
      currency: 'eur',
    });
    expect(Number(sale.amount)).toBe(102_501);
    expect(Number(sale.platform_fee)).toBe(fee);
    expect(Number(sale.artist_amount)).toBe(102_501 - fee);
    // The emulator's fee: 2.9 % + 30 minor units of the charge.
    expect(Number(sale.stripe_fee)).toBe(Math.round(102_501 * 0.029) + 30);
    expect(sale.shipping_address).toMatchObject({ line1: 'Torstr. 1', city: 'Berlin', country: 'DE' });
    expect(await artworkRow(artworkId)).toMatchObject({ status: 'sold', reserved_order_id: null, editions_sold: 1 });

    // Like Stripe, the destination charge transfers the whole amount, then takes the platform fee back.
    const transfer = await emuObject(app.emulatorUrl, sale.stripe_transfer_id!);
    expect(transfer).toMatchObject({ amount: 102_501, destination });
    const pi = await stripe.paymentIntents.retrieve(sale.stripe_payment_intent_id!);
    expect(pi.application_fee_amount).toBe(fee);

    // A fee that couldn't be read at payment time is filled in later by its job.
    await withService(db, (tx) =>
      tx.updateTable('marketplace_sales').set({ stripe_fee: null }).where('id', '=', sale.id).execute(),
    );
    await fillStripeFee(db, stripe, sale.id);
    expect(Number((await saleOf(order.id))?.stripe_fee)).toBe(Math.round(102_501 * 0.029) + 30);

    const again = await other.post(`/api/marketplace/artworks/${artworkId}/checkout`, { email: 'late@example.com' });
    expect(again.status).toBe(409);
    expect(again.body.error.details.reason).toBe('artwork_sold');
  });

  it('uses the per-artist fee override, and a signed-in buyer’s own email', async () => {
    await withService(db, (tx) =>
      tx.updateTable('artist_profiles').set({ fee_bps: 2_500 }).where('account_id', '=', ids['mira-okafor']).execute(),
    );
    try {
      const artworkId = await publishedArtwork(db, ids['mira-okafor'], { price: 999 });
      const buyer = httpClient(app.url);
      await buyer.signIn('member@demo.gallerist.dev');
      const r = await buyer.post(`/api/marketplace/artworks/${artworkId}/checkout`, {});
      expect(r.status).toBe(201);
      const order = await getOrder(db, r.body.orderId);
      expect(order).toMatchObject({
        buyerUserId: ids['member@demo.gallerist.dev'],
        buyerEmail: 'member@demo.gallerist.dev',
      });
      expect(order.metadata).toMatchObject({ fee_bps: 2_500, platform_fee: 249 });
      await pay(r.body.checkoutUrl);
      const sale = await waitFor(() => saleOf(order.id), 'the sale');
      expect([Number(sale.platform_fee), Number(sale.artist_amount)]).toEqual([249, 750]);
    } finally {
      await withService(db, (tx) =>
        tx.updateTable('artist_profiles').set({ fee_bps: null }).where('account_id', '=', ids['mira-okafor']).execute(),
      );
    }
  });

  it('refuses the artist’s own work and bad input with 4xx, writing nothing', async () => {
    const artworkId = await publishedArtwork(db, ids['mira-okafor']);
    const before = await count('orders');
    const artist = httpClient(app.url);
    await artist.signIn('artist@demo.gallerist.dev');
    const own = await artist.post(`/api/marketplace/artworks/${artworkId}/checkout`, {});
    expect(own.status).toBe(403);

    const guest = httpClient(app.url);
    const cases: Array<[string, unknown, number]> = [
      [`/api/marketplace/artworks/${artworkId}/checkout`, {}, 400],
      [`/api/marketplace/artworks/${artworkId}/checkout`, { email: 'not-an-email' }, 400],
      [`/api/marketplace/artworks/${artworkId}/checkout`, { email: 'a@b.co', price: 1 }, 400],
      [`/api/marketplace/artworks/${artworkId}/checkout`, '{"email":', 400],
      ['/api/marketplace/artworks/not-a-uuid/checkout', { email: 'a@b.co' }, 400],
      ['/api/marketplace/artworks/00000000-0000-4000-8000-000000000000/checkout', { email: 'a@b.co' }, 404],
    ];
    for (const [path, body, status] of cases) {
      const res = await guest.post(path, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(status);
      expect(res.body.error.code).toBeTruthy();
    }
    const draft = await withService(db, (tx) =>
      tx
        .selectFrom('artworks')
        .select('id')
        .where('account_id', '=', ids['mira-okafor'])
        .where('status', '=', 'draft')
        .executeTakeFirstOrThrow(),
    );
    expect((await guest.post(`/api/marketplace/artworks/${draft.id}/checkout`, { email: 'a@b.co' })).status).toBe(404);
    expect((await guest.get(`/api/marketplace/artworks/${draft.id}/price`)).status).toBe(404);
    expect(await count('orders')).toBe(before);
    expect(await artworkRow(artworkId)).toMatchObject({ status: 'published', reserved_order_id: null });
  });

  it('releases the hold when the buyer cancels', async () => {
    const artworkId = await publishedArtwork(db, ids['mira-okafor']);
    const guest = httpClient(app.url);
    const r = await guest.post(`/api/marketplace/artworks/${artworkId}/checkout`, { email: 'undecided@example.com' });
    expect(r.status).toBe(201);
    const wrong = await guest.post(
      `/api/marketplace/artworks/${artworkId}/checkout/00000000-0000-4000-8000-000000000000/cancel`,
    );
    expect(wrong.status).toBe(404);
    const c = await guest.post(`/api/marketplace/artworks/${artworkId}/checkout/${r.body.orderId}/cancel`);
    expect(c.body).toEqual({ status: 'expired' });
    expect(await artworkRow(artworkId)).toMatchObject({ status: 'published', reserved_order_id: null });
    expect((await getOrder(db, r.body.orderId)).status).toBe('expired');
  });

  it('refunds a second payment for a sold original automatically and tells that buyer', async () => {
    const artworkId = await publishedArtwork(db, ids['mira-okafor'], { price: 40_000, title: 'Only One' });
    const a = await httpClient(app.url).post(`/api/marketplace/artworks/${artworkId}/checkout`, {
      email: 'first@example.com',
    });
    // Force the first hold to lapse early so a second session can be opened while the first is still payable.
    await withService(db, (tx) =>
      tx
        .updateTable('artworks')
        .set({ reserved_until: new Date(0) })
        .where('id', '=', artworkId)
        .execute(),
    );
    const b = await httpClient(app.url).post(`/api/marketplace/artworks/${artworkId}/checkout`, {
      email: 'second@example.com',
    });
    expect([a.status, b.status]).toEqual([201, 201]);
    await pay(a.body.checkoutUrl);
    await waitFor(() => saleOf(a.body.orderId), 'the first sale');
    await pay(b.body.checkoutUrl);

    const dup = await waitFor(async () => {
      const s = await saleOf(b.body.orderId);
      return s && Number(s.amount_refunded) === 40_000 ? s : null;
    }, 'the duplicate refund');
    expect(dup.status).toBe('duplicate_refunded');
    expect((await saleOf(a.body.orderId))?.status).toBe('paid');
    expect((await getOrder(db, b.body.orderId)).status).toBe('refunded');
    expect(await artworkRow(artworkId)).toMatchObject({ status: 'sold', editions_sold: 1 });

    // The losing payment went back in full, transfer and fee included.
    const charge = await stripe.charges.retrieve(dup.stripe_charge_id!, { expand: ['transfer'] });
    expect(charge.refunded).toBe(true);
    const transfer = charge.transfer as Stripe.Transfer;
    expect(transfer.amount_reversed).toBe(transfer.amount);
    const refunds = await withService(db, (tx) =>
      tx.selectFrom('marketplace_refunds').selectAll().where('sale_id', '=', dup.id).execute(),
    );
    expect(refunds).toHaveLength(1);
    expect(Number(refunds[0].fee_refunded) + Number(refunds[0].transfer_reversed)).toBe(40_000);
    expect(Number(refunds[0].fee_refunded)).toBe(20_000);

    const mail = await waitFor(async () => {
      const m = await app.mailbox('second@example.com');
      return m.find((x) => x.template === 'marketplace.duplicate_refunded');
    }, 'the apology mail');
    expect(mail.text).toContain('Only One');
    expect(mail.text).toMatch(/refunded/i);
    expect((await app.mailbox('first@example.com')).some((x) => x.template === 'marketplace.duplicate_refunded')).toBe(
      false,
    );
  });

  it('sells an edition up to its size, refunds the payment past it, and a refund returns a copy', async () => {
    const artworkId = await publishedArtwork(db, ids['mira-okafor'], { price: 20_000, editionSize: 2 });
    const starts: Array<{ checkoutUrl: string; orderId: string }> = [];
    // Editions take no hold: three buyers can all open Checkout.
    for (const n of [1, 2, 3]) {
      const r = await httpClient(app.url).post(`/api/marketplace/artworks/${artworkId}/checkout`, {
        email: `edition${n}@example.com`,
      });
      expect(r.status).toBe(201);
      starts.push(r.body);
    }
    expect((await artworkRow(artworkId)).status).toBe('published');
    for (const s of starts) {
      await pay(s.checkoutUrl);
      await waitFor(() => saleOf(s.orderId), 'the sale');
    }
    expect(await artworkRow(artworkId)).toMatchObject({ status: 'sold', editions_sold: 2 });
    const third = await waitFor(async () => {
      const x = await saleOf(starts[2].orderId);
      return x && Number(x.amount_refunded) === 20_000 ? x : null;
    }, 'the refund past the edition size');
    expect(third.status).toBe('duplicate_refunded');
    expect((await saleOf(starts[0].orderId))?.status).toBe('paid');

    const artist = httpClient(app.url);
    await artist.signIn('artist@demo.gallerist.dev');
    const first = (await saleOf(starts[0].orderId))!;
    const r = await artist.post(`/api/marketplace/sales/${first.id}/refunds`, { reason: 'Changed their mind' });
    expect(r.status).toBe(200);
    expect(await artworkRow(artworkId)).toMatchObject({ status: 'published', editions_sold: 1 });
    // A refunded duplicate can't be refunded again.
    const admin = httpClient(app.url);
    await admin.signIn('admin@demo.gallerist.dev');
    expect((await admin.post(`/api/marketplace/sales/${third.id}/refunds`, { reason: 'again' })).status).toBe(409);
  });

  it('releases the hold when the session expires unpaid (emulator clock)', async () => {
    const artworkId = await publishedArtwork(db, ids['mira-okafor']);
    const r = await httpClient(app.url).post(`/api/marketplace/artworks/${artworkId}/checkout`, {
      email: 'slow@example.com',
    });
    expect((await artworkRow(artworkId)).status).toBe('reserved');
    await advance(32 * 60);
    await emu(app.emulatorUrl, '/_emulator/webhooks/flush');
    await app.settle();
    await waitFor(async () => (await getOrder(db, r.body.orderId)).status === 'expired', 'the expiry');
    expect(await artworkRow(artworkId)).toMatchObject({ status: 'published', reserved_order_id: null });
    expect(await saleOf(r.body.orderId)).toBeUndefined();
    // And it can be bought again at once.
    const next = await httpClient(app.url).post(`/api/marketplace/artworks/${artworkId}/checkout`, {
      email: 'next@example.com',
    });
    expect(next.status).toBe(201);
  });
});
