import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { withService } from '../db/tenancy.ts';
import { onboardDemoArtists } from './demo.ts';
import { demoCatalog } from './seed-catalog.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ demo: true });
});
afterAll(() => app?.stop());

describe('demo marketplace', () => {
  it('seeds pictures for the demo works and onboards the demo artist once, so demo art can be bought', async () => {
    const { db, stripe, clock } = app.platform.deps;
    const images = await withService(db, (tx) =>
      tx
        .selectFrom('artworks as w')
        .innerJoin('accounts as a', 'a.id', 'w.account_id')
        .leftJoin('artwork_images as i', (j) => j.onRef('i.artwork_id', '=', 'w.id').on('i.is_primary', '=', true))
        .select(['w.title', 'i.id as image'])
        .where('a.slug', '=', 'mira-okafor')
        .execute(),
    );
    expect(images.length).toBeGreaterThan(0);
    expect(images.filter((r) => !r.image)).toEqual([]);

    // Mira Okafor and the demo catalog's artists.
    expect(await onboardDemoArtists(db, stripe, app.emulatorUrl, clock)).toBe(1 + demoCatalog.length);
    expect(await onboardDemoArtists(db, stripe, app.emulatorUrl, clock)).toBe(0);
    const profile = await withService(db, (tx) =>
      tx
        .selectFrom('artist_profiles as p')
        .innerJoin('accounts as a', 'a.id', 'p.account_id')
        .select(['p.onboarding_status', 'p.charges_enabled', 'p.stripe_account_id'])
        .where('a.slug', '=', 'mira-okafor')
        .executeTakeFirstOrThrow(),
    );
    expect(profile).toMatchObject({ onboarding_status: 'complete', charges_enabled: true });

    const published = await withService(db, (tx) =>
      tx
        .selectFrom('artworks')
        .select('id')
        .where('account_id', '=', tx.selectFrom('accounts').select('id').where('slug', '=', 'mira-okafor'))
        .where('status', '=', 'published')
        .executeTakeFirstOrThrow(),
    );
    const session = await fetch(`${app.url}/api/auth/session`);
    const csrf = /gallerist_csrf=([^;]+)/.exec(session.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const res = await fetch(`${app.url}/api/marketplace/artworks/${published.id}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, cookie: `gallerist_csrf=${csrf}` },
      body: JSON.stringify({ email: 'collector@example.com' }),
    });
    expect(res.status).toBe(201);
    expect((await res.json()).checkoutUrl).toMatch(/\/c\/pay\/cs_test_/);
  });
});
