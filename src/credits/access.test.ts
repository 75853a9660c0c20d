import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient, testDeps } from '../../test/http.ts';
import { hashPassword } from '../accounts/index.ts';
import { systemClock } from '../clock.ts';
import type { Database } from '../db/connect.ts';
import { withService, withUser } from '../db/tenancy.ts';
import { createDemoTestDatabase } from '../db/testing.ts';
import { createApp } from '../http/app.ts';
import { DEMO_PASSWORD } from '../seed.ts';
import { consumeMinutes } from './consume-minutes.ts';
import { grantLot } from './grant-lot.ts';
import { seedCreditBundles } from './seed.ts';
import { createPair } from './testing.ts';

let d: Database;
let app: ReturnType<typeof createApp>;
const ids: Record<string, string> = {};
const creditTables = [
  'credit_lots',
  'credit_usage',
  'provider_customers',
  'ledger_entries',
  'ledger_postings',
  'ledger_accounts',
] as const;

const PROVIDER_MEMBER = 'helper@skywalker.test';

beforeAll(async () => {
  d = await createDemoTestDatabase();
  app = createApp(testDeps(d));
  await withService(d.db, async (tx) => {
    const u = await tx
      .insertInto('users')
      .values({ email: PROVIDER_MEMBER, name: 'Hal Helper', password_hash: await hashPassword(DEMO_PASSWORD) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const sky = await tx
      .selectFrom('accounts')
      .select('id')
      .where('slug', '=', 'skywalker-digital')
      .executeTakeFirstOrThrow();
    await tx.insertInto('memberships').values({ account_id: sky.id, user_id: u.id, role: 'member' }).execute();
  });
  for (const u of await d.db.selectFrom('users').select(['id', 'email']).execute()) ids[u.email] = u.id;
  for (const a of await d.db.selectFrom('accounts').select(['id', 'slug']).execute()) ids[a.slug] = a.id;
  const other = await createPair(d.db, 'access');
  ids.otherOrg = other.orgId;
  ids.otherProvider = other.providerId;
  const paidAt = new Date();
  const grant = (organizationId: string, providerId: string, minutes: number) =>
    grantLot(d.db, { organizationId, providerId, orderId: null, minutes, paidAt }, systemClock);
  await grant(ids['acme-corp'], ids['skywalker-digital'], 600);
  await grant(ids.otherOrg, ids['skywalker-digital'], 300);
  await grant(ids['acme-corp'], ids.otherProvider, 120);
});
afterAll(() => d.close());

async function visible(email: string) {
  return withUser(d.db, { sub: ids[email] }, async (tx) => {
    const out: Record<string, number> = {};
    for (const t of creditTables) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(tx);
      out[t] = rows[0].n;
    }
    const lots = await tx
      .selectFrom('credit_lots')
      .select(['organization_account_id', 'provider_account_id'])
      .execute();
    return { counts: out, lots };
  });
}

describe('credits RLS (as role authenticated)', () => {
  it("shows org members and admins their own org's lots with every provider, and nothing else", async () => {
    for (const email of ['member@demo.gallerist.dev', 'org@demo.gallerist.dev']) {
      const { lots } = await visible(email);
      expect(lots).toHaveLength(2);
      expect(lots.every((l) => l.organization_account_id === ids['acme-corp'])).toBe(true);
    }
  });

  it("shows provider admins their customers' lots, not the customers' lots with other providers", async () => {
    const { lots, counts } = await visible('provider@demo.gallerist.dev');
    expect(lots).toHaveLength(2);
    expect(lots.every((l) => l.provider_account_id === ids['skywalker-digital'])).toBe(true);
    expect(counts.provider_customers).toBe(2);
  });

  it('shows provider members and unrelated users zero rows on every credit table', async () => {
    for (const email of [PROVIDER_MEMBER, 'studio@demo.gallerist.dev']) {
      const { counts } = await visible(email);
      expect({ email, counts }).toEqual({ email, counts: Object.fromEntries(creditTables.map((t) => [t, 0])) });
    }
  });

  it('answers the balance RPCs under RLS', async () => {
    const rpc = (email: string) =>
      withUser(d.db, { sub: ids[email] }, async (tx) => {
        const b = await sql<{
          m: string;
        }>`select credits_balance(${ids['acme-corp']}, ${ids['skywalker-digital']}) as m`.execute(tx);
        const h = await sql<{ reason: string; balance_minutes: string }>`
          select * from credits_balance_history(${ids['acme-corp']}, ${ids['skywalker-digital']})`.execute(tx);
        return { balance: Number(b.rows[0].m), history: h.rows.map((r) => [r.reason, Number(r.balance_minutes)]) };
      });
    expect(await rpc('member@demo.gallerist.dev')).toEqual({ balance: 600, history: [['purchase', 600]] });
    expect(await rpc('provider@demo.gallerist.dev')).toEqual({ balance: 600, history: [['purchase', 600]] });
    expect(await rpc('studio@demo.gallerist.dev')).toEqual({ balance: 0, history: [] });
    expect(await rpc(PROVIDER_MEMBER)).toEqual({ balance: 0, history: [] });
  });

  it('lets no authenticated user write lots or ledger rows directly', async () => {
    await expect(
      withUser(d.db, { sub: ids['provider@demo.gallerist.dev'] }, (tx) =>
        tx.updateTable('credit_lots').set({ balance_minutes: 99_999 }).execute(),
      ),
    ).rejects.toThrow(/permission denied/);
  });
});

describe('credits API', () => {
  const as = async (email: string) => {
    const c = testClient(app);
    await c.signIn(email);
    return c;
  };

  it("lists Skywalker Digital's four seeded bundles to signed-in users only", async () => {
    expect((await testClient(app).get('/api/credits/bundles')).status).toBe(401);
    const r = await (await as('member@demo.gallerist.dev')).get(
      `/api/credits/bundles?providerId=${ids['skywalker-digital']}`,
    );
    expect(r.status).toBe(200);
    expect(r.body.data.map((b: { hours: number; priceAmount: number }) => [b.hours, b.priceAmount])).toEqual([
      [5, 75_000],
      [10, 140_000],
      [20, 260_000],
      [40, 480_000],
    ]);
  });

  it('seeds the demo bundles idempotently', async () => {
    await withService(d.db, async (tx) => {
      await seedCreditBundles(tx);
      await seedCreditBundles(tx);
    });
    const rows = await withService(d.db, (tx) =>
      tx.selectFrom('credit_bundles').select('id').where('account_id', '=', ids['skywalker-digital']).execute(),
    );
    expect(rows).toHaveLength(4);
  });

  it("shows an org's credits to its members and 404 to everyone else", async () => {
    const path = `/api/organizations/${ids['acme-corp']}/credits`;
    const r = await (await as('member@demo.gallerist.dev')).get(path);
    expect(r.status).toBe(200);
    expect(r.body.balances.map((b: { minutes: number }) => b.minutes).sort()).toEqual([120, 600]);
    expect(
      r.body.balances.find((b: { providerId: string }) => b.providerId === ids['skywalker-digital']).providerName,
    ).toBe('Skywalker Digital');
    const lots = await (await as('member@demo.gallerist.dev')).get(`${path}/lots`);
    expect(lots.status).toBe(200);
    expect(lots.body).toMatchObject({ nextCursor: null, limit: 20 });
    expect(lots.body.data).toHaveLength(2);
    for (const email of [PROVIDER_MEMBER, 'studio@demo.gallerist.dev', 'provider@demo.gallerist.dev']) {
      for (const p of [path, `${path}/lots`, `${path}/usage`])
        expect((await (await as(email)).get(p)).status).toBe(404);
    }
  });

  it('shows customers to provider admins, 403 to provider members, 404 to outsiders', async () => {
    const path = `/api/providers/${ids['skywalker-digital']}/customers`;
    const r = await (await as('provider@demo.gallerist.dev')).get(path);
    expect(r.status).toBe(200);
    expect(r.body.data.map((c: { name: string; balanceMinutes: number }) => [c.name, c.balanceMinutes])).toEqual([
      ['Acme Corp', 600],
      ['Org access', 300],
    ]);
    const base = `/api/providers/${ids['skywalker-digital']}/credits`;
    const lots = await (await as('provider@demo.gallerist.dev')).get(`${base}/lots`);
    expect(lots.body.data.map((l: { organizationId: string }) => l.organizationId)).toContain(ids['acme-corp']);
    for (const p of [path, `${base}/lots`, `${base}/usage`]) {
      expect((await (await as(PROVIDER_MEMBER)).get(p)).status).toBe(403);
      expect((await (await as('member@demo.gallerist.dev')).get(p)).status).toBe(404);
    }
  });

  it('lets provider members log time against a balance, 409 when short, 404 for non-members and non-customers', async () => {
    const path = `/api/providers/${ids['skywalker-digital']}/usage`;
    const body = { organizationId: ids['acme-corp'], minutes: 90, note: 'Kick-off workshop', workedOn: '2026-11-20' };
    const helper = await as(PROVIDER_MEMBER);
    const ok = await helper.post(path, body);
    expect(ok.status).toBe(201);
    expect(ok.body.balanceMinutes).toBe(510);
    const short = await helper.post(path, { ...body, minutes: 511 });
    expect(short.status).toBe(409);
    expect(short.body.error).toMatchObject({
      code: 'insufficient_balance',
      details: { available: 510, requested: 511 },
    });
    expect((await helper.post(path, { ...body, organizationId: ids['lumen-photography'] })).status).toBe(404);
    expect((await (await as('studio@demo.gallerist.dev')).post(path, body)).status).toBe(404);
    const bad = await helper.post(path, { ...body, minutes: 0, extra: true });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details.fieldErrors).sort()).toEqual(['extra', 'minutes']);
    const usage = await (await as('member@demo.gallerist.dev')).get(
      `/api/organizations/${ids['acme-corp']}/credits/usage`,
    );
    expect(usage.body.data).toMatchObject([{ minutes: 90, note: 'Kick-off workshop', workedOn: '2026-11-20' }]);
  });

  it('only lets org admins start a bundle checkout', async () => {
    const bundles = (await (await as('member@demo.gallerist.dev')).get('/api/credits/bundles')).body.data;
    const body = { bundleId: bundles[0].id, organizationId: ids['acme-corp'] };
    expect((await (await as('member@demo.gallerist.dev')).post('/api/credits/checkout', body)).status).toBe(403);
    expect((await (await as('studio@demo.gallerist.dev')).post('/api/credits/checkout', body)).status).toBe(404);
  });

  it('pages an organization’s lots and usage by cursor while more arrive; balances stay SQL totals', async () => {
    const org = ids['acme-corp'];
    const sky = ids['skywalker-digital'];
    const grant = () =>
      grantLot(
        d.db,
        { organizationId: org, providerId: sky, orderId: null, minutes: 10, paidAt: new Date() },
        systemClock,
      );
    const log = (note: string) =>
      consumeMinutes(
        d.db,
        { providerId: sky, organizationId: org, minutes: 1, note, workedOn: '2026-11-21', actorUserId: null },
        systemClock,
      );
    for (let i = 0; i < 20; i++) await grant();
    for (let i = 0; i < 15; i++) await log(`task ${i}`);
    const before = await withService(d.db, (tx) =>
      tx.selectFrom('credit_lots').select('id').where('organization_account_id', '=', org).execute(),
    );
    const member = await as('member@demo.gallerist.dev');
    async function walk(path: string, between: () => Promise<unknown>) {
      const rows: Array<{ id: string; organizationId: string; balanceMinutes?: number; providerId: string }> = [];
      let cursor: string | null = null;
      do {
        const r = await member.get(`${path}?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(r.status).toBe(200);
        expect(r.body.data.length).toBeLessThanOrEqual(7);
        rows.push(...r.body.data);
        cursor = r.body.nextCursor;
        await between();
      } while (cursor);
      return rows;
    }
    const lots = await walk(`/api/organizations/${org}/credits/lots`, grant);
    expect(new Set(lots.map((l) => l.id)).size).toBe(lots.length);
    expect(lots.map((l) => l.id)).toEqual(expect.arrayContaining(before.map((l) => l.id)));
    expect(lots.every((l) => l.organizationId === org)).toBe(true);

    const usage = await walk(`/api/organizations/${org}/credits/usage`, () => log('meanwhile'));
    expect(usage).toHaveLength(16);
    expect(new Set(usage.map((u) => u.id)).size).toBe(16);
    expect(usage.every((u) => u.organizationId === org)).toBe(true);

    const { balances } = (await member.get(`/api/organizations/${org}/credits`)).body;
    const all = await walk(`/api/organizations/${org}/credits/lots`, async () => {});
    const left = all.filter((l) => l.providerId === sky).reduce((n, l) => n + (l.balanceMinutes ?? 0), 0);
    expect(balances.find((b: { providerId: string }) => b.providerId === sky).minutes).toBe(left);
  });
});
