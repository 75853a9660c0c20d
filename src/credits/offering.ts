import { sql } from 'kysely';
import type Stripe from 'stripe';
import { type Clock, systemClock } from '../clock.ts';
import type { OfferingHooks, OrderChannel } from '../commerce/index.ts';
import { createCheckout, createOrder, type Order } from '../commerce/index.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { AppError, notFound } from '../errors.ts';
import type { CommerceHooks } from '../modules.ts';
import { type Bundle, getActiveBundle } from './bundles.ts';
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

/** The organization a bundle is bought for: 404 for any other kind of account, refused while suspended. */
export async function bundleOrganization(tx: DB, organizationId: string) {
  const org = await tx
    .selectFrom('accounts')
    .select(['id', 'name', 'slug', 'kind', 'suspended_at'])
    .where('id', '=', organizationId)
    .executeTakeFirst();
  // Any other kind of account answers like a missing organization, as every org route does.
  if (org?.kind !== 'organization') throw notFound('Organization');
  if (org.suspended_at) {
    throw new AppError('invalid_state', 'Only active organizations can buy expert-service credits');
  }
  return { id: org.id, name: org.name, slug: org.slug };
}

/**
 * The user behind an email who may buy credits for an organization (an active owner or admin of it), or null: for
 * buyers identified by email only (an agent's checkout), the same role the web route's `orgAdmins` requires.
 */
export async function bundleBuyer(tx: DB, organizationId: string, email: string): Promise<{ userId: string } | null> {
  const row = await tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('u.id')
    .where('m.account_id', '=', organizationId)
    .where('m.role', 'in', ['owner', 'admin'])
    .where('u.suspended_at', 'is', null)
    .where(sql<boolean>`lower(u.email) = ${email.trim().toLowerCase()}`)
    .executeTakeFirst();
  return row ? { userId: row.id } : null;
}

/**
 * Creates the pending `credit_bundle` order for a bundle bought by an organization (the caller checked the
 * org-admin role): web checkout and an agent's ACP session alike. Run as service.
 */
export async function createBundleOrder(
  tx: DB,
  input: {
    bundleId: string;
    organizationId: string;
    buyerUserId: string;
    buyerEmail: string;
    metadata?: Record<string, string>;
    channel?: { kind: OrderChannel; agentPlatformId: string | null };
  },
): Promise<{ order: Order; slug: string }> {
  const bundle = await getActiveBundle(tx, input.bundleId);
  const org = await bundleOrganization(tx, input.organizationId);
  const order = await createOrder(
    tx,
    {
      accountId: bundle.providerId,
      buyerUserId: input.buyerUserId,
      buyerEmail: input.buyerEmail,
      offeringType: 'credit_bundle',
      currency: bundle.currency,
      items: [{ name: bundleItemName(bundle), unitAmount: bundle.priceAmount, quantity: 1 }],
      metadata: {
        ...input.metadata,
        organization_id: org.id,
        service_provider_id: bundle.providerId,
        bundle_id: bundle.id,
        minutes: bundle.hours * 60,
      },
      channel: input.channel?.kind,
      agentPlatformId: input.channel?.agentPlatformId,
    },
    { kind: 'user', userId: input.buyerUserId },
  );
  return { order, slug: org.slug };
}

/** How a bundle reads as an order line. */
export const bundleItemName = (bundle: Pick<Bundle, 'name' | 'hours'>) => `${bundle.name} (${bundle.hours} h)`;

/** Opens a Stripe Checkout for a bundle bought by an organization (the caller checked the org-admin role). */
export async function startBundleCheckout(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  input: { bundleId: string; organizationId: string; buyerUserId: string; buyerEmail: string },
  urls: (org: { slug: string }) => { successUrl: string; cancelUrl: string },
): Promise<{ checkoutUrl: string; orderId: string }> {
  const { order, slug } = await withService(db, (tx) => createBundleOrder(tx, input));
  const { checkoutUrl } = await createCheckout(db, stripe, hooks, order.id, urls({ slug }));
  return { checkoutUrl, orderId: order.id };
}
