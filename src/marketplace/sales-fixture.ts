import { sql } from 'kysely';
import type Stripe from 'stripe';
import { systemClock } from '../clock.ts';
import { transitionOrder } from '../commerce/order-status.ts';
import { createOrder } from '../commerce/orders.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { ensureConnectAccount, syncConnectAccount } from './connect.ts';
import { splitFee } from './fees.ts';
import { approvedArtist, startMarketplaceEnv } from './testing.ts';

// Test-only: builds real marketplace sales on the emulator without the Buying code path, so fulfilment, certificates
// and payouts can be tested on their own.

/** What the fixture needs: the database, a Stripe client on the emulator and the emulator's control URL. */
export interface FixtureCtx {
  db: DB;
  stripe: Stripe;
  emulatorUrl: string;
}

const actor = { kind: 'test:fixture' };

/** Gives the artist account an onboarded Express account (payouts enabled); `failingBank` makes its payouts fail. */
export async function onboardedArtist(
  ctx: FixtureCtx,
  accountId: string,
  opts: { failingBank?: boolean } = {},
): Promise<string> {
  const acct = await ensureConnectAccount(ctx.db, ctx.stripe, accountId, actor);
  const body = new URLSearchParams(opts.failingBank ? { account_number: '000111111116' } : {});
  const res = await fetch(`${ctx.emulatorUrl}/_emulator/accounts/${acct}/onboard`, { method: 'POST', body });
  if (!res.ok) throw new Error(`onboard failed: ${res.status} ${await res.text()}`);
  await syncConnectAccount(ctx.db, ctx.stripe, accountId, systemClock);
  return acct;
}

/** Options for one fixture sale. */
export interface FixtureSaleOptions {
  accountId: string;
  buyerEmail?: string;
  buyerUserId?: string | null;
  buyerName?: string | null;
  title?: string;
  priceAmount?: number;
  shippingAmount?: number;
  editionType?: 'original' | 'edition';
  feeBps?: number;
}

/**
 * Pays a real destination-charge Checkout Session on the emulator (funds available at once) and records the order
 * and the `marketplace_sales` row as the migration describes. The session carries no `order_id`, so the platform's
 * webhook ignores it and never competes with the fixture.
 */
