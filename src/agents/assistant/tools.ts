import { tool } from 'ai';
import { z } from 'zod';
import { getOrder } from '../../commerce/index.ts';
import { withAnon, withService, withUser } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { AppError, notFound } from '../../errors.ts';
import {
  media,
  publicArtwork,
  type Recommendation,
  recommendedFor,
  searchArtworks,
  similarArtworks,
  startArtworkCheckout,
  upstream,
} from '../../marketplace/index.ts';
import type { ModuleDeps } from '../../modules.ts';

/** Who the assistant acts for: a signed-in user (their rights, through RLS) or a guest (anon). */
export interface Viewer {
  userId: string | null;
  email: string | null;
}

export type ToolDeps = Pick<ModuleDeps, 'config' | 'db' | 'clock' | 'stripe' | 'commerce'>;

/** Tool errors the model sees as a result (and the UI as a failed card), in the API's own words. */
function refused(err: unknown): { error: { code: string; message: string } } {
  if (err instanceof AppError) return { error: { code: err.code, message: err.message } };
  throw err;
}

const safely =
  <I, O>(fn: (input: I) => Promise<O>) =>
  async (input: I) => {
    try {
      return await fn(input);
    } catch (err) {
      return refused(err);
    }
  };

const card = (r: Recommendation) => ({
  id: r.artwork.id,
  title: r.artwork.title,
  artist: r.artwork.artist.name,
  medium: r.artwork.medium,
  price: r.artwork.priceAmount,
  currency: r.artwork.currency,
  url: `/art/${r.artwork.id}`,
  thumbUrl: (r.artwork.images.find((i) => i.isPrimary) ?? r.artwork.images[0])?.thumbUrl ?? null,
  reason: r.reason,
});

const toMinor = (major: number | undefined) => (major === undefined ? null : Math.round(major * 100));

/**
 * The patron assistant's tools: the marketplace's own functions, run as anon or as the signed-in user exactly as
 * the web API runs them (the same services MCP's tools call), so no model output can reach past the user's rights.
 */
export function patronTools(deps: ToolDeps, viewer: Viewer) {
  const { db } = deps;
  return {
    search_artworks: tool({
      description:
        'Search buyable artworks by words (subject, style, colour, medium), optionally by medium and price range in the main currency unit; returns up to 8 with why each matched.',
      inputSchema: z.object({
        query: z.string().min(1).max(200).describe('What the person is looking for, in their words'),
        medium: z.enum(media).optional().describe('Only this medium'),
        min_price: z.number().min(0).max(10_000_000).optional().describe('Lowest price, e.g. 100 for €100'),
        max_price: z.number().min(0).max(10_000_000).optional().describe('Highest price, e.g. 500 for €500'),
      }),
      execute: safely(async (q) => {
        const found = await searchArtworks(db, q.query, {
          medium: q.medium ?? null,
          minPrice: toMinor(q.min_price),
          maxPrice: toMinor(q.max_price),
          viewerId: viewer.userId,
          limit: 8,
        });
        return { artworks: found.map(card) };
      }),
    }),
    recommend_artworks: tool({
      description:
        'Suggest buyable artworks like a given one, or (signed-in users, no artwork given) from what they saved, bought and viewed; each with why.',
      inputSchema: z.object({
        like_artwork_id: z.uuid().optional().describe('An artwork id from another tool; omit for personal picks'),
      }),
      execute: safely(async ({ like_artwork_id }) => {
        if (like_artwork_id) {
          const recs = await similarArtworks(db, like_artwork_id, { viewerId: viewer.userId, limit: 6 });
          return { artworks: recs.map(card) };
        }
        if (!viewer.userId) {
          throw new AppError(
            'unauthenticated',
            'Personal picks need a signed-in user; give an artwork to match instead',
          );
        }
        return { artworks: (await recommendedFor(db, viewer.userId, deps.clock, { limit: 6 })).map(card) };
      }),
    }),
    explain_artwork: tool({
      description:
        "Get one public artwork's own data (title, artist and statement, medium, size, year, edition, description, price) to explain it from.",
      inputSchema: z.object({ artwork_id: z.uuid().describe('The artwork id') }),
      execute: safely(async ({ artwork_id }) =>
        withAnon(db, async (tx) => {
          const w = await publicArtwork(tx, artwork_id);
          if (!w) throw notFound('Artwork');
          return {
            id: w.id,
            title: w.title,
            artist: w.artist.name,
            medium: w.medium,
            width_mm: w.widthMm,
            height_mm: w.heightMm,
            year: w.year,
            edition: w.editionType === 'edition' ? `edition of ${w.editionSize}` : 'original',
            description: w.description,
            price: w.priceAmount,
            currency: w.currency,
            status: w.status,
            url: `/art/${w.id}`,
          };
        }),
      ),
    }),
    start_artwork_checkout: tool({
      description:
        'Reserve an artwork for the signed-in user and return the secure Stripe payment link they open to pay.',
      inputSchema: z.object({ artwork_id: z.uuid().describe('The artwork id') }),
      execute: safely(async ({ artwork_id }) => {
        if (!viewer.userId || !viewer.email) {
          throw new AppError('unauthenticated', `Sign in to buy here, or buy from the work's page: /art/${artwork_id}`);
        }
        const base = deps.config.publicUrl.replace(/\/$/, '');
        const r = await startArtworkCheckout(
          db,
          deps.stripe,
          deps.commerce,
          deps.clock,
          { artworkId: artwork_id, buyer: { userId: viewer.userId, email: viewer.email } },
          (orderId) => ({
            successUrl: `${base}/art/${artwork_id}/purchased?session_id={CHECKOUT_SESSION_ID}`,
            cancelUrl: `${base}/art/${artwork_id}?checkout=cancelled&order=${orderId}`,
          }),
        ).catch((err) => {
          throw err instanceof AppError ? err : upstream(err);
        });
        const order = await withService(db, (tx) => getOrder(tx, r.orderId));
        return { order_id: order.id, checkout_url: r.checkoutUrl, total: order.total, currency: order.currency };
      }),
    }),
    my_orders: tool({
      description: "List the signed-in user's own purchases, newest first (status, total, date).",
      inputSchema: z.object({}),
      execute: safely(async () => {
        const userId = viewer.userId;
        if (!userId) throw new AppError('unauthenticated', 'Sign in to see your orders');
        const rows = await withUser(db, { sub: userId }, (tx) => myOrders(tx, userId));
        return { orders: rows };
      }),
    }),
  };
}

async function myOrders(tx: DB, userId: string) {
  const rows = await tx
    .selectFrom('orders')
    .select(['id', 'status', 'offering_type', 'total', 'currency', 'created_at', 'paid_at'])
    .where('buyer_user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .limit(20)
    .execute();
  return rows.map((o) => ({
    order_id: o.id,
    status: o.status,
    kind: o.offering_type,
    total: Number(o.total),
    currency: o.currency,
    created_at: o.created_at.toISOString(),
    paid_at: o.paid_at ? o.paid_at.toISOString() : null,
  }));
}

export type PatronTools = ReturnType<typeof patronTools>;
