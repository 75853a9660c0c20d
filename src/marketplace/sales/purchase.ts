import Stripe from 'stripe';
import { recordAudit } from '../../audit/index.ts';
import { type Clock, systemClock } from '../../clock.ts';
import type { OfferingHooks } from '../../commerce/index.ts';
import {
  type CheckoutUrls,
  createCheckout,
  createOrder,
  DEFAULT_SHIPPING_COUNTRIES,
  type Order,
  type OrderChannel,
} from '../../commerce/index.ts';
import { withService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { AppError, notFound } from '../../errors.ts';
import type { CommerceHooks } from '../../modules.ts';
import { feeBpsFor } from '../payouts/fee-settings.ts';
import { splitFee } from '../payouts/fees.ts';
import { recordSaleRefund } from './refunds.ts';
import { recordArtworkSale } from './sales.ts';

/** How long an open Checkout holds an original: Stripe's 30-minute minimum plus slack for clock skew. */
export const RESERVATION_MS = 31 * 60 * 1000;
/** Stripe refuses an `expires_at` closer than this to its own now. */
const STRIPE_MIN_EXPIRY_MS = 30 * 60 * 1000;
/** How far ahead Stripe's clock is assumed to be when it refuses our expiry without a usable `Date` header. */
const SKEW_ALLOWANCE_MS = 15 * 60 * 1000;

/** Who buys: a signed-in user, or a guest known only by email. */
export type Buyer = { userId: string; email: string } | { userId?: null; email: string };

/** Whether an artwork can be bought now, and why not; reservations past their end count as released. */
export function availability(
  w: {
    status: string;
    edition_type: 'original' | 'edition';
    edition_size: number | null;
    editions_sold: number;
    reserved_until: Date | null;
  },
  now: Date,
): { state: 'available' | 'reserved' | 'sold' | 'unavailable'; reservedUntil: Date | null } {
  if (w.status === 'sold') return { state: 'sold', reservedUntil: null };
  if (w.edition_type === 'edition' && w.edition_size != null && w.editions_sold >= w.edition_size) {
    return { state: 'sold', reservedUntil: null };
  }
  if (w.status === 'reserved' && w.reserved_until && w.reserved_until > now) {
    return { state: 'reserved', reservedUntil: w.reserved_until };
  }
  if (w.status === 'published' || w.status === 'reserved') return { state: 'available', reservedUntil: null };
  return { state: 'unavailable', reservedUntil: null };
}

function artworkOf(order: Order): { artworkId: string; platformFee: number } {
  const artworkId = order.metadata.artwork_id;
  const platformFee = Number(order.metadata.platform_fee);
  if (typeof artworkId !== 'string' || !Number.isSafeInteger(platformFee)) {
    throw new Error(`artwork order ${order.id} lacks artwork_id/platform_fee metadata`);
  }
  return { artworkId, platformFee };
}

/** Plugs artworks into commerce: destination charge with the platform fee, a 30-minute hold, sale on payment. */
export function artworkOffering(clock: Clock = systemClock): OfferingHooks {
  return {
    async connect(db, order) {
      const { platformFee } = artworkOf(order);
      const p = await db
        .selectFrom('artist_profiles')
        .select('stripe_account_id')
        .where('account_id', '=', order.accountId)
        .executeTakeFirst();
      if (!p?.stripe_account_id) throw new AppError('invalid_state', 'This artist cannot receive payments yet');
      return { destination: p.stripe_account_id, applicationFeeAmount: platformFee };
    },
    // Fixed when the order was made (and moved once if Stripe's clock runs ahead, see openArtworkSession).
    expiresAt: (order) =>
      typeof order.metadata.expires_at === 'string'
        ? new Date(order.metadata.expires_at)
        : new Date(clock.now().getTime() + RESERVATION_MS),
    shippingCountries: () => [...DEFAULT_SHIPPING_COUNTRIES],
    async onPaid(db, order, ctx) {
      await recordArtworkSale(db, order, ctx.payment, ctx.actor);
    },
    async onExpired(db, order) {
      const { artworkId } = artworkOf(order);
      // Only this order's own hold is released; a newer reservation by someone else stays.
      await db
        .updateTable('artworks')
        .set({ status: 'published', reserved_order_id: null, reserved_until: null, updated_at: clock.now() })
        .where('id', '=', artworkId)
        .where('reserved_order_id', '=', order.id)
        .where('status', '=', 'reserved')
        .execute();
    },
    async onRefunded(db, order, amount, ctx) {
      await recordSaleRefund(db, order, amount, ctx.destinationBalance, clock);
    },
  };
}

/** An artwork order just reserved: what the caller needs to open its payment and to audit the start. */
export interface ReservedArtwork {
  order: Order;
  artwork: { id: string; original: boolean; now: Date };
  audit: { actor: { kind: string; userId: string | null }; accountId: string; after: Record<string, unknown> };
}

/**
 * With the artwork row locked: check it can be bought, create the pending order and (for an original) take the
 * hold, so concurrent buyers queue on the lock and only one gets it. Shared by web checkout and agents (ACP).
 */
export async function reserveArtworkOrder(
  tx: DB,
  clock: Clock,
  input: {
    artworkId: string;
    buyer: Buyer;
    metadata?: Record<string, string>;
    /** Who started it when not the buyer themselves (an agent platform), and through which channel. */
    actor?: { kind: string; userId: null };
    channel?: { kind: OrderChannel; agentPlatformId: string | null };
  },
): Promise<ReservedArtwork> {
  const w = await tx
    .selectFrom('artworks as w')
    .innerJoin('accounts as acc', 'acc.id', 'w.account_id')
    .select([
      'w.id',
      'w.account_id',
      'w.title',
      'w.status',
      'w.price_amount',
      'w.shipping_amount',
      'w.currency',
      'w.edition_type',
      'w.edition_size',
      'w.editions_sold',
      'w.reserved_until',
      'w.reserved_order_id',
      'acc.name as artist_name',
      'acc.suspended_at',
    ])
    .where('w.id', '=', input.artworkId)
    .forUpdate('w')
    .executeTakeFirst();
  if (!w || w.suspended_at) throw notFound('Artwork');
  const now = clock.now();
  const state = availability(w, now);
  if (state.state === 'unavailable') throw notFound('Artwork');
  if (state.state === 'sold') {
    throw new AppError('conflict', 'This artwork has already been sold', { reason: 'artwork_sold' });
  }
  if (state.state === 'reserved') {
    throw new AppError('conflict', 'Someone is buying this artwork right now; try again later', {
      reason: 'artwork_reserved',
      reservedUntil: state.reservedUntil?.toISOString() ?? null,
    });
  }
  if (input.buyer.userId) {
    const member = await tx
      .selectFrom('memberships')
      .select('user_id')
      .where('account_id', '=', w.account_id)
      .where('user_id', '=', input.buyer.userId)
      .executeTakeFirst();
    if (member) throw new AppError('forbidden', "You can't buy your own artwork");
  }
  const price = Number(w.price_amount);
  const shipping = Number(w.shipping_amount);
  const feeBps = await feeBpsFor(tx, w.account_id);
  // The fee is taken from the price only; shipping goes entirely to the artist, who ships.
  const { fee } = splitFee(price, feeBps);
  const expiresAt = new Date(now.getTime() + RESERVATION_MS);
  const actor = input.actor ?? { kind: input.buyer.userId ? 'user' : 'guest', userId: input.buyer.userId ?? null };
  const order = await createOrder(
    tx,
    {
      accountId: w.account_id,
      buyerUserId: input.buyer.userId ?? null,
      buyerEmail: input.buyer.email,
      offeringType: 'artwork',
      currency: w.currency.trim().toLowerCase(),
      items: [{ name: `${w.title} by ${w.artist_name}`, unitAmount: price, quantity: 1 }],
      shipping,
      channel: input.channel?.kind,
      agentPlatformId: input.channel?.agentPlatformId,
      metadata: {
        ...input.metadata,
        artwork_id: w.id,
        fee_bps: feeBps,
        platform_fee: fee,
        expires_at: expiresAt.toISOString(),
      },
    },
    actor,
  );
  if (w.edition_type === 'original') {
    // Held from now on; step 3 moves the end to when the session stops being payable.
    await tx
      .updateTable('artworks')
      .set({ status: 'reserved', reserved_order_id: order.id, reserved_until: expiresAt, updated_at: now })
      .where('id', '=', w.id)
      .execute();
  }
  return {
    order,
    artwork: { id: w.id, original: w.edition_type === 'original', now },
    audit: {
      actor,
      accountId: w.account_id,
      after: { orderId: order.id, price, shipping, platformFee: fee, feeBps },
    },
  };
}

/** Removes a pending order that was never paid and releases its hold, as if it had never started. */
export async function releaseArtworkOrder(tx: DB, reserved: Pick<ReservedArtwork, 'order' | 'artwork'>) {
  await tx
    .updateTable('artworks')
    .set({ status: 'published', reserved_order_id: null, reserved_until: null, updated_at: reserved.artwork.now })
    .where('id', '=', reserved.artwork.id)
    .where('reserved_order_id', '=', reserved.order.id)
    .where('status', '=', 'reserved')
    .execute();
  await tx
    .deleteFrom('orders')
    .where('id', '=', reserved.order.id)
    .where('status', '=', 'pending')
    .where('stripe_checkout_session_id', 'is', null)
    .where('stripe_payment_intent_id', 'is', null)
    .execute();
}

/**
 * Reserves an artwork for one buyer and opens Stripe Checkout for it, in three steps so no transaction is open
 * while Stripe is called: (1) reserveArtworkOrder; (2) create the session, keyed on the
 * order; (3) record the hold's end from the session. A failed Stripe call removes the order and releases the hold.
 */
export async function startArtworkCheckout(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  clock: Clock,
  input: { artworkId: string; buyer: Buyer; channel?: { kind: OrderChannel; agentPlatformId: string | null } },
  urls: (orderId: string) => CheckoutUrls,
): Promise<{ checkoutUrl: string; orderId: string; sessionId: string }> {
  const reserved = await withService(db, (tx) => reserveArtworkOrder(tx, clock, input));
  const { order, artwork, audit } = reserved;
  let opened: Awaited<ReturnType<typeof openArtworkSession>>;
  try {
    opened = await openArtworkSession(db, stripe, hooks, clock, order, urls(order.id));
  } catch (err) {
    // Nothing was sold: the order goes and the hold with it, as if the checkout had never started.
    await withService(db, (tx) => releaseArtworkOrder(tx, reserved));
    throw err;
  }
  const { checkoutUrl, sessionId, session } = opened;
  await withService(db, async (tx) => {
    if (artwork.original) {
      // Held for as long as the session can be paid, counted on our clock whichever way Stripe's clock is off.
      const reservedUntil = new Date(clock.now().getTime() + (session.expires_at - session.created) * 1000);
      await tx
        .updateTable('artworks')
        .set({ reserved_until: reservedUntil })
        .where('id', '=', artwork.id)
        .where('reserved_order_id', '=', order.id)
        .execute();
    }
    await recordAudit(tx, audit.actor, {
      accountId: audit.accountId,
      action: 'artwork.checkout_started',
      entityType: 'artwork',
      entityId: artwork.id,
      after: audit.after,
    });
  });
  return { checkoutUrl, orderId: order.id, sessionId };
}

/** Any Stripe failure reaches the buyer as 502 `upstream_error`, never as an unexplained 500. */
export function upstream(err: unknown): unknown {
  if (!(err instanceof Stripe.errors.StripeError)) return err;
  return new AppError('upstream_error', `Payment provider error: ${err.message}`, {
    stripeRequestId: err.requestId ?? null,
  });
}

/**
 * Opens Checkout for a new artwork order. Stripe checks `expires_at` against its own clock, so when it refuses our
 * expiry (its clock runs ahead of ours) we ask once more with the expiry counted from Stripe's now.
 */
async function openArtworkSession(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  clock: Clock,
  order: Order,
  urls: CheckoutUrls,
) {
  try {
    return await createCheckout(db, stripe, hooks, order.id, urls);
  } catch (err) {
    if (!(err instanceof Stripe.errors.StripeInvalidRequestError) || err.param !== 'expires_at') throw upstream(err);
    const asked = Date.parse(String(order.metadata.expires_at));
    const header = Date.parse(err.headers?.date ?? '');
    // Trust Stripe's Date header only when it explains the refusal; else assume a skew it did not reveal.
    const stripeNow = header + STRIPE_MIN_EXPIRY_MS > asked ? header : clock.now().getTime() + SKEW_ALLOWANCE_MS;
    const expiresAt = new Date(Math.floor((stripeNow + RESERVATION_MS) / 1000) * 1000).toISOString();
    await withService(db, (tx) =>
      tx
        .updateTable('orders')
        .set({ metadata: JSON.stringify({ ...order.metadata, expires_at: expiresAt }) })
        .where('id', '=', order.id)
        .execute(),
    );
    try {
      return await createCheckout(db, stripe, hooks, order.id, urls, { attempt: 2 });
    } catch (again) {
      throw upstream(again);
    }
  }
}
