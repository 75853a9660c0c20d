import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { sql } from 'kysely';
import { consumeRateLimit } from '../accounts/rate-limit.ts';
import { roleIn } from '../accounts/service.ts';
import { asService, withAnon, withService, withUser } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { AppError, notFound } from '../errors.ts';
import type { AppEnv } from '../http/context.ts';
import { clientIp } from '../http/middleware.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../http/openapi.ts';
import * as cart from './cart.ts';
import { fitCatalogToPhoto, galleryProducts } from './catalog.ts';
import { startPrintCheckout } from './checkout.ts';
import * as galleries from './galleries.ts';
import { listPhotosPage, mediaFile, photoOut } from './photos.ts';
import * as S from './schema.ts';
import { getSettings, logoUrl } from './studio.ts';

const VISITOR_COOKIE = 'gallerist_visitor';
const ACCESS_DAYS = 30;
const TokenParam = z.object({ token: z.string().min(1).max(100) });
const tags = ['Print shop (clients)'];

const secret = (c: Context<AppEnv>) => `gallery-access:${c.get('deps').config.sessionSecret}`;

/** The gallery behind the link, after the PIN check, read as service: for the cart and checkout (guest writes). */
async function openGallery(c: Context<AppEnv>, db: DB, token: string) {
  const { clock } = c.get('deps');
  const g = await galleries.galleryByToken(db, token, clock);
  const cookie = getCookie(c, galleries.accessCookieName(g.id));
  if (!galleries.hasAccess(secret(c), g, cookie, clock.now())) {
    throw new AppError('forbidden', 'Enter the gallery PIN to continue', { pinRequired: true });
  }
  return g;
}

// Transaction-local, like withUser's claims: the link token is the visitor's credential.
async function setVisitorClaims(tx: DB, claims: { gallery_token: string; gallery_unlocked?: string }) {
  await sql`select set_config('request.jwt.claims', ${JSON.stringify({ role: 'anon', ...claims })}, true)`.execute(tx);
}

/**
 * Runs `fn` as anon with the link token (and, once the PIN cookie checks out, the unlock) in the claims (0090).
 * `withStudio`: branding on the PIN refusal; `lateExpiry`: `fn` does the 410 (media 404s a foreign photo first).
 */
async function asVisitor<T>(
  c: Context<AppEnv>,
  token: string,
  fn: (tx: DB, g: galleries.VisitorGallery) => Promise<T>,
  opts: { withStudio?: boolean; lateExpiry?: boolean } = {},
): Promise<T> {
  const { db, clock } = c.get('deps');
  return withAnon(db, async (tx) => {
    await setVisitorClaims(tx, { gallery_token: token });
    const g = await galleries.visitorGallery(tx, token);
    if (!opts.lateExpiry) galleries.assertNotExpired(g, clock);
    if (g.has_pin) {
      const cookie = getCookie(c, galleries.accessCookieName(g.id));
      // The cookie's MAC covers the PIN hash, which anon may not read.
      const pinHash = cookie ? await asService(tx, (t) => galleries.galleryPinHash(t, g.id)) : null;
      if (!cookie || !galleries.hasAccess(secret(c), { id: g.id, pin_hash: pinHash }, cookie, clock.now())) {
        const studio = opts.withStudio ? await studioBranding(tx, g.account_id) : {};
        throw new AppError('forbidden', 'Enter the gallery PIN to continue', { pinRequired: true, ...studio });
      }
      await setVisitorClaims(tx, { gallery_token: token, gallery_unlocked: g.id });
    }
    return fn(tx, g);
  });
}

/** What a client sees of the studio on its gallery pages: name, accent colour, logo and currency (public columns). */
async function studioBranding(db: DB, accountId: string) {
  const s = await db
    .selectFrom('studio_settings')
    .select(['currency', 'accent_color', 'logo_key'])
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  const acct = await db.selectFrom('accounts').select('name').where('id', '=', accountId).executeTakeFirstOrThrow();
  return {
    studioName: acct.name,
    accentColor: s?.accent_color ?? null,
    logoUrl: logoUrl(accountId, s?.logo_key ?? null),
    currency: s?.currency ?? 'EUR',
  };
}

