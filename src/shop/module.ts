import type { DomainModule } from '../modules.ts';
import { printOffering } from './checkout.ts';
import { type LabAdapter, labsOf, studioLab } from './labs.ts';
import { shopRoutes } from './routes.ts';
import { seedShop } from './seed.ts';

/**
 * The print shop: client galleries, catalog, cart, print orders and fulfilment. `labs` are the print labs paid
 * orders can go to; the built-in one has the studio fulfil by hand.
 */
export function shopModule(opts: { labs?: readonly LabAdapter[] } = {}): DomainModule {
  const labs = labsOf(opts.labs ?? [studioLab]);
  return {
    name: 'shop',
    build: () => ({
      routes: [shopRoutes(labs)],
      offerings: { print: printOffering(labs) },
    }),
    seeders: [seedShop],
  };
}
