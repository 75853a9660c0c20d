import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Importing the app loads every domain module, so their seeders and tables all take part.
import '../http/app.ts';
import { seedDemo } from '../seed.ts';
import type { Database } from './connect.ts';
import { withAnon, withService, withUser } from './tenancy.ts';
import { createTestDatabase } from './testing.ts';

let d: Database;
// Tables whose rows are public by design when the predicate holds; every other cross-tenant row must be invisible.
const publicRows: Record<string, string> = {
  credit_bundles: 'active',
};
let tenantTables: string[];
const ids: Record<string, string> = {};

beforeAll(async () => {
  d = await createTestDatabase();
  await withService(d.db, (tx) => seedDemo(tx));
  for (const u of await d.db.selectFrom('users').select(['id', 'email']).execute()) ids[u.email] = u.id;
  for (const a of await d.db.selectFrom('accounts').select(['id', 'slug']).execute()) ids[a.slug] = a.id;
  // Give every foundation tenant table a row for each demo account.
  await withService(d.db, async (tx) => {
    for (const slug of ['lumen-photography', 'acme-corp']) {
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
  const { rows } = await sql<{ table_name: string }>`
    select c.table_name from information_schema.columns c
    join information_schema.tables t on t.table_name = c.table_name and t.table_schema = c.table_schema
    where c.table_schema = 'public' and c.column_name = 'account_id' and t.table_type = 'BASE TABLE'
    order by 1`.execute(d.db);
  tenantTables = rows.map((r) => r.table_name);
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
    const studioOwner = ids['studio@demo.gallerist.dev'];
    for (const table of tenantTables) {
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
          where account_id <> ${ids['lumen-photography']} and not ${isPublic}`.execute(tx);
        return rows[0].n;
      });
      expect({ table, leaked }).toEqual({ table, leaked: 0 });
    }
    // The service role does see them, so the zero above is RLS, not missing data.
    const all = await withService(d.db, (tx) => tx.selectFrom('invitations').select('id').execute());
    expect(all.length).toBeGreaterThanOrEqual(2);
  });

  it('lets a user see only their own accounts and co-members', async () => {
    const rows = await withUser(d.db, { sub: ids['studio@demo.gallerist.dev'] }, async (tx) => ({
      accounts: await tx.selectFrom('accounts').select('slug').execute(),
      users: await tx.selectFrom('users').select('email').execute(),
      sessions: await tx.selectFrom('sessions').select('id').execute(),
    }));
    expect(rows.accounts.map((a) => a.slug)).toEqual(['lumen-photography']);
    expect(rows.users.map((u) => u.email)).toEqual(['studio@demo.gallerist.dev']);
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

  it('shows anonymous visitors no tenant data', async () => {
    const n = await withAnon(d.db, (tx) => tx.selectFrom('accounts').select('id').execute());
    expect(n).toEqual([]);
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
