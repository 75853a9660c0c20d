import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient, testDeps } from '../../test/http.ts';
import type { Database } from '../db/connect.ts';
import { createDemoTestDatabase } from '../db/testing.ts';
import { createApp } from '../http/app.ts';
import { LOCKED_MESSAGE } from './sign-in-guard.ts';
import { emailedToken } from './testing.ts';

let database: Database;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  database = await createDemoTestDatabase();
  const deps = testDeps(database);
  // One trusted proxy, so each test client can stand for a different address.
  deps.config = { ...deps.config, TRUST_PROXY: 1 };
  app = createApp(deps);
});
afterAll(() => database.close());

const PASSWORD = 'gallerist-demo';

/** A browser at `ip`. */
function client(ip: string) {
  const c = testClient(app);
  const headers = { 'x-forwarded-for': ip };
  return {
    c,
    signIn: (email: string, password: string) => c.post('/api/auth/sign-in', { email, password }, headers),
  };
}

async function lockOut(email: string, ip: string) {
  const attacker = client(ip);
  const statuses: number[] = [];
  for (let i = 0; i < 11; i++) statuses.push((await attacker.signIn(email, `wrong password ${i}`)).status);
  expect(statuses).toEqual([...Array(10).fill(401), 429]);
}

const mails = (to: string, template: string) =>
  database.db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('to_address', '=', to)
    .where('template', '=', template)
    .execute();

describe('per-address sign-in lock', () => {
  it('lets a browser that signed in to the account before past a lock someone else tripped', async () => {
    const email = 'studio@demo.gallerist.dev';
    const owner = client('198.51.100.10');
    const first = await owner.signIn(email, PASSWORD);
    expect(first.status).toBe(200);
    const device = first.headers.getSetCookie().find((x) => x.startsWith('gallerist_device_'))!;
    expect(device).toMatch(/HttpOnly/);
    expect(device).toMatch(/Path=\/api\/auth/);
    // The session itself ends (expired or signed out); the device cookie stays.
    owner.c.jar.delete('gallerist_session');
    owner.c.jar.delete('gallerist_csrf');

    await lockOut(email, '203.0.113.66');
    // A new browser with the right password still waits...
    const stranger = await client('198.51.100.11').signIn(email, PASSWORD);
    expect(stranger.status).toBe(429);
    expect(stranger.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    // ...and so does one with a forged device cookie.
    const forged = client('198.51.100.12');
    const [name, value] = device.split(';')[0].split('=');
    forged.c.jar.set(name, `${value.split('.')[0]}.${'A'.repeat(43)}`);
    expect((await forged.signIn(email, PASSWORD)).status).toBe(429);
    // The owner's browser gets in, and a wrong password there is still just wrong.
    expect((await owner.signIn(email, 'not my password')).status).toBe(401);
    const back = await owner.signIn(email, PASSWORD);
    expect(back.status).toBe(200);
    expect(back.body.user.email).toBe(email);
    const audit = await database.db
      .selectFrom('audit_events')
      .select(['action', 'after'])
      .where('entity_id', '=', back.body.user.id)
      .where('action', '=', 'user.signed_in_past_lock')
      .execute();
    expect(audit).toEqual([{ action: 'user.signed_in_past_lock', after: { via: 'known_device' } }]);
  });

  it('emails the owner one sign-in link when the lock trips, and says so in the 429', async () => {
    const email = 'artist@demo.gallerist.dev';
    await lockOut(email, '203.0.113.77');
    const again = await client('203.0.113.78').signIn(email, PASSWORD);
    expect(again.status).toBe(429);
    expect(again.body.error.message).toBe(LOCKED_MESSAGE);
    expect(again.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    // However often the lock is hit, one link per lock window.
    expect(await mails(email, 'sign_in_link')).toHaveLength(1);

    const token = await emailedToken(database.db, email, 'sign_in_link');
    const owner = client('198.51.100.20');
    const signedIn = await owner.c.post('/api/auth/email-link', { token });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.email).toBe(email);
    expect((await owner.c.get('/api/auth/session')).body.user.email).toBe(email);
    expect((await client('198.51.100.21').c.post('/api/auth/email-link', { token })).status).toBe(410);
    const audit = await database.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', signedIn.body.user.id)
      .where('action', 'in', ['user.sign_in_locked', 'user.signed_in_with_link'])
      .orderBy('created_at')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['user.sign_in_locked', 'user.signed_in_with_link']);
  });

  it('answers an unknown address the same way and mails nobody', async () => {
    const email = 'nobody-here@demo.gallerist.dev';
    await lockOut(email, '203.0.113.88');
    const r = await client('203.0.113.89').signIn(email, PASSWORD);
    expect(r.status).toBe(429);
    expect(r.body.error.message).toBe(LOCKED_MESSAGE);
    expect(await mails(email, 'sign_in_link')).toEqual([]);
  });
});

describe('per-client sign-in limits', () => {
  it('stops one client from locking many addresses', async () => {
    const attacker = client('203.0.113.99');
    for (const email of ['org@demo.gallerist.dev', 'member@demo.gallerist.dev']) {
      for (let i = 0; i < 10; i++) expect((await attacker.signIn(email, `guess ${i}`)).status).toBe(401);
    }
    // Twenty failures: this client is paused before it can spend a third address's budget.
    const third = 'provider@demo.gallerist.dev';
    for (let i = 0; i < 10; i++) {
      const r = await attacker.signIn(third, `guess ${i}`);
      expect(r.status).toBe(429);
      expect(r.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    }
    // So the third address's owner, from anywhere else, is not locked out.
    expect((await client('198.51.100.30').signIn(third, PASSWORD)).status).toBe(200);
  });
});
