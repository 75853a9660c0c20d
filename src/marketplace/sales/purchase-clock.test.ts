import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/app.ts';
import { demoIds, emu, httpClient, onboardedArtist, publishedArtwork } from '../../../test/fixtures/marketplace-buy.ts';
import type { Clock } from '../../clock.ts';
import { getOrder } from '../../commerce/index.ts';
import { withService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';

// Stripe checks a Checkout Session's `expires_at` against its own clock; ours may lag behind it.

let app: TestApp;
let db: DB;
let ids: Record<string, string>;
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

const artworkRow = (id: string) =>
  withService(db, (tx) => tx.selectFrom('artworks').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
const ordersFor = (artworkId: string) =>
  withService(db, (tx) =>
    tx
      .selectFrom('orders')
      .select('id')
      .where(({ ref }) => ref('metadata', '->>').key('artwork_id'), '=', artworkId)
      .execute(),
  );

async function emulatorNowMs(): Promise<number> {
  const res = await fetch(`${app.emulatorUrl}/_emulator/clock`);
  return ((await res.json()) as { now_ms: number }).now_ms;
}

/** Starts a guest checkout and checks the session against the emulator's clock and the hold against ours. */
async function checkoutAndCheck(artworkId: string) {
  const r = await httpClient(app.url).post(`/api/marketplace/artworks/${artworkId}/checkout`, {
    email: 'early@example.com',
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const order = await getOrder(db, r.body.orderId);
  const session = await app.platform.deps.stripe.checkout.sessions.retrieve(order.stripeCheckoutSessionId!);
  const stripeNow = await emulatorNowMs();
  const ourNow = clock.now().getTime();
  expect(session.status).toBe('open');
  expect(session.expires_at * 1000 - stripeNow).toBeGreaterThanOrEqual(30 * 60_000 - 1000);
  // The order remembers the expiry Stripe accepted, and the hold lasts as long as the session on our clock.
  expect(Math.floor(Date.parse(String(order.metadata.expires_at)) / 1000)).toBe(session.expires_at);
  const w = await artworkRow(artworkId);
  expect(w).toMatchObject({ status: 'reserved', reserved_order_id: order.id });
  expect(w.reserved_until!.getTime() - ourNow).toBeGreaterThanOrEqual(session.expires_at * 1000 - stripeNow - 2000);
  return session;
}

beforeAll(async () => {
  app = await startTestApp({ clock });
  db = app.platform.deps.db;
  ids = await demoIds(db);
  await onboardedArtist(db, app.platform.deps.stripe, app.emulatorUrl, ids['mira-okafor']);
});
afterAll(async () => {
  await app?.stop();
});

describe('artwork checkout when Stripe’s clock is ahead of ours', () => {
  it('counts the expiry from Stripe’s Date header when our clock is 40 minutes behind', async () => {
    const artworkId = await publishedArtwork(db, ids['mira-okafor'], { title: 'Late clock' });
    offsetMs = -40 * 60_000;
    try {
      const session = await checkoutAndCheck(artworkId);
      // Counted from Stripe's now, not padded by the skew allowance.
      expect(session.expires_at - session.created).toBeLessThanOrEqual(32 * 60);
    } finally {
      offsetMs = 0;
    }
  });

  it('still opens Checkout after the emulator clock moves 5 minutes ahead of the app clock', async () => {
    const artworkId = await publishedArtwork(db, ids['mira-okafor'], { title: 'Skewed clock' });
    await emu(app.emulatorUrl, '/_emulator/clock/advance', { seconds: '300' });
    await checkoutAndCheck(artworkId);
    // Back in step for the tests below.
    offsetMs = 300_000;
  });
});

describe('artwork checkout when Stripe fails', () => {
  const expectUpstream = (r: { status: number; body: any }) => {
    expect(r.status, JSON.stringify(r.body)).toBe(502);
    expect(r.body).toMatchObject({
      error: { code: 'upstream_error', message: expect.stringMatching(/^Payment provider error: /) },
    });
  };

  it('answers 502 upstream_error when Stripe refuses the session, keeping neither order nor hold', async () => {
    const artworkId = await publishedArtwork(db, ids['mira-okafor'], { title: 'Refused' });
    const setAccount = (acct: string | null) =>
      withService(db, (tx) =>
        tx
          .updateTable('artist_profiles')
          .set({ stripe_account_id: acct })
          .where('account_id', '=', ids['mira-okafor'])
          .returning('stripe_account_id')
          .executeTakeFirstOrThrow(),
      );
    const { stripe_account_id: real } = await withService(db, (tx) =>
      tx
        .selectFrom('artist_profiles')
        .select('stripe_account_id')
        .where('account_id', '=', ids['mira-okafor'])
        .executeTakeFirstOrThrow(),
    );
    // A destination Stripe does not know: the create call fails with a 400 from Stripe.
    await setAccount('acct_gone_missing');
    try {
      const r = await httpClient(app.url).post(`/api/marketplace/artworks/${artworkId}/checkout`, {
        email: 'buyer@example.com',
      });
      expectUpstream(r);
      expect(r.body.error.message).toContain('acct_gone_missing');
    } finally {
      await setAccount(real);
    }
    expect(await artworkRow(artworkId)).toMatchObject({ status: 'published', reserved_order_id: null });
    expect(await ordersFor(artworkId)).toEqual([]);
  });

  it('answers 502 upstream_error when Stripe cannot be reached, for checkout and for cancelling it', async () => {
    const artworkId = await publishedArtwork(db, ids['mira-okafor'], { title: 'Unreachable' });
    const held = await publishedArtwork(db, ids['mira-okafor'], { title: 'Held while down' });
    const buyer = httpClient(app.url);
    const open = await buyer.post(`/api/marketplace/artworks/${held}/checkout`, { email: 'buyer@example.com' });
    expect(open.status).toBe(201);
    const deps = app.platform.deps;
    const real = deps.stripe;
    // Nothing listens on port 9: a connection error, not an answer from Stripe.
    deps.stripe = new Stripe('sk_test_down', { host: '127.0.0.1', port: 9, protocol: 'http', maxNetworkRetries: 0 });
    try {
      expectUpstream(await buyer.post(`/api/marketplace/artworks/${artworkId}/checkout`, { email: 'b@example.com' }));
      expectUpstream(await buyer.post(`/api/marketplace/artworks/${held}/checkout/${open.body.orderId}/cancel`, {}));
    } finally {
      deps.stripe = real;
    }
    expect(await artworkRow(artworkId)).toMatchObject({ status: 'published', reserved_order_id: null });
    expect(await ordersFor(artworkId)).toEqual([]);
    expect(await artworkRow(held)).toMatchObject({ status: 'reserved', reserved_order_id: open.body.orderId });
    const cancelled = await buyer.post(`/api/marketplace/artworks/${held}/checkout/${open.body.orderId}/cancel`, {});
    expect(cancelled.body).toEqual({ status: 'expired' });
    expect(await artworkRow(held)).toMatchObject({ status: 'published', reserved_order_id: null });
  });
});
