import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { sql } from 'kysely';
import { asService, withAnon, withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { AppError } from '../errors.ts';
import type { AppEnv } from '../http/context.ts';
import * as cart from './cart.ts';
import * as galleries from './galleries.ts';
import { getSettings, studioBranding } from './studio.ts';

/*
 * The holder of a gallery link (`/shop/g/{token}/…`, `/shop/media/{token}/…`): the route declares
 * `middleware: galleryLink()` and the handler reaches the gallery only through `c.var.visitor`, whose `tx` runs as
 * anon with the link token (and, once the PIN cookie checks out, the unlock) in the claims, so RLS shows that one
 * gallery and nothing else. The cart, which guests write, goes through `cart`, read and written as service after
 * the same PIN check. Like src/http/access.ts, nothing is checked or held open across `next()`.
 */

const VISITOR_COOKIE = 'gallerist_visitor';
const ACCESS_DAYS = 30;

type CartRow = Awaited<ReturnType<typeof cart.ensureCart>>;
type CartView = Awaited<ReturnType<typeof cart.cartView>>;

/** What a gallery-link route gets as `c.var.visitor`. */
export interface GalleryVisitor {
  /** The link token from the path. */
  token: string;
  /**
   * Runs `fn` as anon with the link token in the claims, after the checks: 404 unknown or unpublished, 410 expired
   * (unless `lateExpiry`), 403 `pinRequired` until the PIN cookie checks out.
   */
  tx<T>(fn: (tx: DB, g: galleries.VisitorGallery) => Promise<T>): Promise<T>;
  /**
   * Loads the gallery (as service, with the same checks), the visitor's cart and the studio settings, runs `fn`
   * (a guest write) and answers with the cart priced on the server; issues the visitor cookie on first use.
   */
  cart(fn?: (tx: DB, g: galleries.PublicGallery, row: CartRow) => Promise<void>): Promise<CartView>;
  /** The visitor id cookie, issued first when `create`; null when there is none. */
  visitorId(create: boolean): string | null;
  /** True when the gallery needs no PIN or the request carries its valid unlock cookie (for checkout). */
  hasAccess(g: { id: string; pin_hash: string | null }): boolean;
}

const secretOf = (config: { sessionSecret: string }) => `gallery-access:${config.sessionSecret}`;

/**
 * Sets the gallery's unlock cookie for ACCESS_DAYS, once the unlock route has checked the PIN. That route has no
 * `galleryLink` (entering the PIN is how a link holder gets past it): it reads the gallery as service itself.
 */
export function grantGalleryAccess(c: Context<AppEnv>, g: { id: string; pin_hash: string | null }): void {
  const { clock, config } = c.get('deps');
  const exp = clock.now().getTime() + ACCESS_DAYS * 86_400_000;
  setCookie(c, galleries.accessCookieName(g.id), galleries.signAccess(secretOf(config), g, exp), {
    path: '/api/shop',
    httpOnly: true,
    sameSite: 'Lax',
    secure: config.secureCookies,
    expires: new Date(exp),
  });
}

const pinRequired = (more: Record<string, unknown> = {}) =>
  new AppError('forbidden', 'Enter the gallery PIN to continue', { pinRequired: true, ...more });

// Transaction-local, like withUser's claims: the link token is the visitor's credential.
async function setVisitorClaims(tx: DB, claims: { gallery_token: string; gallery_unlocked?: string }) {
  await sql`select set_config('request.jwt.claims', ${JSON.stringify({ role: 'anon', ...claims })}, true)`.execute(tx);
}

/** The visitor id cookie, issued on first write. */
function visitorId(c: Context, secure: boolean, create: boolean): string | null {
  const existing = getCookie(c, VISITOR_COOKIE);
  if (existing && /^[\w-]{22,64}$/.test(existing)) return existing;
  if (!create) return null;
  const id = randomBytes(24).toString('base64url');
  setCookie(c, VISITOR_COOKIE, id, {
    path: '/api/shop',
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    maxAge: 60 * 60 * 24 * 90,
  });
  return id;
}

/**
 * The gallery link in the `{token}` path parameter is the caller's credential (see above). `withStudio`: the PIN
 * refusal carries the studio's branding (for the gallery page); `lateExpiry`: `tx`'s `fn` does the 410 itself (media
 * 404s a photo of another gallery first).
 */
export function galleryLink(opts: { withStudio?: boolean; lateExpiry?: boolean } = {}) {
  return createMiddleware<AppEnv & { Variables: { visitor: GalleryVisitor } }>(async (c, next) => {
    const token = c.req.param('token') ?? '';
    const { db, clock, config } = c.get('deps');
    const secret = secretOf(config);
    const hasAccess = (g: { id: string; pin_hash: string | null }) =>
      galleries.hasAccess(secret, g, getCookie(c, galleries.accessCookieName(g.id)), clock.now());
    c.set('visitor', {
      token,
      tx: (fn) =>
        withAnon(db, async (tx) => {
          await setVisitorClaims(tx, { gallery_token: token });
          const g = await galleries.visitorGallery(tx, token);
          if (!opts.lateExpiry) galleries.assertNotExpired(g, clock);
          if (g.has_pin) {
            const cookie = getCookie(c, galleries.accessCookieName(g.id));
            // The cookie's MAC covers the PIN hash, which anon may not read.
            const pinHash = cookie ? await asService(tx, (t) => galleries.galleryPinHash(t, g.id)) : null;
            if (!cookie || !galleries.hasAccess(secret, { id: g.id, pin_hash: pinHash }, cookie, clock.now())) {
              throw pinRequired(opts.withStudio ? await studioBranding(tx, g.account_id) : {});
            }
            await setVisitorClaims(tx, { gallery_token: token, gallery_unlocked: g.id });
          }
          return fn(tx, g);
        }),
      cart: (fn) => {
        const visitor = visitorId(c, config.secureCookies, true) as string;
        return withService(db, async (tx) => {
          // The gallery behind the link, after the PIN check, read as service: guests write their cart.
          const g = await galleries.galleryByToken(tx, token, clock);
          if (!hasAccess(g)) throw pinRequired();
          const settings = await getSettings(tx, g.account_id);
          let row = await cart.ensureCart(tx, g, visitor);
          if (fn) {
            await fn(tx, g, row);
            row = await cart.ensureCart(tx, g, visitor);
          }
          return cart.cartView(tx, g, row, settings, clock);
        });
      },
      visitorId: (create) => visitorId(c, config.secureCookies, create),
      hasAccess,
    });
    await next();
  });
}
