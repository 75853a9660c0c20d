import { sql } from 'kysely';
import type { Clock } from '../clock.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';

/** A run's hold on its name: the checkpoint value it started from, and how to let go. */
export interface RunLease {
  value: number;
  /** Stops renewing and frees the name, storing `value` as the new checkpoint when given. */
  release(value?: number): Promise<void>;
}

/**
 * Claims a named run across instances (one reconcile, one payout run at a time) for work that spans many short
 * transactions and Stripe calls, which no transaction-scoped lock can. The advisory lock serialises claiming; the
 * lease (commerce_checkpoints.leased_until) covers the run. It lasts `seconds` and is renewed every third of that
 * while this process runs, so a run whose process died frees the name within `seconds`. Null when another run
 * holds it.
 */
export async function claimRunLease(
  db: DB,
  clock: Clock,
  opts: { name: string; lockKey: string; initialValue?: number; seconds?: number },
): Promise<RunLease | null> {
  const seconds = opts.seconds ?? 60;
  const until = () => new Date(clock.now().getTime() + seconds * 1000);
  const value = await withService(db, async (tx) => {
    const { rows } = await sql<{
      ok: boolean;
    }>`select pg_try_advisory_xact_lock(hashtext(${opts.lockKey})) as ok`.execute(tx);
    if (!rows[0]?.ok) return null;
    const now = clock.now();
    await tx
      .insertInto('commerce_checkpoints')
      .values({ name: opts.name, value: opts.initialValue ?? 0 })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await tx
      .updateTable('commerce_checkpoints')
      .set({ leased_until: until() })
      .where('name', '=', opts.name)
      .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<', now)]))
      .returning('value')
      .executeTakeFirst();
    return row ? Number(row.value) : null;
  });
  if (value === null) return null;
  const renew = setInterval(
    () => {
      withService(db, (tx) =>
        tx
          .updateTable('commerce_checkpoints')
          .set({ leased_until: until() })
          .where('name', '=', opts.name)
          .where('leased_until', 'is not', null)
          .execute(),
      ).catch(() => {
        // A missed renewal only shortens the lease; the next one, or the run's end, follows.
      });
    },
    (seconds * 1000) / 3,
  );
  renew.unref();
  return {
    value,
    async release(next?: number) {
      clearInterval(renew);
      await withService(db, (tx) =>
        tx
          .updateTable('commerce_checkpoints')
          .set({ ...(next === undefined ? {} : { value: next }), leased_until: null, updated_at: sql<Date>`now()` })
          .where('name', '=', opts.name)
          .execute(),
      );
    },
  };
}
