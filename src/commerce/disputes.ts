import { type Selectable, sql } from 'kysely';
import type Stripe from 'stripe';
import { type Actor, recordAudit } from '../audit/index.ts';
import { inOneRoundTrip } from '../db/statement-batch.ts';
import type { Database, DB } from '../db/types.ts';
import type { CommerceHooks } from '../modules.ts';
import { queueDisputeMails } from './disputes-mail.ts';
import { notifyOrderChanged } from './order-listeners.ts';
import type { Order } from './orders.ts';
import { toOrder } from './orders.ts';

/** The Stripe events that carry a dispute; each one's object is the dispute as it stood when the event was made. */
export const DISPUTE_EVENT_TYPES = [
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
] as const;

/** Stripe's dispute statuses (`prevented` is newer API versions' pre-dispute resolution). */
export const DISPUTE_STATUSES = [
  'warning_needs_response',
  'warning_under_review',
  'warning_closed',
  'needs_response',
  'under_review',
  'won',
  'lost',
  'prevented',
] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

// How far along its life a status is: a dispute never moves back, so of two events made in the same second the one
// further along is the newer (Stripe's `created` has one-second resolution; a closing sends three events at once).
const RANK: Record<DisputeStatus, number> = {
  warning_needs_response: 0,
  needs_response: 0,
  warning_under_review: 1,
  under_review: 1,
  warning_closed: 2,
  won: 2,
  lost: 2,
  prevented: 2,
};

const CLOSED = new Set<DisputeStatus>(['warning_closed', 'won', 'lost', 'prevented']);

/** Whether a dispute is still being decided (the order shows as disputed, refunds wait). */
export function isOpenDispute(status: string): boolean {
  return !CLOSED.has(status as DisputeStatus);
}

/** How a closed dispute ended for the seller: lost means the money went back to the cardholder. */
export function disputeOutcome(status: string): 'open' | 'won' | 'lost' {
  if (status === 'lost') return 'lost';
  return isOpenDispute(status) ? 'open' : 'won';
}

function statusOf(s: string): DisputeStatus {
  return (DISPUTE_STATUSES as readonly string[]).includes(s) ? (s as DisputeStatus) : 'needs_response';
}

function idOf(v: string | { id: string } | null | undefined): string | null {
  return typeof v === 'string' ? v : (v?.id ?? null);
}

const seconds = (s: number | null | undefined) => (s ? new Date(s * 1000) : null);

export type DisputeRow = Selectable<Database['disputes']>;

/** What applying a dispute needs besides the transaction: links in mails, and the listeners told of a closing. */
export interface DisputeContext {
  publicUrl: string;
  hooks: CommerceHooks;
}

/** Serialises the dispute events of one PaymentIntent with its payment's adoption of early ones (disputes-adopt.ts). */
export const disputeLock = (paymentIntentId: string) =>
  sql`select pg_advisory_xact_lock(hashtext(${`gallerist:dispute:${paymentIntentId}`}))`;

// Our order for a disputed charge: by the PaymentIntent stored when it was paid, else by the charge. Read under the
// PaymentIntent's dispute lock, taken in the same round trip.
async function orderForDispute(tx: DB, piId: string | null, chargeId: string | null): Promise<Order | null> {
  if (!piId && !chargeId) return null;
  const read = tx
    .selectFrom('orders')
    .selectAll()
    .where((eb) =>
      eb.or([
        ...(piId ? [eb('stripe_payment_intent_id', '=', piId)] : []),
        ...(chargeId ? [eb('stripe_charge_id', '=', chargeId)] : []),
      ]),
    )
    .orderBy('paid_at', 'desc')
    .limit(1);
  const [row] = piId ? await inOneRoundTrip(tx, [disputeLock(piId), read]) : await read.execute();
  return row ? toOrder(row) : null;
}

/** What a dispute event did to our mirror; `stale` when the stored state is newer than the event. */
export type DisputeApplied = 'opened' | 'changed' | 'unchanged' | 'stale';

/**
 * Applies one `charge.dispute.*` event in the inbox's transaction: finds our order, then inserts or updates the
 * dispute row when the event is newer than what we stored, with an audit event and the transition's mails. Returns
 * null when the charge is not one of ours (yet: a dispute can arrive before the payment is recorded, and the
 * payment then adopts it).
 */
export async function applyDisputeEvent(
  tx: DB,
  event: Stripe.Event,
  actor: Actor,
  ctx: DisputeContext,
): Promise<DisputeApplied | null> {
  // Our charges live on the platform account (destination charges included); a connected account's are its own.
  if (event.account) return null;
  const d = event.data.object as Stripe.Dispute;
  if (d.object !== 'dispute' || !d.id) return null;
  const piId = idOf(d.payment_intent);
  const chargeId = idOf(d.charge);
  const order = await orderForDispute(tx, piId, chargeId);
  if (!order) return null;
  return upsertDispute(tx, order, d, event.created, actor, ctx);
}

