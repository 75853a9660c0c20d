import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectBadCursorsRefused, walkPages } from '../../test/cursor-pages.ts';
import type { Database } from '../db/connect.ts';
import { withService } from '../db/tenancy.ts';
import { createTestDatabase } from '../db/testing.ts';
import type { DB } from '../db/types.ts';
import type { AppEnv } from '../http/context.ts';
import { errorHandler } from '../http/middleware.ts';
import { renderEmail } from './layout.ts';
import { linkifyText, mailboxRoutes } from './routes.ts';
import { queueMail } from './service.ts';

describe('dev mailbox routes', () => {
  let d: Database;
  let db: DB;
  let app: Hono;
  beforeAll(async () => {
    d = await createTestDatabase();
    db = d.db;
    app = new Hono().route(
      '/dev',
      mailboxRoutes(() => db),
    );
  });
  afterAll(() => d.close());
  beforeEach(async () => {
    await db.deleteFrom('jobs').execute();
    await db.deleteFrom('mail_outbox').execute();
  });

  const queue = (to: string, subject: string, template = 'auth.invite') =>
    queueMail(db, {
      to,
      subject,
      template,
      ...renderEmail({
        heading: 'You are invited',
        paragraphs: ['Join us.'],
        button: { label: 'Accept', url: 'https://app.test/invite?token=a&b=c' },
      }),
    });

  it('shows an empty state', async () => {
    const res = await app.request('/dev/mailbox');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('No messages yet');
    expect(await (await app.request('/dev/mailbox?to=x@y.test')).text()).toContain('No messages to <strong>x@y.test');
  });

  it('lists messages newest first with escaped subjects and a recipient filter', async () => {
    await queue('ana@example.com', 'First');
    await queue('bo@example.com', '<b>Hi</b> & welcome');
    const html = await (await app.request('/dev/mailbox')).text();
    expect(html).toContain('&lt;b&gt;Hi&lt;/b&gt; &amp; welcome');
    expect(html).not.toContain('<b>Hi</b>');
    expect(html.indexOf('welcome')).toBeLessThan(html.indexOf('First'));
    expect(html).toContain('auth.invite');
    expect(html).toContain('class="badge queued"');
    expect(html).toMatch(/href="\/dev\/mailbox\/[0-9a-f-]{36}"/);
    const filtered = await (await app.request('/dev/mailbox?to=ana@example.com')).text();
    expect(filtered).toContain('First');
    expect(filtered).not.toContain('welcome');
  });

  it('pages through older messages by cursor; mail queued meanwhile neither repeats nor skips a row', async () => {
    await withService(db, async (tx) => {
      for (let i = 0; i < 27; i++) {
        await queueMail(tx, { to: 'p@example.com', subject: `Msg ${i}`, html: '<p>x</p>', text: 'x', template: 't' });
      }
    });
    const first = await (await app.request('/dev/mailbox')).text();
    expect(first).toContain('>Msg 26<');
    expect(first).not.toContain('>Msg 1<');
    expect(first).not.toContain('← Newest');
    const older = first.match(/href="(\/dev\/mailbox\?cursor=[A-Za-z0-9_-]+)"/);
    expect(older).not.toBeNull();
    // New mail arrives before the reader clicks Older: page two is still the two oldest.
    await queue('p@example.com', 'Msg 27');
    const second = await (await app.request(older?.[1] ?? '')).text();
    expect(second).toContain('>Msg 1<');
    expect(second).toContain('>Msg 0<');
    expect(second).not.toContain('>Msg 2<');
    expect(second).not.toContain('>Msg 27<');
    expect(second).not.toContain('Older →');
    expect(second).toContain('href="/dev/mailbox">← Newest');
  });

  it('walks the JSON list by cursor, each message once, within the recipient filter', async () => {
    for (let i = 0; i < 7; i++) {
      await queue('ana@example.com', `Ana ${i}`);
      await queue('bo@example.com', `Bo ${i}`);
    }
    const get = async (path: string) => {
      const res = await app.request(path);
      return { status: res.status, body: await res.json(), headers: res.headers };
    };
    const bo = await get('/dev/mailbox.json?to=bo@example.com&limit=1');
    const walk = await walkPages(get, '/dev/mailbox.json?to=ana@example.com&limit=3', () =>
      queue('ana@example.com', 'Late').then(() => undefined),
    );
    expect(walk.rows.map((m) => m.subject)).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `Ana ${i}`));
    // Bo's cursor on Ana's list: still only Ana's mail.
    const crossed = await get(`/dev/mailbox.json?to=ana@example.com&cursor=${bo.body.nextCursor}`);
    expect(crossed.status).toBe(200);
    expect(crossed.body.data.every((m: { to: string }) => m.to === 'ana@example.com')).toBe(true);
  });

  it('refuses a cursor it did not issue with a 400 JSON error', async () => {
    for (let i = 0; i < 3; i++) await queue('ana@example.com', `Ana ${i}`);
    const withErrors = new Hono<AppEnv>().onError(errorHandler).route(
      '/dev',
      mailboxRoutes(() => db),
    );
    const get = async (path: string) => {
      const res = await withErrors.request(path);
      const text = await res.text();
      return { status: res.status, body: JSON.parse(text), headers: res.headers };
    };
    const first = await get('/dev/mailbox.json?limit=1');
    await expectBadCursorsRefused(get, '/dev/mailbox.json', first.body.nextCursor);
    await expectBadCursorsRefused(get, '/dev/mailbox', first.body.nextCursor);
  });

  it('serves JSON newest first, filtered by recipient', async () => {
    const a = await queue('ana@example.com', 'First', 'orders.receipt');
    const b = await queue('ana@example.com', 'Second');
    await queue('bo@example.com', 'Other');
    const res = await app.request('/dev/mailbox.json?to=ana@example.com');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Record<string, unknown>[] };
    expect(body.data.map((m) => m.id)).toEqual([b.id, a.id]);
    expect(Object.keys(body.data[1]).sort()).toEqual(
      ['createdAt', 'html', 'id', 'status', 'subject', 'template', 'text', 'to'].sort(),
    );
    expect(body.data[1]).toMatchObject({ to: 'ana@example.com', subject: 'First', template: 'orders.receipt' });
    expect(body.data[1].text).toContain('https://app.test/invite?token=a&b=c');
    expect(new Date(body.data[1].createdAt as string).toISOString()).toBe(body.data[1].createdAt);
    const all = (await (await app.request('/dev/mailbox.json')).json()) as { data: unknown[] };
    expect(all.data).toHaveLength(3);
  });

  it('shows one message in a sandboxed iframe with the text version linkified', async () => {
    const { id } = await queue('ana@example.com', 'Invite "you"');
    const res = await app.request(`/dev/mailbox/${id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Invite &quot;you&quot;');
    expect(html).toContain('sandbox="allow-popups allow-top-navigation-by-user-activation"');
    const srcdoc = html.match(/srcdoc="([^"]*)"/)?.[1] ?? '';
    expect(srcdoc).toContain('&lt;base target=&quot;_top&quot;&gt;');
    expect(srcdoc).toContain('You are invited');
    expect(srcdoc).not.toContain('<');
    expect(html).toContain(
      '<a href="https://app.test/invite?token=a&amp;b=c" target="_blank" rel="noopener noreferrer">https://app.test/invite?token=a&amp;b=c</a>',
    );
    expect(html).toContain('href="/dev/mailbox"');
  });

  it('answers 404 for unknown or malformed ids', async () => {
    for (const id of ['00000000-0000-0000-0000-000000000000', 'nope']) {
      const res = await app.request(`/dev/mailbox/${id}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('Message not found');
    }
  });

  it('linkifies URLs but keeps trailing punctuation and markup out of links', () => {
    expect(linkifyText('See https://a.test/x?y=1&z=2. <b>ok</b>')).toBe(
      'See <a href="https://a.test/x?y=1&amp;z=2" target="_blank" rel="noopener noreferrer">https://a.test/x?y=1&amp;z=2</a>. &lt;b&gt;ok&lt;/b&gt;',
    );
    expect(linkifyText('javascript:alert(1) (https://b.test)')).toBe(
      'javascript:alert(1) (<a href="https://b.test" target="_blank" rel="noopener noreferrer">https://b.test</a>)',
    );
  });
});
