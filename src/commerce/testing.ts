import type Stripe from 'stripe';
import { platformModules, replaceOffering } from '../assembly.ts';
import { recordAudit } from '../audit/index.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import type { CommerceHooks, DomainModule } from '../modules.ts';
import { createCheckout } from './create-checkout.ts';
import type { OfferingHooks } from './offerings.ts';
import { createOrder, type Order } from './orders.ts';

/** The platform's modules with a `print` offering whose hooks leave audit rows (`test.on_paid` …) to count. */
export function modulesWithTestOffering(opts: { shipping?: boolean; failOnPaid?: () => boolean } = {}): DomainModule[] {
  return replaceOffering(platformModules, 'print', testOffering(opts));
}

function testOffering(opts: { shipping?: boolean; failOnPaid?: () => boolean }): OfferingHooks {
  return {
    shippingCountries: () => (opts.shipping ? ['DE', 'GB'] : null),
    async onPaid(db, order) {
      if (opts.failOnPaid?.()) throw new Error('onPaid failed (test)');
      await recordAudit(
        db,
        { kind: 'test' },
        { accountId: order.accountId, action: 'test.on_paid', entityType: 'order', entityId: order.id },
      );
    },
    async onExpired(db, order) {
      await recordAudit(
        db,
        { kind: 'test' },
        { accountId: order.accountId, action: 'test.on_expired', entityType: 'order', entityId: order.id },
      );
    },
    async onRefunded(db, order, amount) {
      await recordAudit(
        db,
        { kind: 'test' },
        {
          accountId: order.accountId,
          action: 'test.on_refunded',
          entityType: 'order',
          entityId: order.id,
          after: { amount },
        },
      );
    },
  };
}

/** Creates a pending print order for a seller (by slug) and opens its Checkout Session. */
export async function createTestOrder(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  opts: {
    sellerSlug?: string;
    buyerEmail?: string;
    buyerUserId?: string | null;
    baseUrl?: string;
    offeringType?: 'print' | 'artwork';
  } = {},
): Promise<{ order: Order; sessionId: string; checkoutUrl: string }> {
  const order = await withService(db, async (tx) => {
    const seller = await tx
      .selectFrom('accounts')
      .select('id')
      .where('slug', '=', opts.sellerSlug ?? 'lumen-photography')
      .executeTakeFirstOrThrow();
    return createOrder(
      tx,
      {
        accountId: seller.id,
        buyerEmail: opts.buyerEmail ?? 'buyer@example.com',
        buyerUserId: opts.buyerUserId ?? null,
        offeringType: opts.offeringType ?? 'print',
        currency: 'eur',
        items: [
          { name: 'Fine art print 30×40', unitAmount: 2500, quantity: 2, options: { paper: 'matte' } },
          { name: 'Frame', unitAmount: 1000, quantity: 1 },
        ],
        shipping: 500,
        taxRateBps: 1900,
      },
      { kind: 'test' },
    );
  });
  const base = opts.baseUrl ?? 'http://localhost';
  const { sessionId, checkoutUrl } = await createCheckout(db, stripe, hooks, order.id, {
    successUrl: `${base}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${base}/checkout/cancel`,
  });
  return { order, sessionId, checkoutUrl };
}

/** Counts audit rows of one action for an order (offering hook calls in tests). */
export async function countAudit(db: DB, orderId: string, action: string): Promise<number> {
  const rows = await withService(db, (tx) =>
    tx
      .selectFrom('audit_events')
      .select('after')
      .where('entity_id', '=', orderId)
      .where('action', '=', action)
      .execute(),
  );
  return rows.length;
}
