import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient, testDeps } from '../../test/http.ts';
import type { Database } from '../db/connect.ts';
import { withService } from '../db/tenancy.ts';
import { createDemoTestDatabase, testDbKind } from '../db/testing.ts';
import { createApp } from '../http/app.ts';
import { setPlatformAdmin, suspendUser } from './admin-users.ts';
import { signUpAndConfirm } from './testing.ts';

let database: Database;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  database = await createDemoTestDatabase();
  app = createApp(testDeps(database));
});
afterAll(() => database.close());

const ADMIN = 'admin@demo.gallerist.dev';

async function signUp(email: string, name = 'Someone') {
  const c = testClient(app);
  const session = await signUpAndConfirm(c, database.db, { email, name });
  return { c, id: session.user.id };
}
async function signedIn(email: string) {
  const c = testClient(app);
  await c.signIn(email);
  return c;
}
const userRow = (id: string) =>
  withService(database.db, (tx) => tx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
const audits = (entityId: string) =>
  withService(database.db, (tx) =>
    tx.selectFrom('audit_events').selectAll().where('entity_id', '=', entityId).orderBy('created_at').execute(),
  );
const sessions = async (userId: string) =>
  (
    await withService(database.db, (tx) =>
      tx.selectFrom('sessions').select('id').where('user_id', '=', userId).execute(),
    )
  ).length;
const mails = (to: string) =>
  withService(database.db, (tx) => tx.selectFrom('mail_outbox').selectAll().where('to_address', '=', to).execute());
const adminId = async () =>
  (
    await withService(database.db, (tx) =>
      tx.selectFrom('users').select('id').where('email', '=', ADMIN).executeTakeFirstOrThrow(),
    )
  ).id;

describe('platform admin: user management', () => {
  it('keeps every admin endpoint closed to non-admins (403) and signed-out visitors (401)', async () => {
    const { id } = await signUp('victim@example.com');
    const member = await signedIn('member@demo.gallerist.dev');
    for (const [method, path] of [
      ['get', '/api/admin/users'],
      ['get', `/api/admin/users/${id}`],
      ['post', `/api/admin/users/${id}/grant-admin`],
      ['post', `/api/admin/users/${id}/suspend`],
      ['get', '/api/admin/accounts'],
    ] as const) {
      const body = method === 'post' ? { reason: 'x' } : undefined;
      const r = method === 'get' ? await member.get(path) : await member.post(path, body);
      expect(r.status, path).toBe(403);
      const anon = testClient(app);
      const a = method === 'get' ? await anon.get(path) : await anon.post(path, body);
      expect(a.status, path).toBe(401);
    }
    // A self-grant attempt through the admin API changed nothing.
    expect((await userRow(id)).is_platform_admin).toBe(false);
  });

  it('searches users and accounts by a fragment from the middle, in any case (pg_trgm)', async () => {
    await signUp('Quentin.Marlowe-Search@Example.com');
    const admin = await signedIn(ADMIN);
    const users = await admin.get('/api/admin/users?q=N.MARLOWE-S');
    expect(users.status).toBe(200);
    expect(users.body.data.map((u: { email: string }) => u.email.toLowerCase())).toEqual([
      'quentin.marlowe-search@example.com',
    ]);
    expect(users.body.total).toBe(1);
    const accounts = await admin.get('/api/admin/accounts?q=MEN%20PHOTO');
    expect(accounts.body.data.map((a: { slug: string }) => a.slug)).toEqual(['lumen-photography']);
    expect((await admin.get('/api/admin/users?q=%25')).body.data).toEqual([]);
  });

  it('filters users by admin and suspended, and pages', async () => {
    const admin = await signedIn(ADMIN);
    const admins = await admin.get('/api/admin/users?admin=true');
    expect(admins.status).toBe(200);
    expect(admins.body.data.map((u: { email: string }) => u.email)).toContain(ADMIN);
    expect(admins.body.data.every((u: { isPlatformAdmin: boolean }) => u.isPlatformAdmin)).toBe(true);
    const p1 = await admin.get('/api/admin/users?admin=false&limit=2');
    expect(p1.body.data).toHaveLength(2);
    expect(p1.body.total).toBeGreaterThan(2);
    const p2 = await admin.get(`/api/admin/users?admin=false&limit=2&cursor=${p1.body.nextCursor}`);
    expect(p2.body.data[0].id).not.toBe(p1.body.data[0].id);
    expect((await admin.get('/api/admin/users?suspended=maybe')).status).toBe(400);
  });

  it('grants and revokes platform admin with audit rows; nobody revokes themselves', async () => {
    const admin = await signedIn(ADMIN);
    const { id } = await signUp('promoted@example.com', 'Promoted');
    const g = await admin.post(`/api/admin/users/${id}/grant-admin`, { reason: 'new ops hire' });
    expect(g.status).toBe(200);
    expect(g.body.user).toMatchObject({ id, isPlatformAdmin: true });
    expect((await admin.post(`/api/admin/users/${id}/grant-admin`, {})).status).toBe(409);

    const p = testClient(app);
    await p.signIn('promoted@example.com', 'long enough pw');
    const self = await p.post(`/api/admin/users/${id}/revoke-admin`, {});
    expect(self.status).toBe(409);
    expect(self.body.error.message).toMatch(/your own/);

    const r = await admin.post(`/api/admin/users/${id}/revoke-admin`, { reason: 'left the team' });
    expect(r.status).toBe(200);
    expect((await userRow(id)).is_platform_admin).toBe(false);
    const actor = await adminId();
    const rows = await audits(id);
    expect(rows.map((e) => e.action)).toEqual(
      expect.arrayContaining(['user.platform_admin_granted', 'user.platform_admin_revoked']),
    );
    const revoked = rows.find((e) => e.action === 'user.platform_admin_revoked')!;
    expect(revoked.actor_user_id).toBe(actor);
    expect(revoked.after).toMatchObject({ isPlatformAdmin: false, reason: 'left the team' });
    // The revoked admin's next request is no longer an admin request.
    expect((await p.get('/api/admin/users')).status).toBe(403);
  });

  it('refuses to revoke or suspend the last active platform admin (409), and writes nothing', async () => {
    // Over HTTP the actor is always another active admin, so the guard is reached by system actors (CLI).
    const first = await adminId();
    const { id: cli } = await signUp('ops-cli@example.com');
    const actor = { kind: 'cli', userId: cli };
    const clock = { now: () => new Date() };
    const before = (await audits(first)).length;
    await expect(
      withService(database.db, (tx) => setPlatformAdmin(tx, actor, first, false, 'x', clock)),
    ).rejects.toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/last active/) });
    await expect(withService(database.db, (tx) => suspendUser(tx, actor, first, 'x', clock))).rejects.toMatchObject({
      code: 'invalid_state',
    });
    expect((await userRow(first)).is_platform_admin).toBe(true);
    expect((await userRow(first)).suspended_at).toBeNull();
    expect(await audits(first)).toHaveLength(before);

    const admin = await signedIn(ADMIN);
    expect((await admin.post(`/api/admin/users/${first}/suspend`, { reason: 'me' })).status).toBe(409);
    expect((await admin.post(`/api/admin/users/${first}/revoke-admin`, {})).status).toBe(409);
  });

  it.skipIf(testDbKind() !== 'postgres')('two admins revoking each other at once leave one admin', async () => {
    const { id: a } = await signUp('race-a@example.com');
    const { id: b } = await signUp('race-b@example.com');
    const first = await adminId();
    const actor = { kind: 'cli', userId: first };
    const clock = { now: () => new Date() };
    await withService(database.db, async (tx) => {
      await setPlatformAdmin(tx, actor, a, true, undefined, clock);
      await setPlatformAdmin(tx, actor, b, true, undefined, clock);
      // Take the demo admin out of the count so a and b are the only active admins.
      await tx.updateTable('users').set({ is_platform_admin: false }).where('id', '=', first).execute();
    });
    const results = await Promise.allSettled([
      withService(database.db, (tx) => setPlatformAdmin(tx, { kind: 'user', userId: a }, b, false, 'race', clock)),
      withService(database.db, (tx) => setPlatformAdmin(tx, { kind: 'user', userId: b }, a, false, 'race', clock)),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const admins = await withService(database.db, (tx) =>
      tx.selectFrom('users').select('id').where('is_platform_admin', '=', true).where('id', 'in', [a, b]).execute(),
    );
    expect(admins).toHaveLength(1);
    await withService(database.db, (tx) =>
      tx.updateTable('users').set({ is_platform_admin: true }).where('id', '=', first).execute(),
    );
  });

  it('suspends a user: reason required, sessions ended, sign-in refused with 403, email sent, audited', async () => {
    const admin = await signedIn(ADMIN);
    const { c: victim, id } = await signUp('suspend-me@example.com', 'Sam Suspended');
    expect((await victim.get('/api/auth/session')).body.user.id).toBe(id);
    expect(await sessions(id)).toBe(1);
    await testClient(app).post('/api/auth/password-reset', { email: 'suspend-me@example.com' });
    const resetMail = (await mails('suspend-me@example.com')).find((m) => m.template === 'password_reset')!;
    const resetToken = decodeURIComponent(/token=([^"&\s]+)/.exec(resetMail.text)![1]);

    const noReason = await admin.post(`/api/admin/users/${id}/suspend`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.fieldErrors.reason).toBeDefined();
    expect((await userRow(id)).suspended_at).toBeNull();

    const s = await admin.post(`/api/admin/users/${id}/suspend`, { reason: 'Chargeback fraud' });
    expect(s.status).toBe(200);
    expect(s.body.user.suspendedAt).toEqual(expect.any(String));
    expect(await sessions(id)).toBe(0);
    expect((await victim.get('/api/auth/session')).body.user).toBeNull();
    const signIn = await testClient(app).post('/api/auth/sign-in', {
      email: 'suspend-me@example.com',
      password: 'long enough pw',
    });
    expect(signIn.status).toBe(403);
    expect(signIn.body.error.message).toMatch(/suspended/);
    // A reset link sent before the suspension no longer works.
    const reset = await testClient(app).post('/api/auth/password-reset/confirm', {
      token: resetToken,
      password: 'another long pw',
    });
    expect(reset.status).toBe(410);
    const mail = await mails('suspend-me@example.com');
    expect(mail.map((m) => m.template)).toContain('user_suspended');
    expect(mail.find((m) => m.template === 'user_suspended')!.text).toContain('Chargeback fraud');
    const ev = (await audits(id)).find((e) => e.action === 'user.suspended')!;
    expect(ev.actor_user_id).toBe(await adminId());
    expect(ev.after).toMatchObject({ reason: 'Chargeback fraud', sessionsEnded: 1 });

    const filtered = await admin.get('/api/admin/users?suspended=true&q=suspend-me');
    expect(filtered.body.data.map((u: { id: string }) => u.id)).toEqual([id]);

    expect((await admin.post(`/api/admin/users/${id}/unsuspend`, {})).status).toBe(200);
    const again = testClient(app);
    await again.signIn('suspend-me@example.com', 'long enough pw');
    expect((await again.get('/api/auth/session')).body.user.id).toBe(id);
    expect((await audits(id)).map((e) => e.action)).toContain('user.unsuspended');
  });

  it('shows a user detail with memberships and recent audit events', async () => {
    const admin = await signedIn(ADMIN);
    const artist = await withService(database.db, (tx) =>
      tx.selectFrom('users').select('id').where('email', '=', 'artist@demo.gallerist.dev').executeTakeFirstOrThrow(),
    );
    const d = await admin.get(`/api/admin/users/${artist.id}`);
    expect(d.status).toBe(200);
    expect(d.body.user.email).toBe('artist@demo.gallerist.dev');
    expect(d.body.memberships.length).toBeGreaterThan(0);
    expect((await admin.get('/api/admin/users/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await admin.get('/api/admin/users/not-a-uuid')).status).toBe(400);
  });
});

describe('platform admin: account suspension', () => {
  it('suspends an artist account: its works leave the public catalog, owners are emailed, audited', async () => {
    const admin = await signedIn(ADMIN);
    const acc = await withService(database.db, (tx) =>
      tx
        .selectFrom('accounts')
        .select(['id', 'slug'])
        .where('kind', '=', 'artist')
        .orderBy('created_at')
        .executeTakeFirstOrThrow(),
    );
    const visible = async () =>
      (await testClient(app).get(`/api/marketplace/artworks?artist=${acc.slug}`)).body.total as number;
    const before = await visible();
    expect(before).toBeGreaterThan(0);

    expect((await admin.post(`/api/admin/accounts/${acc.id}/suspend`, {})).status).toBe(400);
    const s = await admin.post(`/api/admin/accounts/${acc.id}/suspend`, { reason: 'Counterfeit listings' });
    expect(s.status).toBe(200);
    expect(await visible()).toBe(0);
    // Its published works can't be opened or bought by anyone while it is suspended.
    const work = await withService(database.db, (tx) =>
      tx
        .selectFrom('artworks')
        .select('id')
        .where('account_id', '=', acc.id)
        .where('status', '=', 'published')
        .executeTakeFirstOrThrow(),
    );
    expect((await testClient(app).get(`/api/marketplace/artworks/${work.id}`)).status).toBe(404);
    const checkout = await testClient(app).post(`/api/marketplace/artworks/${work.id}/checkout`, {
      email: 'guest@example.com',
    });
    expect(checkout.status).toBe(404);
    expect((await testClient(app).get(`/api/marketplace/artists/${acc.slug}`)).status).toBe(404);
    const list = await admin.get('/api/admin/accounts?suspended=true');
    expect(list.body.data.map((a: { id: string }) => a.id)).toContain(acc.id);
    const ev = (await audits(acc.id)).find((e) => e.action === 'account.suspended')!;
    expect(ev.account_id).toBe(acc.id);
    expect(ev.after).toMatchObject({ reason: 'Counterfeit listings' });
    const owners = await withService(database.db, (tx) =>
      tx
        .selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select('u.email')
        .where('m.account_id', '=', acc.id)
        .where('m.role', '=', 'owner')
        .execute(),
    );
    expect((await mails(owners[0].email)).map((m) => m.template)).toContain('account_suspended');

    expect((await admin.post(`/api/admin/accounts/${acc.id}/suspend`, { reason: 'again' })).status).toBe(409);
    expect((await admin.post(`/api/admin/accounts/${acc.id}/unsuspend`, {})).status).toBe(200);
    expect(await visible()).toBe(before);
  });
});
