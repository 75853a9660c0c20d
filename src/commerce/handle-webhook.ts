import { sql } from 'kysely';
import Stripe from 'stripe';
import type { Actor } from '../audit/service.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { AppError } from '../errors.ts';
import { completeCheckoutSession, failOrderPayment } from './complete-checkout.ts';
import { findOrder } from './orders.ts';
import { syncOrderRefunds } from './sync-refunds.ts';
import type { StripeEventStatus } from './tables.ts';

/** What happened to one delivered event. */
export type EventOutcome = 'duplicate' | Exclude<StripeEventStatus, 'received' | 'failed'>;

/** Verifies a webhook body against every configured secret (rotation); a bad signature is a 400, never a 500. */
export function verifyStripeEvent(
  stripe: Stripe,
  raw: string,
  signature: string | undefined,
  secrets: string[],
): Stripe.Event {
  if (!signature) throw new AppError('bad_request', 'Missing Stripe-Signature header');
  for (const secret of secrets) {
    try {
      return stripe.webhooks.constructEvent(raw, signature, secret);
    } catch {
      // Try the next secret; only all failing is an error.
    }
  }
  throw new AppError('bad_request', 'Invalid Stripe signature');
}

const refundTypes = new Set(['charge.refunded', 'refund.created', 'refund.updated', 'charge.refund.updated']);
const sessionTypes = new Set([
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.expired',
  'checkout.session.async_payment_failed',
]);

function idOf(v: string | { id: string } | null | undefined): string | null {
  return typeof v === 'string' ? v : (v?.id ?? null);
}

// Stripe's 404 for an id it does not know on this account: the object is not ours, retrying cannot help.
function isMissingOnStripe(err: unknown): boolean {
  return (
    err instanceof Stripe.errors.StripeInvalidRequestError &&
    (err.statusCode === 404 || err.code === 'resource_missing')
  );
}

/** What dispatch decided: an ignored event always says why. */
type Dispatched =
  | { status: 'processed' | 'parked'; orderId: string | null; reason?: undefined }
  | { status: 'ignored'; orderId: null; reason: string };

const ignore = (reason: string): Dispatched => ({ status: 'ignored', orderId: null, reason });

// Finds our order for a charge or refund: by stored PaymentIntent, else by the order id we put in PI metadata
// (a refund can arrive before we recorded the payment). A string is the reason it is not ours.
async function orderForPayment(
  db: DB,
  stripe: Stripe,
  obj: { id?: string; payment_intent?: unknown; metadata?: Stripe.Metadata | null },
): Promise<{ orderId: string } | string> {
  const piId = idOf(obj.payment_intent as string | { id: string } | null);
  if (piId) {
    const row = await db
      .selectFrom('orders')
      .select('id')
      .where('stripe_payment_intent_id', '=', piId)
      .executeTakeFirst();
    if (row) return { orderId: row.id };
  }
  let orderId = obj.metadata?.order_id;
  if (!orderId && piId) {
    try {
      orderId = (await stripe.paymentIntents.retrieve(piId)).metadata?.order_id;
    } catch (err) {
      if (isMissingOnStripe(err)) return `payment intent ${piId} does not exist on this Stripe account`;
      throw err;
    }
  }
  if (!orderId)
    return `${piId ? `payment intent ${piId}` : `${obj.id ?? 'object'} (no payment intent)`} has no Gallerist order`;
  const order = await findOrder(db, orderId);
  if (!order) return `no order ${orderId}`;
  // Our order paid through another PaymentIntent: this one is someone else's with a copied order id.
  if (piId && order.stripePaymentIntentId && order.stripePaymentIntentId !== piId) {
    return `order ${order.id} was paid with ${order.stripePaymentIntentId}, not ${piId}`;
  }
  return { orderId: order.id };
}

/** A handler another domain registers for a Stripe event type (e.g. Connect `account.updated`). */
export type StripeEventHandler = (
  tx: DB,
  stripe: Stripe,
  event: Stripe.Event,
  actor: Actor,
) => Promise<'processed' | 'ignored'>;

const eventHandlers = new Map<string, StripeEventHandler>();

/** Lets a domain handle a Stripe event type through the same inbox: exactly once, in the event's transaction. */
export function registerStripeEventHandler(type: string, handler: StripeEventHandler): void {
  eventHandlers.set(type, handler);
}

