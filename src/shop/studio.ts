import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor } from '../audit/index.ts';
import { recordAudit } from '../audit/index.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { afterCursor, type Cursor, cappedCount, decodeTextCursor, keysetPage } from '../db/keyset.ts';
import { likePattern } from '../db/sql.ts';
import type { DB } from '../db/types.ts';
import { AppError, notFound } from '../errors.ts';
import { inspectUpload, LOGO_MAX_PIXELS, renderUpload } from '../storage/index.ts';
import { paymentPageShippingProblem } from './payment-page.ts';
import { asStudioSearch } from './read-print-orders.ts';
import type { ClientInputT, SettingsInputT } from './schema.ts';
import type { ShippingRate } from './tables.ts';

/** Studio settings as the API shows them. */
export interface StudioSettings {
  accountId: string;
  currency: string;
  taxRateBps: number;
  taxInclusive: boolean;
  shippingRates: ShippingRate[];
  returnAddress: Record<string, string> | null;
  logoKey: string | null;
  /** Public URL of the logo; the key's unique part busts caches when the logo changes. */
  logoUrl: string | null;
  accentColor: string | null;
  /** Buyers may enter a Stripe promotion code on the payment page (never together with a studio coupon). */
  stripePromotionCodes: boolean;
  /** Buyers choose among the shipping rates on the Stripe payment page instead of in the cart (decision 030). */
  stripeShippingChoice: boolean;
}

/** The public URL a studio logo is served at. */
export const logoUrl = (accountId: string, key: string | null) =>
  key ? `/api/shop/studios/${accountId}/logo?v=${encodeURIComponent(key.split('/').pop() ?? '')}` : null;

/** What a client sees of the studio on its gallery pages: name, accent colour, logo and currency (public columns). */
export async function studioBranding(db: DB, accountId: string) {
  const s = await db
    .selectFrom('studio_settings')
    .select(['currency', 'accent_color', 'logo_key'])
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  const acct = await db.selectFrom('accounts').select('name').where('id', '=', accountId).executeTakeFirstOrThrow();
  return {
    studioName: acct.name,
    accentColor: s?.accent_color ?? null,
    logoUrl: logoUrl(accountId, s?.logo_key ?? null),
    currency: s?.currency ?? 'EUR',
  };
}

const defaults = (accountId: string): StudioSettings => ({
  accountId,
  currency: 'EUR',
  taxRateBps: 0,
  taxInclusive: true,
  shippingRates: [],
  returnAddress: null,
  logoKey: null,
  logoUrl: null,
  accentColor: null,
  stripePromotionCodes: false,
  stripeShippingChoice: false,
});

/** A studio's settings, or the defaults when it never saved any. */
export async function getSettings(db: DB, accountId: string): Promise<StudioSettings> {
  const r = await db.selectFrom('studio_settings').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  if (!r) return defaults(accountId);
  return {
    accountId,
    currency: r.currency,
    taxRateBps: r.tax_rate_bps,
    taxInclusive: r.tax_inclusive,
    shippingRates: r.shipping_rates,
    returnAddress: r.return_address,
    logoKey: r.logo_key,
    logoUrl: logoUrl(accountId, r.logo_key),
    accentColor: r.accent_color,
    stripePromotionCodes: r.stripe_promotion_codes,
    stripeShippingChoice: r.stripe_shipping_choice,
  };
}

/**
 * Points the studio at a newly stored logo and returns the previous key, which the caller deletes once this
 * transaction has committed (the new object is already stored, so the row never points at nothing).
 */
export async function setLogo(db: DB, accountId: string, key: string | null, actor: Actor) {
  const before = await getSettings(db, accountId);
  await db
    .insertInto('studio_settings')
    .values({ account_id: accountId, logo_key: key })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ logo_key: key, updated_at: sql`now()` }))
    .execute();
  await recordAudit(db, actor, {
    accountId,
    action: key ? 'shop.logo.update' : 'shop.logo.remove',
    entityType: 'studio_settings',
    before: { logoKey: before.logoKey },
    after: { logoKey: key },
  });
  // Only the logo changed, so the settings after are the ones before with the new key (no second read).
  return { previous: before.logoKey, settings: { ...before, logoKey: key, logoUrl: logoUrl(accountId, key) } };
}

/** Saves a studio's settings (upsert) and audits the change. */
export async function saveSettings(db: DB, accountId: string, input: SettingsInputT, actor: Actor) {
  const before = await getSettings(db, accountId);
  const stripeShippingChoice = input.stripeShippingChoice ?? before.stripeShippingChoice;
  // A saved switch counts too: edited rates must still be offerable to every buyer on the payment page.
  const problem = stripeShippingChoice ? paymentPageShippingProblem(input.shippingRates) : null;
  if (problem) {
    const message = `To let buyers choose shipping on the payment page: ${problem.charAt(0).toLowerCase()}${problem.slice(1)}`;
    throw new AppError('validation_failed', message, {
      fieldErrors: { stripeShippingChoice: [message] },
      formErrors: [],
    });
  }
  const values = {
    currency: input.currency,
    tax_rate_bps: input.taxRateBps,
    tax_inclusive: input.taxInclusive,
    shipping_rates: JSON.stringify(input.shippingRates),
    return_address: input.returnAddress === null ? null : JSON.stringify(input.returnAddress),
    accent_color: input.accentColor,
    stripe_promotion_codes: input.stripePromotionCodes ?? before.stripePromotionCodes,
    stripe_shipping_choice: stripeShippingChoice,
  };
  await db
    .insertInto('studio_settings')
    .values({ account_id: accountId, ...values })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ ...values, updated_at: sql`now()` }))
    .execute();
  const after = await getSettings(db, accountId);
  await recordAudit(db, actor, {
    accountId,
    action: 'shop.settings.update',
    entityType: 'studio_settings',
    before,
    after,
  });
  return after;
}

