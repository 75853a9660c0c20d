import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newDataDir, testClient, testDeps } from '../../test/http.ts';
import type { Database } from '../db/connect.ts';
import { createDemoTestDatabase } from '../db/testing.ts';
import { createApp } from '../http/app.ts';
import { PIN_ALERT } from './galleries.ts';

let database: Database;
let app: ReturnType<typeof createApp>;
let studio: ReturnType<typeof testClient>;
let lumenId: string;

beforeAll(async () => {
  const dataDir = newDataDir();
  database = await createDemoTestDatabase({ dataDir });
  const deps = testDeps(database, { dataDir });
  // One trusted proxy, so each visitor can stand for a different address.
  deps.config = { ...deps.config, TRUST_PROXY: 1 };
  app = createApp(deps);
  studio = testClient(app);
  const session = await studio.signIn('studio@demo.gallerist.dev');
  lumenId = session.memberships.find((m: { slug: string }) => m.slug === 'lumen-photography').accountId;
});
afterAll(() => database.close());

async function pinGallery(title: string, pin: string): Promise<{ id: string; token: string }> {
  const r = await studio.post(`/api/shop/studios/${lumenId}/galleries`, { title, pin, status: 'published' });
  expect(r.status).toBe(201);
  return r.body;
}

/** A visitor's browser at `ip`. */
function visitor(ip: string) {
  const c = testClient(app);
  return {
    c,
    unlock: (token: string, pin: string) => c.post(`/api/shop/g/${token}/unlock`, { pin }, { 'x-forwarded-for': ip }),
  };
}

const alertMails = () =>
  database.db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('template', '=', 'shop.gallery_pin_alert')
    .where('to_address', '=', 'studio@demo.gallerist.dev')
    .execute();

describe('gallery PIN limits', () => {
  it('pauses only the guessing client; the right PIN still opens the gallery for everyone else', async () => {
    const g = await pinGallery('Per client', '8642');
    const guesser = visitor('203.0.113.5');
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await guesser.unlock(g.token, `111${i}`)).status);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
    const paused = await guesser.unlock(g.token, '8642');
    expect(paused.status).toBe(429);
    expect(paused.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(paused.body.error.details.retryAfterSeconds).toBeLessThanOrEqual(300);

    const guest = visitor('198.51.100.5');
    expect((await guest.unlock(g.token, '8642')).status).toBe(204);
    expect((await guest.c.get(`/api/shop/g/${g.token}`)).status).toBe(200);
  });

  it('never locks the gallery however many clients guess, and emails the studio once', async () => {
    // Every one of the 106 guesses below verifies the PIN with scrypt; hash this gallery's PIN at the lowest cost
    // tests may use (the limits and the alert are what this test is about, not the hash).
    vi.stubEnv('GALLERIST_TEST_SCRYPT_N', '1024');
    const g = await pinGallery('Many guessers', '1357').finally(() => vi.unstubAllEnvs());
    const before = (await alertMails()).length;
    // Well past both the old per-gallery limit (100 an hour) and the alert threshold, spread over many clients.
    for (let ip = 0; ip < 21; ip++) {
      const v = visitor(`203.0.113.${100 + ip}`);
      for (let i = 0; i < 5; i++) expect((await v.unlock(g.token, `20${ip % 10}${i}`)).status).toBe(401);
    }
    expect((await visitor('198.51.100.6').unlock(g.token, '1357')).status).toBe(204);

    const mails = await alertMails();
    expect(mails.length - before).toBe(1);
    const mail = mails.at(-1)!;
    expect(mail.subject).toContain('Many guessers');
    expect(mail.text).toContain(`${PIN_ALERT.failures} times`);
    expect(mail.text).toContain(`/studio/galleries/${g.id}`);
    const audit = await database.db
      .selectFrom('audit_events')
      .select(['action', 'account_id'])
      .where('entity_id', '=', g.id)
      .where('action', '=', 'gallery.pin_failures_alerted')
      .execute();
    expect(audit).toEqual([{ action: 'gallery.pin_failures_alerted', account_id: lumenId }]);
  });
});
