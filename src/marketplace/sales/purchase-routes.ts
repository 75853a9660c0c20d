import { completeCheckoutSession } from '../../commerce/index.ts';
import { withService } from '../../db/tenancy.ts';
import { AppError, notFound } from '../../errors.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../../http/openapi.ts';
import { publicArtworks } from '../artworks/catalog.ts';
import { feeBpsFor } from '../payouts/fee-settings.ts';
import { splitFee } from '../payouts/fees.ts';
import * as S from '../schema.ts';
import { availability, startArtworkCheckout, upstream } from './purchase.ts';

const IdParam = z.object({ id: z.uuid('Unknown artwork') });

/** Buying an artwork: its price breakdown, starting Checkout (signed in or guest) and cancelling it. */
export const purchaseRoutes = createRouter()
  .openapi(
    route({
      method: 'get',
      path: '/marketplace/artworks/{id}/price',
      tags: ['Marketplace'],
      summary: 'Price, shipping, the artist’s and the platform’s share, and whether it can be bought now (public)',
      request: { params: IdParam },
      responses: { 200: jsonResponse(S.ArtworkPriceOut) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { db, clock } = c.get('deps');
      const out = await withService(db, async (tx) => {
        const w = await publicArtworks(tx).selectAll('w').where('w.id', '=', id).executeTakeFirst();
        if (!w) return null;
        const feeBps = await feeBpsFor(tx, w.account_id);
        const price = Number(w.price_amount);
        const shipping = Number(w.shipping_amount);
        const { fee, share } = splitFee(price, feeBps);
        const a = availability(w, clock.now());
        return {
          currency: w.currency.trim(),
          price,
          shipping,
          total: price + shipping,
          platformFee: fee,
          feeBps,
          artistReceives: share + shipping,
          availability: a.state,
          reservedUntil: a.reservedUntil?.toISOString() ?? null,
        };
      });
      if (!out) throw notFound('Artwork');
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/marketplace/artworks/{id}/checkout',
      tags: ['Marketplace'],
      summary: 'Reserve an artwork and open Stripe Checkout (signed in, or as a guest with an email)',
      request: { params: IdParam, body: jsonBody(S.ArtworkCheckoutInput) },
      responses: { 201: jsonResponse(S.ArtworkCheckoutOut, 'Checkout opened') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { email } = c.req.valid('json');
      const { db, stripe, clock, config, commerce } = c.get('deps');
      const user = c.get('user');
      if (!user && !email) {
        throw new AppError('validation_failed', 'Enter your email address to check out as a guest', {
          fieldErrors: { email: ['Enter your email address'] },
          formErrors: [],
        });
      }
      const buyer = user ? { userId: user.id, email: user.email } : { email: email! };
      const base = config.publicUrl.replace(/\/$/, '');
      const r = await startArtworkCheckout(db, stripe, commerce, clock, { artworkId: id, buyer }, (orderId) => ({
        successUrl: `${base}/art/${id}/purchased?session_id={CHECKOUT_SESSION_ID}`,
        cancelUrl: `${base}/art/${id}?checkout=cancelled&order=${orderId}`,
      }));
      return c.json({ checkoutUrl: r.checkoutUrl, orderId: r.orderId }, 201);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/marketplace/artworks/{id}/checkout/{orderId}/cancel',
      tags: ['Marketplace'],
      summary: 'Give up an open checkout so the artwork is released at once (the order id is the secret)',
      request: { params: IdParam.extend({ orderId: z.uuid('Unknown order') }) },
      responses: { 200: jsonResponse(z.object({ status: z.string() })) },
    }),
    async (c) => {
      const { id, orderId } = c.req.valid('param');
      const { db, stripe, config, commerce } = c.get('deps');
      const order = await withService(db, (tx) =>
        tx
          .selectFrom('orders')
          .select(['status', 'stripe_checkout_session_id', 'metadata'])
          .where('id', '=', orderId)
          .where('offering_type', '=', 'artwork')
          .executeTakeFirst(),
      );
      if (!order || order.metadata?.artwork_id !== id) throw notFound('Checkout');
      if (order.status !== 'pending' || !order.stripe_checkout_session_id) return c.json({ status: order.status }, 200);
      const sessionId = order.stripe_checkout_session_id;
      const r = await (async () => {
        const session = await stripe.checkout.sessions.retrieve(sessionId);
        if (session.status === 'open') await stripe.checkout.sessions.expire(session.id);
        // Settle now rather than wait for the webhook; both paths are idempotent.
        return completeCheckoutSession(
          db,
          stripe,
          commerce,
          session.id,
          { kind: 'checkout_cancel', userId: c.get('user')?.id ?? null, requestId: c.get('requestId') },
          { publicUrl: config.publicUrl },
        );
      })().catch((err) => {
        throw upstream(err);
      });
      return c.json({ status: r.status ?? order.status }, 200);
    },
  );
