import { createRouter } from '../http/openapi.ts';
import { registerPrintOffering } from './checkout.ts';
import { shopClientRoutes } from './client-routes.ts';
import { shopOrderRoutes } from './order-routes.ts';
import './seed.ts';
import { shopStudioRoutes } from './studio-routes.ts';

registerPrintOffering();

/** The print shop API: studio management plus the client-facing gallery, catalog and cart. */
export const shopRoutes = createRouter();
shopRoutes.route('/', shopStudioRoutes);
shopRoutes.route('/', shopClientRoutes);
shopRoutes.route('/', shopOrderRoutes);
