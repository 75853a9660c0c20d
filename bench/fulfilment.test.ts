import { describe, expect, it } from 'vitest';
import { benchFulfilment } from './fulfilment.ts';

// Like the bench itself, it needs Postgres (TEST_DATABASE_URL): the platform runs in a process of its own.
describe.runIf(Boolean(process.env.TEST_DATABASE_URL))('fulfilment bench (smoke)', () => {
  // Checks the harness only: every paid order is fulfilled once on both sides. Timings are never asserted.
  it('fulfils every delivered payment through the platform and through the hand-written SQL', async () => {
    const results = await benchFulfilment({ connections: 2, orders: 6, rounds: 1 });
    expect(results.map((r) => r.name)).toEqual([
      'SQL: inbox insert, one transaction of the fulfilment writes, one per mail sent c=2 (baseline)',
      'checkout.session.completed: ack, Stripe read, fulfilment and mails by the job runner c=2 (end to end)',
    ]);
    for (const r of results) expect(r.errors, r.name).toBe(0);
  }, 180_000);
});
