import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.ts';
import type { Database } from '../db/connect.ts';
import { withService } from '../db/tenancy.ts';
import { createTestDatabase } from '../db/testing.ts';
import type { DB } from '../db/types.ts';
import { isAppError } from '../errors.ts';
import { type JobHandler, runDueJobs } from '../jobs/index.ts';
import { renderEmail } from './layout.ts';
import { deliverMail, getMail, listMailbox, mailJobs, queueMail, queueMailToEach } from './service.ts';
import { closedPort, startFakeSmtp } from './testing.ts';

const logger = pino({ level: 'silent' });
const mailFrom = 'Gallerist <no-reply@gallerist.test>';

// The job handlers the runs below use: the mail module's, built for the SMTP setting under test.
let handlers = new Map<string, JobHandler>();
function mailFor(config: Parameters<typeof mailJobs>[0]) {
  const built = mailJobs(config);
  handlers = new Map(Object.entries(built.jobs));
  return built;
}

describe('mail outbox', () => {
  let d: Database;
  let db: DB;
  beforeAll(async () => {
    d = await createTestDatabase();
    db = d.db;
  });
  afterAll(() => d.close());
  beforeEach(async () => {
    handlers = new Map();
    await db.deleteFrom('jobs').execute();
    await db.deleteFrom('mail_outbox').execute();
  });

  const message = (to = 'buyer@example.com', subject = 'Your order') => ({
    to,
    subject,
    template: 'orders.receipt',
    ...renderEmail({
      heading: 'Thanks!',
      paragraphs: ['We got it.'],
      button: { label: 'View', url: 'https://x.test/o/1' },
    }),
  });
  const outbox = (id: string) =>
    db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const jobFor = (id: string) =>
    db.selectFrom('jobs').selectAll().where('unique_key', '=', `mail:${id}`).executeTakeFirstOrThrow();

  it('stores the message as queued and enqueues one mail.send job', async () => {
    const { id } = await queueMail(db, { ...message(), subject: 'Line\r\nBcc: evil@x.test' });
    const row = await outbox(id);
    expect(row).toMatchObject({ status: 'queued', to_address: 'buyer@example.com', subject: 'Line Bcc: evil@x.test' });
    expect(await jobFor(id)).toMatchObject({ name: 'mail.send', payload: { id }, status: 'queued' });
  });

  it('leaves nothing behind when the surrounding transaction rolls back', async () => {
    await expect(
      withService(db, async (tx) => {
        await queueMail(tx, message());
        throw new Error('order failed');
      }),
    ).rejects.toThrow('order failed');
    expect(await db.selectFrom('mail_outbox').select('id').execute()).toEqual([]);
    expect(await db.selectFrom('jobs').select('id').execute()).toEqual([]);
  });

  it('rejects recipients that are not email addresses', async () => {
    for (const to of ['nobody', 'a@b', 'two@@x.test', 'a@x.test\r\nBcc: b@x.test', 'a b@x.test', '']) {
      const err = await queueMail(db, message(to)).catch((e) => e);
      expect(isAppError(err) && err.code).toBe('validation_failed');
    }
    expect(await db.selectFrom('mail_outbox').select('id').execute()).toEqual([]);
  });

  it('captures mail for the dev mailbox when no SMTP is configured, never marking it sent', async () => {
    mailFor({ SMTP_URL: undefined, MAIL_FROM: mailFrom });
    const { id } = await queueMail(db, message());
    expect(await runDueJobs(db, { handlers, workerId: 'w', clock: fixedClock(), logger })).toBe(1);
    expect(await outbox(id)).toMatchObject({ status: 'captured', sent_at: null, last_error: null });
    expect((await jobFor(id)).status).toBe('done');
  });

  it('delivers over SMTP and marks the message sent', async () => {
    const smtp = await startFakeSmtp();
    try {
      const clock = fixedClock();
      mailFor({ SMTP_URL: smtp.url, MAIL_FROM: mailFrom });
      const { id } = await queueMail(db, message('Collector@Example.com', 'Order #1001 confirmed'));
      expect(await runDueJobs(db, { handlers, workerId: 'w', clock, logger })).toBe(1);
      const row = await outbox(id);
      expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
      expect(row.sent_at?.toISOString()).toBe(clock.now().toISOString());
      expect(smtp.messages).toHaveLength(1);
      const [received] = smtp.messages;
      expect(received.from).toBe('no-reply@gallerist.test');
      expect(received.to).toEqual(['Collector@example.com']); // nodemailer normalises the domain's case
      expect(received.data).toContain('Subject: Order #1001 confirmed');
      expect(received.data).toMatch(new RegExp(`^X-Gallerist-Mail-Id: ${id}$`, 'im'));
      expect(received.data).toContain('multipart/alternative');
      // Running the job again (e.g. a reclaimed lease) must not send twice.
      const { transport } = mailFor({ SMTP_URL: smtp.url, MAIL_FROM: mailFrom });
      expect(await deliverMail(db, id, transport)).toBe('sent');
      expect(smtp.messages).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });

  it('records the error and retries when the SMTP server refuses, then delivers', async () => {
    const clock = fixedClock();
    mailFor({ SMTP_URL: `smtp://127.0.0.1:${await closedPort()}`, MAIL_FROM: mailFrom });
    const { id } = await queueMail(db, message());
    expect(await runDueJobs(db, { handlers, workerId: 'w', clock, logger })).toBe(1);
    const failed = await outbox(id);
    expect(failed).toMatchObject({ status: 'queued', attempts: 1 });
    expect(failed.last_error).toMatch(/ECONNREFUSED|connect/i);
    const job = await jobFor(id);
    expect(job).toMatchObject({ status: 'queued', attempts: 1 });
    expect(job.last_error).toMatch(/ECONNREFUSED|connect/i);
    expect(job.run_at.getTime()).toBeGreaterThan(clock.now().getTime());

    const smtp = await startFakeSmtp();
    try {
      mailFor({ SMTP_URL: smtp.url, MAIL_FROM: mailFrom });
      expect(await runDueJobs(db, { handlers, workerId: 'w', clock, logger })).toBe(0);
      clock.set(job.run_at);
      expect(await runDueJobs(db, { handlers, workerId: 'w', clock, logger })).toBe(1);
      expect(await outbox(id)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
      expect(smtp.messages).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });

  it('marks the message failed when the last attempt fails', async () => {
    mailFor({ SMTP_URL: `smtp://127.0.0.1:${await closedPort()}`, MAIL_FROM: mailFrom });
    const { id } = await queueMail(db, message());
    await db.updateTable('jobs').set({ max_attempts: 1 }).execute();
    await runDueJobs(db, { handlers, workerId: 'w', clock: fixedClock(), logger });
    expect((await outbox(id)).status).toBe('failed');
    expect((await jobFor(id)).status).toBe('failed');
  });

  it('queues one message to each selected recipient, each with its delivery job, and none to nobody', async () => {
    const { to: _to, ...content } = message();
    const recipients = sql<{ email: string }>`select unnest(array['a@example.com', 'b@example.com']) as email`;
    await withService(db, (tx) => queueMailToEach(tx, recipients, content));
    const mails = await withService(db, (tx) =>
      tx.selectFrom('mail_outbox').select(['id', 'to_address', 'subject']).orderBy('to_address').execute(),
    );
    const ids = mails.map((m) => m.id);
    expect(mails.map((m) => [m.to_address, m.subject])).toEqual([
      ['a@example.com', 'Your order'],
      ['b@example.com', 'Your order'],
    ]);
    const jobs = await withService(db, (tx) => tx.selectFrom('jobs').select(['name', 'unique_key']).execute());
    expect(jobs.map((j) => j.unique_key).sort()).toEqual(ids.map((id) => `mail:${id}`).sort());
    const none = sql<{ email: string }>`select email from (values ('x@example.com')) v(email) where false`;
    await withService(db, (tx) => queueMailToEach(tx, none, content));
    expect(await withService(db, (tx) => tx.selectFrom('mail_outbox').select('id').execute())).toHaveLength(2);
  });

  it('lists newest first, filters by recipient case-insensitively and pages', async () => {
    const ids: string[] = [];
    await withService(db, async (tx) => {
      for (let i = 0; i < 5; i++) {
        ids.push((await queueMail(tx, message(i % 2 ? 'odd@example.com' : 'even@example.com', `m${i}`))).id);
      }
    });
    const subjects = (p: { data: Array<{ subject: string }> }) => p.data.map((m) => m.subject);
    expect(subjects(await listMailbox(db))).toEqual(['m4', 'm3', 'm2', 'm1', 'm0']);
    expect(subjects(await listMailbox(db, { to: 'ODD@example.com' }))).toEqual(['m3', 'm1']);
    const first = await listMailbox(db, { limit: 2 });
    expect(subjects(first)).toEqual(['m4', 'm3']);
    const second = await listMailbox(db, { limit: 2, cursor: first.nextCursor ?? '' });
    expect(subjects(second)).toEqual(['m2', 'm1']);
    const last = await listMailbox(db, { limit: 2, cursor: second.nextCursor ?? '' });
    expect(subjects(last)).toEqual(['m0']);
    expect(last.nextCursor).toBeNull();
    expect(await getMail(db, ids[0])).toMatchObject({ id: ids[0], to: 'even@example.com', status: 'queued' });
    expect(await getMail(db, '00000000-0000-0000-0000-000000000000')).toBeNull();
    expect(await getMail(db, 'not-a-uuid')).toBeNull();
  });
});
