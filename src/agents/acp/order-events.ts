import { type Order, type OrderListener, orderRef } from '../../commerce/index.ts';
import type { DB } from '../../db/types.ts';
import { type AcpOrder, queueOrderWebhook } from './webhooks.ts';

/*
 * ACP order events after the order exists (spec: `openapi.agentic_checkout_webhook.yaml`, rfc.orders.md). The
 * platform learns of an order with `order_create`, queued by completeSession once the token payment settled (its
 * status is already `confirmed`); every later change the commerce core or the marketplace reports to the order
 * listeners (refund, shipment, delivery, expiry…) queues an `order_update` carrying the full order as it stands, in
 * the transaction of the change, so a retried event that changes nothing sends nothing.
 */

/** What the order row doesn't say but the ACP order shows: the shipment and the refunds. */
export interface AcpOrderFacts {
  shipment?: {
    id: string;
    carrier: string | null;
    trackingNumber: string | null;
    trackingUrl: string | null;
    shippedAt: Date | null;
    deliveredAt: Date | null;
  } | null;
  refunds?: Array<{ id: string; amount: number; status: string; reason: string | null; createdAt: Date }>;
}

const total = (type: string, display_text: string, amount: number) => ({ type, display_text, amount });
const isUrl = (u: string | null): u is string => Boolean(u && /^https?:\/\/\S+$/.test(u));

function acpStatus(order: Order, shipment: AcpOrderFacts['shipment']): string {
  if (order.status === 'refunded' || order.status === 'cancelled' || order.status === 'expired') return 'canceled';
  if (order.status === 'pending' || order.status === 'payment_failed') return 'created';
  if (shipment?.deliveredAt) return 'completed';
  if (shipment?.shippedAt) return 'shipped';
  return 'confirmed';
}

function refundStatus(s: string): 'pending' | 'completed' | 'failed' {
  return s === 'succeeded' ? 'completed' : s === 'failed' || s === 'canceled' ? 'failed' : 'pending';
}

/**
 * The ACP Order (`$defs/Order`) for one of our orders: the one builder, used by the complete response, the session
 * and every order webhook. Without `facts` it shows what the order row knows (enough right after payment).
 */
export function buildAcpOrder(order: Order, sessionId: string, publicUrl: string, facts: AcpOrderFacts = {}) {
  const shipment = facts.shipment?.shippedAt ? facts.shipment : null;
  const refunds = facts.refunds ?? [];
  const currency = order.currency.toLowerCase();
  const fulfillment = shipment && {
    id: `ful_${shipment.id}`,
    type: 'shipping' as const,
    status: shipment.deliveredAt ? 'delivered' : 'shipped',
    ...(shipment.carrier ? { carrier: shipment.carrier } : {}),
    ...(shipment.trackingNumber ? { tracking_number: shipment.trackingNumber } : {}),
    ...(isUrl(shipment.trackingUrl) ? { tracking_url: shipment.trackingUrl } : {}),
    events: [
      { id: `ful_${shipment.id}_shipped`, type: 'shipped', occurred_at: (shipment.shippedAt as Date).toISOString() },
      ...(shipment.deliveredAt
        ? [{ id: `ful_${shipment.id}_delivered`, type: 'delivered', occurred_at: shipment.deliveredAt.toISOString() }]
        : []),
    ],
  };
  return {
    type: 'order' as const,
    id: order.id,
    checkout_session_id: sessionId,
    order_number: orderRef(order.id),
    permalink_url: `${publicUrl}/orders/${order.id}`,
    status: acpStatus(order, shipment),
    ...(fulfillment ? { fulfillments: [fulfillment] } : {}),
    ...(refunds.length
      ? {
          adjustments: refunds.map((r) => ({
            id: `adj_${r.id}`,
            type: 'refund',
            occurred_at: r.createdAt.toISOString(),
            status: refundStatus(r.status),
            amount: r.amount,
            currency,
            ...(r.reason ? { description: r.reason } : {}),
          })),
        }
      : {}),
    totals: [
      total('subtotal', 'Subtotal', order.subtotal),
      total('fulfillment', 'Shipping', order.shipping),
      total('tax', 'Tax', order.tax),
      total('total', 'Total', order.total),
      ...(order.amountRefunded ? [total('amount_refunded', 'Refunded', order.amountRefunded)] : []),
    ],
  };
}

/** Reads the order's shipment (an artwork sale's or a print order's) and refunds, in the caller's transaction. */
export async function loadAcpOrderFacts(tx: DB, order: Order): Promise<AcpOrderFacts> {
  const sale = await tx
    .selectFrom('marketplace_sales')
    .select(['id', 'carrier', 'tracking_number', 'tracking_url', 'shipped_at', 'delivered_at'])
    .where('order_id', '=', order.id)
    .executeTakeFirst();
  // A print order has no sale: its fulfilment row (keyed on the order) carries the same shipment facts.
  const prints = sale
    ? undefined
    : await tx
        .selectFrom('print_fulfilments')
        .select(['order_id as id', 'carrier', 'tracking_number', 'tracking_url', 'shipped_at', 'delivered_at'])
        .where('order_id', '=', order.id)
        .executeTakeFirst();
  const shipped = sale ?? prints;
  const refunds = await tx
    .selectFrom('refunds')
    .select(['id', 'amount', 'status', 'reason', 'created_at'])
    .where('order_id', '=', order.id)
    .orderBy('seq')
    .execute();
  return {
    shipment: shipped
      ? {
          id: shipped.id,
          carrier: shipped.carrier,
          trackingNumber: shipped.tracking_number,
          trackingUrl: shipped.tracking_url,
          shippedAt: shipped.shipped_at,
          deliveredAt: shipped.delivered_at,
        }
      : null,
    refunds: refunds.map((r) => ({
      id: r.id,
      amount: Number(r.amount),
      status: r.status,
      reason: r.reason,
      createdAt: r.created_at,
    })),
  };
}

/**
 * The agents module's order listener: for an order an ACP agent platform placed, queues an `order_update` with the
 * full order. Nothing for `paid` (the platform hears of the paid order from `order_create`, queued right after the
 * payment settles, already `confirmed`), nor for an order that was never paid (the platform never heard of it: a
 * declined or abandoned completion). Web and MCP orders: nothing.
 */
export function acpOrderListener(opts: { publicUrl: string }): OrderListener {
  return async (tx, order, change) => {
    if (order.channel !== 'acp' || !order.agentPlatformId) return;
    if (change.kind === 'paid' || !order.paidAt) return;
    const sessionId = order.metadata.acp_session_id;
    if (typeof sessionId !== 'string') return;
    const facts = await loadAcpOrderFacts(tx, order);
    const acp: AcpOrder = buildAcpOrder(order, sessionId, opts.publicUrl, facts);
    await queueOrderWebhook(tx, {
      platformId: order.agentPlatformId,
      type: 'order_update',
      order: acp,
      orderId: order.id,
    });
  };
}
