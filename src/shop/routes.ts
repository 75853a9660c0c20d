import { createRouter } from '../http/openapi.ts';
import { shopClientRoutes } from './client-routes.ts';
import type { Labs } from './labs.ts';
import { shopOrderRoutes } from './order-routes.ts';
import { shopStudioRoutes } from './studio-routes.ts';

/** The print shop API: studio management, the client-facing gallery, catalog and cart, and print orders. */
export function shopRoutes(labs: Labs) {
  const routes = createRouter();
  routes.route('/', shopStudioRoutes);
  routes.route('/', shopClientRoutes);
  routes.route('/', shopOrderRoutes(labs));
  return routes;
}