/** The visitor id cookie, issued on first write. */
function visitorId(c: Context<AppEnv>, create: boolean): string | null {
  const existing = getCookie(c, VISITOR_COOKIE);
  if (existing && /^[\w-]{22,64}$/.test(existing)) return existing;
  if (!create) return null;
  const id = randomBytes(24).toString('base64url');
  setCookie(c, VISITOR_COOKIE, id, {
    path: '/api/shop',
    httpOnly: true,
    sameSite: 'Lax',
    secure: c.get('deps').config.secureCookies,
    maxAge: 60 * 60 * 24 * 90,
  });
  return id;
}

/** Loads gallery, visitor cart and settings, runs `fn`, and answers with the priced cart. */
async function withCart(
  c: Context<AppEnv>,
  token: string,
  fn?: (tx: DB, g: galleries.PublicGallery, cartRow: Awaited<ReturnType<typeof cart.ensureCart>>) => Promise<void>,
) {
  const { db, clock } = c.get('deps');
  const visitor = visitorId(c, true) as string;
  return withService(db, async (tx) => {
    const g = await openGallery(c, tx, token);
    const settings = await getSettings(tx, g.account_id);
    let row = await cart.ensureCart(tx, g, visitor);
    if (fn) {
      await fn(tx, g, row);
      row = await cart.ensureCart(tx, g, visitor);
    }
    return cart.cartView(tx, g, row, settings, clock);
  });
}

const ItemParam = TokenParam.extend({ itemId: z.uuid('Unknown cart item') });

