import { type Compilable, type Selectable, sql } from 'kysely';
import Stripe from 'stripe';
import type { Actor } from '../audit/index.ts';
import { crashPoint } from '../crash-points.ts';
import { eachInOneRoundTrip } from '../db/statement-batch.ts';
import { atCommitAsService, serviceStatement, withService } from '../db/tenancy.ts';
import type { Database, DB } from '../db/types.ts';
import { AppError } from '../errors.ts';
import type { CommerceHooks } from '../modules.ts';
import {
  type FetchedIntent,
  type FetchedSession,
  failOrderPayment,
  fetchCheckoutSession,
  fetchPaymentIntent,
  type ParkedEvent,
  parkedEventsQuery,
  settleCheckoutSession,
  settlePaymentIntent,
} from './complete-checkout.ts';
import { isPaidStatus } from './order-status.ts';
import {
  findOrder,
  lockOrderWithItemsQuery,
  type Order,
  type OrderItem,
  orderWithItems,
  readOrderAsService,
  toOrder,
} from './orders.ts';
import { storedEvent } from './stored-event.ts';
import { applyOrderRefunds, type ChargeRefunds, fetchChargeRefunds, StaleStripeRead } from './sync-refunds.ts';
import type { StripeEventStatus } from './tables.ts';

// An inbox row in these states still has to be applied: stored by the webhook route, or its last attempt failed.
const pendingStatuses: StripeEventStatus[] = ['received', 'failed'];
export const isPending = (status: StripeEventStatus) => pendingStatuses.includes(status);

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

// A PaymentIntent paid without Checkout (an agent's delegated token) settles its order from these; for orders that
// went through Checkout the session events do, and these are ignored.
const intentTypes = new Set(['payment_intent.succeeded']);

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

/**
 * What dispatch needs from Stripe, read by `prefetch` before the event's transaction opens (no network call runs
 * inside it). Each field is undefined when it was not read; dispatch re-checks everything under its locks and
 * throws StaleStripeRead when it needs a read that was skipped, so the event is prefetched and applied again.
 */
interface Prefetched {
  /** The event's checkout session, expanded; null when Stripe does not know it. */
  session?: FetchedSession | null;
  /** For a charge or refund whose PaymentIntent no order stores and no metadata names: the PI's order id. */
  piOrder?: { orderId: string | null } | { missing: true };
  /** The event's PaymentIntent, expanded, for an order paid without Checkout. */
  intent?: FetchedIntent;
  /** The charge and refunds of the (then paid) order the event is about. */
  refunds?: { orderId: string; fetched: ChargeRefunds | null };
}

type PaymentObject = { id?: string; payment_intent?: unknown; metadata?: Stripe.Metadata | null };

// Session and PaymentIntent events on our own account name their order in metadata.
const namesOrder = (event: Pick<Stripe.Event, 'type' | 'account'>) =>
  !event.account && (sessionTypes.has(event.type) || intentTypes.has(event.type));

/**
 * The order an event's metadata names, for a session or PaymentIntent event; undefined for any other event. One
 * statement, in the caller's transaction or in one round trip of its own.
 */
async function namedOrder(db: DB, event: Stripe.Event): Promise<Order | null | undefined> {
  if (!namesOrder(event)) return undefined;
  const orderId = (event.data.object as { metadata?: Stripe.Metadata | null }).metadata?.order_id;
  return orderId ? readOrderAsService(db, orderId) : null;
}

