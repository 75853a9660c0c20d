import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './connect.ts';
import { asAnon, asService, withAnon, withService, withUser } from './tenancy.ts';
import { createTestDatabase } from './testing.ts';
import type { DB } from './types.ts';

let database: Database;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const role = async (tx: DB) => (await sql<{ r: string }>`select current_user as r`.execute(tx)).rows[0].r;

describe('switching roles inside a transaction', () => {
  it('runs service and public work as that role and gives the caller its own role back, however nested', async () => {
    const seen = await withUser(database.db, { sub: randomUUID() }, async (tx) => {
      const out: string[] = [await role(tx)];
      await asService(tx, async (s) => {
        out.push(await role(s));
        // Already service: nothing to switch, and the caller's role still comes back at the end.
        await asService(s, async (s2) => out.push(await role(s2)));
        out.push(await role(s));
      });
      out.push(await role(tx));
      await asAnon(tx, async (a) => {
        out.push(await role(a));
        await asService(a, async (s) => out.push(await role(s)));
        out.push(await role(a));
      });
      out.push(await role(tx));
      return out;
    });
    expect(seen).toEqual([
      'authenticated',
      'service_role',
      'service_role',
      'service_role',
      'authenticated',
      'anon',
      'service_role',
      'anon',
      'authenticated',
    ]);
  });

  it('restores the role when the switched work throws, so the rest of the transaction keeps its rights', async () => {
    const after = await withAnon(database.db, async (tx) => {
      await expect(asService(tx, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      return role(tx);
    });
    expect(after).toBe('anon');
  });

  it('leaves a service transaction as it is', async () => {
    const seen = await withService(database.db, async (tx) => {
      const inner = await asService(tx, (s) => role(s));
      const pub = await asAnon(tx, (a) => role(a));
      return [inner, pub, await role(tx)];
    });
    expect(seen).toEqual(['service_role', 'anon', 'service_role']);
  });
});
