import { createRouter } from '../http/openapi.ts';
import { marketplaceAdminRoutes } from './admin-routes.ts';
import { applicationRoutes } from './application-routes.ts';
import { artworkRoutes } from './artwork-routes.ts';
import { fulfilmentRoutes } from './fulfilment-routes.ts';
import { mediaRoutes } from './media-routes.ts';
import { purchaseRoutes } from './purchase-routes.ts';
import { salesRoutes } from './sales-routes.ts';

/** The art marketplace: applications, Connect onboarding, artworks, moderation, images. */
export const marketplaceRoutes = createRouter();
// Media first: its image paths are more specific than the artwork ones.
marketplaceRoutes.route('/', mediaRoutes);
marketplaceRoutes.route('/', applicationRoutes);
marketplaceRoutes.route('/', artworkRoutes);
marketplaceRoutes.route('/', purchaseRoutes);
marketplaceRoutes.route('/', salesRoutes);
marketplaceRoutes.route('/', marketplaceAdminRoutes);
marketplaceRoutes.route('/', fulfilmentRoutes);
