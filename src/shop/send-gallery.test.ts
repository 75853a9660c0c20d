import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient } from '../../test/http.ts';
import { SEND_LIMIT } from './send-gallery.ts';
import { shopFixture } from './testing.ts';

let f: Awaited<ReturnType<typeof shopFixture>>;
beforeAll(async () => {
  f = await shopFixture();
});
afterAll(() => f.database.close());

const sendPath = (galleryId: string, accountId = f.lumenId) =>
  `/api/shop/studios/${accountId}/galleries/${galleryId}/send`;

async function gallery(body: Record<string, unknown>): Promise<{ id: string; token: string }> {
  const r = await f.studio.post(`/api/shop/studios/${f.lumenId}/galleries`, body);
  expect(r.status).toBe(201);
  return r.body;
}

const mailsTo = (to: string) =>
  f.database.db
    .selectFrom('mail_outbox')
    .select(['subject', 'text', 'html', 'template'])
    .where('to_address', '=', to)
    .where('template', '=', 'shop.gallery_shared')
    .execute();

describe('send a gallery to a client', () => {
  it("emails the gallery's client the link, PIN and expiry, and audits it", async () => {
    const client = await f.studio.post(`/api/shop/studios/${f.lumenId}/clients`, {
      name: 'Ada Client',
      email: 'ada.client@example.com',
    });
    expect(client.status).toBe(201);
    const g = await gallery({
      title: 'Ada wedding',
      clientId: client.body.id,
      pin: '4321',
      expiresAt: '2026-12-31T12:00:00Z',
      status: 'published',
    });
    const r = await f.studio.post(sendPath(g.id), { pin: '4321', message: 'Enjoy the photos!' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      galleryId: g.id,
      to: 'ada.client@example.com',
      clientId: client.body.id,
      pinIncluded: true,
    });
    const [mail] = await mailsTo('ada.client@example.com');
    expect(mail.subject).toContain('Ada wedding');
    expect(mail.subject).toContain('Lumen');
    expect(mail.text).toContain(`/g/${g.token}`);
    expect(mail.text).toContain('4321');
    expect(mail.text).toContain('31 December 2026');
    expect(mail.text).toContain('Enjoy the photos!');
    expect(mail.html).toContain(`/g/${g.token}`);
    const audit = await f.database.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', g.id)
      .where('action', '=', 'shop.gallery.send')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('sends to a typed address, refuses a wrong PIN and says a PIN is needed when none is given', async () => {
    const g = await gallery({ title: 'No client', pin: '1111', status: 'published' });
    expect((await f.studio.post(sendPath(g.id), {})).status).toBe(400);
    const wrong = await f.studio.post(sendPath(g.id), { email: 'guest@example.com', pin: '2222' });
    expect(wrong.status).toBe(400);
    const r = await f.studio.post(sendPath(g.id), { email: 'guest@example.com' });
    expect(r.status).toBe(200);
    const [mail] = await mailsTo('guest@example.com');
    expect(mail.text).toContain('protected by a PIN');
    expect(mail.text).not.toContain('1111');
  });

  it('refuses drafts, archived and expired galleries with 409 and queues nothing', async () => {
    for (const status of ['draft', 'archived']) {
      const g = await gallery({ title: `A ${status}`, status });
      const r = await f.studio.post(sendPath(g.id), { email: 'never@example.com' });
      expect(r.status).toBe(409);
      expect(r.body.error.code ?? r.body.code).toBe('invalid_state');
    }
    const expired = await gallery({ title: 'Expired', status: 'published', expiresAt: '2026-10-01T00:00:00Z' });
    expect((await f.studio.post(sendPath(expired.id), { email: 'never@example.com' })).status).toBe(409);
    expect(await mailsTo('never@example.com')).toHaveLength(0);
  });

  it('hides the gallery from another studio (404) and refuses strangers (401)', async () => {
    const g = await gallery({ title: 'Private', status: 'published' });
    expect((await f.other.post(sendPath(g.id), { email: 'x@example.com' })).status).toBe(404);
    expect((await f.other.post(sendPath(g.id, f.rivalId), { email: 'x@example.com' })).status).toBe(404);
    const stranger = testClient(f.app);
    expect((await stranger.post(sendPath(g.id), { email: 'x@example.com' })).status).toBe(401);
    expect(await mailsTo('x@example.com')).toHaveLength(0);
  });

  it('rejects a bad email, an unknown field and a long message with 400', async () => {
    const g = await gallery({ title: 'Validation', status: 'published' });
    expect((await f.studio.post(sendPath(g.id), { email: 'not-an-email' })).status).toBe(400);
    expect((await f.studio.post(sendPath(g.id), { email: 'a@example.com', cc: 'b@example.com' })).status).toBe(400);
    expect((await f.studio.post(sendPath(g.id), { email: 'a@example.com', message: 'x'.repeat(1001) })).status).toBe(
      400,
    );
  });

  it('rate limits sends per gallery (429 with Retry-After)', async () => {
    const g = await gallery({ title: 'Popular', status: 'published' });
    for (let i = 0; i < SEND_LIMIT.limit; i++) {
      expect((await f.studio.post(sendPath(g.id), { email: `n${i}@example.com` })).status).toBe(200);
    }
    const r = await f.studio.post(sendPath(g.id), { email: 'late@example.com' });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await mailsTo('late@example.com')).toHaveLength(0);
    const other = await gallery({ title: 'Quiet', status: 'published' });
    expect((await f.studio.post(sendPath(other.id), { email: 'late@example.com' })).status).toBe(200);
  });
});
