import { Email } from '../accounts/index.ts';
import { countMeta, pageMeta, pageQuery } from '../db/keyset.ts';
import { z } from '../http/openapi.ts';
import { media } from './tables.ts';

const httpUrl = z
  .url({ protocol: /^https?$/, message: 'Enter a full http(s) address' })
  .max(500, 'Use at most 500 characters');

/** Autosaved draft fields: each is optional, but any given value must already be valid. */
export const ApplicationDraftInput = z.strictObject({
  statement: z.string().max(5000, 'Use at most 5000 characters').optional(),
  portfolioUrl: z.union([httpUrl, z.literal('')]).optional(),
  instagram: z
    .union([
      z.string().regex(/^@?[A-Za-z0-9._]{1,30}$/, 'Enter an Instagram handle such as @mira.paints'),
      z.literal(''),
    ])
    .optional(),
  exhibitions: z.string().max(5000, 'Use at most 5000 characters').optional(),
  country: z
    .union([z.string().regex(/^[A-Za-z]{2}$/, 'Use a two-letter country code such as DE'), z.literal('')])
    .optional(),
  termsAccepted: z.boolean().optional(),
});
export type ApplicationDraftInputT = z.infer<typeof ApplicationDraftInput>;

export const ApplicationOut = z
  .object({
    id: z.string(),
    userId: z.string(),
    status: z.enum(['draft', 'pending', 'approved', 'rejected']),
    statement: z.string(),
    portfolioUrl: z.string().nullable(),
    instagram: z.string().nullable(),
    exhibitions: z.string(),
    country: z.string().nullable(),
    termsAcceptedAt: z.string().nullable(),
    rejectionReason: z.string().nullable(),
    reviewedAt: z.string().nullable(),
    artistAccountId: z.string().nullable(),
    submittedAt: z.string().nullable(),
    updatedAt: z.string(),
    applicant: z.object({ name: z.string(), email: z.string() }).optional(),
  })
  .openapi('ArtistApplication');
export type ApplicationOutT = z.infer<typeof ApplicationOut>;

export const RejectInput = z.strictObject({ reason: z.string().trim().min(1, 'Give a reason').max(2000) });

export const ArtistStatusOut = z
  .object({
    accountId: z.string(),
    stripeAccountId: z.string().nullable(),
    onboardingStatus: z.enum(['pending', 'complete', 'restricted', 'deauthorized']),
    chargesEnabled: z.boolean(),
    payoutsEnabled: z.boolean(),
    detailsSubmitted: z.boolean(),
    feeBps: z.number().int(),
    country: z.string(),
  })
  .openapi('ArtistStatus');

const dimension = z.number().int().min(1).max(100_000).nullable().optional();

const artworkFields = {
  title: z.string().trim().min(1, 'Give the work a title').max(200),
  description: z.string().max(5000).optional(),
  medium: z.enum(media),
  widthMm: dimension,
  heightMm: dimension,
  depthMm: dimension,
  year: z.number().int().min(1000).max(3000).nullable().optional(),
  priceAmount: z.number().int().positive('Price must be above zero').max(100_000_000_00),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'Use a three-letter currency code')
    .transform((s) => s.toLowerCase()),
  editionType: z.enum(['original', 'edition']).optional(),
  editionSize: z.number().int().min(2, 'An edition has at least 2 copies').max(100_000).nullable().optional(),
};

const editionRule = (v: { editionType?: string; editionSize?: number | null }) =>
  (v.editionType ?? 'original') === 'original' ? v.editionSize == null : v.editionSize != null;
const editionError = {
  message: 'Originals have no edition size; editions need one (2 or more)',
  path: ['editionSize'],
};

export const ArtworkInput = z.strictObject(artworkFields).refine(editionRule, editionError);
export type ArtworkInputT = z.infer<typeof ArtworkInput>;
export const ArtworkPatch = z.strictObject(artworkFields).partial();
export type ArtworkPatchT = z.infer<typeof ArtworkPatch>;

