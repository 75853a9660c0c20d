import { createRouter } from '../http/openapi.ts';
import { marketplaceAdminRoutes } from './admin/admin-routes.ts';
import { applicationRoutes } from './artists/application-routes.ts';
import { artworkRoutes } from './artworks/artwork-routes.ts';
import { mediaRoutes } from './artworks/media-routes.ts';
import { recommendationRoutes } from './recommendations/routes.ts';
import { fulfilmentRoutes } from './sales/fulfilment-routes.ts';
import { purchaseRoutes } from './sales/purchase-routes.ts';
import { salesRoutes } from './sales/sales-routes.ts';

/** The art marketplace: applications, Connect onboarding, artworks, moderation, images, recommendations. */
export const marketplaceRoutes = createRouter();
// Media first: its image paths are more specific than the artwork ones.
marketplaceRoutes.route('/', mediaRoutes);
marketplaceRoutes.route('/', applicationRoutes);
marketplaceRoutes.route('/', recommendationRoutes);
marketplaceRoutes.route('/', artworkRoutes);
marketplaceRoutes.route('/', purchaseRoutes);
marketplaceRoutes.route('/', salesRoutes);
marketplaceRoutes.route('/', marketplaceAdminRoutes);
marketplaceRoutes.route('/', fulfilmentRoutes);
