import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { testClient } from '../../test/http.ts';
import { recordTrial } from '../../test/reliability/trials.ts';
import { hashPassword } from '../accounts/index.ts';
import { createOrder } from '../commerce/index.ts';
import { withService } from '../db/tenancy.ts';
import { testDbKind } from '../db/testing.ts';
import type { DB } from '../db/types.ts';
import { DEMO_PASSWORD } from '../seed.ts';

// Every account-scoped GET route in the OpenAPI document, called by every role of every kind of account (plus a
// platform admin, a stranger and an anonymous client) on every kind of account, checked against one policy table.

type Kind = 'studio' | 'artist' | 'provider' | 'organization';
type Role = 'owner' | 'admin' | 'member';
type Client = ReturnType<typeof testClient>;
type Caller = { name: string; kind?: Kind; role?: Role; platformAdmin?: boolean; anonymous?: boolean };

const kinds: Kind[] = ['studio', 'artist', 'provider', 'organization'];
const roles: Role[] = ['owner', 'admin', 'member'];
const rank: Record<Role, number> = { member: 1, admin: 2, owner: 3 };
const demoSlug: Record<Kind, string> = {
  studio: 'lumen-photography',
  artist: 'mira-okafor',
  provider: 'skywalker-digital',
  organization: 'acme-corp',
};

/**
 * Which kinds of account a route serves and the lowest role that reads it (per kind where that differs).
 * `platformAdmin`: platform admins read it too; `public`: anyone does. Everyone else is refused: anonymous 401,
 * wrong kind of account or not a member 404, too low a role 403 (docs/ARCHITECTURE.md, "Who may do what").
 */
interface Rule {
  kinds: Kind[] | 'any';
  min: Role | Record<Kind, Role>;
  platformAdmin?: true;
  public?: true;
}
const studio: Rule = { kinds: ['studio'], min: 'member' };
const artist: Rule = { kinds: ['artist'], min: 'member' };
const artistSales: Rule = { ...artist, platformAdmin: true };
// A provider's plain members log time but see none of its sales (docs/credits.md).
const sales: Rule = {
  kinds: 'any',
  min: { studio: 'member', artist: 'member', provider: 'admin', organization: 'member' },
  platformAdmin: true,
};
const policy: Record<string, Rule> = {
  '/accounts/{accountId}/api-keys': { kinds: 'any', min: 'admin' },
  '/accounts/{accountId}/members': { kinds: 'any', min: 'member' },
  '/accounts/{accountId}/legal-details': { kinds: 'any', min: 'member' },
  '/accounts/{accountId}/invitations': { kinds: 'any', min: 'admin' },
  '/accounts/{accountId}/orders': sales,
  '/shop/studios/{accountId}/settings': studio,
  '/shop/studios/{accountId}/clients': studio,
  '/shop/studios/{accountId}/galleries': studio,
  '/shop/studios/{accountId}/products': studio,
  '/shop/studios/{accountId}/price-sheets': studio,
  '/shop/studios/{accountId}/coupons': studio,
  '/shop/studios/{accountId}/orders': studio,
  '/shop/studios/{accountId}/orders/{orderId}': studio,
  '/shop/studios/{accountId}/reports/summary': studio,
  '/shop/studios/{accountId}/logo': { kinds: ['studio'], min: 'member', public: true },
  '/marketplace/artists/{accountId}/artworks': artist,
  '/marketplace/artists/{accountId}/profile': artist,
  '/marketplace/artists/{ref}': artist,
  '/marketplace/accounts/{accountId}/sales': artistSales,
  '/marketplace/accounts/{accountId}/sales.csv': artistSales,
  '/marketplace/accounts/{accountId}/payouts': artistSales,
  '/marketplace/accounts/{accountId}/balance': artistSales,
  '/organizations/{orgId}/credits': { kinds: ['organization'], min: 'member' },
  '/organizations/{orgId}/credits/lots': { kinds: ['organization'], min: 'member' },
  '/organizations/{orgId}/credits/usage': { kinds: ['organization'], min: 'member' },
  '/providers/{providerId}/customers': { kinds: ['provider'], min: 'admin' },
  '/providers/{providerId}/credits/lots': { kinds: ['provider'], min: 'admin' },
  '/providers/{providerId}/credits/usage': { kinds: ['provider'], min: 'admin' },
};
// Path parameters that name the account; `ref` is an artist's id or slug.
const accountParams = new Set(['accountId', 'providerId', 'orgId', 'ref']);

