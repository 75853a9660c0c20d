import { textEmbedder } from '../llm/index.ts';
import type { DomainModule } from '../modules.ts';
import { marketplaceStripeEvents } from './events.ts';
import { payoutJob, runPayouts } from './payouts/payouts.ts';
import { checkRecommendations } from './recommendations/doctor.ts';
import { featuresJob } from './recommendations/queue.ts';
import { refreshFeatures } from './recommendations/store.ts';
import { marketplaceRoutes } from './routes.ts';
import { disputeRecoveryJob, recoverLostDisputes, runDisputeRecovery } from './sales/dispute-recovery.ts';
import { artworkOffering } from './sales/purchase.ts';
import { saleJobs } from './sales/refunds.ts';
import { seedMarketplace } from './seed.ts';
import { seedDemoCatalog } from './seed-catalog.ts';

/** The art marketplace: artists on Connect, artworks sold by destination charge, refunds, payouts. */
export const marketplaceModule: DomainModule = {
  name: 'marketplace',
  doctorChecks: [checkRecommendations],
  build: ({ config, stripe, clock, commerce }) => ({
    routes: [marketplaceRoutes],
    offerings: { artwork: artworkOffering(clock) },
    stripeEvents: marketplaceStripeEvents,
    orderListeners: [recoverLostDisputes()],
    jobs: {
      ...saleJobs(stripe, commerce),
      [disputeRecoveryJob]: (payload: { recoveryId: string }, ctx) =>
        runDisputeRecovery(ctx.db, stripe, ctx.clock, payload.recoveryId),
      [payoutJob]: async (_payload, ctx) => {
        const r = await runPayouts(ctx.db, stripe, ctx.clock);
        ctx.logger.info(r, 'marketplace payouts');
      },
      [featuresJob]: async (_payload, ctx) => {
        const embedder = textEmbedder(config);
        // At most 5,000 works a run so one run never holds the worker for long; the schedule brings the rest.
        let written = 0;
        for (let batch = 0; batch < 25; batch++) {
          const n = await refreshFeatures(ctx.db, config, ctx.clock, { embedder, limit: 200 });
          written += n;
          if (n < 200) break;
        }
        if (written) ctx.logger.info({ written }, 'artwork features refreshed');
      },
    },
    schedules: [
      // Hourly, the first an hour after boot.
      { name: payoutJob, intervalSeconds: 3600, firstRunAfterSeconds: 3600 },
      // Changes queue the job themselves; this sweep catches any made while a run was already under way.
      { name: featuresJob, intervalSeconds: 300, firstRunAfterSeconds: 5 },
    ],
  }),
  seeders: [seedMarketplace, seedDemoCatalog],
};
