import { sql } from 'kysely';
import type Stripe from 'stripe';
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

function idOf(v: string | { id: string } | null | undefined): string | null {
  return typeof v === 'string' ? v : (v?.id ?? null);
}

// Finds our order for a charge or refund: by stored PaymentIntent, else by the order id we put in PI metadata
// (a refund can arrive before we recorded the payment).
async function orderForPayment(
  db: DB,
  stripe: Stripe,
  obj: { payment_intent?: unknown; metadata?: Stripe.Metadata | null },
) {
  const piId = idOf(obj.payment_intent as string | { id: string } | null);
  if (piId) {
    const row = await db
      .selectFrom('orders')
      .select('id')
      .where('stripe_payment_intent_id', '=', piId)
      .executeTakeFirst();
    if (row) return row.id;
  }
  let orderId = obj.metadata?.order_id;
  if (!orderId && piId) orderId = (await stripe.paymentIntents.retrieve(piId)).metadata?.order_id;
  if (!orderId) return null;
  return (await findOrder(db, orderId))?.id ?? null;
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

async function dispatch(
  tx: DB,
  stripe: Stripe,
  event: Stripe.Event,
  actor: Actor,
  publicUrl: string,
): Promise<{ status: Exclude<EventOutcome, 'duplicate'>; orderId: string | null }> {
  const opts = { stripeEventId: event.id, publicUrl };
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.expired': {
      const session = event.data.object;
      if (!session.metadata?.order_id) return { status: 'ignored', orderId: null };
      const r = await completeCheckoutSession(tx, stripe, session.id, actor, opts);
      return { status: r.orderId ? 'processed' : 'ignored', orderId: r.orderId };
    }
    case 'checkout.session.async_payment_failed': {
      const orderId = event.data.object.metadata?.order_id;
      const order = orderId ? await findOrder(tx, orderId, { lock: true }) : null;
      if (!order || order.stripeCheckoutSessionId !== event.data.object.id) return { status: 'ignored', orderId: null };
      const session = await stripe.checkout.sessions.retrieve(event.data.object.id);
      if (session.payment_status !== 'paid') await failOrderPayment(tx, order.id, actor, event.id);
      return { status: 'processed', orderId: order.id };
    }
    default:
      break;
  }
  const custom = eventHandlers.get(event.type);
  if (custom) return { status: await custom(tx, stripe, event, actor), orderId: null };
  if (refundTypes.has(event.type)) {
    const obj = event.data.object as { payment_intent?: unknown; metadata?: Stripe.Metadata | null };
    const orderId = await orderForPayment(tx, stripe, obj);
    if (!orderId) return { status: 'ignored', orderId: null };
    const r = await syncOrderRefunds(tx, stripe, orderId, actor, { stripeEventId: event.id });
    return { status: r.parked ? 'parked' : 'processed', orderId };
  }
  return { status: 'ignored', orderId: null };
}

/**
 * Applies one verified event through the inbox, all in one transaction: a repeated id is a no-op, a handler
 * error rolls everything back (the caller answers 500 so Stripe retries) and leaves a `failed` row to retry.
 */
export async function processStripeEvent(
  db: DB,
  stripe: Stripe,
  event: Stripe.Event,
  ctx: { actor?: Actor; publicUrl?: string } = {},
): Promise<EventOutcome> {
  const actor = ctx.actor ?? { kind: 'webhook' };
  try {
    return await withService(db, async (tx) => {
      const inserted = await tx
        .insertInto('stripe_events')
        .values({ id: event.id, type: event.type, account: event.account ?? null, payload: JSON.stringify(event) })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({ status: 'received', error: null }).where('stripe_events.status', '=', 'failed'),
        )
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return 'duplicate';
      const r = await dispatch(tx, stripe, event, actor, ctx.publicUrl ?? '');
      await tx
        .updateTable('stripe_events')
        .set({ status: r.status, order_id: r.orderId, processed_at: sql<Date>`now()` })
        .where('id', '=', event.id)
        .execute();
      return r.status;
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
