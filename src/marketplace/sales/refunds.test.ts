import fc from 'fast-check';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/app.ts';
import {
  demoIds,
  emu,
  httpClient,
  onboardedArtist,
  publishedArtwork,
  waitFor,
} from '../../../test/fixtures/marketplace-buy.ts';
import { signUpAndConfirm } from '../../accounts/testing.ts';
import { withService, withUser } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { completeApplication } from '../testing.ts';
import { feeShare } from './refunds.ts';

let app: TestApp;
let db: DB;
let stripe: Stripe;
let ids: Record<string, string>;
let destination: string;

const saleOf = (orderId: string) =>
  withService(db, (tx) =>
    tx.selectFrom('marketplace_sales').selectAll().where('order_id', '=', orderId).executeTakeFirst(),
  );
const artworkRow = (id: string) =>
  withService(db, (tx) => tx.selectFrom('artworks').selectAll().where('id', '=', id).executeTakeFirstOrThrow());

/** A guest buys the artwork (optionally with a test card) and the sale is recorded; returns the sale row. */
async function buy(artworkId: string, card = '4242424242424242') {
  const r = await httpClient(app.url).post(`/api/marketplace/artworks/${artworkId}/checkout`, {
    email: 'collector@example.com',
  });
  if (r.status !== 201) throw new Error(`checkout: ${r.status} ${JSON.stringify(r.body)}`);
  const sessionId = r.body.checkoutUrl.match(/cs_[\w]+/)[0];
  await emu(app.emulatorUrl, `/_emulator/checkout/sessions/${sessionId}/complete`, { card_number: card });
  return waitFor(() => saleOf(r.body.orderId), 'the sale');
}

beforeAll(async () => {
  app = await startTestApp();
  db = app.platform.deps.db;
  stripe = app.platform.deps.stripe;
  ids = await demoIds(db);
  destination = await onboardedArtist(db, stripe, app.emulatorUrl, ids['mira-okafor']);
});
afterAll(async () => {
  await app?.stop();
});

