import type { DB } from '../db/types.ts';

const demoBundles = [
  { name: 'Starter · 5 hours', hours: 5, price_amount: 75_000 },
  { name: 'Team · 10 hours', hours: 10, price_amount: 140_000 },
  { name: 'Project · 20 hours', hours: 20, price_amount: 260_000 },
  { name: 'Retainer · 40 hours', hours: 40, price_amount: 480_000 },
];

/** Seeds Skywalker Digital's four demo bundles (idempotent: keyed by provider and name). Run as service role. */
export async function seedCreditBundles(db: DB): Promise<void> {
  const provider = await db
    .selectFrom('accounts')
    .select('id')
    .where('slug', '=', 'skywalker-digital')
    .executeTakeFirst();
  if (!provider) return;
  await db
    .insertInto('credit_bundles')
    .values(demoBundles.map((b) => ({ ...b, account_id: provider.id, currency: 'eur' })))
    .onConflict((oc) => oc.columns(['account_id', 'name']).doNothing())
    .execute();
}
