// The commerce module's public surface: other domains import from here, never from its files.
export { type CheckoutPricing, MAX_SHIPPING_OPTIONS, type OfferedShipping } from './checkout-pricing.ts';
export { completeCheckoutSession, completePaymentIntent, type SettleResult } from './complete-checkout.ts';
export { type CheckoutUrls, createCheckout } from './create-checkout.ts';
export { type DashboardLinks, withDisputes } from './disputes-read.ts';
export { dashboardLinks } from './disputes-routes.ts';
export { processStripeEvent, type StripeEventHandler } from './handle-webhook.ts';
export { invoicePages } from './invoice-pages.ts';
export type { BuyerConfirmationContext, OfferingHooks, PaidContext } from './offerings.ts';
export { notifyOrderChanged, type OrderChange, type OrderListener } from './order-listeners.ts';
export { orderRef } from './order-ref.ts';
export { isPaidStatus } from './order-status.ts';
export {
  createOrder,
  findOrder,
  getOrder,
  listOrderItems,
  type Order,
  type OrderChannel,
  type OrderItem,
  orderTotals,
  toOrder,
} from './orders.ts';
export { payOrderWithSharedToken, type TokenPayment, type TokenShipping } from './pay-with-token.ts';
export { type PaymentFacts, paymentFromIntent, paymentFromSession } from './payment-facts.ts';
export type { PdfCanvas, TextStyle } from './pdf.ts';
export { A4 } from './pdf-size.ts';

/** Starts a PDF (see pdf.ts); pdf-lib and its fonts load with the first document, not when the app starts. */
export const createPdfCanvas: typeof import('./pdf.ts').createPdfCanvas = async (meta) =>
  (await import('./pdf.ts')).createPdfCanvas(meta);
export {
  agentPlatformNames,
  getOrderDetail,
  listOrders,
  type OrderRow,
  ordersPageQuery,
  requireSalesReader,
  withAgentPlatformNames,
} from './read-orders.ts';
export { type RefundActor, refundOrder } from './refund-order.ts';
export { DisputeOut } from './schema.ts';
export { DEFAULT_SHIPPING_COUNTRIES } from './shipping-countries.ts';
export { createStripeClient } from './stripe.ts';
export { applyOrderRefunds, fetchChargeRefunds } from './sync-refunds.ts';
export {
  type InvoiceLine,
  type OfferingType,
  ORDER_STATUSES,
  type OrderStatus,
  type RefundStatus,
  type StripeEventStatus,
} from './tables.ts';
export { computeTotals, formatMoney } from './totals.ts';
