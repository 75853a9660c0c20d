import { sql } from 'kysely';
import type Stripe from 'stripe';
import type { Actor } from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import type { CommerceHooks } from '../modules.ts';
import { completeCheckoutSession } from './complete-checkout.ts';
import { processStripeEvent } from './handle-webhook.ts';

/** Counts from one reconciliation run. */
export interface ReconcileResult {
  skipped: boolean;
  events: number;
  applied: number;
  duplicates: number;
  failed: number;
  pendingChecked: number;
  completed: number;
  expired: number;
}

const CHECKPOINT = 'stripe_events';
const LEASE_MINUTES = 10;
// Re-read this many seconds before the checkpoint: events created in the same second may list late, and the inbox
// makes re-reading free.
const OVERLAP_SECONDS = 120;
const PENDING_AFTER_MS = 30 * 60_000;

// One runner at a time across instances: the advisory lock serialises claiming, the lease covers the run itself
// (a transaction-scoped lock cannot span the many short transactions the run uses).
async function claim(db: DB, clock: Clock): Promise<number | null> {
  return withService(db, async (tx) => {
    const { rows } = await sql<{
      ok: boolean;
    }>`select pg_try_advisory_xact_lock(hashtext('gallerist:commerce:reconcile')) as ok`.execute(tx);
    if (!rows[0]?.ok) return null;
    const now = clock.now();
    const initial = Math.floor(now.getTime() / 1000) - 3 * 86_400;
    await tx
      .insertInto('commerce_checkpoints')
      .values({ name: CHECKPOINT, value: initial })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await tx
      .updateTable('commerce_checkpoints')
      .set({ leased_until: new Date(now.getTime() + LEASE_MINUTES * 60_000) })
      .where('name', '=', CHECKPOINT)
      .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<', now)]))
      .returning('value')
      .executeTakeFirst();
    return row ? Number(row.value) : null;
  });
}

/**
 * Catches up with Stripe when webhooks were lost: applies every event since the checkpoint through the same inbox
 * path as the webhook, then settles orders still pending after 30 minutes from their sessions' current state.
 */
export async function reconcile(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  clock: Clock,
  opts: { publicUrl?: string; actor?: Actor } = {},
): Promise<ReconcileResult> {
  const actor = opts.actor ?? { kind: 'job:reconcile' };
  const result: ReconcileResult = {
    skipped: false,
    events: 0,
    applied: 0,
    duplicates: 0,
    failed: 0,
    pendingChecked: 0,
    completed: 0,
    expired: 0,
  };
  const checkpoint = await claim(db, clock);
  if (checkpoint === null) return { ...result, skipped: true };
  let next = checkpoint;
  try {
    const events = await stripe.events
      .list({ created: { gt: checkpoint - OVERLAP_SECONDS }, limit: 100 })
      .autoPagingToArray({ limit: 10_000 });
    events.sort((a, b) => a.created - b.created);
    let firstFailure: number | null = null;
    for (const e of events) {
      result.events++;
      try {
        const outcome = await processStripeEvent(db, stripe, hooks, e, { actor, publicUrl: opts.publicUrl });
        if (outcome === 'duplicate') result.duplicates++;
        else result.applied++;
      } catch {
        result.failed++;
        firstFailure ??= e.created;
      }
      next = Math.max(next, e.created);
    }
    // Never move past an event that failed: the next run must see it again.
    if (firstFailure !== null) next = Math.min(next, firstFailure - 1);

    const cutoff = new Date(clock.now().getTime() - PENDING_AFTER_MS);
    const stale = await withService(db, (tx) =>
      tx
        .selectFrom('orders')
        .select(['id', 'stripe_checkout_session_id'])
        .where('status', '=', 'pending')
        .where('stripe_checkout_session_id', 'is not', null)
        .where('created_at', '<', cutoff)
        .orderBy('created_at')
        .limit(500)
        .execute(),
    );
    for (const o of stale) {
      result.pendingChecked++;
      const r = await completeCheckoutSession(db, stripe, hooks, o.stripe_checkout_session_id!, actor, {
        publicUrl: opts.publicUrl,
      });
      if (r.changed && r.status === 'expired') result.expired++;
      else if (r.changed) result.completed++;
    }
  } finally {
    await withService(db, (tx) =>
      tx
        .updateTable('commerce_checkpoints')
        .set({ value: next, leased_until: null, updated_at: sql<Date>`now()` })
        .where('name', '=', CHECKPOINT)
        .execute(),
    );
  }
  return result;
}

export const reconcileJob = 'commerce.reconcile';
