import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTrial } from '../../test/reliability/trials.ts';
import { hashPassword } from '../accounts/index.ts';
// Every module's demo seeders run, so their tables all take part.
import { systemClock } from '../clock.ts';
import { createOrder } from '../commerce/index.ts';
import { consumeMinutes, grantLot } from '../credits/index.ts';
import type { Database } from './connect.ts';
import { withAnon, withService, withUser } from './tenancy.ts';
import { createDemoTestDatabase, testDbKind } from './testing.ts';

let d: Database;
// Tables whose rows are public by design when the predicate holds; every other cross-tenant row must be invisible.
const publicRows: Record<string, string> = {
  credit_bundles: 'active',
};
let tenantTables: string[];
// Every column naming the tenant a row belongs to: `account_id`, and both sides of a credit row.
let ownerColumns: Array<{ table: string; column: string }>;
const ids: Record<string, string> = {};
/** The artist accounts anyone may see (approved, not suspended), as the service role finds them. */
const publicArtists = () =>
  withService(d.db, (tx) =>
    tx
      .selectFrom('accounts')
      .select(['id', 'slug'])
      .where('kind', '=', 'artist')
      .where('suspended_at', 'is', null)
      .orderBy('slug')
      .execute(),
  );

type Kind = 'studio' | 'artist' | 'provider' | 'organization';
type Role = 'owner' | 'admin' | 'member';
const roles: Role[] = ['owner', 'admin', 'member'];
const rank: Record<Role, number> = { member: 1, admin: 2, owner: 3 };
const demoSlug: Record<Kind, string> = {
  studio: 'lumen-photography',
  artist: 'mira-okafor',
  provider: 'skywalker-digital',
  organization: 'acme-corp',
};
const allAdmins = { studio: 'admin', artist: 'admin', provider: 'admin', organization: 'admin' } as const;
const providerAdmins = { provider: 'admin' } as const;
/**
 * The lowest role among an account's own members that reads its rows, per `table.column` and account kind, where it
 * is not "any member" (docs/credits.md "Who sees what", migrations 0002, 0030, 0075). A provider's plain members see
 * none of its sales or credits; audit trails and invitations are for admins everywhere.
 */
const readers: Record<string, Partial<Record<Kind, Role>>> = {
  'audit_events.account_id': allAdmins,
  'invitations.account_id': allAdmins,
  'credit_bundles.account_id': allAdmins,
  'orders.account_id': providerAdmins,
  'order_items.account_id': providerAdmins,
  'order_events.account_id': providerAdmins,
  'refunds.account_id': providerAdmins,
  'invoices.account_id': providerAdmins,
  'disputes.account_id': providerAdmins,
  'credit_lots.provider_account_id': providerAdmins,
  'credit_balances.provider_account_id': providerAdmins,
  'credit_usage.provider_account_id': providerAdmins,
  'provider_customers.provider_account_id': providerAdmins,
  'ledger_accounts.provider_account_id': providerAdmins,
};
// Fresh users with exactly one membership each, so no other path (buyer, the other side of a credit) shows a row.
const roleUser = (kind: Kind, role: Role) => `${role}.${kind}@rls.test`;

