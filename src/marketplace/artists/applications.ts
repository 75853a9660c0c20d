import { sql } from 'kysely';
import { createAccount } from '../../accounts/index.ts';
import { type Actor, recordAudit } from '../../audit/index.ts';
import type { Clock } from '../../clock.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { afterCursor, cappedCount, cursorAt, decodeCursor, keysetPage } from '../../db/keyset.ts';
import { iso } from '../../db/sql.ts';
import type { Database, DB } from '../../db/types.ts';
import { AppError, notFound } from '../../errors.ts';
import { queueMail, renderEmail } from '../../mail/index.ts';
import type { ApplicationDraftInputT, ApplicationOutT } from '../schema.ts';
import type { ApplicationStatus } from '../tables.ts';

type Row = Database['artist_applications'] extends infer T ? { [K in keyof T]: unknown } : never;

/** Maps an application row to its API shape. */
export function toApplication(r: Row & { applicant_name?: unknown; applicant_email?: unknown }): ApplicationOutT {
  return {
    id: r.id as string,
    userId: r.user_id as string,
    status: r.status as ApplicationStatus,
    statement: r.statement as string,
    portfolioUrl: r.portfolio_url as string | null,
    instagram: r.instagram as string | null,
    exhibitions: r.exhibitions as string,
    country: (r.country as string | null)?.trim() ?? null,
    termsAcceptedAt: iso(r.terms_accepted_at as Date | null),
    rejectionReason: r.rejection_reason as string | null,
    reviewedAt: iso(r.reviewed_at as Date | null),
    artistAccountId: r.artist_account_id as string | null,
    submittedAt: iso(r.submitted_at as Date | null),
    updatedAt: iso(r.updated_at as Date),
    ...(r.applicant_email ? { applicant: { name: String(r.applicant_name), email: String(r.applicant_email) } } : {}),
  };
}

/** The user's active application, else their latest rejected one (so they can read why), else null. */
export async function getMyApplication(db: DB, userId: string): Promise<ApplicationOutT | null> {
  const row = await db
    .selectFrom('artist_applications')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy(sql`case when status = 'rejected' then 1 else 0 end`)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row ? toApplication(row) : null;
}

function draftValues(input: ApplicationDraftInputT, clock: Clock) {
  const v: Record<string, unknown> = {};
  if (input.statement !== undefined) v.statement = input.statement;
  if (input.exhibitions !== undefined) v.exhibitions = input.exhibitions;
  if (input.portfolioUrl !== undefined) v.portfolio_url = input.portfolioUrl || null;
  if (input.instagram !== undefined) v.instagram = input.instagram || null;
  if (input.country !== undefined) v.country = input.country ? input.country.toUpperCase() : null;
  if (input.termsAccepted !== undefined) v.terms_accepted_at = input.termsAccepted ? clock.now() : null;
  return v;
}

/** Creates or updates the user's draft (the form autosaves); a pending or approved application is locked. */
export async function saveDraft(
  db: DB,
  userId: string,
  input: ApplicationDraftInputT,
  clock: Clock,
): Promise<ApplicationOutT> {
  const active = await db
    .selectFrom('artist_applications')
    .selectAll()
    .where('user_id', '=', userId)
    .where('status', 'in', ['draft', 'pending', 'approved'])
    // No FOR UPDATE: RLS hides locked (non-draft) rows from an update lock; the unique index settles races.
    .executeTakeFirst();
  if (active && active.status !== 'draft') {
    throw new AppError('invalid_state', `Your application is ${active.status} and can no longer be edited`);
  }
  const values = draftValues(input, clock);
  const row = active
    ? await db
        .updateTable('artist_applications')
        .set({ ...values, updated_at: clock.now() })
        .where('id', '=', active.id)
        .returningAll()
        .executeTakeFirstOrThrow()
    : await db
        .insertInto('artist_applications')
        .values({ ...values, user_id: userId })
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch((err: unknown) => {
          // Two autosaves raced to create the draft: the loser retries with the next keystroke.
          if (isUniqueViolation(err)) throw new AppError('conflict', 'Your application changed meanwhile; try again');
          throw err;
        });
  return toApplication(row);
}

