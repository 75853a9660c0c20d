import { sql } from 'kysely';
import type Stripe from 'stripe';
import { type Actor, recordAudit } from '../../audit/index.ts';
import type { Clock } from '../../clock.ts';
import { withService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { AppError, notFound } from '../../errors.ts';
import { platformFeeBps } from '../payouts/fee-settings.ts';
import type { OnboardingStatus } from '../tables.ts';

/** What the artist dashboard shows about payouts setup. */
export interface ArtistStatus {
  accountId: string;
  stripeAccountId: string | null;
  onboardingStatus: OnboardingStatus;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  feeBps: number;
  country: string;
}

/** The artist profile's Connect state, or 404. */
export async function getArtistStatus(db: DB, accountId: string): Promise<ArtistStatus> {
  const p = await db.selectFrom('artist_profiles').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  if (!p) throw notFound('Artist profile');
  return {
    accountId: p.account_id,
    stripeAccountId: p.stripe_account_id,
    onboardingStatus: p.onboarding_status,
    chargesEnabled: p.charges_enabled,
    payoutsEnabled: p.payouts_enabled,
    detailsSubmitted: p.details_submitted,
    // The profile row is already here: only the platform default is left to read.
    feeBps: p.fee_bps ?? (await platformFeeBps(db)),
    country: p.country.trim(),
  };
}

/**
 * Creates the artist's Express account once (the idempotency key is per tenant, so retries and races reuse it) and
 * stores its id. Run as service role, outside any long transaction: it calls Stripe.
 */
export async function ensureConnectAccount(db: DB, stripe: Stripe, accountId: string, actor: Actor): Promise<string> {
  const profile = await db
    .selectFrom('artist_profiles as p')
    .leftJoin('artist_applications as a', (j) =>
      j.onRef('a.artist_account_id', '=', 'p.account_id').on('a.status', '=', 'approved'),
    )
    .leftJoin('users as u', 'u.id', 'a.user_id')
    .select(['p.stripe_account_id', 'p.country', 'a.portfolio_url', 'u.email'])
    .where('p.account_id', '=', accountId)
    .executeTakeFirst();
  if (!profile) throw notFound('Artist profile');
  if (profile.stripe_account_id) return profile.stripe_account_id;
  const acct = await stripe.accounts
    .create(
      {
        type: 'express',
        country: profile.country.trim(),
        ...(profile.email ? { email: profile.email } : {}),
        business_profile: { mcc: '5971', ...(profile.portfolio_url ? { url: profile.portfolio_url } : {}) },
        capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
        settings: { payouts: { schedule: { interval: 'manual' } } },
        metadata: { account_id: accountId },
      },
      { idempotencyKey: `connect-account:${accountId}` },
    )
    .catch((err: Error) => {
      throw new AppError('upstream_error', `Stripe could not create the payouts account: ${err.message}`);
    });
  await withService(db, async (tx) => {
    await tx
      .updateTable('artist_profiles')
      .set({ stripe_account_id: acct.id, updated_at: sql`now()` })
      .where('account_id', '=', accountId)
      .where('stripe_account_id', 'is', null)
      .execute();
    await recordAudit(tx, actor, {
      accountId,
      action: 'artist.connect_account_created',
      entityType: 'artist_profile',
      entityId: accountId,
      after: { stripeAccountId: acct.id },
    });
  });
  return acct.id;
}

function statusFor(
  a: Pick<Stripe.Account, 'details_submitted' | 'charges_enabled' | 'payouts_enabled'>,
): OnboardingStatus {
  if (a.details_submitted && a.charges_enabled && a.payouts_enabled) return 'complete';
  return a.details_submitted ? 'restricted' : 'pending';
}

/**
 * Applies an `account.updated` (or a fresh retrieve) to the artist profile, unless we already hold newer state:
 * webhooks arrive out of order and a stale event must never undo a newer one. `eventCreated` is Unix seconds.
 * Returns whether anything changed. Run as service role.
 */
export async function applyAccountUpdated(
  db: DB,
  account: Pick<Stripe.Account, 'id' | 'details_submitted' | 'charges_enabled' | 'payouts_enabled'>,
  eventCreated: number,
): Promise<boolean> {
  const at = new Date(eventCreated * 1000);
  const r = await db
    .updateTable('artist_profiles')
    .set({
      details_submitted: Boolean(account.details_submitted),
      charges_enabled: Boolean(account.charges_enabled),
      payouts_enabled: Boolean(account.payouts_enabled),
      onboarding_status: statusFor(account),
      stripe_state_updated_at: at,
      updated_at: sql`now()`,
    })
    .where('stripe_account_id', '=', account.id)
    // A deauthorized account stays so: only a new Connect account (new id) brings the artist back.
    .where('onboarding_status', '<>', 'deauthorized')
    .where((eb) => eb.or([eb('stripe_state_updated_at', 'is', null), eb('stripe_state_updated_at', '<=', at)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Marks the artist as disconnected from the platform (`account.application.deauthorized`). Run as service role. */
export async function applyAccountDeauthorized(
  db: DB,
  stripeAccountId: string,
  eventCreated: number,
): Promise<boolean> {
  const at = new Date(eventCreated * 1000);
  const r = await db
    .updateTable('artist_profiles')
    .set({
      onboarding_status: 'deauthorized',
      charges_enabled: false,
      payouts_enabled: false,
      stripe_state_updated_at: at,
      updated_at: sql`now()`,
    })
    .where('stripe_account_id', '=', stripeAccountId)
    .where((eb) => eb.or([eb('stripe_state_updated_at', 'is', null), eb('stripe_state_updated_at', '<=', at)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Re-reads the Connect account from Stripe and stores it (the artist just came back from onboarding). */
export async function syncConnectAccount(db: DB, stripe: Stripe, accountId: string, clock: Clock): Promise<void> {
  const p = await db
    .selectFrom('artist_profiles')
    .select('stripe_account_id')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!p?.stripe_account_id) return;
  const acct = await stripe.accounts.retrieve(p.stripe_account_id).catch((err: Error) => {
    throw new AppError('upstream_error', `Stripe is unavailable: ${err.message}`);
  });
  await withService(db, (tx) => applyAccountUpdated(tx, acct, Math.floor(clock.now().getTime() / 1000)));
}

/** A single-use hosted onboarding link for the artist's Express account. */
export async function createOnboardingLink(
  stripe: Stripe,
  stripeAccountId: string,
  publicUrl: string,
): Promise<string> {
  const link = await stripe.accountLinks
    .create({
      account: stripeAccountId,
      type: 'account_onboarding',
      refresh_url: `${publicUrl}/artist/onboarding/refresh`,
      return_url: `${publicUrl}/artist/onboarding/return`,
    })
    .catch((err: Error) => {
      throw new AppError('upstream_error', `Stripe could not start onboarding: ${err.message}`);
    });
  return link.url;
}

/** A login link to the Express dashboard (only after onboarding). */
export async function createDashboardLink(stripe: Stripe, stripeAccountId: string): Promise<string> {
  const link = await stripe.accounts.createLoginLink(stripeAccountId).catch((err: Error) => {
    throw new AppError('invalid_state', `The Stripe dashboard is not available yet: ${err.message}`);
  });
  return link.url;
}