describe('refunding a sale', () => {
  // First in the file: the artist's balance must hold only this sale, which is then paid out.
  it('records what the artist owes when their balance was already paid out', async () => {
    const artworkId = await publishedArtwork(db, ids['mira-okafor'], { price: 60_000 });
    const sale = await buy(artworkId, '4000000000000077');
    const balance = await stripe.balance.retrieve({}, { stripeAccount: destination });
    const available = balance.available.find((b) => b.currency === 'eur')?.amount ?? 0;
    expect(available).toBe(30_000);
    await stripe.payouts.create({ amount: available, currency: 'eur' }, { stripeAccount: destination });

    const admin = httpClient(app.url);
    await admin.signIn('admin@demo.gallerist.dev');
    const r = await admin.post(`/api/marketplace/sales/${sale.id}/refunds`, { reason: 'Damaged in transit' });
    expect(r.status).toBe(200);
    expect(r.body.sale).toMatchObject({ status: 'refunded', amountRefunded: 60_000, amountOwed: 30_000 });
    expect(r.body.sale.refunds).toMatchObject([
      {
        amount: 60_000,
        feeRefunded: 30_000,
        transferReversed: 30_000,
        amountOwed: 30_000,
        reason: 'Damaged in transit',
      },
    ]);
    // The artist sees the same debt on their side.
    const artist = httpClient(app.url);
    await artist.signIn('artist@demo.gallerist.dev');
    expect((await artist.get(`/api/marketplace/sales/${sale.id}`)).body.sale.amountOwed).toBe(30_000);
    expect(await artworkRow(artworkId)).toMatchObject({ status: 'published', editions_sold: 0 });
  });

  it('splits a partial then a full refund between platform and artist, matching Stripe', async () => {
    const artworkId = await publishedArtwork(db, ids['mira-okafor'], { price: 100_001 });
    const sale = await buy(artworkId);
    const artist = httpClient(app.url);
    await artist.signIn('artist@demo.gallerist.dev');

    const bad: Array<[unknown, number]> = [
      [{ amount: 30_001 }, 400],
      [{ amount: -5, reason: 'x' }, 400],
      [{ amount: 1.5, reason: 'x' }, 400],
      [{ amount: 100_002, reason: 'too much' }, 400],
      [{ reason: 'x', extra: true }, 400],
    ];
    for (const [body, status] of bad) {
      const res = await artist.post(`/api/marketplace/sales/${sale.id}/refunds`, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
    }
    expect(
      await withService(db, (tx) =>
        tx.selectFrom('refunds').select('id').where('order_id', '=', sale.order_id).execute(),
      ),
    ).toEqual([]);

    const partial = await artist.post(`/api/marketplace/sales/${sale.id}/refunds`, {
      amount: 30_001,
      reason: 'Frame scratched',
    });
    expect(partial.status).toBe(200);
    expect(partial.body.sale).toMatchObject({ status: 'partially_refunded', amountRefunded: 30_001, amountOwed: 0 });
    expect(partial.body.sale.refunds).toMatchObject([
      { amount: 30_001, feeRefunded: 15_000, transferReversed: 15_001 },
    ]);
    expect((await artworkRow(artworkId)).status).toBe('sold');
    const charge1 = await stripe.charges.retrieve(sale.stripe_charge_id!, { expand: ['transfer', 'application_fee'] });
    expect((charge1.transfer as Stripe.Transfer).amount_reversed).toBe(30_001);
    expect((charge1.application_fee as Stripe.ApplicationFee).amount_refunded).toBe(15_000);

    const admin = httpClient(app.url);
    await admin.signIn('admin@demo.gallerist.dev');
    const full = await admin.post(`/api/marketplace/sales/${sale.id}/refunds`, { reason: 'Returned' });
    expect(full.status).toBe(200);
    expect(full.body.sale).toMatchObject({ status: 'refunded', amountRefunded: 100_001 });
    const rows = full.body.sale.refunds as Array<{ feeRefunded: number; transferReversed: number; amount: number }>;
    expect(rows.map((x) => x.amount)).toEqual([30_001, 70_000]);
    expect(rows.reduce((a, x) => a + x.feeRefunded, 0)).toBe(50_000);
    expect(rows.reduce((a, x) => a + x.transferReversed, 0)).toBe(50_001);
    const charge2 = await stripe.charges.retrieve(sale.stripe_charge_id!, { expand: ['transfer', 'application_fee'] });
    expect((charge2.transfer as Stripe.Transfer).amount_reversed).toBe(100_001);
    expect((charge2.application_fee as Stripe.ApplicationFee).amount_refunded).toBe(50_000);
    expect(await artworkRow(artworkId)).toMatchObject({ status: 'published', editions_sold: 0 });

    const again = await admin.post(`/api/marketplace/sales/${sale.id}/refunds`, { reason: 'Twice' });
    expect(again.status).toBe(409);
    const audit = await withService(db, (tx) =>
      tx.selectFrom('audit_events').select('action').where('entity_id', '=', sale.id).execute(),
    );
    expect(audit.filter((a) => a.action === 'sale.refunded')).toHaveLength(2);
  });

  it('keeps the fee split exact: parts add up to the fee and never exceed it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
        (amount, bps, cuts) => {
          const fee = Number((BigInt(amount) * BigInt(bps)) / 10_000n);
          const points = [...new Set([0, ...cuts.map((c) => Math.floor(c * amount)), amount])].sort((a, b) => a - b);
          let total = 0;
          for (let i = 1; i < points.length; i++) {
            const part = feeShare(fee, amount, points[i]) - feeShare(fee, amount, points[i - 1]);
            const refunded = points[i] - points[i - 1];
            expect(part).toBeGreaterThanOrEqual(0);
            expect(part).toBeLessThanOrEqual(refunded);
            total += part;
          }
          expect(total).toBe(fee);
        },
      ),
    );
  });
});

