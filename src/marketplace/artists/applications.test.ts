import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withService } from '../../db/tenancy.ts';
import {
  approvedArtist,
  completeApplication,
  type MarketplaceTestEnv,
  onboard,
  signUpClient,
  startMarketplaceEnv,
} from '../testing.ts';
import { applyAccountDeauthorized, applyAccountUpdated } from './connect.ts';

let env: MarketplaceTestEnv;

beforeAll(async () => {
  env = await startMarketplaceEnv();
});
afterAll(() => env.stop());

const db = () => env.database.db;
const countApplications = async () =>
  Number(
    (
      await withService(db(), (tx) =>
        tx
          .selectFrom('artist_applications')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow(),
      )
    ).n,
  );
const mails = (to: string) =>
  withService(db(), (tx) => tx.selectFrom('mail_outbox').selectAll().where('to_address', '=', to).execute());
const profile = (accountId: string) =>
  withService(db(), (tx) =>
    tx.selectFrom('artist_profiles').selectAll().where('account_id', '=', accountId).executeTakeFirstOrThrow(),
  );

describe('artist applications', () => {
  it('autosaves a draft, submits it once complete, and emails a receipt', async () => {
    const { c } = await signUpClient(env, 'applicant1@example.com', 'Ana Applicant');
    expect((await c.get('/api/marketplace/application')).body.application).toBeNull();
    const a = await c.put('/api/marketplace/application', { statement: 'Work in progress' });
    expect(a.status).toBe(200);
    expect(a.body.application).toMatchObject({ status: 'draft', statement: 'Work in progress', portfolioUrl: null });
    const b = await c.put('/api/marketplace/application', { portfolioUrl: 'https://ana.example' });
    expect(b.body.application.id).toBe(a.body.application.id);
    expect(b.body.application.statement).toBe('Work in progress');

    const incomplete = await c.post('/api/marketplace/application/submit');
    expect(incomplete.status).toBe(400);
    expect(Object.keys(incomplete.body.error.details.fieldErrors).sort()).toEqual([
      'country',
      'statement',
      'termsAccepted',
    ]);
    expect((await c.get('/api/marketplace/application')).body.application.status).toBe('draft');

    await c.put('/api/marketplace/application', completeApplication);
    const s = await c.post('/api/marketplace/application/submit');
    expect(s.status).toBe(200);
    expect(s.body.application).toMatchObject({ status: 'pending', country: 'DE' });
    expect((await mails('applicant1@example.com')).map((m) => m.template)).toContain(
      'marketplace.application_received',
    );
    // Pending is locked for the applicant, and there is still only one active application.
    const locked = await c.put('/api/marketplace/application', { statement: 'changed' });
    expect(locked.status).toBe(409);
    expect(locked.body.error.code).toBe('invalid_state');
  });

  it.each([
    ['a non-http portfolio URL', { portfolioUrl: 'javascript:alert(1)' }, 'portfolioUrl'],
    ['a bad Instagram handle', { instagram: 'not a handle!' }, 'instagram'],
    ['a three-letter country', { country: 'DEU' }, 'country'],
    ['an over-long statement', { statement: 'x'.repeat(5001) }, 'statement'],
    ['unknown fields', { status: 'approved' }, 'status'],
  ])('rejects %s with a 400 and writes nothing', async (_label, body, field) => {
    const { c } = await signUpClient(env, `v${field}@example.com`);
    const before = await countApplications();
    const r = await c.put('/api/marketplace/application', body);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    expect(Object.keys(r.body.error.details.fieldErrors)).toContain(field);
    expect(await countApplications()).toBe(before);
  });

  it('allows only one active application per user, also at the database', async () => {
    const { c, userId } = await signUpClient(env, 'single@example.com');
    await c.put('/api/marketplace/application', { statement: 'one' });
    await expect(
      withService(db(), (tx) => tx.insertInto('artist_applications').values({ user_id: userId }).execute()),
    ).rejects.toThrow();
    expect((await c.put('/api/marketplace/application', { statement: 'two' })).body.application.statement).toBe('two');
  });

  it('needs a signed-in user, and admin endpoints need a platform admin', async () => {
    expect((await env.client().get('/api/marketplace/application')).status).toBe(401);
    const { c } = await signUpClient(env, 'nosy@example.com');
    expect((await c.get('/api/admin/marketplace/applications')).status).toBe(403);
  });

  it('rejects with a reason by email; the applicant may then apply again', async () => {
    const { c } = await signUpClient(env, 'rejected@example.com', 'Rex Rejected');
    await c.put('/api/marketplace/application', completeApplication);
    const { body } = await c.post('/api/marketplace/application/submit');
    const admin = env.client();
    await admin.signIn('admin@demo.gallerist.dev');
    const queue = await admin.get('/api/admin/marketplace/applications?status=pending');
    expect(queue.body.data.map((a: { id: string }) => a.id)).toContain(body.application.id);
    expect(queue.body.data.find((a: { id: string }) => a.id === body.application.id).applicant.email).toBe(
      'rejected@example.com',
    );
    expect((await admin.post(`/api/admin/marketplace/applications/${body.application.id}/reject`, {})).status).toBe(
      400,
    );
    const r = await admin.post(`/api/admin/marketplace/applications/${body.application.id}/reject`, {
      reason: 'Please show more recent work.',
    });
    expect(r.status).toBe(200);
    expect(r.body.application).toMatchObject({ status: 'rejected', rejectionReason: 'Please show more recent work.' });
    const mail = (await mails('rejected@example.com')).find((m) => m.template === 'marketplace.application_rejected');
    expect(mail?.text).toContain('Please show more recent work.');
    expect((await admin.post(`/api/admin/marketplace/applications/${body.application.id}/approve`)).status).toBe(409);
    expect((await c.get('/api/marketplace/application')).body.application.status).toBe('rejected');
    const again = await c.put('/api/marketplace/application', { statement: 'Fresh start' });
    expect(again.body.application).toMatchObject({ status: 'draft', statement: 'Fresh start' });
    const audit = await withService(db(), (tx) =>
      tx.selectFrom('audit_events').select('action').where('entity_id', '=', body.application.id).execute(),
    );
    expect(audit.map((a) => a.action)).toContain('artist_application.rejected');
  });
});

