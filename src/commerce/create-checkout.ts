import { sql } from 'kysely';
import type Stripe from 'stripe';
import { crashPoint } from '../crash-points.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { AppError } from '../errors.ts';
import { type CommerceHooks, offeringOf } from '../modules.ts';
import { type CheckoutPricing, checkoutPricingOf, goodsAmount, pricingParams } from './checkout-pricing.ts';
import type { CheckoutLine } from './offerings.ts';
import { orderRef } from './order-ref.ts';
import { getOrder, listOrderItems, type Order } from './orders.ts';

/** Where Stripe sends the buyer back to; `{CHECKOUT_SESSION_ID}` is substituted by Stripe. */
export interface CheckoutUrls {
  successUrl: string;
  cancelUrl: string;
}

/** A line as sent to Checkout: the offering's line, with the Stripe tax rates of a pricing plan. */
type StripeLine = CheckoutLine & { taxRateIds?: string[] };

// One line standing for the whole order (or its goods), naming what it holds.
const summaryLine = (order: Order, lines: CheckoutLine[], unitAmount: number): CheckoutLine => ({
  name: `Order ${orderRef(order.id)}`,
  description: lines
    .map((l) => `${l.quantity} × ${l.name}`)
    .join(', ')
    .slice(0, 500),
  unitAmount,
  quantity: 1,
});

// Without a pricing plan Checkout gets no discount or tax objects, so the lines shown must add up to the stored total
// by themselves: items, then shipping and exclusive tax lines, or one summary line when a discount applies. With a
// plan (decision 030) they are the goods only, each carrying the Stripe tax rate; shipping and codes are Checkout's.
function buildLines(order: Order, lines: CheckoutLine[], pricing: CheckoutPricing | null): StripeLine[] {
  const sum = lines.reduce((a, l) => a + l.unitAmount * l.quantity, 0);
  if (sum !== order.subtotal) {
    throw new AppError('internal', 'Offering line items do not add up to the order subtotal', { orderId: order.id });
  }
  if (pricing) {
    if (order.discount > 0) return [summaryLine(order, lines, goodsAmount(order))];
    return pricing.taxRateId ? lines.map((l) => ({ ...l, taxRateIds: [pricing.taxRateId as string] })) : lines;
  }
  if (order.discount > 0) return [summaryLine(order, lines, order.total)];
  const out = [...lines];
  if (order.shipping > 0) out.push({ name: 'Shipping', unitAmount: order.shipping, quantity: 1 });
  if (order.tax > 0 && !order.taxInclusive) out.push({ name: 'Tax', unitAmount: order.tax, quantity: 1 });
  return out;
}

/**
 * Creates (or returns the existing) Stripe Checkout Session for a pending order. Prices come only from the stored
 * order; the idempotency key makes retries and double clicks return the same session. `attempt` gives a refused
 * create a fresh key, since Stripe may keep the refusal under the old one. No transaction is open while Stripe is
 * called: the parameters are built in one short transaction, the session is recorded in another that re-checks the
 * order under its lock (two concurrent calls get the same session from the key and record it once).
 */
export async function createCheckout(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  orderId: string,
  urls: CheckoutUrls,
  opts: { attempt?: number } = {},
): Promise<{ checkoutUrl: string; sessionId: string; session: Stripe.Checkout.Session }> {
  if (db.isTransaction) throw new Error('createCheckout calls Stripe: run it outside any transaction');
  const planned = await withService(db, async (tx) => {
    const order = await getOrder(tx, orderId, { lock: true });
    if (order.status !== 'pending')
      throw new AppError('invalid_state', `The order is ${order.status}`, { status: order.status });
    if (order.stripeCheckoutSessionId) return { existing: order.stripeCheckoutSessionId, plan: null };
    const offering = offeringOf(hooks, order.offeringType);
    const items = await listOrderItems(tx, order.id);
    const raw = offering.lineItems
      ? await offering.lineItems(tx, order, items)
      : items.map((i) => ({ name: i.name, unitAmount: i.unitAmount, quantity: i.quantity }));
    const pricing = checkoutPricingOf(order);
    const lines = buildLines(order, raw, pricing);
    const connect = offering.connect ? await offering.connect(tx, order) : null;
    const countries = offering.shippingCountries?.(order) ?? null;
    const expiresAt = offering.expiresAt?.(order);
    // Offerings' own ids (bundle, organization…) travel to Stripe too, so the dashboard and other tools see them;
    // our ids come last so an offering can never overwrite them.
    const meta = { ...stripeMetadata(order.metadata), order_id: order.id, account_id: order.accountId };
    const params: Stripe.Checkout.SessionCreateParams = {
      mode: 'payment',
      line_items: lines.map((l) => ({
        quantity: l.quantity,
        price_data: {
          currency: order.currency,
          unit_amount: l.unitAmount,
          product_data: { name: l.name, ...(l.description ? { description: l.description } : {}) },
        },
        ...(l.taxRateIds?.length ? { tax_rates: l.taxRateIds } : {}),
      })),
      ...(pricing ? pricingParams(order, pricing) : {}),
      customer_email: order.buyerEmail,
      client_reference_id: order.id,
      success_url: urls.successUrl,
      cancel_url: urls.cancelUrl,
      metadata: meta,
      payment_intent_data: {
        metadata: meta,
        ...(connect
          ? {
              transfer_data: { destination: connect.destination },
              application_fee_amount: connect.applicationFeeAmount,
            }
          : {}),
      },
      ...(countries?.length
        ? {
            shipping_address_collection: {
              allowed_countries:
                countries as Stripe.Checkout.SessionCreateParams.ShippingAddressCollection.AllowedCountry[],
            },
          }
        : {}),
      ...(expiresAt ? { expires_at: Math.floor(expiresAt.getTime() / 1000) } : {}),
    };
    const key = opts.attempt ? `checkout:${order.id}:${opts.attempt}` : `checkout:${order.id}`;
    return { existing: null, plan: { params, key, destination: connect?.destination ?? null } };
  });
  const { existing, plan } = planned;
  if (existing !== null || !plan) return openSession(stripe, existing ?? '');
  const session = await stripe.checkout.sessions.create(plan.params, { idempotencyKey: plan.key });
  crashPoint('checkout.after_stripe_call');
  const recorded = await withService(db, async (tx) => {
    const order = await getOrder(tx, orderId, { lock: true });
    if (order.stripeCheckoutSessionId) return order.stripeCheckoutSessionId;
    await tx
      .updateTable('orders')
      .set({
        stripe_checkout_session_id: session.id,
        destination_account: plan.destination,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', order.id)
      .execute();
    return session.id;
  });
  // A concurrent call (an earlier attempt's key) recorded another session first: that one is the order's.
  if (recorded !== session.id) return openSession(stripe, recorded);
  return { checkoutUrl: session.url ?? '', sessionId: session.id, session };
}

// The order's stored session, when it can still be paid.
async function openSession(stripe: Stripe, sessionId: string) {
  const existing = await stripe.checkout.sessions.retrieve(sessionId);
  if (existing.status === 'open' && existing.url) {
    return { checkoutUrl: existing.url, sessionId: existing.id, session: existing };
  }
  throw new AppError('invalid_state', 'The checkout for this order is no longer open', { session: existing.status });
}

/** Stripe metadata takes at most 50 string values of ≤500 chars; keep the scalar ones that fit. */
function stripeMetadata(m: Record<string, unknown> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m ?? {}).slice(0, 40)) {
    if ((typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && k.length <= 40) {
      out[k] = String(v).slice(0, 500);
    }
  }
  return out;
}
