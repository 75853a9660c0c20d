import { z } from '@hono/zod-openapi';
import { Email } from '../accounts/index.ts';
import { DisputeOut } from '../commerce/index.ts';
import { countMeta, pageMeta, pageQuery } from '../db/keyset.ts';

const Money = z.number().int().min(0).max(100_000_000);
const SignedMoney = z.number().int().min(-100_000_000).max(100_000_000);
const Text = (max: number) => z.string().trim().max(max);
const Uuid = z.uuid('Unknown id');
const DateTime = z.iso.datetime({ offset: true });
const Position = z.number().int().min(0).max(100);
const Quantity = z.number().int().min(1).max(100);
const MinPx = z.number().int().min(1).max(100_000).nullable();
const AspectRatio = z
  .string()
  .regex(/^[1-9]\d{0,2}:[1-9]\d{0,2}$/, 'Use a ratio like 2:3')
  .nullable();
const MaxRedemptions = z.number().int().min(1).max(1_000_000).nullable();
const CropOut = z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }).nullable();
const GalleryStatus = z.enum(['draft', 'published', 'archived']);

export const ShippingRateInput = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'Use lowercase letters, digits and hyphens'),
  name: Text(60).min(1),
  amount: Money,
  countries: z
    .array(z.string().regex(/^[A-Z]{2}$/, 'Use ISO country codes'))
    .max(250)
    .optional(),
  deliveryDays: z
    .strictObject({ min: z.number().int().min(1).max(365), max: z.number().int().min(1).max(365) })
    .refine((d) => d.max >= d.min, { message: 'The longest delivery time must not be shorter than the shortest' })
    .optional(),
});

/** Where returned parcels go; printed on packing slips and shown to labs. */
export const ReturnAddress = z
  .strictObject({
    name: Text(100).min(1, 'Enter a name'),
    line1: Text(200).min(1, 'Enter a street address'),
    line2: Text(200).default(''),
    city: Text(100).min(1, 'Enter a city'),
    postalCode: Text(20).default(''),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, 'Use a two-letter country code like DE'),
  })
  .openapi('ReturnAddress');

