import { sql } from 'kysely';
import type Stripe from 'stripe';
import type { Actor } from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import type { CheckoutPricing, OfferingHooks, Order, OrderChannel } from '../commerce/index.ts';
import { createCheckout, createOrder, DEFAULT_SHIPPING_COUNTRIES } from '../commerce/index.ts';
import { atCommitAsService, withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { AppError, isAppError } from '../errors.ts';
import type { CommerceHooks } from '../modules.ts';
import * as cart from './cart.ts';
import { couponById } from './coupons.ts';
import { openFulfilment, queuePrintOrderConfirmation } from './fulfilment.ts';
import { galleryByToken, type PublicGallery } from './galleries.ts';
import type { Labs } from './labs.ts';
import { paymentPageRates } from './payment-page.ts';
import { type CartTotals, type PricedLine, priceCart } from './pricing.ts';
import { ensureStripeTaxRate, rememberedTaxRate, usesStripeTaxLines } from './stripe-tax-rate.ts';
import { getSettings, type StudioSettings } from './studio.ts';
import type { Crop, ShippingRate } from './tables.ts';

/**
 * Plugs prints into commerce: checkout collects a shipping address; payment counts the coupon, empties the cart and
 * opens fulfilment; the buyer gets the print confirmation instead of the core's generic one.
 */
export function printOffering(labs: Labs): OfferingHooks {
  return {
    shippingCountries(order) {
      const c = order.metadata.shipping_countries;
      return Array.isArray(c) && c.length ? (c as string[]) : [...DEFAULT_SHIPPING_COUNTRIES];
    },
    async onPaid(db, order, ctx) {
      const couponId = order.metadata.coupon_id;
      if (typeof couponId === 'string') {
        await db
          .updateTable('shop_coupons')
          .set((eb) => ({ redemptions: eb('redemptions', '+', 1) }))
          .where('id', '=', couponId)
          .execute();
      }
      const cartId = order.metadata.cart_id;
      // Nothing in the settlement reads the cart again: it goes with the commit.
      if (typeof cartId === 'string') await atCommitAsService(db, db.deleteFrom('shop_carts').where('id', '=', cartId));
      return openFulfilment(db, labs, order, ctx);
    },
    // One confirmation for prints: the detailed one (photos, options, crops), naming the invoice.
    buyerConfirmation: queuePrintOrderConfirmation,
  };
}

/** One print to order, priced on the server: the line as the cart priced it and what the lab needs to print it. */
export interface PrintOrderLine {
  description: string;
  unitPrice: number;
  quantity: number;
  photoId: string;
  productId: string;
  optionValueIds: string[];
  crop: Crop | null;
}

/**
 * Creates the pending `print` order for lines priced by the cart's functions (web checkout's cart, an agent's ACP
 * session): tax from the studio settings, shipping of the chosen rate, the coupon's discount. Run as service.
 */
export async function createPrintOrder(
  tx: DB,
  g: PublicGallery,
  settings: StudioSettings,
  input: {
    email: string;
    lines: PrintOrderLine[];
    totals: Pick<CartTotals, 'discount' | 'shipping'>;
    rate?: ShippingRate;
    cartId?: string;
    couponId?: string | null;
    metadata?: Record<string, string>;
    /** How Stripe Checkout prices the order (decision 030); omitted: the order's lines alone. */
    checkoutPricing?: CheckoutPricing | null;
    /** Where the address form accepts when the buyer picks the rate at Checkout (no `rate`). */
    shippingCountries?: string[];
    channel?: { kind: OrderChannel; agentPlatformId: string | null };
    actor?: Actor;
  },
): Promise<Order> {
  const { rate, couponId, cartId, checkoutPricing } = input;
  if (couponId) await holdCoupon(tx, couponId);
  return createOrder(
    tx,
    {
      accountId: g.account_id,
      buyerEmail: input.email,
      offeringType: 'print',
      currency: settings.currency.toLowerCase(),
      items: input.lines.map((i) => ({
        name: i.description,
        unitAmount: i.unitPrice,
        quantity: i.quantity,
        options: { photoId: i.photoId, productId: i.productId, optionValueIds: i.optionValueIds, crop: i.crop },
      })),
      discount: input.totals.discount,
      shipping: input.totals.shipping,
      taxRateBps: settings.taxRateBps,
      taxInclusive: settings.taxInclusive,
      metadata: {
        ...input.metadata,
        gallery_id: g.id,
        ...(cartId ? { cart_id: cartId } : {}),
        ...(couponId ? { coupon_id: couponId } : {}),
        ...(rate ? { shipping_rate_id: rate.id, shipping_countries: rate.countries ?? [] } : {}),
        ...(!rate && input.shippingCountries ? { shipping_countries: input.shippingCountries } : {}),
        ...(checkoutPricing ? { checkout_pricing: checkoutPricing } : {}),
      },
      channel: input.channel?.kind,
      agentPlatformId: input.channel?.agentPlatformId,
    },
    input.actor ?? { kind: 'gallery_visitor' },
  );
}

/** How long an unpaid checkout holds a use of a limited code (Stripe Checkout's own default lifetime). */
const COUPON_HOLD = '24 hours';

/**
 * A limited code counts its open checkouts as uses, under a lock on the coupon row, so buyers checking out at once
 * can't redeem it past its limit; an expired or abandoned checkout gives its use back.
 */
async function holdCoupon(tx: DB, couponId: string): Promise<void> {
  const coupon = await tx
    .selectFrom('shop_coupons')
    .select(['max_redemptions', 'redemptions'])
    .where('id', '=', couponId)
    .forUpdate()
    .executeTakeFirst();
  if (!coupon || coupon.max_redemptions === null) return;
  const open = await tx
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'pending')
    .where('offering_type', '=', 'print')
    .where(sql<string>`metadata->>'coupon_id'`, '=', couponId)
    .where('created_at', '>', sql<Date>`now() - ${COUPON_HOLD}::interval`)
    .executeTakeFirstOrThrow();
  if (coupon.redemptions + Number(open.n) >= coupon.max_redemptions) {
    throw new AppError('conflict', 'This code has been used up; remove it to check out at the full price', {
      reason: 'coupon_used_up',
    });
  }
}

