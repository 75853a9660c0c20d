import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { testClient } from '../../test/http.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.stop());

const client = () => testClient({ request: (p, init) => fetch(`${app.url}${p}`, init) });

describe('Connect events through the webhook inbox', () => {
  it('marks onboarding complete when the emulator sends account.updated, once', async () => {
    const { db } = app.platform.deps;
    const mira = await db
      .selectFrom('accounts')
      .select('id')
      .where('slug', '=', 'mira-okafor')
      .executeTakeFirstOrThrow();
    const artist = client();
    await artist.signIn('artist@demo.gallerist.dev');
    const link = await artist.post(`/api/marketplace/artists/${mira.id}/onboarding-link`, {});
    expect(link.status).toBe(200);
    const profile = await db
      .selectFrom('artist_profiles')
      .select(['stripe_account_id', 'onboarding_status'])
      .where('account_id', '=', mira.id)
      .executeTakeFirstOrThrow();
    expect(profile.stripe_account_id).toMatch(/^acct_/);
    expect(profile.onboarding_status).not.toBe('complete');

    const res = await fetch(`${app.emulatorUrl}/_emulator/accounts/${profile.stripe_account_id}/onboard`, {
      method: 'POST',
    });
    expect(res.status).toBe(200);
    await fetch(`${app.emulatorUrl}/_emulator/webhooks/flush`, { method: 'POST' });
    await app.settle();
    await expect
      .poll(
        async () =>
          (
            await db
              .selectFrom('artist_profiles')
              .select('onboarding_status')
              .where('account_id', '=', mira.id)
              .executeTakeFirstOrThrow()
          ).onboarding_status,
        { timeout: 10_000 },
      )
      .toBe('complete');
    const events = await db
      .selectFrom('stripe_events')
      .select(['type', 'status'])
      .where('type', '=', 'account.updated')
      .where('status', '=', 'processed')
      .execute();
    expect(events.length).toBeGreaterThanOrEqual(1);
  });
});