// Checkout events: only a session one of our orders opened counts; anything else is acknowledged and ignored.
async function dispatchSession(
  tx: DB,
  stripe: Stripe,
  event: Stripe.Event,
  actor: Actor,
  publicUrl: string,
): Promise<Dispatched> {
  const session = event.data.object as Stripe.Checkout.Session;
  const orderId = session.metadata?.order_id;
  if (!orderId) return ignore(`checkout session ${session.id} has no order_id metadata`);
  const order = await findOrder(tx, orderId, { lock: event.type === 'checkout.session.async_payment_failed' });
  if (!order) return ignore(`no order ${orderId} for checkout session ${session.id}`);
  if (order.stripeCheckoutSessionId && order.stripeCheckoutSessionId !== session.id) {
    return ignore(`order ${order.id} belongs to checkout session ${order.stripeCheckoutSessionId}, not ${session.id}`);
  }
  if (!order.stripeCheckoutSessionId && event.type === 'checkout.session.async_payment_failed') {
    return ignore(`order ${order.id} has no checkout session yet`);
  }
  if (!order.stripeCheckoutSessionId) {
    // We never stored a session for this order, so make sure Stripe knows this one before settling from it.
    try {
      await stripe.checkout.sessions.retrieve(session.id);
    } catch (err) {
      if (isMissingOnStripe(err)) return ignore(`checkout session ${session.id} does not exist on this Stripe account`);
      throw err;
    }
  }
  if (event.type === 'checkout.session.async_payment_failed') {
    const current = await stripe.checkout.sessions.retrieve(session.id);
    if (current.payment_status !== 'paid') await failOrderPayment(tx, order.id, actor, event.id);
    return { status: 'processed', orderId: order.id };
  }
  const r = await completeCheckoutSession(tx, stripe, session.id, actor, { stripeEventId: event.id, publicUrl });
  if (!r.orderId) return ignore(`checkout session ${session.id} is not linked to a Gallerist order`);
  return { status: 'processed', orderId: r.orderId };
}

async function dispatch(
  tx: DB,
  stripe: Stripe,
  event: Stripe.Event,
  actor: Actor,
  publicUrl: string,
): Promise<Dispatched> {
  const commerce = sessionTypes.has(event.type) || refundTypes.has(event.type);
  // Our checkouts and refunds live on the platform account; a connected account's own are not Gallerist orders.
  if (commerce && event.account) return ignore(`${event.type} from connected account ${event.account}`);
  if (sessionTypes.has(event.type)) return dispatchSession(tx, stripe, event, actor, publicUrl);
  const custom = eventHandlers.get(event.type);
  if (custom) {
    if ((await custom(tx, stripe, event, actor)) === 'processed') return { status: 'processed', orderId: null };
    const obj = event.data.object as { id?: string };
    return ignore(`${event.type} ${obj.id ?? ''}: no matching record of ours, or older than the stored state`);
  }
  if (refundTypes.has(event.type)) {
    const obj = event.data.object as { id?: string; payment_intent?: unknown; metadata?: Stripe.Metadata | null };
    const found = await orderForPayment(tx, stripe, obj);
    if (typeof found === 'string') return ignore(found);
    const r = await syncOrderRefunds(tx, stripe, found.orderId, actor, { stripeEventId: event.id });
    return { status: r.parked ? 'parked' : 'processed', orderId: found.orderId };
  }
  return ignore(`unhandled event type ${event.type}`);
}

/** An event's outcome, and for an ignored one why it is not ours. */
export interface EventResult {
  outcome: EventOutcome;
  reason: string | null;
}

/**
 * Applies one verified event through the inbox, all in one transaction: a repeated id is a no-op, an event about
 * objects that are not ours is stored `ignored` with the reason, and a handler error rolls everything back (the
 * caller answers 500 so Stripe retries) and leaves a `failed` row to retry.
 */
export async function applyStripeEvent(
  db: DB,
  stripe: Stripe,
  event: Stripe.Event,
  ctx: { actor?: Actor; publicUrl?: string } = {},
): Promise<EventResult> {
  const actor = ctx.actor ?? { kind: 'webhook' };
  try {
    return await withService(db, async (tx) => {
      const inserted = await tx
        .insertInto('stripe_events')
        .values({ id: event.id, type: event.type, account: event.account ?? null, payload: JSON.stringify(event) })
        .onConflict((oc) =>
          oc
            .column('id')
            .doUpdateSet({ status: 'received', error: null, reason: null })
            .where('stripe_events.status', '=', 'failed'),
        )
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return { outcome: 'duplicate', reason: null };
      const r = await dispatch(tx, stripe, event, actor, ctx.publicUrl ?? '');
      const reason = r.reason?.slice(0, 1000) ?? null;
      await tx
        .updateTable('stripe_events')
        .set({ status: r.status, order_id: r.orderId, reason, processed_at: sql<Date>`now()` })
        .where('id', '=', event.id)
        .execute();
      return { outcome: r.status, reason };
    });
  } catch (err) {
    // Best effort: the failure is visible to operators; the next delivery or reconcile retries it.
    await withService(db, (tx) =>
      tx
        .insertInto('stripe_events')
        .values({
          id: event.id,
          type: event.type,
          account: event.account ?? null,
          payload: JSON.stringify(event),
          status: 'failed',
          error: String((err as Error)?.message ?? err).slice(0, 1000),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute(),
    ).catch(() => {});
    throw err;
  }
}

/** `applyStripeEvent` for callers that only need the outcome. */
export async function processStripeEvent(
  db: DB,
  stripe: Stripe,
  event: Stripe.Event,
  ctx: { actor?: Actor; publicUrl?: string } = {},
): Promise<EventOutcome> {
  return (await applyStripeEvent(db, stripe, event, ctx)).outcome;
}
