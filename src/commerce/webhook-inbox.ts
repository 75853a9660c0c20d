import { sql } from 'kysely';
import type Stripe from 'stripe';
import { groupCommit } from '../db/group-commit.ts';
import { serviceStatement, withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { insertJob, jobsInsertFrom } from '../jobs/index.ts';
import {
  EVENT_JOB_ATTEMPTS,
  inboxRow,
  isPending,
  needsPrefetch,
  STRIPE_EVENT_JOB,
  type StripeEventJob,
} from './handle-webhook.ts';

export type Receipt = 'queued' | 'duplicate';

// Each event's job is unique by this key while it is live, here and in SQL.
const JOB_KEY_PREFIX = 'stripe-event:';
const jobKey = (eventId: string) => `${JOB_KEY_PREFIX}${eventId}`;
const jobPayload = (event: Stripe.Event): StripeEventJob => ({ eventId: event.id, prefetch: needsPrefetch(event) });

// New events and their jobs in one statement, each event with its job or neither. Its text is the same for any
// number of events, so it is planned once per connection (decision 041).
function storeStatement(events: readonly Stripe.Event[]) {
  const rows = events.map(inboxRow);
  const jobs = events.map((e) => JSON.stringify(jobPayload(e)));
  return sql<{ queued: string[] | null }>`
    with input as (
      select * from unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.type)}::text[],
        ${rows.map((r) => r.account)}::text[], ${rows.map((r) => r.payload)}::text[], ${jobs}::text[])
        as t(id, type, account, payload, job)),
    inserted as (
      insert into stripe_events (id, type, account, payload)
      select id, type, account, payload::jsonb from input
      on conflict (id) do nothing
      returning id),
    job as (${jobsInsertFrom(sql`inserted join input using (id)`, STRIPE_EVENT_JOB, {
      payload: sql`input.job::jsonb`,
      uniqueKey: sql`${JOB_KEY_PREFIX}::text || input.id`,
      maxAttempts: EVENT_JOB_ATTEMPTS,
    })})
    select array_agg(unique_key) as queued from job`;
}

/** Stores the events that are new with their jobs, in one round trip; returns the job keys it queued. */
async function storeNew(db: DB, events: readonly Stripe.Event[]): Promise<Set<string>> {
  const statement = storeStatement(events);
  const [row] = db.isTransaction ? (await statement.execute(db)).rows : await serviceStatement(db, statement);
  return new Set(row?.queued ?? []);
}

// Anything but a new event: a repeat is a duplicate, unless its earlier processing failed for good; then it is
// queued again (a live job for it, waiting out its backoff, is made due now).
async function receiveKnown(db: DB, event: Stripe.Event, now: Date): Promise<Receipt> {
  const uniqueKey = jobKey(event.id);
  return withService(db, async (tx) => {
    if ((await storeNew(tx, [event])).has(uniqueKey)) return 'queued';
    const row = await tx
      .selectFrom('stripe_events')
      .select('status')
      .where('id', '=', event.id)
      .forUpdate()
      .executeTakeFirst();
    if (!row || !isPending(row.status)) return 'duplicate';
    const job = await insertJob(tx, STRIPE_EVENT_JOB, jobPayload(event), {
      uniqueKey,
      maxAttempts: EVENT_JOB_ATTEMPTS,
    });
    await tx
      .updateTable('jobs')
      .set({ run_at: now })
      .where('id', '=', job.id)
      .where('status', '=', 'queued')
      .where('run_at', '>', now)
      .execute();
    return job.created ? 'queued' : 'duplicate';
  });
}

/**
 * Stores a verified event in the inbox and queues the job that applies it, in one short transaction and without
 * calling Stripe, so the webhook is acknowledged in milliseconds. A new event, the common case, is one round trip.
 */
export async function receiveStripeEvent(db: DB, event: Stripe.Event, now: Date): Promise<Receipt> {
  if (!db.isTransaction && (await storeNew(db, [event])).has(jobKey(event.id))) return 'queued';
  return receiveKnown(db, event, now);
}

/** The webhook route's inbox: receiveStripeEvent, with the deliveries that arrive together stored together. */
export type EventInbox = (event: Stripe.Event, now: Date) => Promise<Receipt>;

/**
 * Under a burst of deliveries (a sale, Stripe retrying after an outage) the events that arrive while others are
 * being stored go in one statement and one commit (decision 042): each is still stored before its answer. A batch
 * that fails stores nothing, and each of its events is then stored alone, so one bad event fails only itself.
 */
export function createEventInbox(db: DB): EventInbox {
  const store = groupCommit<{ event: Stripe.Event; now: Date }, Receipt>((items) => {
    const events = items.map((i) => i.event);
    // Null when the batch failed: it stored nothing, and each event is stored alone.
    const batch = storeNew(db, events).catch(() => null);
    const seen = new Set<string>();
    return items.map(async ({ event, now }) => {
      // The same event twice in one batch: the second is a repeat of the first (checked before any await).
      const repeat = seen.has(event.id);
      seen.add(event.id);
      const queued = await batch;
      if (!queued) return receiveStripeEvent(db, event, now);
      if (!repeat && queued.has(jobKey(event.id))) return 'queued';
      return receiveKnown(db, event, now);
    });
  });
  return (event, now) => store({ event, now });
}