export const ImageOut = z
  .object({
    id: z.string(),
    position: z.number().int(),
    isPrimary: z.boolean(),
    width: z.number().int(),
    height: z.number().int(),
    url: z.string(),
    thumbUrl: z.string(),
  })
  .openapi('ArtworkImage');

export const ArtworkOut = z
  .object({
    id: z.string(),
    accountId: z.string(),
    artist: z.object({ slug: z.string(), name: z.string() }),
    title: z.string(),
    description: z.string(),
    medium: z.enum(media),
    widthMm: z.number().nullable(),
    heightMm: z.number().nullable(),
    depthMm: z.number().nullable(),
    year: z.number().nullable(),
    priceAmount: z.number(),
    currency: z.string(),
    editionType: z.enum(['original', 'edition']),
    editionSize: z.number().nullable(),
    status: z.enum(['draft', 'submitted', 'published', 'rejected', 'reserved', 'sold']),
    rejectionReason: z.string().nullable(),
    publishedAt: z.string().nullable(),
    updatedAt: z.string(),
    images: z.array(ImageOut),
  })
  .openapi('Artwork');
export type ArtworkOutT = z.infer<typeof ArtworkOut>;

export const PriceBreakdown = z
  .object({
    price: z.number(),
    platformFee: z.number(),
    artistShare: z.number(),
    feeBps: z.number(),
    currency: z.string(),
  })
  .openapi('PriceBreakdown');

export const ArtworkPage = z.object({ data: z.array(ArtworkOut), ...pageMeta, ...countMeta });

export const PublicArtworkQuery = z.object({
  medium: z.enum(media).optional(),
  minPrice: z.coerce.number().int().min(0).optional(),
  maxPrice: z.coerce.number().int().min(0).optional(),
  artist: z.string().max(60).optional(),
  ...pageQuery,
});

export const PublicArtistOut = z
  .object({
    accountId: z.string(),
    slug: z.string(),
    name: z.string(),
    bio: z.string(),
    country: z.string(),
    artworks: z.array(ArtworkOut),
  })
  .openapi('PublicArtist');

// --- Buying: checkout, price breakdown, sales and refunds ---

/** Signed-in buyers may omit the email (their account's is used); guests must give one. */
export const ArtworkCheckoutInput = z.strictObject({
  email: Email.optional(),
});

export const ArtworkCheckoutOut = z.object({ checkoutUrl: z.string(), orderId: z.string() });

export const ArtworkPriceOut = z
  .object({
    currency: z.string(),
    price: z.number().int(),
    shipping: z.number().int(),
    total: z.number().int(),
    platformFee: z.number().int(),
    feeBps: z.number().int(),
    /** What the artist receives: their share of the price plus all of the shipping. */
    artistReceives: z.number().int(),
    availability: z.enum(['available', 'reserved', 'sold', 'unavailable']),
    reservedUntil: z.string().nullable(),
  })
  .openapi('ArtworkPrice');