let app: TestApp;
const ids: Record<string, string> = {};
const clients = new Map<string, Client>();
const fixtures: Record<string, string> = {};
let logoStatus = 404;
let sharedOrderId = '';

const client = () => testClient({ request: (p, init) => fetch(`${app.url}${p}`, init) });
const db = (): DB => app.platform.deps.db;
const callers: Caller[] = [
  ...kinds.flatMap((kind) => roles.map((role) => ({ name: `${role} of the ${kind}`, kind, role }))),
  { name: 'platform admin', platformAdmin: true },
  { name: 'stranger' },
  { name: 'anonymous', anonymous: true },
];
const emailOf = (c: Caller) =>
  c.platformAdmin
    ? 'admin@demo.gallerist.dev'
    : `${(c.kind ? `${c.role}-${c.kind}` : c.name).replace(/\W/g, '-')}@matrix.test`;
const as = (name: string) => clients.get(name) as Client;

beforeAll(async () => {
  app = await startTestApp();
  for (const a of await db().selectFrom('accounts').select(['id', 'slug']).execute()) ids[a.slug] = a.id;
  const hash = await hashPassword(DEMO_PASSWORD);
  await withService(db(), async (tx) => {
    for (const c of callers.filter((c) => !c.platformAdmin && !c.anonymous)) {
      const u = await tx
        .insertInto('users')
        .values({ email: emailOf(c), name: c.name, password_hash: hash })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (c.kind && c.role) {
        await tx
          .insertInto('memberships')
          .values({ account_id: ids[demoSlug[c.kind]], user_id: u.id, role: c.role })
          .execute();
      }
    }
    // A print order of the studio (fully refunded, not yet cancelled) and a credit order with a buyer email of the
    // provider: the rows a plain provider member must not read.
    const print = await createOrder(
      tx,
      {
        accountId: ids[demoSlug.studio],
        buyerEmail: 'print-buyer@matrix.test',
        offeringType: 'print',
        currency: 'eur',
        items: [{ name: 'Print 20x30', unitAmount: 2500, quantity: 1 }],
      },
      { kind: 'test' },
    );
    await tx
      .updateTable('orders')
      .set({ status: 'refunded', amount_refunded: print.total, paid_at: new Date() })
      .where('id', '=', print.id)
      .execute();
    await tx.insertInto('print_fulfilments').values({ order_id: print.id, account_id: print.accountId }).execute();
    fixtures.orderId = print.id;
    const credit = await createOrder(
      tx,
      {
        accountId: ids[demoSlug.provider],
        buyerEmail: 'secret-buyer@matrix.test',
        offeringType: 'credit_bundle',
        currency: 'eur',
        items: [{ name: '5 h bundle', unitAmount: 75_000, quantity: 1 }],
        metadata: { organization_id: ids[demoSlug.organization], minutes: 300 },
      },
      { kind: 'test' },
    );
    sharedOrderId = credit.id;
    const logo = await tx
      .selectFrom('studio_settings')
      .select('logo_key')
      .where('account_id', '=', ids[demoSlug.studio])
      .executeTakeFirst();
    logoStatus = logo?.logo_key ? 200 : 404;
  });
  for (const c of callers) {
    const cl = client();
    if (!c.anonymous) await cl.signIn(emailOf(c));
    clients.set(c.name, cl);
  }
}, 180_000);
afterAll(() => app?.stop());