/** Mirrors a dispute as one event reported it onto our row; older or repeated events change nothing. */
export async function upsertDispute(
  tx: DB,
  order: Order,
  d: Stripe.Dispute,
  eventCreated: number,
  actor: Actor,
  ctx: DisputeContext,
): Promise<DisputeApplied> {
  const status = statusOf(d.status);
  const rank = RANK[status];
  const at = new Date(eventCreated * 1000);
  const fields = {
    amount: d.amount,
    currency: d.currency.toLowerCase(),
    reason: d.reason ?? 'general',
    status,
    evidence_due_by: seconds(d.evidence_details?.due_by),
    is_charge_refundable: Boolean(d.is_charge_refundable),
    last_event_created: at,
    last_event_rank: rank,
  };
  const find = () =>
    tx.selectFrom('disputes').selectAll().where('stripe_dispute_id', '=', d.id).forUpdate().executeTakeFirst();
  let before = await find();
  if (!before) {
    const inserted = await tx
      .insertInto('disputes')
      .values({
        ...fields,
        stripe_dispute_id: d.id,
        order_id: order.id,
        account_id: order.accountId,
        stripe_charge_id: idOf(d.charge) ?? order.stripeChargeId ?? '',
        stripe_payment_intent_id: idOf(d.payment_intent),
        platform_liable: Boolean(order.destinationAccount),
        stripe_created_at: seconds(d.created) ?? at,
      })
      .onConflict((oc) => oc.column('stripe_dispute_id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) {
      await recordAudit(tx, actor, {
        accountId: order.accountId,
        action: 'order.dispute_opened',
        entityType: 'order',
        entityId: order.id,
        after: auditView(inserted),
      });
      await queueDisputeMails(tx, order, inserted, 'opened', ctx);
      // The first event we saw may already be the closing one (deliveries out of order): both mails, once each.
      if (!isOpenDispute(inserted.status)) await closed(tx, order, null, inserted, actor, ctx);
      return 'opened';
    }
    // Another transaction inserted it between our read and our insert: its row is locked and read now.
    before = await find();
    if (!before) throw new Error(`dispute ${d.id} vanished`);
  }
  const newer =
    at > before.last_event_created ||
    (at.getTime() === before.last_event_created.getTime() && rank >= before.last_event_rank);
  if (!newer) return 'stale';
  const changed =
    before.status !== fields.status ||
    Number(before.amount) !== fields.amount ||
    before.reason !== fields.reason ||
    before.is_charge_refundable !== fields.is_charge_refundable ||
    before.evidence_due_by?.getTime() !== fields.evidence_due_by?.getTime();
  const after = await tx
    .updateTable('disputes')
    .set({ ...fields, updated_at: sql<Date>`now()` })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (!changed) return 'unchanged';
  if (isOpenDispute(before.status) && !isOpenDispute(after.status)) {
    await closed(tx, order, before, after, actor, ctx);
  } else {
    await recordAudit(tx, actor, {
      accountId: order.accountId,
      action: 'order.dispute_updated',
      entityType: 'order',
      entityId: order.id,
      before: auditView(before),
      after: auditView(after),
    });
  }
  return 'changed';
}

async function closed(
  tx: DB,
  order: Order,
  before: DisputeRow | null,
  after: DisputeRow,
  actor: Actor,
  ctx: DisputeContext,
): Promise<void> {
  await recordAudit(tx, actor, {
    accountId: order.accountId,
    action: after.status === 'lost' ? 'order.dispute_lost' : 'order.dispute_won',
    entityType: 'order',
    entityId: order.id,
    ...(before ? { before: auditView(before) } : {}),
    after: auditView(after),
  });
  await queueDisputeMails(tx, order, after, 'closed', ctx);
  // Once per closing, whichever event or adoption closed it (a lost marketplace sale is recovered from the artist).
  await notifyOrderChanged(tx, ctx.hooks, order, {
    kind: 'dispute_closed',
    dispute: {
      id: after.id,
      stripeDisputeId: after.stripe_dispute_id,
      status: after.status,
      amount: Number(after.amount),
      currency: after.currency.trim(),
    },
  });
}

function auditView(r: DisputeRow) {
  return {
    dispute: r.stripe_dispute_id,
    status: r.status,
    reason: r.reason,
    amount: Number(r.amount),
    currency: r.currency.trim(),
    evidenceDueBy: r.evidence_due_by?.toISOString() ?? null,
  };
}