export const SaleRefundOut = z
  .object({
    id: z.string(),
    amount: z.number().int(),
    feeRefunded: z.number().int(),
    transferReversed: z.number().int(),
    amountOwed: z.number().int(),
    reason: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('SaleRefund');

const saleFields = {
  id: z.string(),
  orderId: z.string(),
  accountId: z.string(),
  channel: z.enum(['web', 'mcp', 'acp']).openapi({ description: 'Web app, an MCP API key, or an ACP agent platform' }),
  agentPlatformName: z
    .string()
    .nullable()
    .openapi({ description: 'Name of the ACP agent platform that placed the order; null for web and MCP orders' }),
  artwork: z.object({ id: z.string(), title: z.string(), thumbUrl: z.string().nullable() }),
  artist: z.object({ name: z.string(), slug: z.string() }),
  buyerEmail: z.string(),
  buyerName: z.string().nullable(),
  currency: z.string(),
  priceAmount: z.number().int(),
  shippingAmount: z.number().int(),
  amount: z.number().int(),
  platformFee: z.number().int(),
  artistAmount: z.number().int(),
  feeBps: z.number().int(),
  stripeFee: z.number().int().nullable(),
  status: z.enum(['paid', 'shipped', 'delivered', 'partially_refunded', 'refunded', 'duplicate_refunded']),
  amountRefunded: z.number().int(),
  stripeTransferId: z.string().nullable(),
  carrier: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  trackingUrl: z.string().nullable(),
  shippingAddress: z.record(z.string(), z.string().nullable()).nullable(),
  shippedAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  returnWindowEndsAt: z.string().nullable(),
  certificateNumber: z.string().nullable(),
  createdAt: z.string(),
};

export const SaleOut = z.object(saleFields).openapi('Sale');
export const SaleDetailOut = z
  .object({ ...saleFields, refunds: z.array(SaleRefundOut), amountOwed: z.number().int() })
  .openapi('SaleDetail');
export const SalePage = z.object({ data: z.array(SaleOut), ...pageMeta, ...countMeta });

/** A refund of a sale: omit `amount` to refund everything not yet refunded. */
export const SaleRefundInput = z.strictObject({
  amount: z.number().int('Use whole minor units').positive('Must be more than zero').max(1e12).optional(),
  reason: z.string().trim().min(1, 'Give a reason').max(500),
});

// --- After the sale: shipments, payouts, balance ---

export const ShipmentInput = z.strictObject({
  carrier: z.string().trim().min(1, 'Name the carrier').max(100, 'Use at most 100 characters'),
  trackingNumber: z.string().trim().min(1, 'Enter the tracking number').max(100, 'Use at most 100 characters'),
  trackingUrl: z
    .union([httpUrl, z.literal('')])
    .nullable()
    .optional(),
});

export const PayoutOut = z
  .object({
    id: z.string(),
    stripePayoutId: z.string().nullable(),
    amount: z.number().int(),
    currency: z.string(),
    status: z.enum(['pending', 'in_transit', 'paid', 'failed', 'canceled']),
    arrivalDate: z.string().nullable(),
    failureMessage: z.string().nullable(),
    salesCount: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('Payout');
export const PayoutPage = z.object({ data: z.array(PayoutOut), ...pageMeta, ...countMeta });

export const ArtistBalanceOut = z
  .object({
    currency: z.string(),
    available: z.number().int(),
    pending: z.number().int(),
    amountOwed: z.number().int(),
    awaitingPayout: z.number().int(),
    nextPayoutAt: z.string().nullable(),
    returnWindowDays: z.number().int(),
  })
  .openapi('ArtistBalance');

export const PayoutRunOut = z.object({
  skipped: z.boolean(),
  artists: z.number().int(),
  created: z.number().int(),
  resubmitted: z.number().int(),
  failed: z.number().int(),
  errors: z.number().int(),
  amount: z.number().int(),
});

export const RecommendationOut = z
  .object({
    artwork: ArtworkOut,
    /** Cosine similarity to what it was matched against, 0–1. */
    score: z.number(),
    reason: z.string(),
    reasons: z.array(
      z.object({
        kind: z.enum(['medium', 'palette', 'keywords', 'price', 'size', 'text', 'overall']),
        text: z.string(),
      }),
    ),
  })
  .openapi('Recommendation');
export const RecommendationList = z.object({ data: z.array(RecommendationOut) });
export const RecommendationQuery = z.object({ limit: z.coerce.number().int().min(1).max(48).default(12) });
export const SaveStateOut = z.object({ saved: z.boolean(), savedAt: z.string().nullable() }).openapi('SaveState');
export const SavedPage = z.object({
  data: z.array(z.object({ artwork: ArtworkOut, savedAt: z.string() })),
  ...pageMeta,
  ...countMeta,
});
