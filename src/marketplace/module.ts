import type { DomainModule } from '../modules.ts';
import { marketplaceStripeEvents } from './events.ts';
import { payoutJob, runPayouts } from './payouts/payouts.ts';
import { marketplaceRoutes } from './routes.ts';
import { artworkOffering } from './sales/purchase.ts';
import { saleJobs } from './sales/refunds.ts';
import { seedMarketplace } from './seed.ts';

/** The art marketplace: artists on Connect, artworks sold by destination charge, refunds, payouts. */
export const marketplaceModule: DomainModule = {
  name: 'marketplace',
  build: ({ stripe, clock, commerce }) => ({
    routes: [marketplaceRoutes],
    offerings: { artwork: artworkOffering(clock) },
    stripeEvents: marketplaceStripeEvents,
    jobs: {
      ...saleJobs(stripe, commerce),
      [payoutJob]: async (_payload, ctx) => {
        const r = await runPayouts(ctx.db, stripe, ctx.clock);
        ctx.logger.info(r, 'marketplace payouts');
      },
    },
    // Hourly, the first an hour after boot.
    schedules: [{ name: payoutJob, intervalSeconds: 3600, firstRunAfterSeconds: 3600 }],
  }),
  seeders: [seedMarketplace],
};
