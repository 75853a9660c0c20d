import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient, testDeps } from '../../../test/http.ts';
import { hashPassword } from '../../accounts/index.ts';
import type { Database } from '../../db/connect.ts';
import { withService, withUser } from '../../db/tenancy.ts';
import { createDemoTestDatabase } from '../../db/testing.ts';
import { createApp } from '../../http/app.ts';
import { DEMO_PASSWORD } from '../../seed.ts';

// No Stripe here: editing a bio never calls it, so an in-process app over the demo seed is enough.
let database: Database;
let app: ReturnType<typeof createApp>;
const ids: Record<string, string> = {};
const users: Record<string, string> = {};

const db = () => database.db;
const client = () => testClient(app);
const signedIn = async (email: string) => {
  const c = client();
  await c.signIn(email);
  return c;
};
const bioOf = async (accountId: string) =>
  (
    await withService(db(), (tx) =>
      tx.selectFrom('artist_profiles').select('bio').where('account_id', '=', accountId).executeTakeFirstOrThrow(),
    )
  ).bio;
const path = (accountId: string) => `/api/marketplace/artists/${accountId}/profile`;

beforeAll(async () => {
  database = await createDemoTestDatabase();
  app = createApp(testDeps(database));
  for (const a of await db().selectFrom('accounts').select(['id', 'slug']).execute()) ids[a.slug] = a.id;
  const hash = await hashPassword(DEMO_PASSWORD);
  await withService(db(), async (tx) => {
    for (const [email, role] of [
      ['admin-of-mira@profile.test', 'admin'],
      ['member-of-mira@profile.test', 'member'],
    ] as const) {
      const u = await tx
        .insertInto('users')
        .values({ email, name: email, password_hash: hash })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.insertInto('memberships').values({ account_id: ids['mira-okafor'], user_id: u.id, role }).execute();
      users[email] = u.id;
    }
    for (const u of await tx.selectFrom('users').select(['id', 'email']).execute()) users[u.email] = u.id;
  });
}, 120_000);
afterAll(() => database?.close());

describe('PATCH /marketplace/artists/{accountId}/profile', () => {
  it('lets an admin of the artist save the bio, shown on the public artist page and audited', async () => {
    const mira = ids['mira-okafor'];
    const admin = await signedIn('admin-of-mira@profile.test');
    const bio = 'Mira Okafor paints rivers at dawn, between Lagos and Berlin.';
    const r = await admin.patch(path(mira), { bio: `  ${bio}\n` });
    expect(r.status).toBe(200);
    expect(r.body.profile).toMatchObject({ accountId: mira, slug: 'mira-okafor', name: 'Mira Okafor', bio });
    expect(await bioOf(mira)).toBe(bio);
    const page = await client().get('/api/marketplace/artists/mira-okafor');
    expect(page.status).toBe(200);
    expect(page.body.bio).toBe(bio);
    // Members read it back for the editor.
    const read = await (await signedIn('member-of-mira@profile.test')).get(path(mira));
    expect(read.status).toBe(200);
    expect(read.body.profile.bio).toBe(bio);
    const audit = await withService(db(), (tx) =>
      tx
        .selectFrom('audit_events')
        .select(['actor_user_id', 'entity_id', 'after'])
        .where('action', '=', 'artist_profile.updated')
        .execute(),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_user_id: users['admin-of-mira@profile.test'], entity_id: mira });
    expect(audit[0].after).toEqual({ bio });
    // The owner may too, and an empty bio is allowed (it clears the text).
    const owner = await signedIn('artist@demo.gallerist.dev');
    expect((await owner.patch(path(mira), { bio: '' })).status).toBe(200);
    expect(await bioOf(mira)).toBe('');
  });

  it('refuses a plain member (403), another artist (404) and a stranger (401), writing nothing', async () => {
    const mira = ids['mira-okafor'];
    const before = await bioOf(mira);
    const member = await (await signedIn('member-of-mira@profile.test')).patch(path(mira), { bio: 'Member text' });
    expect(member.status).toBe(403);
    expect(member.body.error.code).toBe('forbidden');
    const other = await (await signedIn('jonas@demo.gallerist.dev')).patch(path(mira), { bio: 'Jonas text' });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('not_found');
    // A studio owner naming their own studio: the wrong kind of account is "not found" too.
    const studio = await (await signedIn('studio@demo.gallerist.dev')).patch(path(ids['lumen-photography']), {
      bio: 'x',
    });
    expect(studio.status).toBe(404);
    const stranger = await client().patch(path(mira), { bio: 'Anon text' });
    expect(stranger.status).toBe(401);
    expect(stranger.body.error.code).toBe('unauthenticated');
    expect(await bioOf(mira)).toBe(before);
  });

  it.each([
    ['a bio over 5000 characters', { bio: 'x'.repeat(5001) }],
    ['an unknown field', { bio: 'ok', country: 'FR' }],
    ['a missing bio', {}],
    ['a bio that is not text', { bio: 42 }],
  ])('answers %s with 400 and leaves the bio as it was', async (_label, body) => {
    const mira = ids['mira-okafor'];
    const before = await bioOf(mira);
    const r = await (await signedIn('artist@demo.gallerist.dev')).patch(path(mira), body);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    expect(await bioOf(mira)).toBe(before);
  });

  it('accepts exactly 5000 characters', async () => {
    const mira = ids['mira-okafor'];
    const r = await (await signedIn('artist@demo.gallerist.dev')).patch(path(mira), { bio: 'y'.repeat(5000) });
    expect(r.status).toBe(200);
    expect((await bioOf(mira)).length).toBe(5000);
  });
});

describe('artist_profiles RLS (migration 0105)', () => {
  const update = (userId: string, accountId: string, bio: string) =>
    withUser(db(), { sub: userId }, async (tx) =>
      Number(
        (await sql`update artist_profiles set bio = ${bio} where account_id = ${accountId}`.execute(tx))
          .numAffectedRows ?? 0,
      ),
    );

  it('lets no one but the account’s admins update the row, and only its bio', async () => {
    const mira = ids['mira-okafor'];
    const before = await bioOf(mira);
    // Another artist account's owner, and a plain member of Mira: RLS hides the row from the update.
    expect(await update(users['jonas@demo.gallerist.dev'], mira, 'Jonas was here')).toBe(0);
    expect(await update(users['member-of-mira@profile.test'], mira, 'Member was here')).toBe(0);
    expect(await bioOf(mira)).toBe(before);
    // Mira's admin may, through SQL too.
    expect(await update(users['admin-of-mira@profile.test'], mira, 'Through SQL')).toBe(1);
    expect(await bioOf(mira)).toBe('Through SQL');
    // Stripe state, fee and country stay the server's: no column grant for them.
    for (const q of [
      sql`update artist_profiles set fee_bps = 0 where account_id = ${mira}`,
      sql`update artist_profiles set country = 'FR' where account_id = ${mira}`,
      sql`update artist_profiles set charges_enabled = true where account_id = ${mira}`,
    ]) {
      await expect(withUser(db(), { sub: users['artist@demo.gallerist.dev'] }, (tx) => q.execute(tx))).rejects.toThrow(
        /permission denied/,
      );
    }
    // Nor may anyone insert or delete a profile.
    await expect(
      withUser(db(), { sub: users['artist@demo.gallerist.dev'] }, (tx) =>
        sql`delete from artist_profiles where account_id = ${mira}`.execute(tx),
      ),
    ).rejects.toThrow(/permission denied/);
  });
});
