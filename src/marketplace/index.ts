// The marketplace module's public surface: other domains import from here, never from its files.
export { transactionsQuery } from './admin/analytics.ts';
export { getArtwork, imageUrls, listAccountArtworks } from './artworks/artworks.ts';
export {
  listPublicArtworks,
  priceBreakdown,
  publicArtwork,
  publicArtworks,
  publicColumns,
} from './artworks/catalog.ts';
export { readImageFile, variantKey } from './artworks/images.ts';
export { runPayouts } from './payouts/payouts.ts';
export { type Recommendation, recommendedFor, searchArtworks, similarArtworks } from './recommendations/rank.ts';
export {
  availability,
  releaseArtworkOrder,
  reserveArtworkOrder,
  startArtworkCheckout,
  upstream,
} from './sales/purchase.ts';
export { markDelivered, markShipped } from './sales/shipments.ts';
export { demoCatalog } from './seed-catalog.ts';
export {
  type ApplicationStatus,
  type ArtworkStatus,
  type EditionType,
  type Medium,
  media,
  type OnboardingStatus,
  type PayoutStatus,
  type SaleStatus,
} from './tables.ts';