const clientOut = (r: { id: string; name: string; email: string; notes: string; created_at: Date }) => ({
  id: r.id,
  name: r.name,
  email: r.email,
  notes: r.notes,
  createdAt: new Date(r.created_at).toISOString(),
});

type ClientListQuery = { q?: string; cursor?: string; limit: number };

/**
 * A studio's clients by name, a keyset page at a time (the cursor holds the last name and id), optionally filtered
 * by a fragment of the name or email (pg_trgm indexes); the total is capped ("1,000+").
 */
export async function listClients(db: DB, accountId: string, opts: ClientListQuery) {
  const cursor = decodeTextCursor(opts.cursor);
  return opts.q
    ? asStudioSearch(db, accountId, (tx) => findClients(tx, accountId, opts, cursor))
    : findClients(db, accountId, opts, cursor);
}

async function findClients(db: DB, accountId: string, opts: ClientListQuery, cursor: Cursor | null) {
  let q = db.selectFrom('studio_clients').where('account_id', '=', accountId);
  if (opts.q) {
    const p = likePattern(opts.q);
    q = q.where((eb) => eb.or([eb('name', 'ilike', p), eb('email', 'ilike', p)]));
  }
  const found = await (cursor ? q.where(afterCursor('name', 'id', cursor, 'asc', 'text')) : q)
    .selectAll()
    .select('name as cursor_at')
    .orderBy('name')
    .orderBy('id')
    .limit(opts.limit + 1)
    .execute();
  const { rows, nextCursor } = keysetPage(found, opts.limit);
  return { data: rows.map(clientOut), nextCursor, limit: opts.limit, ...(await cappedCount(db, q)) };
}

// The unique (account, lower(email)) index turns a duplicate into a clear 409 instead of a 500.
async function uniqueEmail<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isUniqueViolation(e, 'studio_clients_email_key')) {
      throw new AppError('conflict', 'A client with this email already exists', {
        fieldErrors: { email: ['Already a client'] },
        formErrors: [],
      });
    }
    throw e;
  }
}

/** Adds a client to a studio's CRM. */
export async function createClient(db: DB, accountId: string, input: ClientInputT, actor?: Actor) {
  const r = await uniqueEmail(() =>
    db
      .insertInto('studio_clients')
      .values({ account_id: accountId, name: input.name, email: input.email, notes: input.notes })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  const out = clientOut(r);
  if (actor) await audit(db, actor, accountId, 'shop.client.create', out.id, undefined, out);
  return out;
}

// Client changes are audited with before/after so a studio can see who edited its CRM.
async function audit(
  db: DB,
  actor: Actor,
  accountId: string,
  action: string,
  entityId: string,
  before: unknown,
  after: unknown,
) {
  await recordAudit(db, actor, { accountId, action, entityType: 'studio_client', entityId, before, after });
}

/** Changes a client's fields; 404 when the client is not the studio's. */
export async function updateClient(db: DB, accountId: string, id: string, patch: Partial<ClientInputT>, actor?: Actor) {
  const before = await getClient(db, accountId, id);
  if (Object.keys(patch).length === 0) return before;
  const r = await uniqueEmail(() =>
    db
      .updateTable('studio_clients')
      .set(patch)
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .returningAll()
      .executeTakeFirst(),
  );
  if (!r) throw notFound('Client');
  const out = clientOut(r);
  if (actor) await audit(db, actor, accountId, 'shop.client.update', id, before, out);
  return out;
}

/** One client of a studio. */
export async function getClient(db: DB, accountId: string, id: string) {
  const r = await db
    .selectFrom('studio_clients')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!r) throw notFound('Client');
  return clientOut(r);
}

/** Deletes a client; their galleries stay and just lose the link. */
export async function deleteClient(db: DB, accountId: string, id: string, actor?: Actor): Promise<void> {
  const before = await getClient(db, accountId, id);
  const r = await db
    .deleteFrom('studio_clients')
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!r.numDeletedRows) throw notFound('Client');
  if (actor) await audit(db, actor, accountId, 'shop.client.delete', id, before, undefined);
}

/** Largest logo file a studio may upload. */
export const MAX_LOGO_BYTES = 5 * 1024 * 1024;

/**
 * Checks an uploaded logo and renders it as a PNG no larger than 800 × 300 (transparency kept), so galleries
 * never ship a camera-sized header image. Returns the bytes and a fresh storage key.
 */
export async function prepareLogo(accountId: string, bytes: Uint8Array, filename = 'logo') {
  const bad = (msg: string) => new AppError('validation_failed', msg, { fieldErrors: { file: [msg] }, formErrors: [] });
  if (!bytes.length) throw bad('Choose an image');
  if (bytes.length > MAX_LOGO_BYTES) {
    throw new AppError('payload_too_large', `${filename} is larger than 5 MB`, { file: filename });
  }
  const img = await inspectUpload({ filename, bytes }, LOGO_MAX_PIXELS);
  const png = await renderUpload(img, (open) =>
    open().rotate().resize(800, 300, { fit: 'inside', withoutEnlargement: true }).png().toBuffer(),
  );
  return { key: `shop/${accountId}/logo-${randomUUID()}.png`, bytes: new Uint8Array(png) };
}
