import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTrial } from '../../test/reliability/trials.ts';
import { fixedClock } from '../clock.ts';
import type { Database } from '../db/connect.ts';
import { createTestDatabase, testDbKind } from '../db/testing.ts';
import { isAppError } from '../errors.ts';
import { consumeMinutes } from './consume-minutes.ts';
import { grantLot } from './grant-lot.ts';
import { createPair, ledgerProblems } from './testing.ts';

let d: Database;
beforeAll(async () => {
  d = await createTestDatabase();
});
afterAll(() => d.close());

describe('concurrent consumption', () => {
  it.skipIf(testDbKind() !== 'postgres')('never overdraws: exactly floor(balance / size) of 64 succeed', async () => {
    const { orgId, providerId } = await createPair(d.db, 'race');
    const clock = fixedClock('2026-03-01T00:00:00Z');
    // Three lots with different expiries, so the racing transactions also cross lot boundaries.
    for (const [minutes, day] of [
      [200, '01'],
      [150, '02'],
      [307, '03'],
    ] as const) {
      await grantLot(
        d.db,
        { organizationId: orgId, providerId, orderId: null, minutes, paidAt: new Date(`2026-02-${day}T00:00:00Z`) },
        clock,
      );
    }
    const balance = 657;
    const size = 25;
    // Each call runs in its own pooled transaction (withService on the root handle).
    const results = await Promise.allSettled(
      Array.from({ length: 64 }, (_, i) =>
        consumeMinutes(
          d.db,
          {
            providerId,
            organizationId: orgId,
            minutes: size,
            note: `race ${i}`,
            workedOn: '2026-03-01',
            actorUserId: null,
          },
          clock,
        ),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
    const rest0 = await d.db
      .selectFrom('credit_lots')
      .select((eb) => eb.fn.sum<string>('balance_minutes').as('m'))
      .where('organization_account_id', '=', orgId)
      .executeTakeFirstOrThrow();
    const problems = await ledgerProblems(d.db);
    recordTrial({
      test: '64 concurrent consumptions of one balance across three lots',
      database: 'postgres',
      seed: 0,
      tried: { consumptions: 64, succeeded: ok.length, refused: failed.length },
      // Minutes consumed beyond the balance would be money created; minutes gone without a usage row, lost.
      lost:
        Math.max(0, balance - ok.length * size - Number(rest0.m)) +
        problems.unbalanced +
        problems.mismatched +
        problems.drifted,
      duplicated: Math.max(0, ok.length * size + Number(rest0.m) - balance) + problems.negative,
      leaked: 0,
    });
    expect(ok).toHaveLength(Math.floor(balance / size));
    expect(failed.every((e) => isAppError(e) && e.code === 'insufficient_balance')).toBe(true);
    const rest = await d.db
      .selectFrom('credit_lots')
      .select((eb) => eb.fn.sum<string>('balance_minutes').as('m'))
      .where('organization_account_id', '=', orgId)
      .executeTakeFirstOrThrow();
    expect(Number(rest.m)).toBe(balance % size);
    expect(await ledgerProblems(d.db)).toEqual({ unbalanced: 0, mismatched: 0, negative: 0, drifted: 0 });
  });
});
