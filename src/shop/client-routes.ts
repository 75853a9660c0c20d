import { etag } from 'hono/etag';
import { consumeRateLimit, roleIn } from '../accounts/index.ts';
import { withService, withUser } from '../db/tenancy.ts';
import { AppError, notFound } from '../errors.ts';
import { storedFileTag } from '../http/etag.ts';
import { clientIp } from '../http/middleware.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../http/openapi.ts';
import { cachedPublicRead } from '../http/public-cache.ts';
import * as cart from './cart.ts';
import { fitCatalogToPhoto, galleryProducts } from './catalog.ts';
import { startPrintCheckout } from './checkout.ts';
import * as galleries from './galleries.ts';
import { galleryLink, grantGalleryAccess } from './gallery-link.ts';
import { listPhotosPage, mediaFile, photoOut } from './photos.ts';
import * as S from './schema.ts';
import { getSettings, studioBranding } from './studio.ts';

const TokenParam = z.object({ token: z.string().min(1).max(100) });
const tags = ['Print shop (clients)'];
// Who holds the link: the routes below reach their gallery through `c.var.visitor` (see gallery-link.ts), except
// the PIN unlock, which is how a link holder gets in, and the studio members' own read of a photo file.
const linkHolder = galleryLink();

const ItemParam = TokenParam.extend({ itemId: z.uuid('Unknown cart item') });

