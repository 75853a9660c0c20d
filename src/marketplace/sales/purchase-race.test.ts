import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIds, emu, onboardedArtist, publishedArtwork } from '../../../test/fixtures/marketplace-buy.ts';
import { fullReliability, recordTrial } from '../../../test/reliability/trials.ts';
import { systemClock } from '../../clock.ts';
import { completeCheckoutSession } from '../../commerce/index.ts';
import { withService } from '../../db/tenancy.ts';
import { testDbKind } from '../../db/testing.ts';
import { isAppError } from '../../errors.ts';
import { runDueJobs } from '../../jobs/index.ts';
import { type MarketplaceTestEnv, startMarketplaceEnv } from '../testing.ts';
import { startArtworkCheckout } from './purchase.ts';

// 64 under npm run test:reliability, 32 in npm test.
const BUYERS = fullReliability ? 64 : 32;
let env: MarketplaceTestEnv;
let ids: Record<string, string>;

const urls = () => ({
  successUrl: 'http://localhost/ok?session_id={CHECKOUT_SESSION_ID}',
  cancelUrl: 'http://localhost/no',
});

async function sales(artworkId: string) {
  return withService(env.database.db, (tx) =>
    tx
      .selectFrom('marketplace_sales')
      .select(['order_id', 'status', 'amount_refunded'])
      .where('artwork_id', '=', artworkId)
      .execute(),
  );
}

describe.skipIf(testDbKind() !== 'postgres')('32 buyers racing for one original (real Postgres)', () => {
  beforeAll(async () => {
    env = await startMarketplaceEnv();
    ids = await demoIds(env.database.db);
    await onboardedArtist(env.database.db, env.stripe, env.emulator.url, ids['mira-okafor']);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('gives exactly one buyer the checkout; every other attempt is refused', async () => {
    const db = env.database.db;
    const artworkId = await publishedArtwork(db, ids['mira-okafor'], { price: 75_000 });
    const results = await Promise.allSettled(
      Array.from({ length: BUYERS }, (_, i) =>
        startArtworkCheckout(
          db,
          env.stripe,
          env.deps.commerce,
          systemClock,
          { artworkId, buyer: { email: `racer${i}@example.com` } },
          urls,
        ),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    recordTrial({
      test: `${BUYERS} buyers start checkout for one original at once`,
      database: 'postgres',
      seed: 0,
      tried: { buyers: BUYERS, checkouts_opened: won.length, refused: lost.length },
      lost: 0,
      duplicated: Math.max(0, won.length - 1),
      leaked: 0,
    });
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(BUYERS - 1);
    for (const l of lost) {
      expect(isAppError(l.reason) && l.reason.code === 'conflict' && l.reason.details?.reason).toBe('artwork_reserved');
    }
    const orders = await withService(db, (tx) =>
      tx
        .selectFrom('orders')
        .select('id')
        .where(({ ref }) => ref('metadata', '->>').key('artwork_id'), '=', artworkId)
        .execute(),
    );
    expect(orders).toHaveLength(1);
  });

  it('with 32 payable sessions all paid at once, records one sale and refunds every other payment', async () => {
    const db = env.database.db;
    const artworkId = await publishedArtwork(db, ids['mira-okafor'], { price: 50_001 });
    // Open 32 sessions by letting each hold lapse before the next buyer comes (as a stale hold would).
    const sessions: string[] = [];
    for (let i = 0; i < BUYERS; i++) {
      const r = await startArtworkCheckout(
        db,
        env.stripe,
        env.deps.commerce,
        systemClock,
        { artworkId, buyer: { email: `payer${i}@example.com` } },
        urls,
      );
      sessions.push(r.sessionId);
      await withService(db, (tx) =>
        tx
          .updateTable('artworks')
          .set({ reserved_until: new Date(0) })
          .where('id', '=', artworkId)
          .execute(),
      );
    }
    for (const s of sessions) await emu(env.emulator.url, `/_emulator/checkout/sessions/${s}/complete`);
    // Every payment settles concurrently, as racing webhooks and success pages would.
    const settled = await Promise.allSettled(
      sessions.map((s) => completeCheckoutSession(db, env.stripe, env.deps.commerce, s, { kind: 'test' })),
    );
    expect(settled.filter((r) => r.status === 'rejected')).toEqual([]);
    // One seller's counter numbered all of them at once: distinct and without gaps.
    const numbers = (
      await withService(db, (tx) =>
        tx
          .selectFrom('invoices as i')
          .innerJoin('orders as o', 'o.id', 'i.order_id')
          .select('i.number')
          .where('o.stripe_checkout_session_id', 'in', sessions)
          .execute(),
      )
    )
      .map((r) => Number(r.number.replace(/^INV-/, '')))
      .sort((a, b) => a - b);
    expect(numbers).toHaveLength(BUYERS);
    expect(numbers.at(-1)! - numbers[0] + 1).toBe(BUYERS);
    expect(new Set(numbers).size).toBe(BUYERS);

    let rows = await sales(artworkId);
    expect(rows).toHaveLength(BUYERS);
    expect(rows.filter((r) => r.status === 'paid')).toHaveLength(1);
    expect(rows.filter((r) => r.status === 'duplicate_refunded')).toHaveLength(BUYERS - 1);
    const art = await withService(db, (tx) =>
      tx
        .selectFrom('artworks')
        .select(['status', 'editions_sold'])
        .where('id', '=', artworkId)
        .executeTakeFirstOrThrow(),
    );
    expect(art).toEqual({ status: 'sold', editions_sold: 1 });

    // The queued refund jobs run after the payments committed; a second pass must not refund anything twice.
    for (let pass = 0; pass < 2; pass++) {
      while (
        (await runDueJobs(db, {
          handlers: env.deps.assembly.jobs,
          workerId: 'race-test',
          clock: systemClock,
          limit: 50,
          logger: pino({ level: 'silent' }),
        })) > 0
      ) {}
    }
    rows = await sales(artworkId);
    for (const r of rows.filter((x) => x.status === 'duplicate_refunded'))
      expect(Number(r.amount_refunded)).toBe(50_001);
    const winner = rows.find((r) => r.status === 'paid')!;
    expect(Number(winner.amount_refunded)).toBe(0);
    const refundCount = await withService(db, async (tx) =>
      Number(
        (
          await tx
            .selectFrom('marketplace_refunds as m')
            .innerJoin('marketplace_sales as s', 's.id', 'm.sale_id')
            .where('s.artwork_id', '=', artworkId)
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    );
    expect(refundCount).toBe(BUYERS - 1);
    // Stripe agrees: 31 charges refunded once each, the winner's untouched.
    const charges = await env.stripe.charges.list({ limit: 100 });
    const ours = charges.data.filter((c) => c.amount === 50_001);
    recordTrial({
      test: `${BUYERS} payments for one original settle at once`,
      database: 'postgres',
      seed: 0,
      tried: { payments: ours.length, refunded_at_stripe: ours.filter((c) => c.refunded).length },
      lost: ours.filter((c) => c.amount_refunded === 0).length === 1 ? 0 : 1,
      duplicated:
        ours.filter((c) => c.amount_refunded > 50_001).length +
        Math.max(0, rows.filter((r) => r.status === 'paid').length - 1),
      leaked: 0,
    });
    expect(ours).toHaveLength(BUYERS);
    expect(ours.filter((c) => c.refunded && c.amount_refunded === 50_001)).toHaveLength(BUYERS - 1);
    expect(ours.filter((c) => c.amount_refunded === 0)).toHaveLength(1);
  });
});
