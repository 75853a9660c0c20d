import { sql } from 'kysely';
import type { Clock } from '../clock.ts';
import type { DB } from '../db/types.ts';
import { AppError, notFound } from '../errors.ts';
import { fitCatalogToPhoto, galleryProducts, type Product, pricedProduct } from './catalog.ts';
import { couponById, couponRule, findCoupon } from './coupons.ts';
import type { PublicGallery } from './galleries.ts';
import { paymentPageRates } from './payment-page.ts';
import { photoUrls } from './photos.ts';
import { type PricedLine, priceCart, priceCartItem, validateCoupon } from './pricing.ts';
import type { CartItemInputT } from './schema.ts';
import type { StudioSettings } from './studio.ts';
import type { Crop } from './tables.ts';

const invalid = (field: string, msg: string) =>
  new AppError('validation_failed', msg, { fieldErrors: { [field]: [msg] }, formErrors: [] });

function requireStore(g: PublicGallery) {
  if (!g.store_enabled) throw new AppError('forbidden', 'This gallery does not sell prints');
}

/** The visitor's cart for a gallery, created on first use. Run as service. */
export async function ensureCart(db: DB, g: PublicGallery, visitorId: string) {
  requireStore(g);
  await db
    .insertInto('shop_carts')
    .values({ gallery_id: g.id, account_id: g.account_id, visitor_id: visitorId })
    .onConflict((oc) => oc.columns(['gallery_id', 'visitor_id']).doNothing())
    .execute();
  return db
    .selectFrom('shop_carts')
    .selectAll()
    .where('gallery_id', '=', g.id)
    .where('visitor_id', '=', visitorId)
    .executeTakeFirstOrThrow();
}

// Photo, product and options are checked against this gallery's own catalog: nothing from elsewhere prices.
export async function checkLine(
  db: DB,
  g: PublicGallery,
  photoId: string,
  productId: string,
  ids: string[],
  qty: number,
) {
  const photo = await db
    .selectFrom('gallery_photos')
    .select(['id', 'width', 'height'])
    .where('id', '=', photoId)
    .where('gallery_id', '=', g.id)
    .executeTakeFirst();
  if (!photo) throw invalid('photoId', 'Unknown photo');
  const products = await galleryProducts(db, g);
  const product = products.find((p) => p.id === productId);
  if (!product) throw invalid('productId', 'Unknown product');
  const fitted = fitCatalogToPhoto([product], photo)[0];
  const line = priceCartItem(pricedProduct(product), ids, qty);
  const allowed = new Set(fitted?.groups.flatMap((gr) => gr.values.map((v) => v.id)) ?? []);
  if (!ids.every((id) => allowed.has(id))) throw invalid('optionValueIds', 'This size needs a larger photo');
  return line;
}

