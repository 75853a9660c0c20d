import type Stripe from 'stripe';
import { type Clock, systemClock } from '../clock.ts';
import type { OfferingHooks } from '../commerce/index.ts';
import { createCheckout, createOrder, type Order } from '../commerce/index.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { AppError, notFound } from '../errors.ts';
import type { CommerceHooks } from '../modules.ts';
import { getActiveBundle } from './bundles.ts';
import { grantLot } from './grant-lot.ts';
import { revokeUnspent } from './revoke-unspent.ts';

function purchase(order: Order): { organizationId: string; minutes: number } {
  const organizationId = order.metadata.organization_id;
  const minutes = Number(order.metadata.minutes);
  if (typeof organizationId !== 'string' || !Number.isSafeInteger(minutes) || minutes <= 0) {
    throw new Error(`credit order ${order.id} lacks organization_id/minutes metadata`);
  }
  return { organizationId, minutes };
}

/** Plugs credit bundles into commerce: paid orders grant a lot, refunds revoke the refunded unspent share. */
export function creditOffering(clock: Clock = systemClock): OfferingHooks {
  return {
    async onPaid(db, order) {
      const { organizationId, minutes } = purchase(order);
      await grantLot(
        db,
        {
          organizationId,
          providerId: order.accountId,
          orderId: order.id,
          minutes,
          paidAt: order.paidAt ?? clock.now(),
        },
        clock,
      );
    },
    async onRefunded(db, order, amount) {
      const { minutes } = purchase(order);
      // The refunded share of the minutes bought, rounded up in the buyer's favour; only unspent ones go.
      const share = order.total > 0 ? Math.ceil((minutes * amount) / order.total) : minutes;
      await revokeUnspent(db, order.id, clock, { maxMinutes: share, actor: 'system:refund' });
    },
  };
}

/** Opens a Stripe Checkout for a bundle bought by an organization (the caller checked the org-admin role). */
export async function startBundleCheckout(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  input: { bundleId: string; organizationId: string; buyerUserId: string; buyerEmail: string },
  urls: (org: { slug: string }) => { successUrl: string; cancelUrl: string },
): Promise<{ checkoutUrl: string; orderId: string }> {
  const { order, slug } = await withService(db, async (tx) => {
    const bundle = await getActiveBundle(tx, input.bundleId);
    const org = await tx
      .selectFrom('accounts')
      .select(['id', 'slug', 'kind', 'suspended_at'])
      .where('id', '=', input.organizationId)
      .executeTakeFirst();
    // Any other kind of account answers like a missing organization, as every org route does.
    if (org?.kind !== 'organization') throw notFound('Organization');
    if (org.suspended_at) {
      throw new AppError('invalid_state', 'Only active organizations can buy expert-service credits');
    }
    const created = await createOrder(
      tx,
      {
        accountId: bundle.providerId,
        buyerUserId: input.buyerUserId,
        buyerEmail: input.buyerEmail,
        offeringType: 'credit_bundle',
        currency: bundle.currency,
        items: [{ name: `${bundle.name} (${bundle.hours} h)`, unitAmount: bundle.priceAmount, quantity: 1 }],
        metadata: {
          organization_id: org.id,
          service_provider_id: bundle.providerId,
          bundle_id: bundle.id,
          minutes: bundle.hours * 60,
        },
      },
      { kind: 'user', userId: input.buyerUserId },
    );
    return { order: created, slug: org.slug };
  });
  const { checkoutUrl } = await createCheckout(db, stripe, hooks, order.id, urls({ slug }));
  return { checkoutUrl, orderId: order.id };
}
