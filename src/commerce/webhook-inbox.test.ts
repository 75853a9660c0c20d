import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/connect.ts';
import { withService } from '../db/tenancy.ts';
import { createTestDatabase, testDbKind } from '../db/testing.ts';
import type { DB } from '../db/types.ts';
import { STRIPE_EVENT_JOB } from './handle-webhook.ts';
import { createEventInbox } from './webhook-inbox.ts';

const event = (id: string, extra: Record<string, unknown> = {}) =>
  ({
    id,
    object: 'event',
    type: 'customer.created',
    created: 1_700_000_000,
    data: { object: { id: `cus_${id}`, object: 'customer', ...extra } },
  }) as unknown as Stripe.Event;

describe(`webhook inbox, deliveries stored together (${testDbKind()})`, () => {
  let d: Database;
  let db: DB;
  beforeAll(async () => {
    d = await createTestDatabase();
    db = d.db;
  });
  afterAll(() => d.close());

  const stored = (ids: string[]) =>
    withService(db, async (tx) => ({
      events: await tx.selectFrom('stripe_events').select(['id', 'status']).where('id', 'in', ids).execute(),
      jobs: await tx
        .selectFrom('jobs')
        .select(['unique_key', 'payload', 'max_attempts', 'name'])
        .where(
          'unique_key',
          'in',
          ids.map((id) => `stripe-event:${id}`),
        )
        .execute(),
    }));

  it('stores each event of a burst once with one job, and answers each repeat as a duplicate', async () => {
    const inbox = createEventInbox(db);
    const run = randomUUID().slice(0, 8);
    const ids = Array.from({ length: 24 }, (_, i) => `evt_burst_${run}_${i}`);
    // Each event delivered one to three times, all at once: repeats land in the same batch and in later ones.
    const deliveries = ids.flatMap((id, i) => Array.from({ length: 1 + (i % 3) }, () => id));
    const receipts = await Promise.all(deliveries.map((id) => inbox(event(id), new Date())));
    for (const id of ids) {
      const mine = receipts.filter((_, i) => deliveries[i] === id);
      expect(
        mine.filter((r) => r === 'queued'),
        id,
      ).toHaveLength(1);
      expect(
        mine.filter((r) => r === 'duplicate'),
        id,
      ).toHaveLength(mine.length - 1);
    }
    const { events, jobs } = await stored(ids);
    expect(events.map((e) => e.id).sort()).toEqual([...ids].sort());
    expect(events.every((e) => e.status === 'received')).toBe(true);
    expect(jobs).toHaveLength(ids.length);
    for (const job of jobs) {
      expect(job.name).toBe(STRIPE_EVENT_JOB);
      expect(job.max_attempts).toBe(12);
      expect(job.payload).toEqual({ eventId: job.unique_key?.replace('stripe-event:', ''), prefetch: false });
    }
  });

  it('fails only the event Postgres refuses; the others of its batch are stored', async () => {
    const inbox = createEventInbox(db);
    const run = randomUUID().slice(0, 8);
    const good = Array.from({ length: 6 }, (_, i) => `evt_good_${run}_${i}`);
    // A text column refuses a NUL character: the batch it lands in fails as a whole, and is stored again event by
    // event.
    const bad = `evt_bad_${run}\u0000`;
    const results = await Promise.allSettled([
      ...good.slice(0, 3).map((id) => inbox(event(id), new Date())),
      inbox(event(bad), new Date()),
      ...good.slice(3).map((id) => inbox(event(id), new Date())),
    ]);
    expect(results.map((r) => (r.status === 'rejected' ? 'refused' : r.value))).toEqual([
      'queued',
      'queued',
      'queued',
      'refused',
      'queued',
      'queued',
      'queued',
    ]);
    const { events, jobs } = await stored(good);
    expect(events.map((e) => e.id).sort()).toEqual([...good].sort());
    expect(jobs.map((j) => j.unique_key).sort()).toEqual(good.map((id) => `stripe-event:${id}`).sort());
  });

  it('stores an event whose text holds U+0000, which jsonb cannot, with U+FFFD in its place', async () => {
    const inbox = createEventInbox(db);
    const id = `evt_nul_${randomUUID().slice(0, 8)}`;
    // A NUL character, and the six characters `\u0000` as literal text, which stay as they are.
    expect(await inbox(event(id, { name: 'a\u0000b', note: 'c\\u0000d' }), new Date())).toBe('queued');
    const row = await withService(db, (tx) =>
      tx.selectFrom('stripe_events').select('payload').where('id', '=', id).executeTakeFirstOrThrow(),
    );
    const customer = (row.payload as { data: { object: { name: string; note: string } } }).data.object;
    expect(customer.name).toBe('a\ufffdb');
    expect(customer.note).toBe('c\\u0000d');
  });

  it('queues again an event whose processing failed for good, redelivered in a burst', async () => {
    const inbox = createEventInbox(db);
    const run = randomUUID().slice(0, 8);
    const failed = `evt_failed_${run}`;
    await withService(db, (tx) =>
      tx
        .insertInto('stripe_events')
        .values({ id: failed, type: 'customer.created', payload: JSON.stringify(event(failed)), status: 'failed' })
        .execute(),
    );
    const fresh = Array.from({ length: 5 }, (_, i) => `evt_fresh_${run}_${i}`);
    const receipts = await Promise.all([failed, ...fresh].map((id) => inbox(event(id), new Date())));
    expect(receipts).toEqual(['queued', 'queued', 'queued', 'queued', 'queued', 'queued']);
    const { jobs } = await stored([failed, ...fresh]);
    expect(jobs).toHaveLength(6);
    // A second delivery while its job is live is a duplicate.
    expect(await inbox(event(failed), new Date())).toBe('duplicate');
  });
});
