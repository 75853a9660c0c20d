// The shop module's public surface: other domains import from here, never from its files.
export * as cart from './cart.ts';
export { createProduct, galleryProducts, type Product } from './catalog.ts';
export {
  createPrintOrder,
  type PrintOrderLine,
  type PrintPick,
  printTotals,
  quotePrints,
  ratesFor,
  startPrintCheckout,
} from './checkout.ts';
export { createGallery, galleryByToken, getGallery, listGalleries } from './galleries.ts';
export { mediaFile, processUploads, removeObjects } from './photos.ts';
export { studioSummary } from './reports.ts';
export { getSettings, listClients } from './studio.ts';
export type { CouponKind, Crop, FulfilmentStatus, GalleryStatus, ShippingRate } from './tables.ts';
