import type { DomainModule } from '../modules.ts';
import { expireJob, expireLots } from './expire-lots.ts';
import { creditOffering } from './offering.ts';
import { creditRoutes } from './routes.ts';
import { seedCreditBundles } from './seed.ts';

/** Prepaid service credits: bundles sold through commerce, lots, the ledger, hourly expiry. */
export const creditsModule: DomainModule = {
  name: 'credits',
  build: ({ clock }) => ({
    routes: [creditRoutes],
    offerings: { credit_bundle: creditOffering(clock) },
    jobs: {
      [expireJob]: async (_payload, ctx) => {
        const n = await expireLots(ctx.db, ctx.clock);
        if (n) ctx.logger.info({ lots: n }, 'credit lots expired');
      },
    },
    schedules: [{ name: expireJob, intervalSeconds: 3600 }],
  }),
  seeders: [(db) => seedCreditBundles(db)],
};