/** Adds a line after validating it fully; the client never sends prices. */
export async function addItem(db: DB, g: PublicGallery, cartId: string, input: CartItemInputT) {
  await checkLine(db, g, input.photoId, input.productId, input.optionValueIds, input.quantity);
  const r = await db
    .insertInto('shop_cart_items')
    .values({
      cart_id: cartId,
      account_id: g.account_id,
      photo_id: input.photoId,
      product_id: input.productId,
      option_value_ids: JSON.stringify(input.optionValueIds),
      quantity: input.quantity,
      crop: input.crop ? JSON.stringify(input.crop) : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await touch(db, cartId);
  return r.id;
}

/** Changes quantity or crop of a line in this cart. */
export async function updateItem(
  db: DB,
  cartId: string,
  itemId: string,
  patch: { quantity?: number; crop?: Crop | null },
): Promise<void> {
  const set = {
    ...(patch.quantity !== undefined ? { quantity: patch.quantity } : {}),
    ...(patch.crop !== undefined ? { crop: patch.crop ? JSON.stringify(patch.crop) : null } : {}),
  };
  const exists = await db
    .selectFrom('shop_cart_items')
    .select('id')
    .where('id', '=', itemId)
    .where('cart_id', '=', cartId)
    .executeTakeFirst();
  if (!exists) throw notFound('Cart item');
  if (Object.keys(set).length) await db.updateTable('shop_cart_items').set(set).where('id', '=', itemId).execute();
  await touch(db, cartId);
}

/** Removes a line from this cart. */
export async function removeItem(db: DB, cartId: string, itemId: string): Promise<void> {
  const r = await db
    .deleteFrom('shop_cart_items')
    .where('id', '=', itemId)
    .where('cart_id', '=', cartId)
    .executeTakeFirst();
  if (!r.numDeletedRows) throw notFound('Cart item');
  await touch(db, cartId);
}

/** Empties a cart (lines and coupon). */
export async function clearCart(db: DB, cartId: string): Promise<void> {
  await db.deleteFrom('shop_cart_items').where('cart_id', '=', cartId).execute();
  await db
    .updateTable('shop_carts')
    .set({ coupon_id: null, updated_at: sql`now()` })
    .where('id', '=', cartId)
    .execute();
}

/** Chooses a shipping rate from the studio's list. */
export async function setShippingRate(db: DB, cartId: string, settings: StudioSettings, rateId: string | null) {
  if (rateId !== null && !settings.shippingRates.some((r) => r.id === rateId)) {
    throw invalid('shippingRateId', 'Unknown shipping rate');
  }
  await db
    .updateTable('shop_carts')
    .set({ shipping_rate_id: rateId, updated_at: sql`now()` })
    .where('id', '=', cartId)
    .execute();
}

async function touch(db: DB, cartId: string) {
  await db.updateTable('shop_carts').set({ updated_at: sql`now()` }).where('id', '=', cartId).execute();
}

type Cart = Awaited<ReturnType<typeof ensureCart>>;

/** The cart priced on the server: lines that no longer validate are shown as unavailable and cost nothing. */
export async function cartView(db: DB, g: PublicGallery, cart: Cart, settings: StudioSettings, clock: Clock) {
  // The photo comes with each line so the cart shows its thumbnail whichever gallery page is loaded.
  const items = await db
    .selectFrom('shop_cart_items as it')
    .innerJoin('gallery_photos as p', 'p.id', 'it.photo_id')
    .selectAll('it')
    .select('p.filename')
    .where('it.cart_id', '=', cart.id)
    .orderBy('it.created_at')
    .orderBy('it.id')
    .execute();
  const products = new Map<string, Product>((await galleryProducts(db, g)).map((p) => [p.id, p]));
  const lines: PricedLine[] = [];
  const out = [];
  for (const it of items) {
    const product = products.get(it.product_id);
    let line: PricedLine | null = null;
    try {
      if (product) line = priceCartItem(pricedProduct(product), it.option_value_ids, it.quantity);
    } catch {
      line = null;
    }
    if (line) lines.push(line);
    out.push({
      id: it.id,
      photoId: it.photo_id,
      filename: it.filename,
      thumbUrl: photoUrls(g.token, it.photo_id).thumbUrl,
      productId: it.product_id,
      optionValueIds: it.option_value_ids,
      quantity: it.quantity,
      crop: it.crop,
      description: line?.description ?? product?.name ?? 'No longer available',
      unitPrice: line?.unitPrice ?? 0,
      lineTotal: line?.lineTotal ?? 0,
      available: line !== null,
    });
  }
  // Buyers choosing on the Stripe payment page pay shipping there: the cart holds no rate and adds none.
  const onPaymentPage = paymentPageRates(settings) !== null;
  const rate = onPaymentPage
    ? undefined
    : (settings.shippingRates.find((r) => r.id === cart.shipping_rate_id) ?? settings.shippingRates[0]);
  const subtotal = lines.reduce((s, l) => s + l.lineTotal, 0);
  const couponRow = cart.coupon_id ? await couponById(db, g.account_id, cart.coupon_id) : undefined;
  let coupon = null;
  if (couponRow) {
    try {
      validateCoupon(couponRule(couponRow), subtotal, clock.now());
      coupon = couponRule(couponRow);
    } catch {
      coupon = null;
    }
  }
  const totals = priceCart(
    lines,
    {
      currency: settings.currency,
      taxRateBps: settings.taxRateBps,
      taxInclusive: settings.taxInclusive,
      shippingAmount: rate?.amount ?? 0,
    },
    coupon,
  );
  return {
    currency: settings.currency,
    items: out,
    couponCode: coupon && couponRow ? couponRow.code : null,
    shippingRateId: rate?.id ?? null,
    shippingRates: settings.shippingRates,
    shippingOnPaymentPage: onPaymentPage,
    // A studio coupon and a Stripe promotion code never stack: with a coupon applied, the payment page takes none.
    promotionCodesOnPaymentPage: settings.stripePromotionCodes && !coupon,
    promotionCodesEnabled: settings.stripePromotionCodes,
    totals,
  };
}

/** Applies a coupon code after checking its rules against the current cart. */
export async function applyCoupon(
  db: DB,
  g: PublicGallery,
  cart: Cart,
  code: string,
  settings: StudioSettings,
  clock: Clock,
) {
  const c = await findCoupon(db, g.account_id, code);
  if (!c)
    throw new AppError('unprocessable', 'This code is not valid', {
      fieldErrors: { code: ['Unknown code'] },
      formErrors: [],
    });
  const view = await cartView(db, g, { ...cart, coupon_id: null }, settings, clock);
  validateCoupon(couponRule(c), view.totals.subtotal, clock.now());
  await db
    .updateTable('shop_carts')
    .set({ coupon_id: c.id, updated_at: sql`now()` })
    .where('id', '=', cart.id)
    .execute();
}