// Reads Stripe for an event, each read guarded by a short unlocked look at our rows like dispatch's own checks.
// `known` is that look at the event's order when the caller already took it (the inbox job, in its read).
async function prefetch(
  db: DB,
  stripe: Stripe,
  event: Stripe.Event,
  known?: { order: Order | null },
): Promise<Prefetched> {
  // Its database reads are statements of their own; its Stripe reads must never hold a caller's transaction open.
  if (db.isTransaction) throw new Error('prefetch reads Stripe: it must not run inside a transaction');
  if (event.account) return {};
  const orderOf = async () => (known ? known.order : ((await namedOrder(db, event)) ?? null));
  if (sessionTypes.has(event.type)) {
    const session = event.data.object as Stripe.Checkout.Session;
    const order = await orderOf();
    if (!order || (order.stripeCheckoutSessionId && order.stripeCheckoutSessionId !== session.id)) return {};
    try {
      return { session: await fetchCheckoutSession(stripe, session.id) };
    } catch (err) {
      if (isMissingOnStripe(err) && !order.stripeCheckoutSessionId) return { session: null };
      throw err;
    }
  }
  if (intentTypes.has(event.type)) {
    const pi = event.data.object as Stripe.PaymentIntent;
    const order = await orderOf();
    if (!order || order.stripeCheckoutSessionId) return {};
    return { intent: await fetchPaymentIntent(stripe, pi.id) };
  }
  if (!refundTypes.has(event.type)) return {};
  const obj = event.data.object as PaymentObject;
  const piId = idOf(obj.payment_intent as string | { id: string } | null);
  const [stored] = piId
    ? await serviceStatement(db, db.selectFrom('orders').select('id').where('stripe_payment_intent_id', '=', piId))
    : [];
  const out: Prefetched = {};
  let orderId = stored?.id ?? obj.metadata?.order_id;
  if (!orderId && piId) {
    try {
      orderId = (await stripe.paymentIntents.retrieve(piId)).metadata?.order_id;
      out.piOrder = { orderId: orderId ?? null };
    } catch (err) {
      if (!isMissingOnStripe(err)) throw err;
      out.piOrder = { missing: true };
    }
  }
  const order = orderId ? await readOrderAsService(db, orderId) : null;
  if (order && isPaidStatus(order.status) && (!piId || order.stripePaymentIntentId === piId)) {
    out.refunds = { orderId: order.id, fetched: await fetchChargeRefunds(stripe, order) };
  }
  return out;
}

