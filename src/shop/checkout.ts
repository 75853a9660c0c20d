import type Stripe from 'stripe';
import type { Clock } from '../clock.ts';
import type { OfferingHooks, OrderChannel } from '../commerce/index.ts';
import { createCheckout, createOrder, DEFAULT_SHIPPING_COUNTRIES } from '../commerce/index.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { AppError } from '../errors.ts';
import type { CommerceHooks } from '../modules.ts';
import * as cart from './cart.ts';
import { openFulfilment, queuePrintOrderConfirmation } from './fulfilment.ts';
import { galleryByToken } from './galleries.ts';
import type { Labs } from './labs.ts';
import { getSettings } from './studio.ts';

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
      if (typeof cartId === 'string') await db.deleteFrom('shop_carts').where('id', '=', cartId).execute();
      await openFulfilment(db, labs, order, ctx);
    },
    // One confirmation for prints: the detailed one (photos, options, crops), naming the invoice.
    buyerConfirmation: queuePrintOrderConfirmation,
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
    const rate = settings.shippingRates.find((r) => r.id === view.shippingRateId);
    const coupon = view.couponCode ? row.coupon_id : null;
    return createOrder(
      tx,
      {
        accountId: g.account_id,
        buyerEmail: input.email,
        offeringType: 'print',
        currency: settings.currency.toLowerCase(),
        items: view.items.map((i) => ({
          name: i.description,
          unitAmount: i.unitPrice,
          quantity: i.quantity,
          options: { photoId: i.photoId, productId: i.productId, optionValueIds: i.optionValueIds, crop: i.crop },
        })),
        discount: view.totals.discount,
        shipping: view.totals.shipping,
        taxRateBps: settings.taxRateBps,
        taxInclusive: settings.taxInclusive,
        metadata: {
          gallery_id: g.id,
          cart_id: row.id,
          ...(coupon ? { coupon_id: coupon } : {}),
          ...(rate ? { shipping_rate_id: rate.id, shipping_countries: rate.countries ?? [] } : {}),
        },
        channel: input.channel?.kind,
        agentPlatformId: input.channel?.agentPlatformId,
      },
      { kind: 'gallery_visitor' },
    );
  });
  // The session id in the return link lets the gallery settle the payment and show the order summary.
  const sep = urls.successUrl.includes('?') ? '&' : '?';
  const successUrl = `${urls.successUrl}${sep}session_id={CHECKOUT_SESSION_ID}`;
  const { checkoutUrl } = await createCheckout(db, stripe, hooks, order.id, { ...urls, successUrl });
  return { checkoutUrl, orderId: order.id };
}