export async function createPaidSale(
  ctx: FixtureCtx,
  o: FixtureSaleOptions,
): Promise<{ saleId: string; orderId: string; artworkId: string; amount: number; artistAmount: number }> {
  const profile = await withService(ctx.db, (tx) =>
    tx
      .selectFrom('artist_profiles')
      .select('stripe_account_id')
      .where('account_id', '=', o.accountId)
      .executeTakeFirstOrThrow(),
  );
  if (!profile.stripe_account_id) throw new Error('fixture: onboard the artist first (onboardedArtist)');
  const price = o.priceAmount ?? 100_000;
  const shipping = o.shippingAmount ?? 2_000;
  const editionType = o.editionType ?? 'original';
  const title = o.title ?? 'Fixture Study';
  const buyerEmail = o.buyerEmail ?? 'collector@example.com';
  const bps = o.feeBps ?? 5000;
  const amount = price + shipping;
  const { fee, share } = splitFee(amount, bps);

  const { artworkId, orderId } = await withService(ctx.db, async (tx) => {
    const art = await tx
      .insertInto('artworks')
      .values({
        account_id: o.accountId,
        title,
        medium: 'painting',
        width_mm: 500,
        height_mm: 700,
        year: 2025,
        price_amount: price,
        shipping_amount: shipping,
        currency: 'eur',
        edition_type: editionType,
        edition_size: editionType === 'edition' ? 10 : null,
        editions_sold: editionType === 'edition' ? 1 : 0,
        status: editionType === 'original' ? 'sold' : 'published',
        published_at: sql<Date>`now()`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const order = await createOrder(
      tx,
      {
        accountId: o.accountId,
        buyerEmail,
        buyerUserId: o.buyerUserId ?? null,
        offeringType: 'artwork',
        currency: 'eur',
        items: [{ name: title, unitAmount: price, quantity: 1 }],
        shipping,
        metadata: { artwork_id: art.id },
      },
      actor,
    );
    return { artworkId: art.id, orderId: order.id };
  });

  const session = await ctx.stripe.checkout.sessions.create(
    {
      mode: 'payment',
      customer_email: buyerEmail,
      line_items: [
        { quantity: 1, price_data: { currency: 'eur', unit_amount: price, product_data: { name: title } } },
        { quantity: 1, price_data: { currency: 'eur', unit_amount: shipping, product_data: { name: 'Shipping' } } },
      ],
      success_url: 'http://localhost/done',
      metadata: { fixture_sale: artworkId },
      payment_intent_data: {
        metadata: { fixture_sale: artworkId },
        transfer_data: { destination: profile.stripe_account_id },
        application_fee_amount: fee,
      },
    },
    { idempotencyKey: `fixture-checkout:${orderId}` },
  );
  const paid = await fetch(`${ctx.emulatorUrl}/_emulator/checkout/sessions/${session.id}/complete`, {
    method: 'POST',
    body: new URLSearchParams({ card_number: '4000000000000077', name: o.buyerName ?? 'Fixture Buyer' }),
  });
  if (!paid.ok) throw new Error(`fixture payment failed: ${paid.status} ${await paid.text()}`);
  const done = await ctx.stripe.checkout.sessions.retrieve(session.id, {
    expand: ['payment_intent.latest_charge.balance_transaction'],
  });
  const pi = done.payment_intent as Stripe.PaymentIntent;
  const charge = pi.latest_charge as Stripe.Charge;
  const bt = charge.balance_transaction as Stripe.BalanceTransaction | null;
  const transfer = typeof charge.transfer === 'string' ? charge.transfer : (charge.transfer?.id ?? null);

  const saleId = await withService(ctx.db, async (tx) => {
    await tx
      .updateTable('orders')
      .set({
        stripe_checkout_session_id: session.id,
        stripe_payment_intent_id: pi.id,
        stripe_charge_id: charge.id,
        destination_account: profile.stripe_account_id,
        paid_at: sql<Date>`now()`,
      })
      .where('id', '=', orderId)
      .execute();
    await transitionOrder(tx, orderId, 'paid', actor, 'fixture payment');
    const row = await tx
      .insertInto('marketplace_sales')
      .values({
        order_id: orderId,
        account_id: o.accountId,
        artwork_id: artworkId,
        buyer_user_id: o.buyerUserId ?? null,
        buyer_email: buyerEmail,
        buyer_name: o.buyerName ?? 'Fixture Buyer',
        currency: 'eur',
        price_amount: price,
        shipping_amount: shipping,
        amount,
        platform_fee: fee,
        artist_amount: share,
        fee_bps: bps,
        stripe_fee: bt?.fee ?? null,
        stripe_payment_intent_id: pi.id,
        stripe_charge_id: charge.id,
        stripe_transfer_id: transfer,
        shipping_address: JSON.stringify({
          name: 'Fixture Buyer',
          line1: '1 Test Street',
          city: 'Berlin',
          postalCode: '10115',
          country: 'DE',
        }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  });
  return { saleId, orderId, artworkId, amount, artistAmount: share };
}

/**
 * Starts a seeded marketplace app with Mira onboarded for payouts, her artist and the platform admin signed in, and
 * a second approved artist (`otherEmail`) who is no member of Mira's account. Call `env.stop()` in afterAll.
 */
export async function startSalesEnv(otherEmail: string) {
  const env = await startMarketplaceEnv();
  const ctx: FixtureCtx = { db: env.database.db, stripe: env.stripe, emulatorUrl: env.emulator.url };
  const mira = await env.database.db
    .selectFrom('accounts')
    .select('id')
    .where('slug', '=', 'mira-okafor')
    .executeTakeFirstOrThrow();
  await onboardedArtist(ctx, mira.id);
  const artist = env.client();
  await artist.signIn('artist@demo.gallerist.dev');
  const admin = env.client();
  await admin.signIn('admin@demo.gallerist.dev');
  const other = (await approvedArtist(env, otherEmail, 'Other Artist')).c;
  return { env, ctx, miraId: mira.id, artist, admin, other };
}
