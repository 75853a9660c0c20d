import type { Selectable } from 'kysely';
import type { Database, DB } from '../db/types.ts';
import { notFound } from '../errors.ts';

/** A purchasable pack of provider hours. */
export interface Bundle {
  id: string;
  providerId: string;
  providerName: string;
  name: string;
  hours: number;
  priceAmount: number;
  currency: string;
  active: boolean;
}

type Row = Selectable<Database['credit_bundles']> & { provider_name: string };

function toBundle(r: Row): Bundle {
  return {
    id: r.id,
    providerId: r.account_id,
    providerName: r.provider_name,
    name: r.name,
    hours: r.hours,
    priceAmount: Number(r.price_amount),
    currency: r.currency,
    active: r.active,
  };
}

// Only providers sell hours: a bundle on any other kind of account is never listed nor sold.
function bundles(db: DB) {
  return db
    .selectFrom('credit_bundles as b')
    .innerJoin('accounts as a', 'a.id', 'b.account_id')
    .where('a.kind', '=', 'provider')
    .selectAll('b')
    .select('a.name as provider_name');
}

/** Active bundles, cheapest per hour first within each provider (run as service role: it is a public catalog). */
export async function listBundles(db: DB, providerId?: string): Promise<Bundle[]> {
  let q = bundles(db).where('b.active', '=', true).where('a.suspended_at', 'is', null);
  if (providerId) q = q.where('b.account_id', '=', providerId);
  const rows = await q.orderBy('a.name').orderBy('b.hours').execute();
  return rows.map(toBundle);
}

/** One active bundle, or 404. */
export async function getActiveBundle(db: DB, bundleId: string): Promise<Bundle> {
  const row = await bundles(db).where('b.id', '=', bundleId).where('b.active', '=', true).executeTakeFirst();
  if (!row) throw notFound('Bundle');
  return toBundle(row);
}
