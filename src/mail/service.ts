import { randomUUID } from 'node:crypto';
import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import nodemailer, { type Transporter } from 'nodemailer';
import pino from 'pino';
import { type Clock, systemClock } from '../clock.ts';
import type { Config } from '../config.ts';
import { afterCursor, cursorAt, decodeCursor, keysetPage } from '../db/keyset.ts';
import { atCommitAsService, serviceStatement, withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { AppError } from '../errors.ts';
import { JOBS_CHANNEL, type JobHandler } from '../jobs/index.ts';

/** One outbox message as the rest of the platform sees it. */
export interface MailMessage {
  id: string;
  accountId: string | null;
  to: string;
  subject: string;
  html: string;
  text: string;
  template: string;
  status: 'queued' | 'sent' | 'failed' | 'captured';
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export interface QueueMailInput {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** A stable name such as `orders.receipt`, so tests and the dev mailbox can tell messages apart. */
  template: string;
  accountId?: string | null;
}

export interface DeliverOptions {
  from?: string;
  clock?: Clock;
  /** The job's last attempt: a failure marks the message failed instead of leaving it queued. */
  final?: boolean;
}

export const mailSendJob = 'mail.send';
const defaultFrom = 'Gallerist <no-reply@gallerist.local>';
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Deliberately loose (one @, a dotted domain, no spaces or header-breaking characters); the SMTP server is the judge.
const emailPattern = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/** True when `value` looks like a deliverable email address. */
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && emailPattern.test(value);
}

function toMessage(r: {
  id: string;
  account_id: string | null;
  to_address: string;
  subject: string;
  html: string;
  text: string;
  template: string;
  status: MailMessage['status'];
  attempts: number;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}): MailMessage {
  return {
    id: r.id,
    accountId: r.account_id,
    to: r.to_address,
    subject: r.subject,
    html: r.html,
    text: r.text,
    template: r.template,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}

/** A query that selects recipient addresses as `email`, from any tables. */
type Recipients = RawBuilder<{ email: string }> | SelectQueryBuilder<any, any, { email: string }>;

/**
 * Stores a message in the outbox and enqueues its delivery in the same transaction; returns its id. Inside a
 * transaction both are written with its commit (atCommitAsService): the message means nothing before then, and
 * a settlement's mails cost no round trip of their own.
 */
export async function queueMail(db: DB, input: QueueMailInput): Promise<{ id: string }> {
  const to = input.to.trim();
  if (!isEmailAddress(to)) {
    throw new AppError('validation_failed', 'Recipient must be a valid email address', { field: 'to' });
  }
  const id = randomUUID();
  await insertMails(db, sql<{ id: string; email: string }>`select ${id}::uuid as id, ${to}::text as email`, input);
  return { id };
}

/**
 * Queues the same message to every address `recipients` selects (a query with an `email` column, e.g. an
 * account's admins among its users, whose addresses were checked when they signed up), read and written in one
 * statement, with the transaction's commit as `queueMail` is.
 */
export async function queueMailToEach(
  db: DB,
  recipients: Recipients,
  input: Omit<QueueMailInput, 'to'>,
): Promise<void> {
  await insertMails(
    db,
    sql<{ id: string; email: string }>`select gen_random_uuid() as id, r.email from (${recipients}) r`,
    input,
  );
}

// The messages and their delivery jobs in one statement; each job's key is its new message's id, so none conflicts.
async function insertMails(
  db: DB,
  recipients: RawBuilder<{ id: string; email: string }>,
  input: Omit<QueueMailInput, 'to'>,
): Promise<void> {
  if (!input.template) throw new AppError('validation_failed', 'Mail template name is required', { field: 'template' });
  // Header injection guard: a subject can never carry line breaks.
  const subject = input.subject.replace(/[\r\n]+/g, ' ').trim();
  // created_at: clock_timestamp, not now(), and after the latest queued one, so messages queued in one
  // transaction sort in order, also where the clock ticks in milliseconds (PGlite); one probe of
  // mail_outbox_status_idx.
  const statement = sql`with mail as (
      insert into mail_outbox (id, to_address, subject, html, text, template, account_id, created_at)
      select r.id, r.email, ${subject}, ${input.html}, ${input.text}, ${input.template}, ${input.accountId ?? null}::uuid,
        greatest(clock_timestamp(),
          (select max(created_at) + interval '1 microsecond' from mail_outbox where status = 'queued'))
      from (${recipients}) r
      returning id),
    job as (insert into jobs (name, payload, unique_key)
      select ${mailSendJob}, jsonb_build_object('id', mail.id::text), 'mail:' || mail.id::text from mail
      returning pg_notify(${JOBS_CHANNEL}, name))
    select (select count(*) from mail)::int as mails, (select count(*) from job)::int as jobs`;
  if (db.isTransaction) return atCommitAsService(db, statement);
  await serviceStatement(db, statement);
}

/** Sends one outbox message; without a transport it is only captured for the dev mailbox. */
export async function deliverMail(
  db: DB,
  id: string,
  transport: Transporter | null,
  options: DeliverOptions = {},
): Promise<MailMessage['status']> {
  const clock = options.clock ?? systemClock;
  // Each read and write below is one statement of its own, one round trip with its role (serviceStatement).
  const settled = ['sent', 'captured', 'failed'] as const;
  const statusOf = async () => {
    const [row] = await serviceStatement(db, db.selectFrom('mail_outbox').select('status').where('id', '=', id));
    if (!row) throw new AppError('not_found', `mail ${id} not found`);
    return row.status;
  };
  if (!transport) {
    // Only captured for the dev mailbox: taking it is the whole delivery.
    const [taken] = await serviceStatement(
      db,
      db
        .updateTable('mail_outbox')
        .set({ status: 'captured' })
        .where('id', '=', id)
        .where('status', 'not in', settled)
        .returning('status'),
    );
    return taken ? 'captured' : statusOf();
  }
  const [row] = await serviceStatement(db, db.selectFrom('mail_outbox').selectAll().where('id', '=', id));
  if (!row) throw new AppError('not_found', `mail ${id} not found`);
  // A retried or reclaimed job must not send twice.
  if ((settled as readonly string[]).includes(row.status)) return row.status;
  const update = (values: {
    status?: MailMessage['status'];
    sent_at?: Date;
    last_error?: string | null;
    increment: boolean;
  }) =>
    serviceStatement(
      db,
      db
        .updateTable('mail_outbox')
        .set((eb) => ({
          ...(values.status ? { status: values.status } : {}),
          ...(values.sent_at ? { sent_at: values.sent_at } : {}),
          ...(values.last_error !== undefined ? { last_error: values.last_error } : {}),
          ...(values.increment ? { attempts: eb('attempts', '+', 1) } : {}),
        }))
        .where('id', '=', id),
    );
  try {
    await transport.sendMail({
      from: options.from ?? defaultFrom,
      to: row.to_address,
      subject: row.subject,
      html: row.html,
      text: row.text,
      headers: { 'X-Gallerist-Template': row.template, 'X-Gallerist-Mail-Id': row.id },
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await update({
      last_error: message.slice(0, 4000),
      increment: true,
      ...(options.final ? { status: 'failed' } : {}),
    });
    throw err;
  }
  await update({ status: 'sent', sent_at: clock.now(), last_error: null, increment: true });
  return 'sent';
}

/**
 * Lists outbox messages newest first, optionally only those to one address (case-insensitive), a keyset page at a
 * time: `nextCursor` opens the older page, and mail queued meanwhile never shifts it.
 */
export async function listMailbox(
  db: DB,
  options: { to?: string; limit?: number; cursor?: string } = {},
): Promise<{ data: MailMessage[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
  const cursor = decodeCursor(options.cursor);
  const to = options.to?.trim();
  const rows = await withService(db, (tx) => {
    let q = tx.selectFrom('mail_outbox').selectAll();
    if (to) q = q.where(sql<boolean>`lower(to_address) = lower(${to})`);
    if (cursor) q = q.where(afterCursor('created_at', 'id', cursor, 'desc'));
    return q
      .select(cursorAt('created_at').as('cursor_at'))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
  });
  const page = keysetPage(rows, limit);
  return { data: page.rows.map(toMessage), nextCursor: page.nextCursor };
}

/** Loads one outbox message, or null when there is none with that id. */
export async function getMail(db: DB, id: string): Promise<MailMessage | null> {
  if (!uuidPattern.test(id)) return null;
  const row = await withService(db, (tx) =>
    tx.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst(),
  );
  return row ? toMessage(row) : null;
}

/** Builds the SMTP transport from `SMTP_URL`, or null when mail is only captured. */
export function createMailTransport(config: Pick<Config, 'SMTP_URL'>): Transporter | null {
  return config.SMTP_URL ? nodemailer.createTransport(config.SMTP_URL) : null;
}

/** The `mail.send` job handler, and the transport it delivers through (so the server can close it). */
export function mailJobs(
  config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM'>,
  logger: pino.Logger = pino({ name: 'mail', level: 'warn' }),
): { jobs: Record<string, JobHandler>; transport: Transporter | null } {
  const transport = createMailTransport(config);
  if (!transport) logger.info('SMTP_URL not set: outgoing mail is captured in the dev mailbox only');
  const send: JobHandler<{ id: string }> = async (payload, ctx) => {
    const status = await deliverMail(ctx.db, payload.id, transport, {
      from: config.MAIL_FROM,
      clock: ctx.clock,
      final: ctx.attempt >= ctx.maxAttempts,
    });
    logger.debug({ mailId: payload.id, status, attempt: ctx.attempt }, 'mail delivered');
  };
  return { jobs: { [mailSendJob]: send }, transport };
}
