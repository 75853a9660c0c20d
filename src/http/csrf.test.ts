import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newDataDir, testClient, testDeps } from '../../test/http.ts';
import type { Database } from '../db/connect.ts';
import { createDemoTestDatabase } from '../db/testing.ts';
import { createApp } from './app.ts';

// The double-submit token must be one this server issued for this session, and the call must come from our pages.

describe('CSRF', () => {
  let database: Database;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    const dataDir = newDataDir();
    database = await createDemoTestDatabase({ dataDir });
    const deps = testDeps(database, { dataDir });
    app = createApp(deps);
  });
  afterAll(() => database.close());

  const createAccount = (cookie: string, token: string, extra: Record<string, string> = {}) =>
    app.request('/api/accounts', {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': token, 'content-type': 'application/json', ...extra },
      body: JSON.stringify({
        name: 'Planted',
        slug: `planted-${Math.random().toString(36).slice(2, 8)}`,
        kind: 'studio',
      }),
    });

  it('mints a token at the session endpoint, never on a read; a write without one is refused and gets one', async () => {
    const read = await app.request('/api/marketplace/artworks');
    expect(read.status).toBe(200);
    expect(read.headers.getSetCookie()).toEqual([]);
    const session = await app.request('/api/auth/session');
    const minted = /gallerist_csrf=([\w-]+\.[\w-]{43})/.exec(session.headers.get('set-cookie') ?? '')?.[1];
    expect(minted).toBeTruthy();
    expect(((await session.json()) as { csrfToken: string }).csrfToken).toBe(minted);
    const blind = await createAccount('', '');
    expect(blind.status).toBe(403);
    expect(blind.headers.get('set-cookie')).toMatch(/gallerist_csrf=[\w-]+\.[\w-]{43}/);
  });

  it('refuses a cookie value the attacker chose, even when the header matches it', async () => {
    const c = testClient(app);
    await c.signIn('studio@demo.gallerist.dev');
    const session = c.jar.get('gallerist_session');
    const planted = 'attacker-chosen-value-0123456789';
    const res = await createAccount(`gallerist_session=${session}; gallerist_csrf=${planted}`, planted);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('csrf_failed');
    // The response hands the browser a fresh, valid token instead.
    expect(res.headers.get('set-cookie')).toMatch(/gallerist_csrf=[\w-]+\.[\w-]{43}/);
  });

  it('rotates the token at sign-in: the signed-out one, or another user’s, no longer works', async () => {
    const c = testClient(app);
    await c.get('/api/auth/session');
    const anonymous = c.jar.get('gallerist_csrf') as string;
    await c.signIn('studio@demo.gallerist.dev');
    const mine = c.jar.get('gallerist_csrf') as string;
    expect(mine).not.toBe(anonymous);
    const session = c.jar.get('gallerist_session');
    expect((await createAccount(`gallerist_session=${session}; gallerist_csrf=${anonymous}`, anonymous)).status).toBe(
      403,
    );

    const other = testClient(app);
    await other.signIn('artist@demo.gallerist.dev');
    const theirs = other.jar.get('gallerist_csrf') as string;
    expect((await createAccount(`gallerist_session=${session}; gallerist_csrf=${theirs}`, theirs)).status).toBe(403);
    expect((await createAccount(`gallerist_session=${session}; gallerist_csrf=${mine}`, mine)).status).toBe(201);
  });

  it('refuses a form post from another site even with a valid token', async () => {
    const c = testClient(app);
    await c.signIn('studio@demo.gallerist.dev');
    const cookie = [...c.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const token = c.jar.get('gallerist_csrf') as string;
    const res = await app.request('http://localhost:3000/api/auth/sign-out', {
      method: 'POST',
      headers: {
        cookie,
        'x-csrf-token': token,
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
      },
      body: 'a=1',
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('csrf_failed');
    expect((await c.get('/api/auth/session')).body.user?.email).toBe('studio@demo.gallerist.dev');
  });
});
