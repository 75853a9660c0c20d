import { z } from '@hono/zod-openapi';
import { countMeta, pageMeta } from '../db/keyset.ts';
import { OFFERING_TYPES, ORDER_STATUSES, REFUND_STATUSES } from './tables.ts';

// Response shapes of the commerce routes. The handlers return domain objects (Order, OrderDetail, Invoice); the
// route definitions check them against these at compile time, so the OpenAPI document can't drift from the code.

const Money = z.number().int();
const DateTime = z.string().openapi({ format: 'date-time' });
const Json = z.record(z.string(), z.unknown());

export const OrderStatus = z.enum(ORDER_STATUSES);

export const OrderOut = z
  .object({
    id: z.uuid(),
    accountId: z.uuid(),
    buyerUserId: z.uuid().nullable(),
    buyerEmail: z.string(),
    offeringType: z.enum(OFFERING_TYPES),
    currency: z.string().openapi({ description: 'ISO 4217, lowercase' }),
    subtotal: Money,
    discount: Money,
    shipping: Money,
    tax: Money,
    taxInclusive: z.boolean(),
    total: Money.openapi({ description: 'Minor units of `currency`' }),
    status: OrderStatus,
    stripeCheckoutSessionId: z.string().nullable(),
    stripePaymentIntentId: z.string().nullable(),
    stripeChargeId: z.string().nullable(),
    receiptUrl: z.string().nullable(),
    destinationAccount: z.string().nullable().openapi({ description: 'Connected account paid out (marketplace)' }),
    amountRefunded: Money,
    paidAt: DateTime.nullable(),
    metadata: Json,
    channel: z
      .enum(['web', 'mcp', 'acp'])
      .openapi({ description: 'Web app, an MCP API key, or an ACP agent platform' }),
    agentPlatformId: z.uuid().nullable(),
    createdAt: DateTime,
    updatedAt: DateTime,
  })
  .openapi('Order');

export const OrderItemOut = z
  .object({
    id: z.uuid(),
    position: z.number().int(),
    name: z.string(),
    options: Json,
    unitAmount: Money,
    quantity: z.number().int(),
    lineTotal: Money,
  })
  .openapi('OrderItem');

export const InvoiceOut = z
  .object({
    id: z.uuid(),
    accountId: z.uuid(),
    orderId: z.uuid(),
    number: z.string(),
    seller: Json,
    buyer: Json,
    lines: z.array(z.object({ name: z.string(), quantity: z.number().int(), unitAmount: Money, lineTotal: Money })),
    subtotal: Money,
    discount: Money,
    shipping: Money,
    tax: Money,
    total: Money,
    currency: z.string(),
    receiptUrl: z.string().nullable(),
    issuedAt: DateTime,
  })
  .openapi('Invoice');

export const DisputeOut = z
  .object({
    id: z.uuid(),
    stripeDisputeId: z.string(),
    status: z
      .string()
      .openapi({ description: 'Stripe’s dispute status (needs_response, under_review, won, lost, warning_…)' }),
    outcome: z.enum(['open', 'won', 'lost']).openapi({ description: 'open while Stripe is deciding it' }),
    reason: z.string().openapi({ description: 'Stripe’s reason code, e.g. fraudulent, product_not_received' }),
    amount: Money,
    currency: z.string(),
    amountReturned: Money.openapi({
      description: 'What a lost dispute returned to the cardholder beyond refunds already made; 0 unless lost',
    }),
    evidenceDueBy: DateTime.nullable(),
    isChargeRefundable: z.boolean(),
    platformLiable: z
      .boolean()
      .openapi({ description: 'A marketplace destination charge: the platform bears the loss' }),
    dashboardUrl: z.string().openapi({ description: 'Where to respond (the Stripe Dashboard, or the emulator)' }),
    createdAt: DateTime,
    updatedAt: DateTime,
  })
  .openapi('Dispute');

// The order's payment dispute, if any; null too for callers who may not read it (the buyer).
const dispute = DisputeOut.nullable();

const agentPlatformName = z
  .string()
  .nullable()
  .openapi({ description: 'Name of the ACP agent platform that placed the order; null for web and MCP orders' });

/** An order as seller lists show it. */
export const OrderRowOut = OrderOut.extend({ agentPlatformName, dispute }).openapi('OrderRow');

export const OrderDetailOut = OrderOut.extend({
  agentPlatformName,
  dispute,
  items: z.array(OrderItemOut),
  history: z.array(
    z.object({
      fromStatus: z.string().nullable(),
      toStatus: z.string(),
      actor: z.string(),
      reason: z.string().nullable(),
      createdAt: DateTime,
    }),
  ),
  refunds: z.array(
    z.object({
      id: z.uuid(),
      seq: z.number().int(),
      amount: Money,
      status: z.enum(REFUND_STATUSES).or(z.string()),
      reason: z.string().nullable(),
      createdAt: DateTime,
    }),
  ),
  invoice: InvoiceOut.nullable(),
}).openapi('OrderDetail');

export const OrderPage = z.object({ data: z.array(OrderRowOut), ...pageMeta, ...countMeta });

export const AuditEventOut = z
  .object({
    id: z.uuid(),
    accountId: z.uuid().nullable(),
    action: z.string(),
    actor: z.string(),
    actorUserId: z.uuid().nullable(),
    entityType: z.string(),
    entityId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    requestId: z.string().nullable(),
    createdAt: DateTime,
  })
  .openapi('AuditEvent');

/** What the buyer's success page shows; the Checkout Session id is the secret that unlocks it. */
export const CheckoutOrderSummary = z
  .object({
    orderId: z.uuid(),
    status: OrderStatus,
    sellerName: z.string().nullable(),
    currency: z.string(),
    subtotal: Money,
    discount: Money,
    shipping: Money,
    tax: Money,
    taxInclusive: z.boolean(),
    total: Money,
    discountLabel: z.string().nullable().openapi({ description: 'The Stripe promotion code the buyer entered' }),
    shippingLabel: z.string().nullable().openapi({ description: 'The shipping rate the buyer chose at Checkout' }),
    amountRefunded: Money,
    items: z.array(OrderItemOut.omit({ id: true, position: true })),
    invoice: z.object({ id: z.uuid(), number: z.string() }).nullable(),
  })
  .openapi('CheckoutOrderSummary');
