import { hitRateLimit, rateLimited, verifyPassword } from '../accounts/index.ts';
import type { Clock } from '../clock.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { AppError, notFound } from '../errors.ts';
import { queueMail, renderEmail } from '../mail/index.ts';
import * as galleries from './galleries.ts';
import type { SendGalleryInputT } from './schema.ts';

/** How many times one gallery may be emailed to clients per hour (all senders together). */
export const SEND_LIMIT = { limit: 10, windowSeconds: 3600 } as const;

const fieldError = (field: string, msg: string) =>
  new AppError('validation_failed', msg, { fieldErrors: { [field]: [msg] }, formErrors: [] });

const longDate = (d: Date) =>
  d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/**
 * Emails a published gallery's private link to a client (the gallery's own client unless told otherwise) and
 * returns who it went to. Runs in the caller's member transaction; the outbox and rate limit write as service.
 */
export async function sendGallery(
  db: DB,
  accountId: string,
  galleryId: string,
  input: SendGalleryInputT,
  ctx: { clock: Clock; publicUrl: string },
) {
  const g = await galleries.getGallery(db, galleryId);
  // A gallery of another studio reads as unknown, like every other studio route.
  if (g.accountId !== accountId) throw notFound('Gallery');
  if (g.status !== 'published') {
    const why =
      g.status === 'draft'
        ? 'This gallery is still a draft: publish it before sending it, or your client cannot open the link.'
        : 'This gallery is archived: publish it again before sending it.';
    throw new AppError('invalid_state', why);
  }
  if (g.expiresAt && new Date(g.expiresAt) <= ctx.clock.now()) {
    throw new AppError('invalid_state', "This gallery's link has expired: set a later expiry date before sending it.");
  }
  const clientId = input.clientId ?? (input.email ? null : g.clientId);
  let to = input.email ?? null;
  let name: string | null = null;
  if (clientId) {
    const client = await db
      .selectFrom('studio_clients')
      .select(['name', 'email'])
      .where('id', '=', clientId)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (!client) throw fieldError('clientId', 'Unknown client');
    name = client.name;
    to ??= client.email;
  }
  if (!to) throw fieldError('email', 'Enter the email address to send the gallery to');
  // The PIN is stored hashed, so it can only go in the mail when the sender types it and it matches.
  if (input.pin && !g.hasPin) throw fieldError('pin', 'This gallery has no PIN');
  if (input.pin) {
    const row = await withService(db, (tx) =>
      tx.selectFrom('galleries').select('pin_hash').where('id', '=', g.id).executeTakeFirstOrThrow(),
    );
    if (!row.pin_hash || !(await verifyPassword(input.pin, row.pin_hash))) {
      throw fieldError('pin', "That is not this gallery's PIN");
    }
  }
  const hit = await withService(db, (tx) =>
    hitRateLimit(tx, `gallery-send:${g.id}`, SEND_LIMIT.limit, SEND_LIMIT.windowSeconds, ctx.clock),
  );
  if (hit.limited) {
    throw rateLimited(hit.retryAfterSeconds, 'This gallery was sent too often in the last hour. Try again later.');
  }
  const studio = await db.selectFrom('accounts').select('name').where('id', '=', accountId).executeTakeFirst();
  const studioName = studio?.name ?? 'Your photographer';
  const url = `${ctx.publicUrl}/g/${encodeURIComponent(g.token)}`;
  const rows: [string, string][] = [['Gallery', g.title]];
  if (input.pin) rows.push(['PIN', input.pin]);
  if (g.expiresAt) rows.push(['Open until', longDate(new Date(g.expiresAt))]);
  const mail = renderEmail({
    preheader: `${studioName} shared "${g.title}" with you`,
    heading: 'Your photos are ready',
    paragraphs: [
      `${name ? `Hello ${name}, ` : ''}${studioName} shared the gallery "${g.title}" with you.`,
      ...(input.message ? [input.message] : []),
      ...(g.hasPin && !input.pin
        ? [`The gallery is protected by a PIN; ${studioName} will give it to you separately.`]
        : []),
      ...(g.expiresAt ? [`The link works until ${longDate(new Date(g.expiresAt))}.`] : []),
      `If the button does not work, copy this link into your browser: ${url}`,
    ],
    table: { rows },
    button: { label: 'Open your gallery', url },
  });
  await queueMail(db, {
    to,
    subject: `${studioName} shared "${g.title}" with you`,
    template: 'shop.gallery_shared',
    accountId,
    ...mail,
  });
  return { gallery: g, sent: { galleryId: g.id, to, clientId, pinIncluded: Boolean(input.pin) } };
}
