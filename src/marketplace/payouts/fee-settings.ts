import type { Actor } from '../../audit/index.ts';
import { recordAudit } from '../../audit/index.ts';
import type { Clock } from '../../clock.ts';
import type { DB } from '../../db/types.ts';
import { notFound } from '../../errors.ts';

// Platform fee settings: one marketplace_settings row plus per-artist overrides on artist_profiles.fee_bps.
// Writers run as service role (authenticated has no write grant on either table); the route checks the admin.

export interface FeeSettings {
  feeBps: number;
  returnWindowDays: number;
  updatedAt: string;
  overrides: { accountId: string; name: string; slug: string; feeBps: number }[];
}

/** The platform default fee, return window and every artist with an override. */
export async function getFeeSettings(db: DB): Promise<FeeSettings> {
  const s = await db
    .selectFrom('marketplace_settings')
    .select(['fee_bps', 'return_window_days', 'updated_at'])
    .executeTakeFirst();
  const overrides = await db
    .selectFrom('artist_profiles as p')
    .innerJoin('accounts as a', 'a.id', 'p.account_id')
    .select(['a.id', 'a.name', 'a.slug', 'p.fee_bps'])
    .where('p.fee_bps', 'is not', null)
    .orderBy('a.name')
    .execute();
  return {
    feeBps: s?.fee_bps ?? 5000,
    returnWindowDays: s?.return_window_days ?? 7,
    updatedAt: new Date(s?.updated_at ?? 0).toISOString(),
    overrides: overrides.map((o) => ({ accountId: o.id, name: o.name, slug: o.slug, feeBps: o.fee_bps ?? 0 })),
  };
}

/** Changes the default fee and return window; applies to checkouts started afterwards, never to past sales. */
export async function updateFeeSettings(
  db: DB,
  actor: Actor,
  input: { feeBps: number; returnWindowDays: number },
  clock: Clock,
): Promise<FeeSettings> {
  const before = await getFeeSettings(db);
  await db
    .insertInto('marketplace_settings')
    .values({ id: true, fee_bps: input.feeBps, return_window_days: input.returnWindowDays, updated_at: clock.now() })
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet({ fee_bps: input.feeBps, return_window_days: input.returnWindowDays, updated_at: clock.now() }),
    )
    .execute();
  await recordAudit(db, actor, {
    action: 'marketplace.settings_updated',
    entityType: 'marketplace_settings',
    before: { feeBps: before.feeBps, returnWindowDays: before.returnWindowDays },
    after: input,
  });
  return getFeeSettings(db);
}

/** Sets or clears (null) one artist's fee override. */
export async function setArtistFee(db: DB, actor: Actor, accountId: string, feeBps: number | null, clock: Clock) {
  const before = await db
    .selectFrom('artist_profiles')
    .select('fee_bps')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!before) throw notFound('Artist');
  await db
    .updateTable('artist_profiles')
    .set({ fee_bps: feeBps, updated_at: clock.now() })
    .where('account_id', '=', accountId)
    .execute();
  await recordAudit(db, actor, {
    accountId,
    action: 'marketplace.artist_fee_set',
    entityType: 'artist_profile',
    entityId: accountId,
    before: { feeBps: before.fee_bps },
    after: { feeBps },
  });
  return { accountId, feeBps };
}

/** The platform fee rate for an artist: their override, else the platform setting. */
export async function feeBpsFor(db: DB, accountId: string): Promise<number> {
  const p = await db
    .selectFrom('artist_profiles')
    .select('fee_bps')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return p?.fee_bps ?? platformFeeBps(db);
}

/** The platform default fee rate (no artist override applied). */
export async function platformFeeBps(db: DB): Promise<number> {
  const s = await db.selectFrom('marketplace_settings').select('fee_bps').executeTakeFirst();
  return s?.fee_bps ?? 5000;
}
