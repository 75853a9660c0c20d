import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/connect.ts';
import { withService } from '../db/tenancy.ts';
import { createTestDatabase } from '../db/testing.ts';
import { hashPassword, needsRehash, SCRYPT_N, targetScryptN, verifyPassword } from './password.ts';
import { signIn } from './service.ts';

/** Runs `fn` with the production scrypt cost, whatever cost the test run configured. */
async function atProductionCost<T>(fn: () => Promise<T>): Promise<T> {
  const saved = process.env.GALLERIST_TEST_SCRYPT_N;
  delete process.env.GALLERIST_TEST_SCRYPT_N;
  try {
    return await fn();
  } finally {
    if (saved !== undefined) process.env.GALLERIST_TEST_SCRYPT_N = saved;
  }
}

describe('scrypt parameters', () => {
  it('uses N=2^17 unless a test run explicitly lowers it', () => {
    expect(SCRYPT_N).toBe(131072);
    expect(targetScryptN({})).toBe(SCRYPT_N);
    // The override is ignored outside tests, never a default.
    expect(targetScryptN({ GALLERIST_TEST_SCRYPT_N: '16384', NODE_ENV: 'production' })).toBe(SCRYPT_N);
    expect(targetScryptN({ GALLERIST_TEST_SCRYPT_N: '16384', NODE_ENV: 'test' })).toBe(16384);
    expect(targetScryptN({ GALLERIST_TEST_SCRYPT_N: '16384', VITEST: 'true' })).toBe(16384);
    expect(() => targetScryptN({ GALLERIST_TEST_SCRYPT_N: '1000', VITEST: 'true' })).toThrow(/power of two/);
    expect(() => targetScryptN({ GALLERIST_TEST_SCRYPT_N: String(2 ** 18), VITEST: 'true' })).toThrow();
  });

  it('flags hashes weaker than the target cost and verifies them still', async () => {
    const old = await hashPassword('correct horse', { n: 2 ** 14 });
    expect(old.startsWith('scrypt$16384$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse', old)).toBe(true);
    expect(await verifyPassword('wrong horse', old)).toBe(false);
    await atProductionCost(async () => {
      expect(needsRehash(old)).toBe(true);
      expect(needsRehash(old.replace('scrypt$16384$', `scrypt$${SCRYPT_N}$`))).toBe(false);
    });
    expect(needsRehash('not-a-hash')).toBe(true);
    expect(await verifyPassword('x', 'scrypt$0$8$1$AA$AA')).toBe(false);
  });
});

describe('sign-in upgrades old hashes', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it('accepts an N=2^14 hash and stores an N=2^17 one in its place', async () => {
    const email = 'legacy-hash@example.com';
    const password = 'an old but good password';
    const oldHash = await hashPassword(password, { n: 2 ** 14 });
    await withService(database.db, (tx) =>
      tx.insertInto('users').values({ email, name: 'Legacy', password_hash: oldHash }).execute(),
    );
    const stored = () =>
      database.db
        .selectFrom('users')
        .select('password_hash')
        .where('email', '=', email)
        .executeTakeFirstOrThrow()
        .then((u) => u.password_hash);

    await atProductionCost(async () => {
      const first = await withService(database.db, (tx) => signIn(tx, { email, password }));
      expect(first.user.email).toBe(email);
      const upgraded = await stored();
      expect(upgraded).not.toBe(oldHash);
      expect(upgraded.startsWith(`scrypt$${SCRYPT_N}$8$1$`)).toBe(true);
      expect(needsRehash(upgraded)).toBe(false);
      // The new hash still takes the same password, and a second sign-in leaves it alone.
      await withService(database.db, (tx) => signIn(tx, { email, password }));
      expect(await stored()).toBe(upgraded);
      await expect(withService(database.db, (tx) => signIn(tx, { email, password: 'wrong' }))).rejects.toMatchObject({
        code: 'invalid_credentials',
      });
    });
  });

  it('leaves the stored hash alone when the sign-in fails', async () => {
    const email = 'legacy-wrong@example.com';
    const oldHash = await hashPassword('the right one', { n: 2 ** 14 });
    await withService(database.db, (tx) =>
      tx.insertInto('users').values({ email, name: 'Legacy', password_hash: oldHash }).execute(),
    );
    await atProductionCost(() =>
      expect(withService(database.db, (tx) => signIn(tx, { email, password: 'the wrong one' }))).rejects.toMatchObject({
        code: 'invalid_credentials',
      }),
    );
    const row = await database.db
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toBe(oldHash);
  });
});