/** Checks the draft is complete and moves it to pending review; emails a receipt. */
export async function submitApplication(
  db: DB,
  user: { id: string; email: string; name: string },
  clock: Clock,
): Promise<ApplicationOutT> {
  const draft = await db
    .selectFrom('artist_applications')
    .selectAll()
    .where('user_id', '=', user.id)
    .where('status', '=', 'draft')
    .forUpdate()
    .executeTakeFirst();
  if (!draft) throw new AppError('invalid_state', 'There is no draft application to submit');
  const fieldErrors: Record<string, string[]> = {};
  if (draft.statement.trim().length < 20) fieldErrors.statement = ['Write an artist statement (20 characters or more)'];
  if (!draft.portfolio_url) fieldErrors.portfolioUrl = ['Add a link to your portfolio'];
  if (!draft.country) fieldErrors.country = ['Choose the country you work from'];
  if (!draft.terms_accepted_at) fieldErrors.termsAccepted = ['Accept the artist terms to apply'];
  if (Object.keys(fieldErrors).length > 0) {
    throw new AppError('validation_failed', 'The application is incomplete', { fieldErrors, formErrors: [] });
  }
  const row = await db
    .updateTable('artist_applications')
    .set({ status: 'pending', submitted_at: clock.now(), updated_at: clock.now() })
    .where('id', '=', draft.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(
    db,
    { kind: 'user', userId: user.id },
    { action: 'artist_application.submitted', entityType: 'artist_application', entityId: draft.id },
  );
  const mail = renderEmail({
    heading: 'We received your application',
    paragraphs: [
      `Thank you, ${user.name}. Our curators review every application by hand, usually within a week.`,
      'We will email you as soon as there is a decision.',
    ],
  });
  await queueMail(db, {
    to: user.email,
    subject: 'We received your artist application',
    template: 'marketplace.application_received',
    ...mail,
  });
  return toApplication(row);
}

/** When an application joined the queue: the admin queue's sort key (indexed with status and id, migration 0112). */
const queuedAt = sql<Date>`coalesce(a.submitted_at, a.created_at)`;

/** Admin queue, oldest first, a keyset page at a time, with the applicant's name and email. */
export async function listApplications(db: DB, q: { status: ApplicationStatus; cursor?: string; limit: number }) {
  const cursor = decodeCursor(q.cursor);
  const base = db.selectFrom('artist_applications as a').where('a.status', '=', q.status);
  const found = await (cursor ? base.where(afterCursor(queuedAt, 'a.id', cursor, 'asc')) : base)
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .selectAll('a')
    .select(['u.name as applicant_name', 'u.email as applicant_email'])
    .select(cursorAt(queuedAt).as('cursor_at'))
    .orderBy(queuedAt)
    .orderBy('a.id')
    .limit(q.limit + 1)
    .execute();
  const { rows, nextCursor } = keysetPage(found, q.limit);
  const count = await cappedCount(db, base);
  return { data: rows.map(toApplication), nextCursor, limit: q.limit, ...count };
}

/** One application with its applicant, or 404. */
export async function getApplication(db: DB, id: string, opts: { lock?: boolean } = {}) {
  let q = db
    .selectFrom('artist_applications as a')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .selectAll('a')
    .select(['u.name as applicant_name', 'u.email as applicant_email'])
    .where('a.id', '=', id);
  if (opts.lock) q = q.forUpdate('a');
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('Application');
  return toApplication(row);
}

/** A URL-safe slug for a display name. */
export function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/g, '');
  return base || 'artist';
}

async function freeSlug(db: DB, name: string): Promise<string> {
  const base = slugify(name);
  const taken = await db
    .selectFrom('accounts')
    .select('slug')
    .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]))
    .execute();
  const used = new Set(taken.map((t) => t.slug));
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}-${i}`)) return `${base}-${i}`;
}

/**
 * Approves a pending application: creates the artist tenant (applicant as owner) and its profile, and emails next
 * steps. Run as service role. The Connect account is created afterwards (see connect.ts) so a Stripe outage never
 * loses an approval.
 */
export async function approveApplication(
  db: DB,
  actor: Actor & { userId: string },
  id: string,
  clock: Clock,
  publicUrl: string,
): Promise<{ application: ApplicationOutT; accountId: string }> {
  const app = await getApplication(db, id, { lock: true });
  if (app.status !== 'pending')
    throw new AppError('invalid_state', `Only pending applications can be approved (this one is ${app.status})`);
  const applicant = app.applicant!;
  const account = await createAccount(
    db,
    { ...actor, userId: app.userId },
    { name: applicant.name, slug: await freeSlug(db, applicant.name), kind: 'artist' },
  );
  await db
    .insertInto('artist_profiles')
    .values({ account_id: account.accountId, country: app.country ?? 'US', bio: app.statement })
    .execute();
  await db
    .updateTable('artist_applications')
    .set({
      status: 'approved',
      reviewed_by: actor.userId,
      reviewed_at: clock.now(),
      artist_account_id: account.accountId,
      updated_at: clock.now(),
    })
    .where('id', '=', id)
    .execute();
  await recordAudit(db, actor, {
    accountId: account.accountId,
    action: 'artist_application.approved',
    entityType: 'artist_application',
    entityId: id,
    before: { status: app.status },
    after: { status: 'approved', artistAccountId: account.accountId },
  });
  const mail = renderEmail({
    heading: 'Welcome to the marketplace',
    paragraphs: [
      `Congratulations, ${applicant.name}: your artist application was approved.`,
      'Next, set up payouts with our payment partner Stripe. Once that is done, add your artworks and submit them for review.',
    ],
    button: { label: 'Open your artist dashboard', url: `${publicUrl}/artist` },
  });
  await queueMail(db, {
    to: applicant.email,
    subject: 'Your artist application was approved',
    template: 'marketplace.application_approved',
    accountId: account.accountId,
    ...mail,
  });
  return { application: await getApplication(db, id), accountId: account.accountId };
}

/** Rejects a pending application with a reason the applicant receives by email. Run as service role. */
export async function rejectApplication(
  db: DB,
  actor: Actor & { userId: string },
  id: string,
  reason: string,
  clock: Clock,
): Promise<ApplicationOutT> {
  const app = await getApplication(db, id, { lock: true });
  if (app.status !== 'pending')
    throw new AppError('invalid_state', `Only pending applications can be rejected (this one is ${app.status})`);
  await db
    .updateTable('artist_applications')
    .set({
      status: 'rejected',
      rejection_reason: reason,
      reviewed_by: actor.userId,
      reviewed_at: clock.now(),
      updated_at: clock.now(),
    })
    .where('id', '=', id)
    .execute();
  await recordAudit(db, actor, {
    action: 'artist_application.rejected',
    entityType: 'artist_application',
    entityId: id,
    before: { status: app.status },
    after: { status: 'rejected', reason },
  });
  const mail = renderEmail({
    heading: 'About your artist application',
    paragraphs: [
      `Thank you for applying, ${app.applicant!.name}. After review we are not able to accept your application at this time.`,
      `Our curators' note: ${reason}`,
      'You are welcome to apply again with an updated portfolio.',
    ],
  });
  await queueMail(db, {
    to: app.applicant!.email,
    subject: 'Your artist application',
    template: 'marketplace.application_rejected',
    ...mail,
  });
  return getApplication(db, id);
}
