import type { DomainModule } from '../modules.ts';
import { adminAccountRoutes } from './admin-routes.ts';
import { pruneRateLimits } from './rate-limit.ts';
import { accountRoutes } from './routes.ts';

export const pruneRateLimitsJob = 'accounts.prune_rate_limits';

/** Users, sessions, accounts and memberships; rate-limit counters are pruned daily. */
export const accountsModule: DomainModule = {
  name: 'accounts',
  build: () => ({
    routes: [accountRoutes, adminAccountRoutes],
    jobs: {
      [pruneRateLimitsJob]: async (_payload, ctx) => {
        const n = await pruneRateLimits(ctx.db, ctx.clock);
        if (n) ctx.logger.info({ rows: n }, 'rate-limit counters pruned');
      },
    },
    schedules: [{ name: pruneRateLimitsJob, intervalSeconds: 86_400, firstRunAfterSeconds: 3600 }],
  }),
};
