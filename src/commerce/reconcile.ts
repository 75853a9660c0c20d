import type Stripe from 'stripe';
import type { Actor } from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { claimRunLease } from '../jobs/index.ts';
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
// Re-read this many seconds before the checkpoint: events created in the same second may list late, and the inbox
// makes re-reading free.
const OVERLAP_SECONDS = 120;
const PENDING_AFTER_MS = 30 * 60_000;

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
  // One run at a time across instances; a run whose process died frees it within a minute (claimRunLease).
  const lease = await claimRunLease(db, clock, {
    name: CHECKPOINT,
    lockKey: 'gallerist:commerce:reconcile',
    initialValue: Math.floor(clock.now().getTime() / 1000) - 3 * 86_400,
  });
  if (!lease) return { ...result, skipped: true };
  const checkpoint = lease.value;
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
    await lease.release(next);
  }
  return result;
}

export const reconcileJob = 'commerce.reconcile';