/** The status the policy demands, as a class: 200 stands for any 2xx. */
function expected(rule: Rule, caller: Caller, target: Kind): number {
  const serves = rule.kinds === 'any' || rule.kinds.includes(target);
  if (rule.public) return serves ? logoStatus : 404;
  if (caller.anonymous) return 401;
  if (!serves) return 404;
  if (caller.platformAdmin) return rule.platformAdmin ? 200 : 404;
  if (caller.kind !== target || !caller.role) return 404;
  const min = typeof rule.min === 'string' ? rule.min : rule.min[target];
  return rank[caller.role] >= rank[min] ? 200 : 403;
}

const errorCode: Record<number, string> = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found' };

describe('authorization matrix (every account-scoped GET route × role × kind of account)', () => {
  it('has a policy for every account-scoped GET route in the OpenAPI document', async () => {
    const doc = (await client().get('/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const scoped = Object.entries(doc.paths)
      .filter(([path, ops]) => ops.get && [...path.matchAll(/\{(\w+)\}/g)].some((m) => accountParams.has(m[1])))
      .map(([path]) => path)
      .sort();
    expect(scoped.length).toBeGreaterThan(15);
    expect(scoped).toEqual(Object.keys(policy).sort());
  });

  // Totals over every route's test, for docs/RELIABILITY.md.
  const totals = { routes: 0, calls: 0, allowedWrongly: 0, refusedWrongly: 0 };
  afterAll(() =>
    recordTrial({
      test: 'every account-scoped GET route × every role of every kind of account, a stranger and anonymous',
      database: testDbKind(),
      seed: 0,
      tried: { routes: totals.routes, calls: totals.calls },
      lost: 0,
      duplicated: 0,
      leaked: totals.allowedWrongly,
      notes: totals.refusedWrongly ? [`${totals.refusedWrongly} callers refused where the policy allows them`] : [],
    }),
  );

  // One test per route (every kind of account × every caller), so no single test makes all ~1300 calls.
  it.each(Object.entries(policy))(
    'answers each caller of %s as the policy says, with the error shape',
    async (template, rule) => {
      const mismatches: string[] = [];
      let calls = 0;
      for (const target of kinds) {
        const path = `/api${template.replace(/\{(\w+)\}/g, (_m, p: string) => {
          if (accountParams.has(p)) return ids[demoSlug[target]];
          if (!fixtures[p]) throw new Error(`No fixture id for {${p}} in ${template}: add one to the matrix`);
          return fixtures[p];
        })}`;
        for (const caller of callers) {
          const want = expected(rule, caller, target);
          const res = await as(caller.name).get(path);
          calls++;
          const got = res.status >= 200 && res.status < 300 ? 200 : res.status;
          const shaped = got === 200 || got !== want || res.body?.error?.code === errorCode[want];
          totals.calls++;
          if (got !== want) totals[got === 200 ? 'allowedWrongly' : 'refusedWrongly']++;
          if (got !== want || !shaped) {
            mismatches.push(`${caller.name} GET ${template} on the ${target}: ${res.status}, want ${want}`);
          }
        }
      }
      totals.routes++;
      expect(calls).toBe(kinds.length * callers.length);
      expect(mismatches).toEqual([]);
    },
  );
});

describe('provider sales (regression: a plain provider member read orders with buyer emails)', () => {
  it('shows the provider’s orders to its admins only', async () => {
    const path = `/api/accounts/${ids[demoSlug.provider]}/orders`;
    const admin = await as('admin of the provider').get(path);
    expect(admin.status).toBe(200);
    expect(JSON.stringify(admin.body)).toContain('secret-buyer@matrix.test');
    const member = await as('member of the provider').get(path);
    expect(member.status).toBe(403);
    expect(member.body.error.code).toBe('forbidden');
    expect(JSON.stringify(member.body)).not.toContain('secret-buyer');
    // The order itself is hidden by RLS, exactly like someone else's.
    const detail = await as('member of the provider').get(`/api/orders/${sharedOrderId}`);
    expect(detail.status).toBe(404);
    expect((await as('owner of the provider').get(`/api/orders/${sharedOrderId}`)).status).toBe(200);
    // The demo user who is an org admin and a plain Skywalker member sees no Skywalker order either.
    const demo = client();
    await demo.signIn('org@demo.gallerist.dev');
    expect((await demo.get(path)).status).toBe(403);
  });
});

describe('wrong kind of account: refused with 404 and nothing written', () => {
  const count = async (table: 'studio_settings' | 'galleries' | 'shop_coupons' | 'studio_clients' | 'artworks') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const settings = {
    currency: 'EUR',
    taxRateBps: 0,
    taxInclusive: true,
    shippingRates: [],
    returnAddress: null,
    accentColor: null,
  };

  it.each([
    ['the artist’s owner', 'owner of the artist', 'artist', 'put', 'settings', settings, 'studio_settings'],
    ['the org’s admin', 'admin of the organization', 'organization', 'post', 'galleries', { title: 'X' }, 'galleries'],
    [
      'the provider’s owner',
      'owner of the provider',
      'provider',
      'post',
      'coupons',
      { code: 'FREE100', kind: 'percent', value: 100 },
      'shop_coupons',
    ],
    [
      'the artist’s member',
      'member of the artist',
      'artist',
      'post',
      'clients',
      { name: 'C', email: 'c@matrix.test' },
      'studio_clients',
    ],
  ] as const)(
    'refuses studio writes by %s on their own non-studio account',
    async (_l, who, kind, method, sub, body, table) => {
      const before = await count(table);
      const r = await as(who)[method](`/api/shop/studios/${ids[demoSlug[kind]]}/${sub}`, body);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
      expect(await count(table)).toBe(before);
    },
  );

  it('refuses artworks and payouts onboarding on a studio', async () => {
    const before = await count('artworks');
    const studioId = ids[demoSlug.studio];
    const artwork = { title: 'Not art', medium: 'painting', priceAmount: 1000, currency: 'eur' };
    const r = await as('owner of the studio').post(`/api/marketplace/artists/${studioId}/artworks`, artwork);
    expect(r.status).toBe(404);
    expect(await count('artworks')).toBe(before);
    const link = await as('owner of the studio').post(`/api/marketplace/artists/${studioId}/onboarding-link`, {});
    expect(link.status).toBe(404);
    const profiles = await db()
      .selectFrom('artist_profiles')
      .select('account_id')
      .where('account_id', '=', studioId)
      .execute();
    expect(profiles).toEqual([]);
  });

  it('refuses credit routes called with the other side’s account', async () => {
    const orders = async () =>
      Number(
        (
          await db()
            .selectFrom('orders')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const usage = async () => (await db().selectFrom('credit_usage').select('id').execute()).length;
    const [o, u] = [await orders(), await usage()];
    const org = ids[demoSlug.organization];
    const provider = ids[demoSlug.provider];
    const log = { organizationId: org, minutes: 30, note: 'x', workedOn: '2026-11-20' };
    expect((await as('admin of the organization').post(`/api/providers/${org}/usage`, log)).status).toBe(404);
    const bundles = (await as('owner of the provider').get(`/api/credits/bundles?providerId=${provider}`)).body.data;
    const buy = { bundleId: bundles[0].id, organizationId: provider };
    const r = await as('owner of the provider').post('/api/credits/checkout', buy);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
    expect([await orders(), await usage()]).toEqual([o, u]);
  });
});

describe('studio roles', () => {
  it('leaves cancelling to admins even when nothing is left to refund', async () => {
    const url = `/api/shop/studios/${ids[demoSlug.studio]}/orders/${fixtures.orderId}/cancel`;
    const r = await as('member of the studio').post(url, {});
    expect(r.status).toBe(403);
    const f = await db()
      .selectFrom('print_fulfilments')
      .select('status')
      .where('order_id', '=', fixtures.orderId)
      .executeTakeFirstOrThrow();
    expect(f.status).toBe('paid');
  });
});
