import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.ts';
import type { Database } from '../db/connect.ts';
import { withService } from '../db/tenancy.ts';
import { createTestDatabase } from '../db/testing.ts';
import { claimRunLease } from './run-lease.ts';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

describe('run leases', () => {
  const opts = { name: 'lease_test', lockKey: 'gallerist:test:lease', initialValue: 7, seconds: 3 };

  it('lets one run hold a name, renews it while the run lives, and stores the checkpoint it releases with', async () => {
    const { db } = database;
    const first = await claimRunLease(db, systemClock, opts);
    expect(first?.value).toBe(7);
    expect(await claimRunLease(db, systemClock, opts)).toBeNull();
    // Past the first 3 s: renewed meanwhile, so still held.
    await new Promise((r) => setTimeout(r, 4000));
    expect(await claimRunLease(db, systemClock, opts)).toBeNull();
    await first!.release(42);
    const next = await claimRunLease(db, systemClock, opts);
    expect(next?.value).toBe(42);
    await next!.release();
  }, 15_000);

  it('frees the name of a run whose process died once its lease lapses', async () => {
    const { db } = database;
    const held = await claimRunLease(db, systemClock, { ...opts, name: 'lease_test_dead' });
    expect(held).not.toBeNull();
    // What a dead process leaves: no renewal, and the lease runs out.
    await held!.release(0);
    await withService(db, (tx) =>
      tx
        .updateTable('commerce_checkpoints')
        .set({ leased_until: new Date(Date.now() + 1000) })
        .where('name', '=', 'lease_test_dead')
        .execute(),
    );
    expect(await claimRunLease(db, systemClock, { ...opts, name: 'lease_test_dead' })).toBeNull();
    await new Promise((r) => setTimeout(r, 1200));
    const taken = await claimRunLease(db, systemClock, { ...opts, name: 'lease_test_dead' });
    expect(taken).not.toBeNull();
    await taken!.release();
  });
});