// Finds our order for a charge or refund: by stored PaymentIntent, else by the order id we put in PI metadata
// (a refund can arrive before we recorded the payment). A string is the reason it is not ours.
async function orderForPayment(db: DB, obj: PaymentObject, pre: Prefetched): Promise<{ orderId: string } | string> {
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
    if (!pre.piOrder) throw new StaleStripeRead(`payment intent ${piId} was not read`);
    if ('missing' in pre.piOrder) return `payment intent ${piId} does not exist on this Stripe account`;
    orderId = pre.piOrder.orderId ?? undefined;
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

/**
 * A handler a domain module contributes for a Stripe event type (e.g. Connect `account.updated`). It runs through
 * the same inbox, exactly once, in the event's transaction, so it gets no Stripe client: it works from the event.
 */
export type StripeEventHandler = (tx: DB, event: Stripe.Event, actor: Actor) => Promise<'processed' | 'ignored'>;

/**
 * The order a session event names, locked, with its lines and (for an event that may pay it) its parked refund
 * events, read after the lock in the same round trip.
 */
interface HeldOrder {
  orderId: string;
  found: { order: Order; items: OrderItem[] } | null;
  parked: ParkedEvent[] | undefined;
}

// Session events that may pay their order, and so settle the refunds parked on it.
const payingTypes = new Set(['checkout.session.completed', 'checkout.session.async_payment_succeeded']);

// Holds a session event's order (HeldOrder) in one round trip, after `mark` (the inbox row's lock) when given.
async function holdOrder(
  tx: DB,
  event: Stripe.Event,
  orderId: string,
  mark?: Compilable<{ id: string }> & { execute(): Promise<Array<{ id: string }>> },
): Promise<{ marked: Array<{ id: string }>; held: HeldOrder }> {
  const lock = lockOrderWithItemsQuery(tx, orderId);
  if (!lock) return { marked: mark ? await mark.execute() : [], held: { orderId, found: null, parked: undefined } };
  const parked = payingTypes.has(event.type) ? parkedEventsQuery(tx, orderId) : null;
  const answers: unknown[][] = await eachInOneRoundTrip(tx, [
    ...(mark ? [mark] : []),
    lock,
    ...(parked ? [parked] : []),
  ]);
  const marked = (mark ? answers.shift() : []) as Array<{ id: string }>;
  const [locked] = answers.shift() as Array<Parameters<typeof orderWithItems>[0]>;
  return {
    marked,
    held: { orderId, found: orderWithItems(locked), parked: parked ? (answers.shift() as ParkedEvent[]) : undefined },
  };
}

// The order id a session event of our own account names, which its dispatch locks first.
function sessionOrderId(event: Stripe.Event): string | undefined {
  if (event.account || !sessionTypes.has(event.type)) return undefined;
  return (event.data.object as Stripe.Checkout.Session).metadata?.order_id ?? undefined;
}

// Checkout events: only a session one of our orders opened counts; anything else is acknowledged and ignored.
async function dispatchSession(
  tx: DB,
  hooks: CommerceHooks,
  event: Stripe.Event,
  pre: Prefetched,
  actor: Actor,
  publicUrl: string,
  given: HeldOrder | undefined,
): Promise<Dispatched> {
  const session = event.data.object as Stripe.Checkout.Session;
  const orderId = session.metadata?.order_id;
  if (!orderId) return ignore(`checkout session ${session.id} has no order_id metadata`);
  // Locked now (or with the inbox row, `given`): every session event goes on to change this order under its lock
  // (settle or fail it). Its lines come in the same statement, for the settlement.
  const { found, parked } = given?.orderId === orderId ? given : (await holdOrder(tx, event, orderId)).held;
  if (!found) return ignore(`no order ${orderId} for checkout session ${session.id}`);
  const { order, items } = found;
  if (order.stripeCheckoutSessionId && order.stripeCheckoutSessionId !== session.id) {
    return ignore(`order ${order.id} belongs to checkout session ${order.stripeCheckoutSessionId}, not ${session.id}`);
  }
  if (!order.stripeCheckoutSessionId && event.type === 'checkout.session.async_payment_failed') {
    return ignore(`order ${order.id} has no checkout session yet`);
  }
  // The session as Stripe has it now, read before this transaction: for a session we never stored, that read is
  // also the check that Stripe knows it before we settle from it.
  if (pre.session === undefined) throw new StaleStripeRead(`checkout session ${session.id} was not read`);
  if (pre.session === null) {
    if (order.stripeCheckoutSessionId) throw new StaleStripeRead(`checkout session ${session.id} was stored meanwhile`);
    return ignore(`checkout session ${session.id} does not exist on this Stripe account`);
  }
  if (event.type === 'checkout.session.async_payment_failed') {
    if (pre.session.session.payment_status !== 'paid') await failOrderPayment(tx, hooks, order.id, actor, event.id);
    return { status: 'processed', orderId: order.id };
  }
  const r = await settleCheckoutSession(tx, hooks, pre.session, actor, {
    stripeEventId: event.id,
    publicUrl,
    locked: order,
    lockedItems: items,
    lockedParked: parked,
  });
  if (!r.orderId) return ignore(`checkout session ${session.id} is not linked to a Gallerist order`);
  return { status: 'processed', orderId: r.orderId };
}

// A PaymentIntent event settles only an order paid without Checkout that names it; anything else is ignored.
async function dispatchIntent(
  tx: DB,
  hooks: CommerceHooks,
  event: Stripe.Event,
  pre: Prefetched,
  actor: Actor,
  publicUrl: string,
): Promise<Dispatched> {
  const pi = event.data.object as Stripe.PaymentIntent;
  const orderId = pi.metadata?.order_id;
  if (!orderId) return ignore(`payment intent ${pi.id} has no order_id metadata`);
  const order = await findOrder(tx, orderId);
  if (!order) return ignore(`no order ${orderId} for payment intent ${pi.id}`);
  if (order.stripeCheckoutSessionId) return ignore(`order ${order.id} is paid through Checkout, not ${pi.id}`);
  if (!pre.intent) throw new StaleStripeRead(`payment intent ${pi.id} was not read`);
  const r = await settlePaymentIntent(tx, hooks, pre.intent, actor, { stripeEventId: event.id, publicUrl });
  if (!r.orderId) return ignore(`payment intent ${pi.id} is not the payment of order ${order.id}`);
  return { status: 'processed', orderId: r.orderId };
}

async function dispatch(
  tx: DB,
  hooks: CommerceHooks,
  event: Stripe.Event,
  pre: Prefetched,
  actor: Actor,
  publicUrl: string,
  held?: HeldOrder,
): Promise<Dispatched> {
  const commerce = sessionTypes.has(event.type) || refundTypes.has(event.type) || intentTypes.has(event.type);
  // Our checkouts and refunds live on the platform account; a connected account's own are not Gallerist orders.
  if (commerce && event.account) return ignore(`${event.type} from connected account ${event.account}`);
  if (sessionTypes.has(event.type)) return dispatchSession(tx, hooks, event, pre, actor, publicUrl, held);
  if (intentTypes.has(event.type)) return dispatchIntent(tx, hooks, event, pre, actor, publicUrl);
  const custom = hooks.stripeEvents.get(event.type) ?? [];
  if (custom.length) {
    // Every module's handler sees the event; it counts as processed when any of them recognised it.
    let processed = false;
    for (const handle of custom) if ((await handle(tx, event, actor)) === 'processed') processed = true;
    if (processed) return { status: 'processed', orderId: null };
    const obj = event.data.object as { id?: string };
    return ignore(`${event.type} ${obj.id ?? ''}: no matching record of ours, or older than the stored state`);
  }
  if (refundTypes.has(event.type)) {
    const obj = event.data.object as { id?: string; payment_intent?: unknown; metadata?: Stripe.Metadata | null };
    const found = await orderForPayment(tx, obj, pre);
    if (typeof found === 'string') return ignore(found);
    const fetched = pre.refunds?.orderId === found.orderId ? pre.refunds.fetched : undefined;
    const r = await applyOrderRefunds(tx, hooks, found.orderId, fetched, actor, { stripeEventId: event.id });
    return { status: r.parked ? 'parked' : 'processed', orderId: found.orderId };
  }
  return ignore(`unhandled event type ${event.type}`);
}

/** An event's outcome, and for an ignored one why it is not ours. */
export interface EventResult {
  outcome: EventOutcome;
  reason: string | null;
}

// Dispatches an event whose inbox row the caller holds locked as still to apply, and records the outcome on it.
async function applyLocked(
  tx: DB,
  hooks: CommerceHooks,
  event: Stripe.Event,
  pre: Prefetched,
  actor: Actor,
  publicUrl: string,
  held?: HeldOrder,
) {
  const r = await dispatch(tx, hooks, event, pre, actor, publicUrl, held);
  crashPoint('webhook.before_fulfilment_commit');
  const reason = r.reason?.slice(0, 1000) ?? null;
  // The outcome travels with the commit: nothing in this transaction reads it back.
  await atCommitAsService(
    tx,
    tx
      .updateTable('stripe_events')
      .set({ status: r.status, order_id: r.orderId, reason, error: null, processed_at: sql<Date>`now()` })
      .where('id', '=', event.id),
  );
  return { outcome: r.status, reason };
}

// jsonb cannot hold U+0000: its escape becomes U+FFFD's, so such an event is stored rather than refused on every
// delivery. An escape is a `\u0000` after an even run of backslashes (after an odd one it is literal text).
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;

// An event as the inbox stores it.
export const inboxRow = (event: Stripe.Event) => {
  const json = JSON.stringify(event);
  return {
    id: event.id,
    type: event.type,
    account: event.account ?? null,
    payload: json.includes('\\u0000') ? json.replace(NUL_ESCAPE, '$1\\ufffd') : json,
  };
};

// Best effort: the failure is visible to operators; the next delivery or reconcile retries it.
async function recordFailure(db: DB, event: Stripe.Event, err: unknown): Promise<void> {
  await serviceStatement(
    db,
    db
      .insertInto('stripe_events')
      .values({ ...inboxRow(event), status: 'failed', error: String((err as Error)?.message ?? err).slice(0, 1000) })
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet((eb) => ({ status: 'failed', error: eb.ref('excluded.error') }))
          .where('stripe_events.status', 'in', pendingStatuses),
      ),
  ).catch(() => {});
}