describe('approval and Connect onboarding', () => {
  it('creates the artist tenant and an Express account, then syncs onboarding to complete', async () => {
    const { c, accountId, approve } = await approvedArtist(env, 'mira2@example.com', 'Mira Okafor');
    expect(approve.application.status).toBe('approved');
    const detail = env.client();
    await detail.signIn('admin@demo.gallerist.dev');
    const one = await detail.get(`/api/admin/marketplace/applications/${approve.application.id}`);
    expect(one.body.application).toMatchObject({ status: 'approved', artistAccountId: accountId });
    const audit = await withService(db(), (tx) =>
      tx.selectFrom('audit_events').select(['action', 'actor_user_id']).where('account_id', '=', accountId).execute(),
    );
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['artist_application.approved', 'artist.connect_account_created']),
    );
    const session = await c.get('/api/auth/session');
    const m = session.body.memberships.find((x: { accountId: string }) => x.accountId === accountId);
    // The demo already owns "mira-okafor", so the slug is de-duplicated.
    expect(m).toMatchObject({ kind: 'artist', role: 'owner', slug: 'mira-okafor-2' });
    const stripeId = approve.artist.stripeAccountId as string;
    expect(stripeId).toMatch(/^acct_/);
    const acct = await env.stripe.accounts.retrieve(stripeId);
    expect(acct).toMatchObject({ type: 'express', country: 'DE', metadata: { account_id: accountId } });
    expect(acct.settings?.payouts?.schedule?.interval).toBe('manual');
    expect((await mails('mira2@example.com')).map((x) => x.template)).toContain('marketplace.application_approved');

    const link = await c.post(`/api/marketplace/artists/${accountId}/onboarding-link`);
    expect(link.status).toBe(200);
    expect(link.body.url).toContain(stripeId);
    expect((await c.post(`/api/marketplace/artists/${accountId}/login-link`)).status).toBe(409);
    expect((await c.get(`/api/marketplace/artists/${accountId}`)).body.onboardingStatus).toBe('pending');

    await onboard(env, stripeId);
    const synced = await c.get(`/api/marketplace/artists/${accountId}?sync=true`);
    expect(synced.body).toMatchObject({
      onboardingStatus: 'complete',
      chargesEnabled: true,
      payoutsEnabled: true,
      detailsSubmitted: true,
    });
    const login = await c.post(`/api/marketplace/artists/${accountId}/login-link`);
    expect(login.status).toBe(200);
    expect(login.body.url).toContain('express');

    // Nobody else gets the status or links.
    const { c: other } = await signUpClient(env, 'other-artist@example.com');
    expect((await other.get(`/api/marketplace/artists/${accountId}`)).status).toBe(404);
    expect((await other.post(`/api/marketplace/artists/${accountId}/onboarding-link`)).status).toBe(404);
  });

  it('ignores a stale account.updated and keeps a deauthorization', async () => {
    const { accountId, approve } = await approvedArtist(env, 'stale@example.com', 'Stale Events');
    const id = approve.artist.stripeAccountId as string;
    const done = { id, details_submitted: true, charges_enabled: true, payouts_enabled: true };
    const pending = { id, details_submitted: false, charges_enabled: false, payouts_enabled: false };
    expect(await withService(db(), (tx) => applyAccountUpdated(tx, done, 2_000_000_000))).toBe(true);
    expect(await withService(db(), (tx) => applyAccountUpdated(tx, pending, 1_999_999_000))).toBe(false);
    expect((await profile(accountId)).onboarding_status).toBe('complete');
    expect(
      await withService(db(), (tx) => applyAccountUpdated(tx, { ...done, payouts_enabled: false }, 2_000_000_100)),
    ).toBe(true);
    expect((await profile(accountId)).onboarding_status).toBe('restricted');

    expect(await withService(db(), (tx) => applyAccountDeauthorized(tx, id, 1_000))).toBe(false);
    expect(await withService(db(), (tx) => applyAccountDeauthorized(tx, id, 2_000_000_200))).toBe(true);
    expect(await withService(db(), (tx) => applyAccountUpdated(tx, done, 2_000_000_300))).toBe(false);
    expect(await profile(accountId)).toMatchObject({ onboarding_status: 'deauthorized', charges_enabled: false });
  });
});
