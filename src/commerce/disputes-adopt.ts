import { sql } from 'kysely';
import type Stripe from 'stripe';
import type { Actor } from '../audit/index.ts';
import { inOneRoundTrip } from '../db/statement-batch.ts';
import { type DisputeContext, disputeLock, upsertDispute } from './disputes.ts';
import type { OrderListener } from './order-listeners.ts';
import { storedEvent } from './stored-event.ts';

/**
 * The order listener that applies dispute events which came before the payment was recorded (a dispute test card
 * disputes in the same request as the payment, and webhooks arrive in any order): the inbox stored them as ignored,
 * since no order had their PaymentIntent yet. Both sides take the PaymentIntent's dispute lock, so either the event
 * sees the paid order or the payment sees the ignored event.
 */
export function adoptEarlyDisputes(ctx: DisputeContext): OrderListener {
  return async (tx, order, change) => {
    const pi = order.stripePaymentIntentId;
    if (change.kind !== 'paid' || !pi) return;
    // The lock and the read in one round trip; the pattern a literal, so the prepared read keeps one plan.
    const rows = await inOneRoundTrip(tx, [
      disputeLock(pi),
      tx
        .selectFrom('stripe_events')
        .select(['id', 'payload'])
        .where('type', 'like', sql.lit('charge.dispute.%'))
        .where(sql<string>`(payload -> 'data' -> 'object' ->> 'payment_intent')`, '=', pi)
        .where('status', '=', 'ignored')
        .where('account', 'is', null)
        .forUpdate(),
    ]);
    if (!rows.length) return;
    const events = rows
      .map((r) => ({ id: r.id, event: storedEvent(r.payload) }))
      .filter((e): e is { id: string; event: Stripe.Event } => Boolean(e.event))
      .sort((a, b) => a.event.created - b.event.created);
    const actor: Actor = { kind: 'webhook' };
    for (const { event } of events) {
      await upsertDispute(tx, order, event.data.object as Stripe.Dispute, event.created, actor, ctx);
    }
    await tx
      .updateTable('stripe_events')
      .set({ status: 'processed', order_id: order.id, reason: null, processed_at: sql<Date>`now()` })
      .where(
        'id',
        'in',
        events.map((e) => e.id),
      )
      .execute();
  };
}