/** Client side of the print shop: private gallery links, PIN unlock, media, catalog and cart. */
export const shopClientRoutes = createRouter()
  .openapi(
    route({
      method: 'get',
      path: '/shop/g/{token}',
      tags,
      summary: 'A gallery by its private link (403 until unlocked when it has a PIN, 410 when expired)',
      middleware: [cachedPublicRead, galleryLink({ withStudio: true })] as const,
      request: { params: TokenParam },
      responses: { 200: jsonResponse(S.PublicGalleryOut) },
    }),
    async (c) => {
      const out = await c.var.visitor.tx(async (tx, g) => {
        const { currency, ...studio } = await studioBranding(tx, g.account_id);
        const page = await listPhotosPage(tx, g.id, { cursor: null, limit: S.PHOTO_PAGE_SIZE });
        return {
          title: g.title,
          eventDate: g.event_date,
          ...studio,
          currency,
          storeEnabled: g.store_enabled,
          coverPhotoId: g.cover_photo_id,
          photos: page.photos.map((p) => photoOut(g.token, p)),
          photoCount: page.photoCount,
          nextCursor: page.nextCursor,
        };
      });
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/shop/g/{token}/photos',
      tags,
      summary: "A page of the gallery's photos in display order, after `cursor` (same access rules as the gallery)",
      middleware: [cachedPublicRead, linkHolder] as const,
      request: { params: TokenParam, query: S.PhotoPageQuery },
      responses: { 200: jsonResponse(S.PhotoPageOut) },
    }),
    async (c) => {
      const { cursor, limit } = c.req.valid('query');
      const out = await c.var.visitor.tx(async (tx, g) => {
        const page = await listPhotosPage(tx, g.id, { cursor: cursor || null, limit });
        return {
          data: page.photos.map((p) => photoOut(g.token, p)),
          photoCount: page.photoCount,
          nextCursor: page.nextCursor,
        };
      });
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/shop/g/{token}/unlock',
      tags,
      summary: 'Unlock a PIN-protected gallery (rate limited); sets an HttpOnly cookie for this gallery only',
      request: { params: TokenParam, body: jsonBody(S.UnlockInput) },
      responses: { 204: { description: 'Unlocked' } },
    }),
    async (c) => {
      const { token } = c.req.valid('param');
      const { pin } = c.req.valid('json');
      const { db, clock, config } = c.get('deps');
      const g = await withService(db, (tx) => galleries.galleryByToken(tx, token, clock));
      // Keyed per client, not per gallery: a guesser pauses only themselves, never visitors who know the PIN.
      const { limit, windowSeconds } = galleries.PIN_LIMIT;
      await withService(db, (tx) =>
        consumeRateLimit(tx, `gallery-pin:${g.id}:${clientIp(c)}`, limit, windowSeconds, clock),
      );
      if (!(await galleries.checkPin(g, pin))) {
        await withService(db, (tx) => galleries.recordPinFailure(tx, g, clock, config.publicUrl, c.get('requestId')));
        throw new AppError('invalid_credentials', 'That PIN is not right', { fieldErrors: { pin: ['Wrong PIN'] } });
      }
      grantGalleryAccess(c, g);
      return c.body(null, 204);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/shop/media/{token}/{photoId}/{size}',
      tags,
      summary: 'A photo file: thumb or web for visitors (watermarked when on), also original for studio members',
      // Outermost, so a cached answer is revalidated too: a browser holding the same bytes gets a bodiless 304.
      middleware: [etag(), cachedPublicRead, galleryLink({ lateExpiry: true })] as const,
      request: {
        params: TokenParam.extend({ photoId: z.uuid('Unknown photo'), size: z.enum(['thumb', 'web', 'original']) }),
      },
      responses: { 200: { description: 'The image' } },
    }),
    async (c) => {
      const { token, photoId, size } = c.req.valid('param');
      const { db, config } = c.get('deps');
      const user = c.get('user');
      // Studio members read through their own RLS; everyone else as the link's visitor (anon).
      const member = user
        ? await withUser(db, { sub: user.id }, async (tx) => {
            const row = await tx
              .selectFrom('galleries as g')
              .innerJoin('gallery_photos as p', 'p.gallery_id', 'g.id')
              .select(['g.account_id', 'p.original_key', 'p.web_key', 'p.thumb_key', 'p.content_type'])
              .where('g.token', '=', token)
              .where('p.id', '=', photoId)
              .executeTakeFirst();
            return row && (await roleIn(tx, row.account_id, user.id)) ? row : null;
          })
        : null;
      let watermark: { text: string } | null = null;
      let photo: Parameters<typeof mediaFile>[1];
      if (member) photo = member;
      else {
        const seen = await c.var.visitor.tx(async (tx, g) => {
          const row = await tx
            .selectFrom('gallery_photos')
            .select(['web_key', 'thumb_key', 'content_type'])
            .where('gallery_id', '=', g.id)
            .where('id', '=', photoId)
            .executeTakeFirst();
          if (!row) throw notFound('Photo');
          galleries.assertNotExpired(g, c.get('deps').clock);
          if (size === 'original') throw new AppError('forbidden', 'Originals are for the studio only');
          const acct = g.watermark && size === 'web' ? await studioBranding(tx, g.account_id) : null;
          return { row, watermark: acct ? { text: acct.studioName } : null };
        });
        // Visitors never get originals (refused above), so anon has no grant on their keys.
        photo = { ...seen.row, original_key: '' };
        watermark = seen.watermark;
      }
      const file = await mediaFile(config, photo, size, watermark);
      if (!file.bytes) throw notFound('Photo file');
      return c.body(new Uint8Array(file.bytes), 200, {
        'content-type': file.type,
        etag: storedFileTag(file.key),
        'cache-control': 'private, max-age=3600',
        'x-content-type-options': 'nosniff',
      });
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/shop/g/{token}/catalog',
      tags,
      summary: 'Printable products for a photo (sizes too large for it are hidden)',
      middleware: [cachedPublicRead, linkHolder] as const,
      request: { params: TokenParam, query: z.object({ photoId: z.uuid('Unknown photo') }) },
      responses: { 200: jsonResponse(z.object({ currency: z.string(), data: z.array(S.ProductOut) })) },
    }),
    async (c) => {
      const { photoId } = c.req.valid('query');
      const out = await c.var.visitor.tx(async (tx, g) => {
        if (!g.store_enabled) throw new AppError('forbidden', 'This gallery does not sell prints');
        const photo = await tx
          .selectFrom('gallery_photos')
          .select(['width', 'height'])
          .where('id', '=', photoId)
          .where('gallery_id', '=', g.id)
          .executeTakeFirst();
        if (!photo) throw notFound('Photo');
        const { currency } = await studioBranding(tx, g.account_id);
        const data = fitCatalogToPhoto(await galleryProducts(tx, g), photo).map(({ accountId: _a, ...p }) => p);
        return { currency, data };
      });
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/shop/g/{token}/cart',
      tags,
      summary: 'The visitor cart, priced on the server',
      middleware: linkHolder,
      request: { params: TokenParam },
      responses: { 200: jsonResponse(S.ClientCartOut) },
    }),
    async (c) => c.json(await c.var.visitor.cart(), 200),
  )
  .openapi(
    route({
      method: 'patch',
      path: '/shop/g/{token}/cart',
      tags,
      summary: 'Choose the shipping rate',
      middleware: linkHolder,
      request: { params: TokenParam, body: jsonBody(S.CartPatch) },
      responses: { 200: jsonResponse(S.ClientCartOut) },
    }),
    async (c) => {
      const { shippingRateId } = c.req.valid('json');
      const out = await c.var.visitor.cart(async (tx, g, row) =>
        cart.setShippingRate(tx, row.id, await getSettings(tx, g.account_id), shippingRateId),
      );
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'delete',
      path: '/shop/g/{token}/cart',
      tags,
      summary: 'Empty the cart',
      middleware: linkHolder,
      request: { params: TokenParam },
      responses: { 200: jsonResponse(S.ClientCartOut) },
    }),
    async (c) => c.json(await c.var.visitor.cart((tx, _g, row) => cart.clearCart(tx, row.id)), 200),
  )
  .openapi(
    route({
      method: 'post',
      path: '/shop/g/{token}/cart/items',
      tags,
      summary: 'Add a print to the cart (prices are never accepted from the client)',
      middleware: linkHolder,
      request: { params: TokenParam, body: jsonBody(S.CartItemInput) },
      responses: { 201: jsonResponse(S.ClientCartOut, 'Added') },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const out = await c.var.visitor.cart(async (tx, g, row) => {
        await cart.addItem(tx, g, row.id, input);
      });
      return c.json(out, 201);
    },
  )
  .openapi(
    route({
      method: 'patch',
      path: '/shop/g/{token}/cart/items/{itemId}',
      tags,
      summary: 'Change quantity or crop of a cart line',
      middleware: linkHolder,
      request: { params: ItemParam, body: jsonBody(S.CartItemPatch) },
      responses: { 200: jsonResponse(S.ClientCartOut) },
    }),
    async (c) => {
      const { itemId } = c.req.valid('param');
      const patch = c.req.valid('json');
      const out = await c.var.visitor.cart((tx, _g, row) => cart.updateItem(tx, row.id, itemId, patch));
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'delete',
      path: '/shop/g/{token}/cart/items/{itemId}',
      tags,
      summary: 'Remove a cart line',
      middleware: linkHolder,
      request: { params: ItemParam },
      responses: { 200: jsonResponse(S.ClientCartOut) },
    }),
    async (c) => {
      const { itemId } = c.req.valid('param');
      return c.json(await c.var.visitor.cart((tx, _g, row) => cart.removeItem(tx, row.id, itemId)), 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/shop/g/{token}/cart/coupon',
      tags,
      summary: 'Apply a coupon code (422 when it does not apply)',
      middleware: linkHolder,
      request: { params: TokenParam, body: jsonBody(S.CouponApplyInput) },
      responses: { 200: jsonResponse(S.ClientCartOut) },
    }),
    async (c) => {
      const { code } = c.req.valid('json');
      const { clock } = c.get('deps');
      const out = await c.var.visitor.cart(async (tx, g, row) =>
        cart.applyCoupon(tx, g, row, code, await getSettings(tx, g.account_id), clock),
      );
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/shop/g/{token}/checkout',
      tags,
      summary: 'Create a print order from the server-priced cart and open Stripe Checkout',
      middleware: linkHolder,
      request: { params: TokenParam, body: jsonBody(S.CheckoutInput) },
      responses: { 201: jsonResponse(z.object({ checkoutUrl: z.string(), orderId: z.string() }), 'Order created') },
    }),
    async (c) => {
      const { token } = c.req.valid('param');
      const { email } = c.req.valid('json');
      const { db, stripe, clock, config, commerce } = c.get('deps');
      const { visitor: link } = c.var;
      const visitor = link.visitorId(false);
      if (!visitor) throw new AppError('invalid_state', 'Your cart is empty');
      const base = `${config.publicUrl}/g/${encodeURIComponent(token)}`;
      const out = await startPrintCheckout(
        db,
        stripe,
        commerce,
        clock,
        {
          token,
          visitorId: visitor,
          email,
          hasAccess: link.hasAccess,
        },
        { successUrl: `${base}?checkout=success`, cancelUrl: `${base}?checkout=cancelled` },
      );
      return c.json(out, 201);
    },
  );