describe('who can see sales', () => {
  it('never shows one artist another artist’s sales, refunds or sales list', async () => {
    const artworkId = await publishedArtwork(db, ids['mira-okafor'], { price: 12_345 });
    const sale = await buy(artworkId);
    const admin = httpClient(app.url);
    await admin.signIn('admin@demo.gallerist.dev');
    await admin.post(`/api/marketplace/sales/${sale.id}/refunds`, { amount: 1_000, reason: 'Goodwill' });

    // A second artist, through the real application flow.
    const other = httpClient(app.url);
    const signUp = await signUpAndConfirm(other, db, { email: 'rival@example.com', name: 'Rival Artist' });
    await other.put('/api/marketplace/application', completeApplication);
    const sub = await other.post('/api/marketplace/application/submit');
    const approved = await admin.post(`/api/admin/marketplace/applications/${sub.body.application.id}/approve`);
    const rivalAccount = approved.body.application.artistAccountId as string;
    const rivalUser = signUp.user.id;

    expect((await other.get(`/api/marketplace/sales/${sale.id}`)).status).toBe(404);
    expect((await other.get(`/api/marketplace/accounts/${ids['mira-okafor']}/sales`)).status).toBe(404);
    expect((await other.post(`/api/marketplace/sales/${sale.id}/refunds`, { reason: 'mine now' })).status).toBe(404);
    expect((await other.get(`/api/marketplace/accounts/${rivalAccount}/sales`)).body).toMatchObject({
      data: [],
      total: 0,
    });
    const seen = await withUser(db, { sub: rivalUser }, async (tx) => ({
      sales: await tx.selectFrom('marketplace_sales').select('id').execute(),
      refunds: await tx.selectFrom('marketplace_refunds').select('id').execute(),
      payouts: await tx.selectFrom('marketplace_payouts').select('id').execute(),
      drafts: await tx.selectFrom('artworks').select('id').where('status', '=', 'draft').execute(),
    }));
    expect(seen).toEqual({ sales: [], refunds: [], payouts: [], drafts: [] });
    // Mira's seeded drafts exist, and the rival can't open them either.
    const draft = await withService(db, (tx) =>
      tx
        .selectFrom('artworks')
        .select('id')
        .where('account_id', '=', ids['mira-okafor'])
        .where('status', '=', 'draft')
        .executeTakeFirstOrThrow(),
    );
    expect((await other.get(`/api/marketplace/artworks/${draft.id}`)).status).toBe(404);

    // The buyer's side and strangers don't see the artist's books either.
    const buyer = httpClient(app.url);
    await buyer.signIn('member@demo.gallerist.dev');
    expect((await buyer.get(`/api/marketplace/sales/${sale.id}`)).status).toBe(404);
    expect((await httpClient(app.url).get(`/api/marketplace/sales/${sale.id}`)).status).toBe(401);

    // The artist and platform admins do.
    const artist = httpClient(app.url);
    await artist.signIn('artist@demo.gallerist.dev');
    const mine = await artist.get(`/api/marketplace/accounts/${ids['mira-okafor']}/sales?limit=100`);
    expect(mine.status).toBe(200);
    expect(mine.body.data.map((s: { id: string }) => s.id)).toContain(sale.id);
    expect(mine.body.data.find((s: { id: string }) => s.id === sale.id)).toMatchObject({
      channel: 'web',
      agentPlatformName: null,
    });
    expect((await admin.get(`/api/marketplace/sales/${sale.id}`)).body.sale.refunds).toHaveLength(1);
    expect((await artist.get(`/api/marketplace/accounts/${ids['mira-okafor']}/sales?limit=0`)).status).toBe(400);
    const bad = await artist.get(`/api/marketplace/accounts/${ids['mira-okafor']}/sales?cursor=bm9wZQ`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_request');
  });
});