export const SettingsInput = z
  .strictObject({
    currency: z.string().regex(/^[A-Z]{3}$/, 'Use an ISO currency code like EUR'),
    taxRateBps: z.number().int().min(0).max(10_000),
    taxInclusive: z.boolean(),
    shippingRates: z
      .array(ShippingRateInput)
      .max(20)
      .refine((r) => new Set(r.map((x) => x.id)).size === r.length, 'Shipping rate ids must be unique'),
    returnAddress: ReturnAddress.nullable(),
    accentColor: z
      .string()
      .regex(/^#[0-9a-f]{6}$/, 'Use a colour like #1a2b3c')
      .nullable(),
    /** Omitted keeps the saved value, so older clients that don't know the switch never turn it off. */
    stripePromotionCodes: z.boolean().optional(),
    stripeShippingChoice: z.boolean().optional(),
  })
  .openapi('StudioSettingsInput');
export type SettingsInputT = z.infer<typeof SettingsInput>;

export const SettingsOut = z
  .object({
    accountId: z.string(),
    currency: z.string(),
    taxRateBps: z.number().int(),
    taxInclusive: z.boolean(),
    shippingRates: z.array(ShippingRateInput),
    returnAddress: z.record(z.string(), z.string()).nullable(),
    logoKey: z.string().nullable(),
    logoUrl: z.string().nullable(),
    accentColor: z.string().nullable(),
    stripePromotionCodes: z.boolean(),
    stripeShippingChoice: z.boolean(),
  })
  .openapi('StudioSettings');

export const ClientInput = z
  .strictObject({ name: Text(100).min(1, 'Enter a name'), email: Email, notes: Text(2000).default('') })
  .openapi('StudioClientInput');
export const ClientPatch = z
  .strictObject({ name: Text(100).min(1).optional(), email: Email.optional(), notes: Text(2000).optional() })
  .openapi('StudioClientPatch');
export type ClientInputT = z.infer<typeof ClientInput>;
export const ClientOut = z
  .object({ id: z.string(), name: z.string(), email: z.string(), notes: z.string(), createdAt: z.string() })
  .openapi('StudioClient');

/** A studio list's search and cursor page. */
export const ListQuery = z.object({ q: z.string().trim().max(100).optional(), ...pageQuery });
/** The clients list's: its cursor holds a name (up to 100 characters of any script), so it may run longer. */
export const ClientListQuery = ListQuery.extend({
  cursor: z
    .string()
    .max(1000)
    .optional()
    .openapi({ description: 'The previous page’s `nextCursor`; omit for the first page' }),
});
export const ClientPage = z.object({ data: z.array(ClientOut), ...pageMeta, ...countMeta }).openapi('StudioClientPage');

const Pin = z.string().regex(/^\d{4,8}$/, 'Use 4 to 8 digits');
const GalleryFields = {
  title: Text(200).min(1, 'Enter a title'),
  clientId: Uuid.nullable(),
  eventDate: z.iso.date().nullable(),
  pin: Pin.nullable(),
  expiresAt: DateTime.nullable(),
  storeEnabled: z.boolean(),
  watermark: z.boolean(),
  priceSheetId: Uuid.nullable(),
  status: GalleryStatus,
  coverPhotoId: Uuid.nullable(),
};
export const GalleryInput = z
  .strictObject({
    title: GalleryFields.title,
    clientId: GalleryFields.clientId.optional(),
    eventDate: GalleryFields.eventDate.optional(),
    pin: GalleryFields.pin.optional(),
    expiresAt: GalleryFields.expiresAt.optional(),
    storeEnabled: GalleryFields.storeEnabled.optional(),
    watermark: GalleryFields.watermark.optional(),
    priceSheetId: GalleryFields.priceSheetId.optional(),
    status: GalleryFields.status.optional(),
  })
  .openapi('GalleryInput');
export const GalleryPatch = z.strictObject(GalleryFields).partial().openapi('GalleryPatch');
export type GalleryPatchT = z.infer<typeof GalleryPatch>;

export const PhotoOut = z
  .object({
    id: z.string(),
    filename: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    position: z.number().int(),
    bytes: z.number().int(),
    thumbUrl: z.string(),
    webUrl: z.string(),
  })
  .openapi('GalleryPhoto');

export const GalleryOut = z
  .object({
    id: z.string(),
    accountId: z.string(),
    title: z.string(),
    clientId: z.string().nullable(),
    eventDate: z.string().nullable(),
    coverPhotoId: z.string().nullable(),
    token: z.string(),
    hasPin: z.boolean(),
    expiresAt: z.string().nullable(),
    storeEnabled: z.boolean(),
    watermark: z.boolean(),
    priceSheetId: z.string().nullable(),
    status: GalleryStatus,
    photoCount: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('Gallery');
export const GalleryPage = z.object({ data: z.array(GalleryOut), ...pageMeta, ...countMeta }).openapi('GalleryPage');

export const PublicGalleryOut = z
  .object({
    title: z.string(),
    eventDate: z.string().nullable(),
    studioName: z.string(),
    accentColor: z.string().nullable(),
    logoUrl: z.string().nullable().optional(),
    currency: z.string(),
    storeEnabled: z.boolean(),
    coverPhotoId: z.string().nullable(),
    photos: z.array(PhotoOut).openapi({ description: 'The first page of photos in display order' }),
    photoCount: z.number().int(),
    nextCursor: z.string().nullable().openapi({ description: 'Pass to /shop/g/{token}/photos; null when done' }),
  })
  .openapi('PublicGallery');

export const OrderInput = z.strictObject({ ids: z.array(Uuid).min(1).max(5000) }).openapi('PhotoOrderInput');
export const UnlockInput = z.strictObject({ pin: Pin }).openapi('GalleryUnlockInput');

export const OptionValueInput = z.strictObject({
  label: Text(60).min(1),
  priceAdjustment: SignedMoney.default(0),
  minWidthPx: MinPx.default(null),
  minHeightPx: MinPx.default(null),
  aspectRatio: AspectRatio.default(null),
});
export const OptionGroupInput = z.strictObject({
  name: Text(60).min(1),
  values: z.array(OptionValueInput).min(1).max(30),
});
export const ProductInput = z
  .strictObject({
    sku: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'Use letters, digits, dots, dashes'),
    name: Text(100).min(1),
    description: Text(2000).default(''),
    basePrice: Money.min(1),
    active: z.boolean().default(true),
    groups: z.array(OptionGroupInput).max(10).default([]),
  })
  .openapi('PrintProductInput');
export type ProductInputT = z.infer<typeof ProductInput>;
export const ProductPatch = z
  .strictObject({
    name: Text(100).min(1).optional(),
    description: Text(2000).optional(),
    basePrice: Money.min(1).optional(),
    active: z.boolean().optional(),
  })
  .openapi('PrintProductPatch');

export const OptionValueOut = z.object({
  id: z.string(),
  label: z.string(),
  priceAdjustment: z.number().int(),
  minWidthPx: z.number().int().nullable(),
  minHeightPx: z.number().int().nullable(),
  aspectRatio: z.string().nullable(),
});
export const ProductOut = z
  .object({
    id: z.string(),
    sku: z.string(),
    name: z.string(),
    description: z.string(),
    basePrice: z.number().int(),
    active: z.boolean(),
    groups: z.array(z.object({ id: z.string(), name: z.string(), values: z.array(OptionValueOut) })),
  })
  .openapi('PrintProduct');

export const PriceSheetInput = z
  .strictObject({ name: Text(100).min(1), isDefault: z.boolean().default(false), productIds: z.array(Uuid).max(500) })
  .openapi('PriceSheetInput');
export const PriceSheetOut = z
  .object({ id: z.string(), name: z.string(), isDefault: z.boolean(), productIds: z.array(z.string()) })
  .openapi('PriceSheet');

export const CouponInput = z
  .strictObject({
    code: z.string().regex(/^[A-Za-z0-9_-]{2,40}$/, 'Use 2–40 letters, digits, dashes'),
    kind: z.enum(['percent', 'fixed', 'free_shipping']),
    value: Money.default(0),
    minOrderAmount: Money.default(0),
    maxRedemptions: MaxRedemptions.default(null),
    startsAt: DateTime.nullable().default(null),
    endsAt: DateTime.nullable().default(null),
    active: z.boolean().default(true),
  })
  .refine((c) => c.kind !== 'percent' || (c.value >= 1 && c.value <= 100), {
    message: 'A percent coupon needs a value from 1 to 100',
    path: ['value'],
  })
  .refine((c) => c.kind !== 'fixed' || c.value >= 1, { message: 'Enter the amount off', path: ['value'] })
  .refine((c) => !c.startsAt || !c.endsAt || Date.parse(c.endsAt) > Date.parse(c.startsAt), {
    message: 'The end must be after the start',
    path: ['endsAt'],
  })
  .openapi('CouponInput');
export type CouponInputT = z.infer<typeof CouponInput>;
export const CouponOut = z
  .object({
    id: z.string(),
    code: z.string(),
    kind: z.enum(['percent', 'fixed', 'free_shipping']),
    value: z.number().int(),
    minOrderAmount: z.number().int(),
    maxRedemptions: z.number().int().nullable(),
    redemptions: z.number().int(),
    startsAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    active: z.boolean(),
  })
  .openapi('Coupon');

const Fraction = z.number().min(0).max(1);
export const CropInput = z
  .strictObject({ x: Fraction, y: Fraction, width: Fraction.gt(0), height: Fraction.gt(0) })
  .refine((c) => c.x + c.width <= 1 + 1e-9 && c.y + c.height <= 1 + 1e-9, 'The crop must lie inside the photo');
export const CartItemInput = z
  .strictObject({
    photoId: Uuid,
    productId: Uuid,
    optionValueIds: z.array(Uuid).max(20),
    quantity: Quantity,
    crop: CropInput.nullable().default(null),
  })
  .openapi('CartItemInput');
export type CartItemInputT = z.infer<typeof CartItemInput>;
export const CartItemPatch = z
  .strictObject({ quantity: Quantity.optional(), crop: CropInput.nullable().optional() })
  .openapi('CartItemPatch');
export const CartPatch = z.strictObject({ shippingRateId: z.string().max(40).nullable() }).openapi('CartPatch');
export const CouponApplyInput = z.strictObject({ code: z.string().trim().min(1).max(40) }).openapi('CouponApply');

const CartLineOut = z.object({
  id: z.string(),
  photoId: z.string(),
  productId: z.string(),
  optionValueIds: z.array(z.string()),
  quantity: z.number().int(),
  crop: CropOut,
  description: z.string(),
  unitPrice: z.number().int(),
  lineTotal: z.number().int(),
  available: z.boolean(),
});
const cartFields = {
  currency: z.string(),
  couponCode: z.string().nullable(),
  shippingRateId: z.string().nullable(),
  shippingRates: z.array(ShippingRateInput),
  shippingOnPaymentPage: z
    .boolean()
    .openapi({ description: 'The buyer chooses shipping on the Stripe payment page; the totals hold none yet' }),
  promotionCodesOnPaymentPage: z.boolean().openapi({
    description: 'The Stripe payment page takes a promotion code (the studio allows them, no coupon here)',
  }),
  promotionCodesEnabled: z.boolean().openapi({ description: 'The studio accepts Stripe promotion codes' }),
  totals: z.object({
    subtotal: z.number().int(),
    discount: z.number().int(),
    shipping: z.number().int(),
    tax: z.number().int(),
    taxInclusive: z.boolean(),
    total: z.number().int(),
  }),
};
export const CartOut = z.object({ ...cartFields, items: z.array(CartLineOut) }).openapi('Cart');

export const CheckoutInput = z.strictObject({ email: Email }).openapi('PrintCheckoutInput');
export const CouponPatch = z
  .strictObject({
    active: z.boolean().optional(),
    endsAt: DateTime.nullable().optional(),
    maxRedemptions: MaxRedemptions.optional(),
  })
  .openapi('CouponPatch');

// Print orders (fulfilment) and the studio summary.
const FulfilmentStatusEnum = z.enum(['paid', 'in_production', 'shipped', 'delivered', 'cancelled']);
const MoneyStatusEnum = z.enum([
  'pending',
  'paid',
  'fulfilled',
  'cancelled',
  'expired',
  'payment_failed',
  'partially_refunded',
  'refunded',
]);
export const PrintOrderQuery = z.object({
  status: FulfilmentStatusEnum.optional(),
  moneyStatus: MoneyStatusEnum.optional(),
  q: z.string().trim().max(100).optional(),
  ...pageQuery,
});
export const ShipInput = z
  .strictObject({
    carrier: Text(100).min(1, 'Enter the carrier'),
    trackingNumber: Text(100).min(1, 'Enter the tracking number'),
    trackingUrl: z
      .url({ protocol: /^https?$/, message: 'Use an http(s) link' })
      .max(500)
      .nullish()
      .or(z.literal('').transform(() => null)),
  })
  .openapi('PrintShipInput');
export const CancelInput = z.strictObject({ reason: Text(500).nullish() }).openapi('PrintCancelInput');
export const PrintRefundInput = z
  .strictObject({ amount: z.number().int().positive().max(100_000_000).optional(), reason: Text(500).optional() })
  .openapi('PrintRefundInput');
const Address = z.record(z.string(), z.string().nullable()).nullable();
// An order's money in minor units, as both print order views show it.
const OrderMoney = {
  currency: z.string(),
  subtotal: z.number().int(),
  discount: z.number().int(),
  shipping: z.number().int(),
  tax: z.number().int(),
  taxInclusive: z.boolean(),
  total: z.number().int(),
  discountLabel: z.string().nullable().openapi({ description: 'The Stripe promotion code the buyer entered' }),
  shippingLabel: z.string().nullable().openapi({ description: 'The shipping rate the buyer chose at Checkout' }),
};
const PrintLineOut = z
  .object({
    id: z.string(),
    position: z.number().int(),
    name: z.string(),
    photoId: z.string().nullable(),
    filename: z.string().nullable(),
    thumbUrl: z.string().nullable(),
    productId: z.string().nullable(),
    productName: z.string().nullable(),
    options: z.array(z.string()),
    crop: CropOut,
    quantity: z.number().int(),
    unitAmount: z.number().int(),
    lineTotal: z.number().int(),
  })
  .openapi('PrintLine');
const OrderChannelEnum = z
  .enum(['web', 'mcp', 'acp'])
  .openapi({ description: 'Web app, an MCP API key, or an ACP agent platform' });
const AgentPlatformName = z
  .string()
  .nullable()
  .openapi({ description: 'Name of the ACP agent platform that placed the order; null for web and MCP orders' });
export const PrintOrderRow = z
  .object({
    id: z.string(),
    buyerEmail: z.string(),
    buyerName: z.string().nullable(),
    channel: OrderChannelEnum,
    agentPlatformName: AgentPlatformName,
    currency: z.string(),
    total: z.number().int(),
    amountRefunded: z.number().int(),
    moneyStatus: MoneyStatusEnum,
    status: FulfilmentStatusEnum,
    itemCount: z.number().int(),
    carrier: z.string().nullable(),
    trackingNumber: z.string().nullable(),
    paidAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    // The payment's dispute, if any (null too for members who may not read sales).
    dispute: DisputeOut.nullable(),
  })
  .openapi('PrintOrderRow');
export const PrintOrderList = z
  .object({
    data: z.array(PrintOrderRow),
    ...pageMeta,
    ...countMeta,
  })
  .openapi('PrintOrderList');
export const PrintOrderOut = z
  .object({
    id: z.string(),
    buyerEmail: z.string(),
    channel: OrderChannelEnum,
    agentPlatformName: AgentPlatformName,
    ...OrderMoney,
    amountRefunded: z.number().int(),
    moneyStatus: MoneyStatusEnum,
    receiptUrl: z.string().nullable(),
    paidAt: z.string().nullable(),
    createdAt: z.string(),
    dispute: DisputeOut.nullable(),
    gallery: z.object({ id: z.string(), title: z.string() }).nullable(),
    items: z.array(PrintLineOut),
    fulfilment: z.object({
      status: FulfilmentStatusEnum,
      nextMoves: z.array(FulfilmentStatusEnum),
      lab: z.string(),
      labReference: z.string().nullable(),
      carrier: z.string().nullable(),
      trackingNumber: z.string().nullable(),
      trackingUrl: z.string().nullable(),
      shippingAddress: Address,
      buyerName: z.string().nullable(),
      inProductionAt: z.string().nullable(),
      shippedAt: z.string().nullable(),
      deliveredAt: z.string().nullable(),
      cancelledAt: z.string().nullable(),
    }),
    history: z.array(
      z.object({
        id: z.string(),
        fromStatus: FulfilmentStatusEnum.nullable(),
        toStatus: FulfilmentStatusEnum,
        note: z.string().nullable(),
        actorEmail: z.string().nullable(),
        createdAt: z.string(),
      }),
    ),
    refunds: z.array(
      z.object({
        id: z.string(),
        seq: z.number().int(),
        amount: z.number().int(),
        status: z.string(),
        reason: z.string().nullable(),
        createdAt: z.string(),
      }),
    ),
  })
  .openapi('PrintOrder');
const MonthFiguresOut = z.object({
  month: z.string(),
  gross: z.number().int(),
  refunds: z.number().int(),
  net: z.number().int(),
  orderCount: z.number().int(),
});
export const StudioSummaryOut = z
  .object({
    currency: z.string(),
    current: MonthFiguresOut,
    previous: MonthFiguresOut,
    change: z.number().int(),
    bestSellers: z.array(
      z.object({
        productId: z.string().nullable(),
        name: z.string(),
        quantity: z.number().int(),
        revenue: z.number().int(),
      }),
    ),
  })
  .openapi('StudioShopSummary');
export const PrintOrderSummaryOut = z
  .object({
    orderId: z.string(),
    status: MoneyStatusEnum,
    fulfilmentStatus: FulfilmentStatusEnum.nullable(),
    email: z.string(),
    ...OrderMoney,
    items: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        filename: z.string().nullable(),
        thumbUrl: z.string().nullable(),
        productName: z.string().nullable(),
        options: z.array(z.string()),
        quantity: z.number().int(),
        lineTotal: z.number().int(),
      }),
    ),
    shippingAddress: Address,
    buyerName: z.string().nullable(),
  })
  .openapi('PrintOrderSummary');