// Whether applying the event may need a Stripe read first; `prefetch` returns nothing for any other.
export const needsPrefetch = (event: Pick<Stripe.Event, 'type' | 'account'>) =>
  !event.account && (sessionTypes.has(event.type) || intentTypes.has(event.type) || refundTypes.has(event.type));

/**
 * Applies one verified event through the inbox in two steps: what it needs from Stripe is read first, with no
 * transaction open (prefetch), then one short transaction records and dispatches it. A repeated id is a no-op, an
 * event about objects that are not ours is stored `ignored` with the reason, and a handler error rolls everything
 * back (the caller answers 500 so Stripe retries) and leaves a `failed` row to retry. When the locked state has
 * moved past what was read (StaleStripeRead), Stripe is read again and the event applied again.
 */
export async function applyStripeEvent(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  event: Stripe.Event,
  // `pending`: the caller has just read the inbox row as still to apply, so the first pre-check is skipped, and
  // `known` is the event's order it read then (prefetch's first look).
  ctx: { actor?: Actor; publicUrl?: string; pending?: boolean; known?: { order: Order | null } } = {},
): Promise<EventResult> {
  const actor = ctx.actor ?? { kind: 'webhook' };
  try {
    for (let attempt = 1; ; attempt++) {
      // A delivery already applied costs no Stripe call; the insert below stays the exactly-once guard.
      const [seen] =
        attempt === 1 && ctx.pending
          ? []
          : await serviceStatement(db, db.selectFrom('stripe_events').select('status').where('id', '=', event.id));
      if (seen && !isPending(seen.status)) return { outcome: 'duplicate', reason: null };
      const pre = await prefetch(db, stripe, event, attempt === 1 ? ctx.known : undefined);
      try {
        return await withService(db, async (tx) => {
          // Locks the row, so of two workers applying one event the second sees it applied and stops. An event
          // read from the inbox is there already: it is only locked, without sending its payload again, and with
          // the order its dispatch would lock next, in the same round trip.
          const mark = tx
            .updateTable('stripe_events')
            .set({ status: 'received', error: null, reason: null })
            .where('id', '=', event.id)
            .where('status', 'in', pendingStatuses)
            .returning('id');
          const orderId = ctx.pending ? sessionOrderId(event) : undefined;
          const hold = orderId ? await holdOrder(tx, event, orderId, mark) : undefined;
          const inserted = hold
            ? hold.marked[0]
            : ctx.pending
              ? await mark.executeTakeFirst()
              : await tx
                  .insertInto('stripe_events')
                  .values(inboxRow(event))
                  .onConflict((oc) =>
                    oc
                      .column('id')
                      .doUpdateSet({ status: 'received', error: null, reason: null })
                      .where('stripe_events.status', 'in', pendingStatuses),
                  )
                  .returning('id')
                  .executeTakeFirst();
          if (!inserted) return { outcome: 'duplicate' as const, reason: null };
          return applyLocked(tx, hooks, event, pre, actor, ctx.publicUrl ?? '', hold?.held);
        });
      } catch (err) {
        if (!(err instanceof StaleStripeRead) || attempt >= 3) throw err;
      }
    }
  } catch (err) {
    await recordFailure(db, event, err);
    throw err;
  }
}