/** A print an agent picks by ids (photo, product, one option value per group), as a cart line would hold it. */
export interface PrintPick {
  photoId: string;
  productId: string;
  optionValueIds: string[];
}

/**
 * Prices picks from the gallery behind a link token exactly as the cart does (the gallery's own catalog, options
 * that fit the photo), for a buyer who can't hold a cart cookie (an agent). A pick that doesn't validate comes back
 * with the reason instead of a line. Run as service; 404/410/403 like the gallery link.
 */
export async function quotePrints(tx: DB, token: string, clock: Clock, picks: PrintPick[]) {
  const gallery = await galleryByToken(tx, token, clock);
  if (!gallery.store_enabled) throw new AppError('forbidden', 'This gallery does not sell prints');
  const settings = await getSettings(tx, gallery.account_id);
  const studio = await tx
    .selectFrom('accounts')
    .select(['name', 'suspended_at'])
    .where('id', '=', gallery.account_id)
    .executeTakeFirstOrThrow();
  if (studio.suspended_at) throw new AppError('forbidden', 'This studio does not sell prints right now');
  const lines: Array<{ pick: PrintPick; line: PricedLine | null; problem: string | null }> = [];
  for (const pick of picks) {
    try {
      const line = await cart.checkLine(tx, gallery, pick.photoId, pick.productId, pick.optionValueIds, 1);
      lines.push({ pick, line, problem: null });
    } catch (err) {
      if (!isAppError(err)) throw err;
      lines.push({ pick, line: null, problem: err.message });
    }
  }
  return { gallery, settings, studioName: studio.name, hasPin: gallery.pin_hash !== null, lines };
}

/** The studio's shipping rates that deliver to a country (a rate without countries ships worldwide). */
export function ratesFor(settings: StudioSettings, country: string): ShippingRate[] {
  const c = country.toUpperCase();
  return settings.shippingRates.filter((r) => !r.countries?.length || r.countries.includes(c));
}

/** Totals for priced lines with a shipping rate, with the studio's tax: the same numbers the cart shows. */
export function printTotals(lines: PricedLine[], settings: StudioSettings, rate: ShippingRate | null): CartTotals {
  return priceCart(lines, {
    currency: settings.currency,
    taxRateBps: settings.taxRateBps,
    taxInclusive: settings.taxInclusive,
    shippingAmount: rate?.amount ?? 0,
  });
}

/**
 * How Stripe Checkout prices a cart's order (decision 030), or null when the studio uses none of it: exclusive tax as
 * Stripe tax lines (the TaxRate must be remembered already), shipping as Checkout's options (the buyer's choice among
 * the studio's rates, or the cart's one rate), and promotion codes unless a studio coupon is applied.
 */