beforeAll(async () => {
  d = await createDemoTestDatabase();
  for (const u of await d.db.selectFrom('users').select(['id', 'email']).execute()) ids[u.email] = u.id;
  for (const a of await d.db.selectFrom('accounts').select(['id', 'slug']).execute()) ids[a.slug] = a.id;
  // Give every foundation tenant table a row for each demo account.
  await withService(d.db, async (tx) => {
    for (const slug of Object.values(demoSlug)) {
      await tx
        .insertInto('invitations')
        .values({
          account_id: ids[slug],
          email: `invitee+${slug}@x.co`,
          role: 'member',
          token_hash: `hash-${slug}`,
          invited_by: ids['admin@demo.gallerist.dev'],
          expires_at: new Date(Date.now() + 86_400_000),
        })
        .execute();
      await tx
        .insertInto('audit_events')
        .values({
          account_id: ids[slug],
          actor: 'test',
          action: 'test.seeded',
          entity_type: 'account',
          entity_id: ids[slug],
        })
        .execute();
    }
  });
  // Sales and credit rows of each seller, so the role sweep below has something to show or hide.
  const hash = await hashPassword('role-sweep-password');
  await withService(d.db, async (tx) => {
    for (const [kind, slug] of Object.entries(demoSlug) as Array<[Kind, string]>) {
      for (const role of roles) {
        const u = await tx
          .insertInto('users')
          .values({ email: roleUser(kind, role), name: `${role} ${kind}`, password_hash: hash })
          .returning('id')
          .executeTakeFirstOrThrow();
        await tx.insertInto('memberships').values({ account_id: ids[slug], user_id: u.id, role }).execute();
        ids[roleUser(kind, role)] = u.id;
      }
      if (kind === 'organization') continue;
      const order = await createOrder(
        tx,
        {
          accountId: ids[slug],
          buyerEmail: `buyer+${slug}@x.co`,
          offeringType: kind === 'studio' ? 'print' : kind === 'artist' ? 'artwork' : 'credit_bundle',
          currency: 'eur',
          items: [{ name: 'Something', unitAmount: 1000, quantity: 1 }],
        },
        { kind: 'test' },
      );
      await tx
        .insertInto('refunds')
        .values({ order_id: order.id, account_id: ids[slug], seq: 1, amount: 100 })
        .execute();
      await tx
        .insertInto('invoices')
        .values({
          account_id: ids[slug],
          order_id: order.id,
          number: `T-${slug}`,
          seller: {},
          buyer: { email: `buyer+${slug}@x.co` },
          lines: [],
          subtotal: 1000,
          total: 1000,
          currency: 'eur',
          access_token_hash: `token-${slug}`,
        })
        .execute();
      await tx
        .insertInto('disputes')
        .values({
          stripe_dispute_id: `du_rls_${slug}`,
          order_id: order.id,
          account_id: ids[slug],
          stripe_charge_id: `ch_rls_${slug}`,
          amount: 1000,
          currency: 'eur',
          reason: 'fraudulent',
          status: 'needs_response',
          stripe_created_at: new Date(),
          last_event_created: new Date(),
          last_event_rank: 0,
        })
        .execute();
    }
    await tx
      .insertInto('credit_bundles')
      .values({
        account_id: ids['skywalker-digital'],
        name: 'Retired',
        hours: 1,
        price_amount: 100,
        currency: 'eur',
        active: false,
      })
      .execute();
  });
  const pair = { organizationId: ids['acme-corp'], providerId: ids['skywalker-digital'] };
  await grantLot(d.db, { ...pair, orderId: null, minutes: 600, paidAt: new Date() }, systemClock);
  const work = { ...pair, minutes: 60, note: 'Workshop', workedOn: '2026-11-20', actorUserId: null };
  await consumeMinutes(d.db, work, systemClock);
  const { rows } = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name from information_schema.columns c
    join information_schema.tables t on t.table_name = c.table_name and t.table_schema = c.table_schema
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      and c.column_name in ('account_id', 'provider_account_id', 'organization_account_id')
    order by 1, 2`.execute(d.db);
  tenantTables = rows.filter((r) => r.column_name === 'account_id').map((r) => r.table_name);
  ownerColumns = rows.map((r) => ({ table: r.table_name, column: r.column_name }));
});
afterAll(() => d.close());

describe('row-level security', () => {
  it('is enabled on every table in the public schema', async () => {
    const { rows } = await sql<{ relname: string }>`
      select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' and not c.relrowsecurity and c.relname <> 'schema_migrations'`.execute(
      d.db,
    );
    expect(rows.map((r) => r.relname)).toEqual([]);
  });

  it('shows a user zero rows of other tenants on every tenant table, as role authenticated', async () => {
    expect(tenantTables).toEqual(expect.arrayContaining(['audit_events', 'invitations', 'memberships']));
    expect(ownerColumns).toEqual(expect.arrayContaining([{ table: 'credit_lots', column: 'provider_account_id' }]));
    const studioOwner = ids['studio@demo.gallerist.dev'];
    for (const { table, column } of ownerColumns) {
      const leaked = await withUser(d.db, { sub: studioOwner }, async (tx) => {
        const role = await sql<{ r: string; can: boolean }>`
          select current_user as r, has_table_privilege('authenticated', ${table}, 'select') as can`.execute(tx);
        expect(role.rows[0].r).toBe('authenticated');
        // No SELECT grant at all (server-only tables such as the mail outbox) is the strongest isolation.
        if (!role.rows[0].can) return 0;
        // Public catalog rows (active bundles, published artworks…) are meant to be readable by everyone.
        const isPublic = publicRows[table] ? sql.raw(`(${publicRows[table]})`) : sql`false`;
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from ${sql.table(table)}
          where ${sql.ref(column)} <> ${ids['lumen-photography']} and not ${isPublic}`.execute(tx);
        return rows[0].n;
      });
      expect({ table, column, leaked }).toEqual({ table, column, leaked: 0 });
    }
    // The service role does see them, so the zero above is RLS, not missing data.
    const all = await withService(d.db, (tx) => tx.selectFrom('invitations').select('id').execute());
    expect(all.length).toBeGreaterThanOrEqual(2);
  });

  it('shows each role of an account exactly the rows of that account its role may read, on every tenant table', async () => {
    const mismatches: string[] = [];
    const shown: Record<string, number> = {};
    let checks = 0;
    let leaked = 0;
    for (const { table, column } of ownerColumns) {
      const { rows: grant } = await sql<{ can: boolean }>`
        select has_table_privilege('authenticated', ${table}, 'select') as can`.execute(d.db);
      if (!grant[0].can) continue;
      const isPublic = publicRows[table] ? sql.raw(`(${publicRows[table]})`) : sql`false`;
      for (const [kind, slug] of Object.entries(demoSlug) as Array<[Kind, string]>) {
        const count = (tx: typeof d.db) =>
          sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}
            where ${sql.ref(column)} = ${ids[slug]} and not ${isPublic}`
            .execute(tx)
            .then((r) => r.rows[0].n);
        const total = await withService(d.db, count);
        shown[`${table}.${column}:${kind}`] = total;
        const min = readers[`${table}.${column}`]?.[kind] ?? 'member';
        for (const role of roles) {
          const seen = await withUser(d.db, { sub: ids[roleUser(kind, role)] }, count);
          const want = rank[role] >= rank[min] ? total : 0;
          checks++;
          if (seen > want) leaked += seen - want;
          if (seen !== want)
            mismatches.push(`${role} of the ${kind} sees ${seen}/${total} of ${table}.${column}, want ${want}`);
        }
      }
    }
    recordTrial({
      test: 'every tenant table × every role of every kind of account, directly in SQL under RLS',
      database: testDbKind(),
      seed: 0,
      tried: { tables: new Set(ownerColumns.map((c) => c.table)).size, checks },
      lost: 0,
      duplicated: 0,
      leaked,
      notes: mismatches.length ? [`${mismatches.length} role checks off the documented rules`] : [],
    });
    expect(mismatches).toEqual([]);
    // The sweep has rows to hide: a provider's sales and credits, and every account's audit trail.
    for (const key of [
      'orders.account_id:provider',
      'order_items.account_id:provider',
      'order_events.account_id:provider',
      'refunds.account_id:provider',
      'invoices.account_id:provider',
      'disputes.account_id:provider',
      'credit_bundles.account_id:provider',
      'credit_lots.provider_account_id:provider',
      'credit_balances.provider_account_id:provider',
      'credit_usage.provider_account_id:provider',
      'provider_customers.provider_account_id:provider',
      'ledger_accounts.provider_account_id:provider',
      'credit_lots.organization_account_id:organization',
      'credit_balances.organization_account_id:organization',
      'orders.account_id:studio',
      'audit_events.account_id:artist',
    ]) {
      expect(shown[key], key).toBeGreaterThan(0);
    }
  });

  it('keeps each offering on its own kind of account, even for direct (Supabase) clients', async () => {
    const as = (email: string, fn: Parameters<typeof withUser>[2]) => withUser(d.db, { sub: ids[email] }, fn);
    const artist = ids['mira-okafor'];
    const studio = ids['lumen-photography'];
    await expect(
      as('artist@demo.gallerist.dev', (tx) =>
        tx.insertInto('studio_settings').values({ account_id: artist }).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      as('artist@demo.gallerist.dev', (tx) =>
        tx.insertInto('studio_clients').values({ account_id: artist, name: 'C', email: 'c@x.co' }).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      as('studio@demo.gallerist.dev', (tx) =>
        tx
          .insertInto('artworks')
          .values({ account_id: studio, title: 'T', medium: 'painting', price_amount: 100, currency: 'eur' })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      as('studio@demo.gallerist.dev', (tx) =>
        tx
          .insertInto('credit_bundles')
          .values({ account_id: studio, name: 'Hours', hours: 1, price_amount: 100, currency: 'eur' })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    // The right kind still writes.
    const own = await as('studio@demo.gallerist.dev', (tx) =>
      tx
        .insertInto('studio_clients')
        .values({ account_id: studio, name: 'C', email: 'kind-check@x.co' })
        .returning('id')
        .execute(),
    );
    expect(own).toHaveLength(1);
  });

  it('lets a user see only their own accounts and co-members', async () => {
    const rows = await withUser(d.db, { sub: ids['studio@demo.gallerist.dev'] }, async (tx) => ({
      accounts: await tx.selectFrom('accounts').select('slug').execute(),
      users: await tx.selectFrom('users').select('email').execute(),
      sessions: await tx.selectFrom('sessions').select('id').execute(),
    }));
    expect(rows.accounts.map((a) => a.slug)).toEqual(['lumen-photography']);
    const coMembers = roles.map((r) => roleUser('studio', r));
    expect(rows.users.map((u) => u.email).sort()).toEqual(['studio@demo.gallerist.dev', ...coMembers].sort());
    expect(rows.sessions).toEqual([]);
  });

  it("cannot change another tenant's rows", async () => {
    const changed = await withUser(d.db, { sub: ids['studio@demo.gallerist.dev'] }, async (tx) => {
      const u = await tx
        .updateTable('accounts')
        .set({ name: 'pwned' })
        .where('slug', '=', 'acme-corp')
        .executeTakeFirst();
      const del = await tx.deleteFrom('memberships').where('account_id', '=', ids['acme-corp']).executeTakeFirst();
      return Number(u.numUpdatedRows) + Number(del.numDeletedRows);
    });
    expect(changed).toBe(0);
    await expect(
      withUser(d.db, { sub: ids['studio@demo.gallerist.dev'] }, (tx) =>
        tx
          .insertInto('memberships')
          .values({ account_id: ids['acme-corp'], user_id: ids['studio@demo.gallerist.dev'], role: 'owner' })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    const acme = await d.db
      .selectFrom('accounts')
      .select('name')
      .where('slug', '=', 'acme-corp')
      .executeTakeFirstOrThrow();
    expect(acme.name).toBe('Acme Corp');
  });

  it('exposes claim helpers to SQL', async () => {
    const r = await withUser(d.db, { sub: ids['org@demo.gallerist.dev'] }, async (tx) => {
      const { rows } = await sql<{
        uid: string;
        admin: boolean;
        member: boolean;
        memberAdmin: boolean;
        padmin: boolean;
      }>`
        select app.current_user_id() as uid, app.is_member(${ids['acme-corp']}, 'admin') as admin,
               app.is_member(${ids['skywalker-digital']}) as member,
               app.is_member(${ids['skywalker-digital']}, 'admin') as "memberAdmin",
               app.is_platform_admin() as padmin`.execute(tx);
      return rows[0];
    });
    expect(r).toEqual({
      uid: ids['org@demo.gallerist.dev'],
      admin: true,
      member: true,
      memberAdmin: false,
      padmin: false,
    });
    const p = await withUser(d.db, { sub: ids['admin@demo.gallerist.dev'] }, (tx) =>
      sql<{ p: boolean }>`select app.is_platform_admin() as p`.execute(tx),
    );
    expect(p.rows[0].p).toBe(true);
  });

  it('shows anonymous visitors no tenant data, only public artist accounts', async () => {
    const n = await withAnon(d.db, (tx) => tx.selectFrom('accounts').select('slug').orderBy('slug').execute());
    const artists = await publicArtists();
    expect(artists.map((a) => a.slug)).toContain('mira-okafor');
    expect(n).toEqual(artists.map((a) => ({ slug: a.slug })));
  });

  it('lets a user rename themselves but never raise their own privileges or lift a suspension', async () => {
    const me = ids['org@demo.gallerist.dev'];
    await withUser(d.db, { sub: me }, (tx) =>
      tx.updateTable('users').set({ name: 'Org Admin Renamed' }).where('id', '=', me).execute(),
    );
    for (const change of [{ is_platform_admin: true }, { suspended_at: null as Date | null, email: 'x@evil.test' }]) {
      await expect(
        withUser(d.db, { sub: me }, (tx) => tx.updateTable('users').set(change).where('id', '=', me).execute()),
      ).rejects.toThrow(/only the server or a platform admin/);
    }
    const row = await withService(d.db, (tx) =>
      tx
        .selectFrom('users')
        .select(['name', 'is_platform_admin', 'email'])
        .where('id', '=', me)
        .executeTakeFirstOrThrow(),
    );
    expect(row).toEqual({ name: 'Org Admin Renamed', is_platform_admin: false, email: 'org@demo.gallerist.dev' });
    // A platform admin (as authenticated) still manages other users' privileges.
    await withUser(d.db, { sub: ids['admin@demo.gallerist.dev'] }, (tx) =>
      tx.updateTable('users').set({ is_platform_admin: false }).where('id', '=', me).execute(),
    );
  });
});

// Public pages run as anon (migration 0090): a guest gallery link is a claim, the marketplace is published work only.
describe('row-level security for anonymous visitors', () => {
  const asVisitor = <T>(
    claims: Record<string, string>,
    fn: (tx: Parameters<Parameters<typeof withAnon>[1]>[0]) => Promise<T>,
  ) =>
    withAnon(d.db, async (tx) => {
      await sql`select set_config('request.jwt.claims', ${JSON.stringify({ role: 'anon', ...claims })}, true)`.execute(
        tx,
      );
      return fn(tx);
    });
  const galleryTables = [
    'galleries',
    'gallery_photos',
    'studio_settings',
    'price_sheets',
    'price_sheet_products',
    'print_products',
    'print_option_groups',
    'print_option_values',
    'studio_clients',
    'shop_coupons',
    'shop_carts',
    'shop_cart_items',
  ] as const;
  const countAll = async (tx: Parameters<Parameters<typeof withAnon>[1]>[0]) => {
    const out: Record<string, number> = {};
    for (const t of galleryTables) {
      // No grant at all reads as -1 (nothing visible); never let an error abort the transaction.
      const { rows } = await sql<{ n: number }>`
        select case when has_any_column_privilege('anon', ${t}, 'select') then 0 else -1 end as n`.execute(tx);
      if (rows[0].n === 0) {
        const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(tx);
        out[t] = r.rows[0].n;
      } else out[t] = -1;
    }
    return out;
  };
  const g: Record<string, { id: string; token: string }> = {};

  beforeAll(async () => {
    await withService(d.db, async (tx) => {
      const lumen = ids['lumen-photography'];
      const demo = await tx
        .selectFrom('galleries')
        .select(['id', 'token'])
        .where('account_id', '=', lumen)
        .executeTakeFirstOrThrow();
      g.a = demo;
      const photo = (gallery_id: string, n: number) => ({
        gallery_id,
        account_id: lumen,
        original_key: `o${n}`,
        web_key: `w${n}`,
        thumb_key: `t${n}`,
        content_type: 'image/jpeg',
        width: 100,
        height: 100,
        filename: `p${n}.jpg`,
        bytes: 1,
      });
      for (const [key, extra] of [
        ['b', {}],
        ['pin', { pin_hash: 'not-a-real-hash' }],
        ['draft', { status: 'draft' as const }],
      ] as const) {
        const row = await tx
          .insertInto('galleries')
          .values({
            account_id: lumen,
            title: key,
            token: `${key}-token-${'x'.repeat(30)}`,
            status: 'published',
            ...extra,
          })
          .returning(['id', 'token'])
          .executeTakeFirstOrThrow();
        g[key] = row;
        await tx
          .insertInto('gallery_photos')
          .values(photo(row.id, Object.keys(g).length))
          .execute();
      }
      // A suspended artist with a published work, and the demo artist's work in every non-public status.
      const gone = await tx
        .insertInto('accounts')
        .values({ slug: 'suspended-artist', name: 'Suspended', kind: 'artist', suspended_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      const work = (account_id: string, title: string, status: 'published' | 'submitted' | 'rejected' | 'draft') => ({
        account_id,
        title,
        status,
        medium: 'painting' as const,
        price_amount: 100,
        currency: 'eur',
        rejection_reason: status === 'rejected' ? 'no' : null,
      });
      await tx
        .insertInto('artworks')
        .values([
          work(gone.id, 'Hidden published', 'published'),
          work(ids['mira-okafor'], 'Hidden submitted', 'submitted'),
          work(ids['mira-okafor'], 'Hidden rejected', 'rejected'),
        ])
        .execute();
    });
  });

  it('shows nothing of galleries, photos, catalogs or studios without a gallery claim', async () => {
    const seen = await withAnon(d.db, countAll);
    expect(Object.values(seen).every((n) => n <= 0)).toBe(true);
    const wrong = await asVisitor({ gallery_token: 'A'.repeat(43) }, countAll);
    expect(Object.values(wrong).every((n) => n <= 0)).toBe(true);
  });

  it("with gallery A's token shows A, its photos, its price sheet's products and its studio's branding only", async () => {
    const seen = await asVisitor({ gallery_token: g.a.token }, async (tx) => ({
      galleries: await tx.selectFrom('galleries').select('id').execute(),
      photos: await tx.selectFrom('gallery_photos').select('gallery_id').distinct().execute(),
      products: await tx.selectFrom('print_products').select('account_id').distinct().execute(),
      settings: await tx.selectFrom('studio_settings').select('account_id').execute(),
      accounts: await tx.selectFrom('accounts').select('slug').orderBy('slug').execute(),
      counts: await countAll(tx),
    }));
    expect(seen.galleries).toEqual([{ id: g.a.id }]);
    expect(seen.photos).toEqual([{ gallery_id: g.a.id }]);
    expect(seen.products).toEqual([{ account_id: ids['lumen-photography'] }]);
    expect(seen.settings).toEqual([{ account_id: ids['lumen-photography'] }]);
    const visible = ['lumen-photography', ...(await publicArtists()).map((a) => a.slug)].sort();
    expect(seen.accounts.map((a) => a.slug)).toEqual(visible);
    for (const t of ['studio_clients', 'shop_coupons', 'shop_carts', 'shop_cart_items'])
      expect(seen.counts[t]).toBeLessThanOrEqual(0);
    const b = await asVisitor({ gallery_token: g.b.token }, (tx) =>
      tx.selectFrom('gallery_photos').select('gallery_id').distinct().execute(),
    );
    expect(b).toEqual([{ gallery_id: g.b.id }]);
    const draft = await asVisitor({ gallery_token: g.draft.token }, countAll);
    expect(draft.galleries).toBe(0);
    expect(draft.gallery_photos).toBe(0);
  });

  it('keeps a PIN gallery shut until the unlock is in the claims, and only for that gallery', async () => {
    const read = (claims: Record<string, string>) =>
      asVisitor(claims, async (tx) => ({
        galleries: (await tx.selectFrom('galleries').select('id').execute()).length,
        photos: (await tx.selectFrom('gallery_photos').select('id').execute()).length,
        products: (await tx.selectFrom('print_products').select('id').execute()).length,
      }));
    expect(await read({ gallery_token: g.pin.token })).toEqual({ galleries: 1, photos: 0, products: 0 });
    expect(await read({ gallery_token: g.pin.token, gallery_unlocked: g.a.id })).toEqual({
      galleries: 1,
      photos: 0,
      products: 0,
    });
    expect((await read({ gallery_token: g.pin.token, gallery_unlocked: g.pin.id })).photos).toBe(1);
    // The unlock claim alone opens nothing.
    expect(await read({ gallery_unlocked: g.pin.id })).toEqual({ galleries: 0, photos: 0, products: 0 });
  });

  it('never grants anon the PIN hash, the client, originals or rejection reasons', async () => {
    for (const q of [
      sql`select pin_hash from galleries`,
      sql`select client_id from galleries`,
      sql`select original_key from gallery_photos`,
      sql`select rejection_reason from artworks`,
      sql`select stripe_account_id from artist_profiles`,
      sql`select return_address from studio_settings`,
    ]) {
      await expect(asVisitor({ gallery_token: g.a.token }, (tx) => q.execute(tx))).rejects.toThrow(/permission denied/);
    }
  });

  it('shows anon exactly published works of non-suspended artists, and their images', async () => {
    const seen = await withAnon(d.db, async (tx) => ({
      works: await tx.selectFrom('artworks').select(['title', 'status', 'account_id']).execute(),
      images: await tx.selectFrom('artwork_images').select('artwork_id').execute(),
      profiles: await tx.selectFrom('artist_profiles').select('account_id').execute(),
    }));
    const all = await withService(d.db, (tx) =>
      tx.selectFrom('artworks').select(['id', 'status', 'account_id']).execute(),
    );
    const artists = new Set((await publicArtists()).map((a) => a.id));
    const expected = all.filter(
      (w) => ['published', 'reserved', 'sold'].includes(w.status) && artists.has(w.account_id),
    );
    expect(seen.works.length).toBe(expected.length);
    expect(seen.works.every((w) => w.status === 'published' && artists.has(w.account_id))).toBe(true);
    expect(all.some((w) => w.status === 'draft')).toBe(true);
    const publicIds = new Set(expected.map((w) => w.id));
    expect(seen.images.every((i) => publicIds.has(i.artwork_id))).toBe(true);
    expect(seen.profiles.map((p) => p.account_id).sort()).toEqual([...artists].sort());
  });
});
