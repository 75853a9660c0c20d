import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient, testDeps } from '../../test/http.ts';
import type { Database } from '../db/connect.ts';
import { createDemoTestDatabase } from '../db/testing.ts';
import { createApp } from '../http/app.ts';
import { emailedToken, signUpAndConfirm } from './testing.ts';

let database: Database;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  database = await createDemoTestDatabase();
  app = createApp(testDeps(database));
});
afterAll(() => database.close());

const count = async (table: 'users' | 'accounts' | 'memberships' | 'invitations') =>
  Number(
    (
      await database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('sign-up and sign-in', () => {
  it('signs up without a session, then signs in through the emailed confirmation link, once', async () => {
    const c = testClient(app);
    const r = await c.post('/api/auth/sign-up', {
      email: 'New.User@Example.com',
      password: 'long enough pw',
      name: 'New',
    });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ ok: true });
    expect(r.headers.getSetCookie().some((x) => x.startsWith('gallerist_session='))).toBe(false);
    expect((await c.get('/api/auth/session')).body.user).toBeNull();
    // Password sign-in waits for the address to be confirmed (and mails a fresh link).
    const early = await c.post('/api/auth/sign-in', { email: 'new.user@example.com', password: 'long enough pw' });
    expect(early.status).toBe(403);
    expect(early.body.error.details.emailUnconfirmed).toBe(true);

    const mail = await database.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', 'new.user@example.com')
      .where('template', '=', 'email_confirmation')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(mail.subject).toBe('Confirm your email to finish signing up');
    expect(mail.text).toContain('/confirm-email?token=');
    const token = await emailedToken(database.db, 'new.user@example.com', 'email_confirmation');
    const confirmed = await c.post('/api/auth/email-link', { token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.user).toMatchObject({ email: 'new.user@example.com', name: 'New', isPlatformAdmin: false });
    const cookie = confirmed.headers.getSetCookie().find((x) => x.startsWith('gallerist_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const s = await c.get('/api/auth/session');
    expect(s.body.user.email).toBe('new.user@example.com');
    expect(s.body.memberships).toEqual([]);
    expect((await testClient(app).post('/api/auth/email-link', { token })).status).toBe(410);
    await testClient(app).signIn('new.user@example.com', 'long enough pw');
    const audit = await database.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', confirmed.body.user.id)
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['user.email_confirmed', 'user.signed_up']);
  });

  it('answers a registered address exactly like a new one, creates nothing, and emails the owner instead', async () => {
    const before = await count('users');
    const a = await testClient(app).post('/api/auth/sign-up', {
      email: 'brand.new@x.co',
      password: 'long enough pw',
      name: 'N',
    });
    const b = await testClient(app).post('/api/auth/sign-up', {
      email: 'STUDIO@demo.gallerist.dev',
      password: 'long enough pw',
      name: 'Dup',
    });
    expect(b.status).toBe(a.status);
    expect(b.body).toEqual(a.body);
    const cookieNames = (h: Headers) => h.getSetCookie().map((x) => x.split('=')[0]);
    expect(cookieNames(b.headers)).toEqual(cookieNames(a.headers));
    expect(await count('users')).toBe(before + 1);

    const notice = await database.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', 'studio@demo.gallerist.dev')
      .where('template', '=', 'sign_up_existing_account')
      .executeTakeFirstOrThrow();
    expect(notice.subject).toMatch(/someone tried to create an account with your email/i);
    expect(notice.text).toContain('/sign-in');
    expect(notice.text).toContain('/forgot-password');
    expect(notice.text).not.toMatch(/token=/);
    // The existing password is untouched.
    await testClient(app).signIn('studio@demo.gallerist.dev');
  });

  it.each([
    ['malformed JSON', '{"email":', 'invalid_json'],
    ['wrong types', { email: 42, password: true, name: [] }, 'validation_failed'],
    ['over-long strings', { email: 'a@b.co', password: 'x'.repeat(500), name: 'n' }, 'validation_failed'],
    [
      'unknown fields',
      { email: 'u@b.co', password: 'long enough pw', name: 'n', isPlatformAdmin: true },
      'validation_failed',
    ],
    ['a short password', { email: 'u@b.co', password: 'short', name: 'n' }, 'validation_failed'],
  ])('rejects %s with a 400 JSON error and writes nothing', async (_label, body, code) => {
    const before = await count('users');
    const r = await testClient(app).post('/api/auth/sign-up', body);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code });
    expect(typeof r.body.error.message).toBe('string');
    expect(await count('users')).toBe(before);
  });

  it('gives field errors for validation failures, including unknown fields', async () => {
    const r = await testClient(app).post('/api/auth/sign-up', { email: 'nope', password: 'x', name: '', admin: 1 });
    expect(Object.keys(r.body.error.details.fieldErrors).sort()).toEqual(['admin', 'email', 'name', 'password']);
  });

  it('refuses state changes without the CSRF token', async () => {
    const before = await count('users');
    const res = await app.request('/api/auth/sign-up', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'csrf@x.co', password: 'long enough pw', name: 'C' }),
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('csrf_failed');
    expect(await count('users')).toBe(before);
  });

  it('uses one error for unknown email and wrong password', async () => {
    const c = testClient(app);
    const a = await c.post('/api/auth/sign-in', { email: 'nobody@x.co', password: 'whatever123' });
    const b = await c.post('/api/auth/sign-in', { email: 'studio@demo.gallerist.dev', password: 'wrong-password' });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.body.error).toEqual(b.body.error);
  });

  it('rate limits repeated sign-in attempts for one email', async () => {
    const c = testClient(app);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push(
        (await c.post('/api/auth/sign-in', { email: 'member@demo.gallerist.dev', password: 'bad-bad-bad' })).status,
      );
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    const ok = await c.post('/api/auth/sign-in', { email: 'member@demo.gallerist.dev', password: 'gallerist-demo' });
    expect(ok.status).toBe(429);
    expect(ok.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('signs out and the old cookie no longer works', async () => {
    const c = testClient(app);
    await c.signIn('artist@demo.gallerist.dev');
    const token = c.jar.get('gallerist_session')!;
    expect((await c.post('/api/auth/sign-out')).status).toBe(204);
    const res = await app.request('/api/auth/session', { headers: { cookie: `gallerist_session=${token}` } });
    expect((await res.json()).user).toBeNull();
  });

  it('resets a password through the emailed link, once', async () => {
    const c = testClient(app);
    expect((await c.post('/api/auth/password-reset', { email: 'artist@demo.gallerist.dev' })).status).toBe(202);
    expect((await c.post('/api/auth/password-reset', { email: 'ghost@demo.gallerist.dev' })).status).toBe(202);
    const mail = await database.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', 'artist@demo.gallerist.dev')
      .where('template', '=', 'password_reset')
      .executeTakeFirstOrThrow();
    const token = decodeURIComponent(/token=([\w%-]+)/.exec(mail.text)![1]);
    const r = await c.post('/api/auth/password-reset/confirm', { token, password: 'a brand new password' });
    expect(r.status).toBe(200);
    expect(r.body.user.email).toBe('artist@demo.gallerist.dev');
    const again = await c.post('/api/auth/password-reset/confirm', { token, password: 'another new password' });
    expect(again.status).toBe(410);
    await testClient(app).signIn('artist@demo.gallerist.dev', 'a brand new password');
  });

  it('revokes an older reset link when a newer one is sent', async () => {
    const c = testClient(app);
    const email = 'provider@demo.gallerist.dev';
    expect((await c.post('/api/auth/password-reset', { email })).status).toBe(202);
    const older = await emailedToken(database.db, email, 'password_reset');
    expect((await c.post('/api/auth/password-reset', { email })).status).toBe(202);
    const newer = await emailedToken(database.db, email, 'password_reset');
    expect(newer).not.toBe(older);
    const stale = await c.post('/api/auth/password-reset/confirm', { token: older, password: 'stale link password' });
    expect(stale.status).toBe(410);
    const fresh = await c.post('/api/auth/password-reset/confirm', { token: newer, password: 'fresh link password' });
    expect(fresh.status).toBe(200);
    await testClient(app).signIn(email, 'fresh link password');
    const audit = await database.db
      .selectFrom('audit_events')
      .select(['action', 'after'])
      .where('entity_id', '=', fresh.body.user.id)
      .where('action', '=', 'user.password_reset_requested')
      .orderBy('created_at')
      .execute();
    expect(audit.map((a) => a.after)).toEqual([{ revokedLinks: 0 }, { revokedLinks: 1 }]);
  });
});

describe('accounts, memberships and invitations', () => {
  it('creates an account owned by the creator, with unique slugs', async () => {
    const c = testClient(app);
    await signUpAndConfirm(c, database.db, { email: 'owner@x.co', name: 'Owner' });
    const r = await c.post('/api/accounts', { name: 'Owner Studio', slug: 'owner-studio', kind: 'studio' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ slug: 'owner-studio', kind: 'studio', role: 'owner' });
    const dup = await c.post('/api/accounts', { name: 'Again', slug: 'owner-studio', kind: 'artist' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.details.fieldErrors.slug).toBeTruthy();
    const bad = await c.post('/api/accounts', { name: 'Bad', slug: 'Not A Slug', kind: 'bank' });
    expect(bad.status).toBe(400);
  });

  it('invites by email; only the invited address can accept; members cannot invite', async () => {
    const owner = testClient(app);
    await signUpAndConfirm(owner, database.db, { email: 'boss@x.co', name: 'Boss' });
    const acct = (await owner.post('/api/accounts', { name: 'Boss Org', slug: 'boss-org', kind: 'organization' })).body;
    const inv = await owner.post(`/api/accounts/${acct.accountId}/invitations`, { email: 'Hire@x.co', role: 'member' });
    expect(inv.status).toBe(201);
    const mail = await database.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', 'hire@x.co')
      .executeTakeFirstOrThrow();
    const token = decodeURIComponent(/token=([\w%-]+)/.exec(mail.text)![1]);

    const stranger = testClient(app);
    await signUpAndConfirm(stranger, database.db, { email: 'stranger@x.co', name: 'S' });
    expect((await stranger.post('/api/invitations/accept', { token })).status).toBe(403);

    const hire = testClient(app);
    await signUpAndConfirm(hire, database.db, { email: 'hire@x.co', name: 'Hire' });
    const accepted = await hire.post('/api/invitations/accept', { token });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ slug: 'boss-org', role: 'member' });
    expect((await hire.post('/api/invitations/accept', { token })).status).toBe(410);

    const members = await hire.get(`/api/accounts/${acct.accountId}/members`);
    expect(members.body.data.map((m: { email: string }) => m.email).sort()).toEqual(['boss@x.co', 'hire@x.co']);
    const denied = await hire.post(`/api/accounts/${acct.accountId}/invitations`, { email: 'x@x.co', role: 'admin' });
    expect(denied.status).toBe(403);
    expect((await hire.get(`/api/accounts/${acct.accountId}/invitations`)).status).toBe(403);

    // The last owner can't be removed; a member can be.
    const bossId = members.body.data.find((m: { email: string }) => m.email === 'boss@x.co').userId;
    const hireId = members.body.data.find((m: { email: string }) => m.email === 'hire@x.co').userId;
    expect((await owner.del(`/api/accounts/${acct.accountId}/members/${bossId}`)).status).toBe(409);
    expect((await owner.del(`/api/accounts/${acct.accountId}/members/${hireId}`)).status).toBe(204);
    const audit = await database.db
      .selectFrom('audit_events')
      .select('action')
      .where('account_id', '=', acct.accountId)
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(
      ['account.created', 'membership.invited', 'membership.joined', 'membership.removed'].sort(),
    );
  });

  it("hides other tenants' members behind a 404", async () => {
    const c = testClient(app);
    await c.signIn('studio@demo.gallerist.dev');
    const acme = await database.db
      .selectFrom('accounts')
      .select('id')
      .where('slug', '=', 'acme-corp')
      .executeTakeFirstOrThrow();
    const r = await c.get(`/api/accounts/${acme.id}/members`);
    expect(r.status).toBe(404);
  });

  it('lets only platform admins list users and accounts', async () => {
    const user = testClient(app);
    await user.signIn('studio@demo.gallerist.dev');
    expect((await user.get('/api/admin/users')).status).toBe(403);
    const admin = testClient(app);
    await admin.signIn('admin@demo.gallerist.dev');
    const r = await admin.get('/api/admin/users?q=demo.gallerist&limit=2');
    expect(r.status).toBe(200);
    expect(r.body.data).toHaveLength(2);
    expect(r.body.total).toBeGreaterThanOrEqual(6);
    const a = await admin.get('/api/admin/accounts?q=acme');
    expect(a.body.data).toEqual([expect.objectContaining({ slug: 'acme-corp', memberCount: 2 })]);
    expect((await admin.get('/api/admin/users?limit=1000')).status).toBe(400);
    // LIKE wildcards in the search are literal.
    expect((await admin.get('/api/admin/users?q=%25')).body.data).toEqual([]);
  });
});

describe('http basics', () => {
  it('serves the OpenAPI document generated from the route schemas', async () => {
    const res = await app.request('/api/openapi.json');
    const spec = await res.json();
    expect(spec.paths['/auth/sign-up'].post.requestBody).toBeTruthy();
    expect(spec.components.schemas.SignUpInput.properties.password.minLength).toBe(10);
    const docs = await app.request('/api/docs');
    expect(await docs.text()).toContain('/api/auth/sign-in');
  });

  it('answers unknown API routes with a JSON 404 and oversized bodies with 413', async () => {
    const c = testClient(app);
    const r = await c.get('/api/nope');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
    const big = await c.post('/api/auth/sign-in', { email: 'a@b.co', password: 'x'.repeat(2 * 1024 * 1024) });
    expect(big.status).toBe(413);
  });

  it('reports database health', async () => {
    const res = await app.request('/healthz');
    const body = await res.json();
    expect(body.database.ok).toBe(true);
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });
});