async function printCheckoutPricing(
  tx: DB,
  settings: StudioSettings,
  opts: { rate: ShippingRate | undefined; shipping: number; couponId: string | null },
): Promise<CheckoutPricing | null> {
  let taxRateId: string | null = null;
  if (usesStripeTaxLines(settings)) {
    taxRateId = await rememberedTaxRate(tx, settings.accountId, settings.taxRateBps, false);
    // Settings changed between preparing the TaxRate and now: the buyer simply tries again.
    if (!taxRateId) throw new AppError('conflict', 'The studio just changed its prices; please check out again');
  }
  const pageRates = paymentPageRates(settings);
  const allowPromotionCodes = settings.stripePromotionCodes && !opts.couponId;
  if (!taxRateId && !pageRates && !allowPromotionCodes) return null;
  const coupon = opts.couponId ? await couponById(tx, settings.accountId, opts.couponId) : undefined;
  const freeShipping = coupon?.kind === 'free_shipping';
  const offer = (r: ShippingRate, amount: number) => ({
    id: r.id,
    name: r.name,
    amount,
    deliveryDays: r.deliveryDays ?? null,
  });
  const shippingOptions = pageRates
    ? pageRates.map((r) => offer(r, freeShipping ? 0 : r.amount))
    : opts.rate
      ? [offer(opts.rate, opts.shipping)]
      : [];
  return {
    taxRateId,
    taxRateBps: settings.taxRateBps,
    shippingOptions,
    shippingChoice: pageRates !== null,
    allowPromotionCodes,
  };
}

/** Turns the visitor's server-priced cart into a pending print order and opens Stripe Checkout for it. */
export async function startPrintCheckout(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  clock: Clock,
  input: {
    token: string;
    visitorId: string;
    email: string;
    hasAccess: (g: { id: string; pin_hash: string | null }) => boolean;
    /** Where the order comes from when not the web app (an MCP key); recorded on the order. */
    channel?: { kind: OrderChannel; agentPlatformId: string | null };
  },
  urls: { successUrl: string; cancelUrl: string },
): Promise<{ checkoutUrl: string; orderId: string }> {
  // The studio's Stripe TaxRate is made (once) before the order's transaction opens: no Stripe call inside it.
  const accountId = await withService(db, async (tx) => (await galleryByToken(tx, input.token, clock)).account_id);
  await ensureStripeTaxRate(db, stripe, accountId);
  const order = await withService(db, async (tx) => {
    const g = await galleryByToken(tx, input.token, clock);
    if (!input.hasAccess(g))
      throw new AppError('forbidden', 'Enter the gallery PIN to continue', { pinRequired: true });
    const settings = await getSettings(tx, g.account_id);
    const row = await cart.ensureCart(tx, g, input.visitorId);
    const view = await cart.cartView(tx, g, row, settings, clock);
    if (!view.items.length) throw new AppError('invalid_state', 'Your cart is empty');
    if (view.items.some((i) => !i.available)) {
      throw new AppError('invalid_state', 'Some prints in your cart are no longer available; remove them first');
    }
    // On the payment page the buyer picks the rate: the order is created without one (view.shippingRateId is null).
    const rate = settings.shippingRates.find((r) => r.id === view.shippingRateId);
    const couponId = view.couponCode ? row.coupon_id : null;
    const checkoutPricing = await printCheckoutPricing(tx, settings, {
      rate,
      shipping: view.totals.shipping,
      couponId,
    });
    const pageRates = view.shippingOnPaymentPage ? paymentPageRates(settings) : null;
    return createPrintOrder(tx, g, settings, {
      email: input.email,
      lines: view.items.map((i) => ({
        description: i.description,
        unitPrice: i.unitPrice,
        quantity: i.quantity,
        photoId: i.photoId,
        productId: i.productId,
        optionValueIds: i.optionValueIds,
        crop: i.crop,
      })),
      totals: view.totals,
      rate,
      cartId: row.id,
      couponId,
      checkoutPricing,
      shippingCountries: pageRates?.[0]?.countries ?? [],
      channel: input.channel,
    });
  });
  // The session id in the return link lets the gallery settle the payment and show the order summary.
  const sep = urls.successUrl.includes('?') ? '&' : '?';
  const successUrl = `${urls.successUrl}${sep}session_id={CHECKOUT_SESSION_ID}`;
  const { checkoutUrl } = await createCheckout(db, stripe, hooks, order.id, { ...urls, successUrl });
  return { checkoutUrl, orderId: order.id };
}
