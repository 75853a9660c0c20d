// The credits module's public surface: other domains import from here, never from its files.
export { type Bundle, getActiveBundle, listBundles } from './bundles.ts';
export { consumeMinutes } from './consume-minutes.ts';
export { grantLot } from './grant-lot.ts';
export {
  bundleBuyer,
  bundleItemName,
  bundleOrganization,
  createBundleOrder,
  startBundleCheckout,
} from './offering.ts';
export { getBalances, type Lot, listCustomers, listLots } from './read-credits.ts';
export type { LedgerAccountKind, PostingReason } from './tables.ts';