/** `applyStripeEvent` for callers that only need the outcome. */
export async function processStripeEvent(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  event: Stripe.Event,
  ctx: { actor?: Actor; publicUrl?: string } = {},
): Promise<EventOutcome> {
  return (await applyStripeEvent(db, stripe, hooks, event, ctx)).outcome;
}

/** The job that applies one stored event; its payload is a `StripeEventJob`. */
export const STRIPE_EVENT_JOB = 'commerce.stripe_event';
/** `prefetch`: whether the event may need a Stripe read, known when it was stored (absent in older jobs). */
export type StripeEventJob = { eventId: string; prefetch?: boolean };
// With the runner's backoff (10 s doubling to 1 h) twelve attempts span about four hours; reconcile and a
// redelivery from Stripe's dashboard retry after that.
export const EVENT_JOB_ATTEMPTS = 12;

/**
 * The job behind `receiveStripeEvent`: applies the stored event unless something else (the success page's
 * settle, reconcile, another worker) already did. A failure throws, so the runner retries with backoff. An event
 * that needs nothing from Stripe is read, applied and recorded in one transaction under the row's lock; one that
 * does is read, then Stripe, then applied (applyStripeEvent), so no transaction stays open across the network.
 */
export async function applyInboxEvent(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  job: StripeEventJob,
  ctx: { actor?: Actor; publicUrl?: string } = {},
): Promise<EventResult | null> {
  const actor = ctx.actor ?? { kind: 'webhook' };
  const { eventId } = job;
  let read: Stripe.Event | null = null;
  let known: { order: Order | null } | undefined;
  if (job.prefetch) {
    // It will read Stripe between two transactions anyway: the event and the order its metadata names are read
    // in one statement of their own, no lock (applyStripeEvent's lock on the row is the exactly-once guard).
    const named = sql<string>`e.payload #>> '{data,object,metadata,order_id}'`;
    const [row] = await serviceStatement(
      db,
      db
        .selectFrom('stripe_events as e')
        .leftJoin('orders as o', (join) =>
          join.on(sql<boolean>`o.id = case when ${named} ~* '^[0-9a-f-]{36}$' then (${named})::uuid end`),
        )
        .selectAll('o')
        .select('e.payload')
        .where('e.id', '=', eventId)
        .where('e.status', 'in', pendingStatuses),
    );
    if (!row) return null;
    const event = storedEvent(row.payload);
    if (event && needsPrefetch(event)) {
      // namedOrder's answer from the join: undefined for events it does not look up, null for no such order.
      const { payload: _payload, ...order } = row;
      const known = namesOrder(event)
        ? { order: order.id ? toOrder(order as Selectable<Database['orders']>) : null }
        : undefined;
      return applyStripeEvent(db, stripe, hooks, event, { ...ctx, pending: true, known });
    }
  }
  try {
    const r = await withService(db, async (tx) => {
      const row = await tx
        .selectFrom('stripe_events')
        .select('payload')
        .where('id', '=', eventId)
        .where('status', 'in', pendingStatuses)
        // Held to commit when the event is applied here, so of two workers the second finds it applied.
        .forUpdate()
        .executeTakeFirst();
      read = row ? storedEvent(row.payload) : null;
      if (!read) return null;
      if (needsPrefetch(read)) {
        // Prefetch's look at the event's order, in this read rather than a transaction of its own.
        const order = await namedOrder(tx, read);
        if (order !== undefined) known = { order };
        return null;
      }
      return applyLocked(tx, hooks, read, {}, actor, ctx.publicUrl ?? '');
    });
    if (r || !read) return r;
  } catch (err) {
    if (read) await recordFailure(db, read, err);
    throw err;
  }
  return applyStripeEvent(db, stripe, hooks, read, { ...ctx, pending: true, known });
}