// Studio admin: catalog option editing and price sheet changes.
export const OptionGroupPatch = z
  .strictObject({ name: Text(60).min(1).optional(), position: Position.optional() })
  .openapi('PrintOptionGroupPatch');
export const OptionValuePatch = z
  .strictObject({
    label: Text(60).min(1).optional(),
    priceAdjustment: SignedMoney.optional(),
    minWidthPx: MinPx.optional(),
    minHeightPx: MinPx.optional(),
    aspectRatio: AspectRatio.optional(),
    position: Position.optional(),
  })
  .openapi('PrintOptionValuePatch');
export type OptionValuePatchT = z.infer<typeof OptionValuePatch>;
export const OptionGroupCreate = OptionGroupInput.openapi('PrintOptionGroupInput');
export const OptionValueCreate = OptionValueInput.openapi('PrintOptionValueInput');
export const PriceSheetPatch = z
  .strictObject({
    name: Text(100).min(1).optional(),
    isDefault: z.boolean().optional(),
    productIds: z.array(Uuid).max(500).optional(),
  })
  .openapi('PriceSheetPatch');
export type PriceSheetPatchT = z.infer<typeof PriceSheetPatch>;

// Client gallery paging and cart thumbnails.
/** Photos per page on a client gallery: a few screens of thumbnails, not a 2,000-photo payload. */
export const PHOTO_PAGE_SIZE = 60;
export const PhotoPageQuery = z.object({
  cursor: z.string().max(200).optional().openapi({ description: 'nextCursor of the previous page; opaque' }),
  limit: z.coerce.number().int().min(1).max(100).default(PHOTO_PAGE_SIZE),
});
export const PhotoPageOut = z
  .object({ data: z.array(PhotoOut), photoCount: z.number().int(), nextCursor: z.string().nullable() })
  .openapi('GalleryPhotoPage');
/**
 * The cart as the client gallery shows it: each line also carries the photo's file name and thumbnail. A whole object
 * rather than `CartOut.extend(…)`, whose `allOf` lost `items` from the required fields in the OpenAPI document.
 */
const ClientCartItemOut = CartLineOut.extend({ filename: z.string(), thumbUrl: z.string() });
export const ClientCartOut = z.object({ ...cartFields, items: z.array(ClientCartItemOut) }).openapi('ClientCart');

export const SendGalleryInput = z
  .strictObject({
    clientId: Uuid.optional().openapi({ description: "A client of the studio; defaults to the gallery's client" }),
    email: Email.optional().openapi({ description: 'Send to this address instead of the client on file' }),
    message: Text(1000).optional(),
    pin: Pin.optional().openapi({ description: "The gallery's PIN to include in the mail (checked against it)" }),
  })
  .openapi('SendGalleryInput');
export type SendGalleryInputT = z.infer<typeof SendGalleryInput>;
export const GallerySent = z
  .object({
    galleryId: z.string(),
    to: z.string(),
    clientId: z.string().nullable(),
    pinIncluded: z.boolean(),
  })
  .openapi('GallerySent');
