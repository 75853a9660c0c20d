import type Stripe from 'stripe';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { getSettings, type StudioSettings } from './studio.ts';

/** The remembered Stripe TaxRate for a studio rate, or null (run as service). */
export async function rememberedTaxRate(tx: DB, accountId: string, bps: number, inclusive: boolean) {
  const row = await tx
    .selectFrom('shop_stripe_tax_rates')
    .select('stripe_tax_rate_id')
    .where('account_id', '=', accountId)
    .where('rate_bps', '=', bps)
    .where('inclusive', '=', inclusive)
    .executeTakeFirst();
  return row?.stripe_tax_rate_id ?? null;
}

/** Whether a studio's checkouts show tax as Stripe tax lines: exclusive tax only (inclusive stays inside prices). */
export const usesStripeTaxLines = (s: Pick<StudioSettings, 'taxRateBps' | 'taxInclusive'>) =>
  !s.taxInclusive && s.taxRateBps > 0;

/**
 * Makes sure the studio's exclusive tax rate has a Stripe TaxRate and returns its id (null when the studio has no
 * exclusive tax). Read, then create at Stripe with no transaction open (the key comes from our ids, so racing
 * checkouts get the same TaxRate), then remember it; a rate already remembered costs one query.
 */
export async function ensureStripeTaxRate(db: DB, stripe: Stripe, accountId: string): Promise<string | null> {
  const known = await withService(db, async (tx) => {
    const settings = await getSettings(tx, accountId);
    if (!usesStripeTaxLines(settings)) return { settings, id: null };
    return { settings, id: await rememberedTaxRate(tx, accountId, settings.taxRateBps, false) };
  });
  const { settings } = known;
  if (!usesStripeTaxLines(settings) || known.id) return known.id;
  const bps = settings.taxRateBps;
  const rate = await stripe.taxRates.create(
    {
      display_name: 'Tax',
      percentage: bps / 100,
      inclusive: false,
      metadata: { account_id: accountId, rate_bps: String(bps) },
    },
    { idempotencyKey: `shop-tax-rate:${accountId}:${bps}:exclusive` },
  );
  return withService(db, async (tx) => {
    await tx
      .insertInto('shop_stripe_tax_rates')
      .values({ account_id: accountId, rate_bps: bps, inclusive: false, stripe_tax_rate_id: rate.id })
      .onConflict((oc) => oc.columns(['account_id', 'rate_bps', 'inclusive']).doNothing())
      .execute();
    // A racing call may have remembered another TaxRate for the same rate first: that one is the studio's.
    return rememberedTaxRate(tx, accountId, bps, false);
  });
}
