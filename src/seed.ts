import { sql } from 'kysely';
import { hashPassword } from './accounts/password.ts';
import type { DB } from './db/types.ts';
import type { StorageSettings } from './storage/index.ts';

export const DEMO_PASSWORD = 'gallerist-demo';

/** A demo login printed at start so a new user can try every role. */
export interface DemoLogin {
  email: string;
  name: string;
  role: string;
}

/** The demo's platform admin: present once the demo has been seeded. */
export const DEMO_ADMIN_EMAIL = 'admin@demo.gallerist.dev';

const users: Array<DemoLogin & { admin?: boolean }> = [
  { email: DEMO_ADMIN_EMAIL, name: 'Ada Admin', role: 'platform admin', admin: true },
  { email: 'studio@demo.gallerist.dev', name: 'Sam Studio', role: 'owner of Lumen Photography (studio)' },
  { email: 'artist@demo.gallerist.dev', name: 'Mira Okafor', role: 'owner of Mira Okafor (artist)' },
  { email: 'org@demo.gallerist.dev', name: 'Olive Org', role: 'admin of Acme Corp, member of Skywalker Digital' },
  { email: 'member@demo.gallerist.dev', name: 'Milo Member', role: 'member of Acme Corp' },
  { email: 'provider@demo.gallerist.dev', name: 'Petra Provider', role: 'owner of Skywalker Digital (provider)' },
  // The demo catalog's other artists (src/marketplace/seed-catalog.ts).
  { email: 'jonas@demo.gallerist.dev', name: 'Jonas Berg', role: 'owner of Jonas Berg (artist)' },
  { email: 'aiko@demo.gallerist.dev', name: 'Aiko Tanaka', role: 'owner of Aiko Tanaka (artist)' },
  { email: 'lena@demo.gallerist.dev', name: 'Lena Ferreira', role: 'owner of Lena Ferreira (artist)' },
  { email: 'kofi@demo.gallerist.dev', name: 'Kofi Mensah', role: 'owner of Kofi Mensah (artist)' },
];

const accounts = [
  { slug: 'lumen-photography', name: 'Lumen Photography', kind: 'studio' as const },
  { slug: 'mira-okafor', name: 'Mira Okafor', kind: 'artist' as const },
  { slug: 'acme-corp', name: 'Acme Corp', kind: 'organization' as const },
  { slug: 'skywalker-digital', name: 'Skywalker Digital', kind: 'provider' as const },
  { slug: 'jonas-berg', name: 'Jonas Berg', kind: 'artist' as const },
  { slug: 'aiko-tanaka', name: 'Aiko Tanaka', kind: 'artist' as const },
  { slug: 'lena-ferreira', name: 'Lena Ferreira', kind: 'artist' as const },
  { slug: 'kofi-mensah', name: 'Kofi Mensah', kind: 'artist' as const },
];

const memberships: Array<[email: string, slug: string, role: 'owner' | 'admin' | 'member']> = [
  ['studio@demo.gallerist.dev', 'lumen-photography', 'owner'],
  ['artist@demo.gallerist.dev', 'mira-okafor', 'owner'],
  ['org@demo.gallerist.dev', 'acme-corp', 'admin'],
  ['member@demo.gallerist.dev', 'acme-corp', 'member'],
  ['provider@demo.gallerist.dev', 'skywalker-digital', 'owner'],
  ['org@demo.gallerist.dev', 'skywalker-digital', 'member'],
  ['jonas@demo.gallerist.dev', 'jonas-berg', 'owner'],
  ['aiko@demo.gallerist.dev', 'aiko-tanaka', 'owner'],
  ['lena@demo.gallerist.dev', 'lena-ferreira', 'owner'],
  ['kofi@demo.gallerist.dev', 'kofi-mensah', 'owner'],
];

/** What seeders may need from the running app, e.g. the storage demo files go to (the app config). */
export interface SeedContext {
  storage?: StorageSettings;
}

/** A domain's demo data (catalogs, artworks, bundles), contributed by its module; each must be idempotent. */
export type Seeder = (db: DB, ctx: SeedContext) => Promise<void>;

/**
 * Creates the demo users, accounts and memberships, then runs the modules' seeders in module order; running it
 * again creates nothing new. Run as service role.
 */
export async function seedDemo(db: DB, ctx: SeedContext, seeders: readonly Seeder[]): Promise<DemoLogin[]> {
  const present = new Set(
    (
      await db
        .selectFrom('users')
        .select(sql<string>`lower(email)`.as('email'))
        .where(
          sql`lower(email)`,
          'in',
          users.map((u) => u.email.toLowerCase()),
        )
        .execute()
    ).map((r) => r.email),
  );
  const missing = users.filter((u) => !present.has(u.email.toLowerCase()));
  // One hash for all new demo users, none on a start that finds them all: scrypt is deliberately slow (~0.6 s).
  const hash = missing.length ? await hashPassword(DEMO_PASSWORD) : '';
  for (const u of missing) {
    await db
      .insertInto('users')
      .values({ email: u.email, name: u.name, password_hash: hash, is_platform_admin: u.admin ?? false })
      .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
      .execute();
  }
  for (const a of accounts) {
    await db
      .insertInto('accounts')
      .values(a)
      .onConflict((oc) => oc.column('slug').doNothing())
      .execute();
  }
  for (const [email, slug, role] of memberships) {
    await sql`insert into memberships (account_id, user_id, role)
      select a.id, u.id, ${role} from accounts a, users u where a.slug = ${slug} and lower(u.email) = ${email}
      on conflict do nothing`.execute(db);
  }
  for (const s of seeders) await s(db, ctx);
  return users.map(({ email, name, role }) => ({ email, name, role }));
}