/** Client side of the print shop: private gallery links, PIN unlock, media, catalog and cart. */
export const shopClientRoutes = createRouter()
  .openapi(
    route({
      method: 'get',
      path: '/shop/g/{token}',
      tags,
      summary: 'A gallery by its private link (403 until unlocked when it has a PIN, 410 when expired)',
      request: { params: TokenParam },
      responses: { 200: jsonResponse(S.PublicGalleryOut) },
    }),
    async (c) => {
      const { token } = c.req.valid('param');
      const out = await asVisitor(
        c,
        token,
        async (tx, g) => {
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
        },
        { withStudio: true },
      );
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/shop/g/{token}/photos',
      tags,
      summary: "A page of the gallery's photos in display order, after `cursor` (same access rules as the gallery)",
      request: { params: TokenParam, query: S.PhotoPageQuery },
      responses: { 200: jsonResponse(S.PhotoPageOut) },
    }),
    async (c) => {
      const { token } = c.req.valid('param');
      const { cursor, limit } = c.req.valid('query');
      const out = await asVisitor(c, token, async (tx, g) => {
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
      const exp = clock.now().getTime() + ACCESS_DAYS * 86_400_000;
      setCookie(c, galleries.accessCookieName(g.id), galleries.signAccess(secret(c), g, exp), {
        path: '/api/shop',
        httpOnly: true,
        sameSite: 'Lax',
        secure: config.secureCookies,
        expires: new Date(exp),
      });
      return c.body(null, 204);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/shop/media/{token}/{photoId}/{size}',
      tags,
      summary: 'A photo file: thumb or web for visitors (watermarked when on), also original for studio members',
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
        const seen = await asVisitor(
          c,
          token,
          async (tx, g) => {
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
          },
          { lateExpiry: true },
        );
        // Visitors never get originals (refused above), so anon has no grant on their keys.
        photo = { ...seen.row, original_key: '' };
        watermark = seen.watermark;
      }
      const file = await mediaFile(config, photo, size, watermark);
      if (!file.bytes) throw notFound('Photo file');
      return c.body(new Uint8Array(file.bytes), 200, {
        'content-type': file.type,
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
      request: { params: TokenParam, query: z.object({ photoId: z.uuid('Unknown photo') }) },
      responses: { 200: jsonResponse(z.object({ currency: z.string(), data: z.array(S.ProductOut) })) },
    }),
    async (c) => {
      const { token } = c.req.valid('param');
      const { photoId } = c.req.valid('query');
      const out = await asVisitor(c, token, async (tx, g) => {
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
      request: { params: TokenParam },
      responses: { 200: jsonResponse(S.ClientCartOut) },
    }),
    async (c) => c.json(await withCart(c, c.req.valid('param').token), 200),
  )
  .openapi(
    route({
      method: 'patch',
      path: '/shop/g/{token}/cart',
      tags,
      summary: 'Choose the shipping rate',
      request: { params: TokenParam, body: jsonBody(S.CartPatch) },
      responses: { 200: jsonResponse(S.ClientCartOut) },
    }),
    async (c) => {
      const { shippingRateId } = c.req.valid('json');
      const out = await withCart(c, c.req.valid('param').token, async (tx, g, row) =>
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
      request: { params: TokenParam },
      responses: { 200: jsonResponse(S.ClientCartOut) },
    }),
    async (c) =>
      c.json(await withCart(c, c.req.valid('param').token, (tx, _g, row) => cart.clearCart(tx, row.id)), 200),
  )
  .openapi(
    route({
      method: 'post',
      path: '/shop/g/{token}/cart/items',
      tags,
      summary: 'Add a print to the cart (prices are never accepted from the client)',
      request: { params: TokenParam, body: jsonBody(S.CartItemInput) },
      responses: { 201: jsonResponse(S.ClientCartOut, 'Added') },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const out = await withCart(c, c.req.valid('param').token, async (tx, g, row) => {
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
      request: { params: ItemParam, body: jsonBody(S.CartItemPatch) },
      responses: { 200: jsonResponse(S.ClientCartOut) },
    }),
    async (c) => {
      const { token, itemId } = c.req.valid('param');
      const patch = c.req.valid('json');
      const out = await withCart(c, token, (tx, _g, row) => cart.updateItem(tx, row.id, itemId, patch));
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'delete',
      path: '/shop/g/{token}/cart/items/{itemId}',
      tags,
      summary: 'Remove a cart line',
      request: { params: ItemParam },
      responses: { 200: jsonResponse(S.ClientCartOut) },
    }),
    async (c) => {
      const { token, itemId } = c.req.valid('param');
      return c.json(await withCart(c, token, (tx, _g, row) => cart.removeItem(tx, row.id, itemId)), 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/shop/g/{token}/cart/coupon',
      tags,
      summary: 'Apply a coupon code (422 when it does not apply)',
      request: { params: TokenParam, body: jsonBody(S.CouponApplyInput) },
      responses: { 200: jsonResponse(S.ClientCartOut) },
    }),
    async (c) => {
      const { code } = c.req.valid('json');
      const { clock } = c.get('deps');
      const out = await withCart(c, c.req.valid('param').token, async (tx, g, row) =>
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
      request: { params: TokenParam, body: jsonBody(S.CheckoutInput) },
      responses: { 201: jsonResponse(z.object({ checkoutUrl: z.string(), orderId: z.string() }), 'Order created') },
    }),
    async (c) => {
      const { token } = c.req.valid('param');
      const { email } = c.req.valid('json');
      const { db, stripe, clock, config, commerce } = c.get('deps');
      const visitor = visitorId(c, false);
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
          hasAccess: (g) =>
            galleries.hasAccess(secret(c), g, getCookie(c, galleries.accessCookieName(g.id)), clock.now()),
        },
        { successUrl: `${base}?checkout=success`, cancelUrl: `${base}?checkout=cancelled` },
      );
      return c.json(out, 201);
    },
  );
