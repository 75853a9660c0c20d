import { pageQuery } from '../db/keyset.ts';
import { withService } from '../db/tenancy.ts';
import { notFound } from '../errors.ts';
import { signedIn } from '../http/access.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../http/openapi.ts';
import { completeCheckoutSession } from './complete-checkout.ts';
import { withDisputes } from './disputes-read.ts';
import { dashboardLinks } from './disputes-routes.ts';
import { getInvoice } from './invoices.ts';
import { listOrderItems, orderTotals, toOrder } from './orders.ts';
import { getOrderDetail, listOrderAudit, listOrders } from './read-orders.ts';
import { refundOrder } from './refund-order.ts';
import * as S from './schema.ts';

const OrderIdParam = z.object({ orderId: z.uuid('Unknown order') });

/** Orders, refunds, invoices (JSON) and the checkout return endpoint. */
export const commerceRoutes = createRouter()
  .openapi(
    route({
      method: 'get',
      path: '/checkout/sessions/{sessionId}/complete',
      tags: ['Commerce'],
      summary: 'Settle a Checkout Session after the buyer returns (safe to race the webhook)',
      request: { params: z.object({ sessionId: z.string().regex(/^cs_[\w]+$/, 'Unknown session') }) },
      responses: { 200: jsonResponse(z.object({ orderId: z.uuid(), status: S.OrderStatus })) },
    }),
    async (c) => {
      const { db, stripe, config, commerce } = c.get('deps');
      const user = c.get('user');
      const r = await completeCheckoutSession(
        db,
        stripe,
        commerce,
        c.req.valid('param').sessionId,
        { kind: 'checkout_return', userId: user?.id ?? null, requestId: c.get('requestId') },
        { publicUrl: config.publicUrl },
      ).catch((err: { type?: string }) => {
        if (err?.type === 'StripeInvalidRequestError') throw notFound('Checkout session');
        throw err;
      });
      if (!r.orderId || !r.status) throw notFound('Checkout session');
      return c.json({ orderId: r.orderId, status: r.status }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/checkout/sessions/{sessionId}/order',
      tags: ['Commerce'],
      summary: 'The order behind a Checkout Session, for the buyer’s success page (the session id is the secret)',
      request: { params: z.object({ sessionId: z.string().regex(/^cs_[\w]+$/, 'Unknown session') }) },
      responses: { 200: jsonResponse(S.CheckoutOrderSummary) },
    }),
    async (c) => {
      const { sessionId } = c.req.valid('param');
      const summary = await withService(c.get('deps').db, async (tx) => {
        const row = await tx
          .selectFrom('orders')
          .selectAll()
          .where('stripe_checkout_session_id', '=', sessionId)
          .executeTakeFirst();
        if (!row) return null;
        const order = toOrder(row);
        const [items, seller, invoice] = await Promise.all([
          listOrderItems(tx, order.id),
          tx.selectFrom('accounts').select('name').where('id', '=', order.accountId).executeTakeFirst(),
          tx.selectFrom('invoices').select(['id', 'number']).where('order_id', '=', order.id).executeTakeFirst(),
        ]);
        return {
          orderId: order.id,
          status: order.status,
          sellerName: seller?.name ?? null,
          ...orderTotals(order),
          amountRefunded: order.amountRefunded,
          items: items.map((i) => ({
            name: i.name,
            options: i.options,
            unitAmount: i.unitAmount,
            quantity: i.quantity,
            lineTotal: i.lineTotal,
          })),
          invoice: invoice ? { id: invoice.id, number: invoice.number } : null,
        };
      });
      if (!summary) throw notFound('Checkout session');
      return c.json(summary, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/orders/{orderId}/refunds',
      tags: ['Commerce'],
      summary: 'Refund part or all of an order (seller admins, platform admins)',
      middleware: signedIn(),
      request: {
        params: OrderIdParam,
        body: jsonBody(
          z.strictObject({ amount: z.number().int().positive().optional(), reason: z.string().max(500).optional() }),
        ),
      },
      responses: {
        201: jsonResponse(
          z.object({
            refund: z.object({ id: z.uuid(), seq: z.number().int(), amount: z.number().int() }),
            order: S.OrderOut,
          }),
          'Refund created',
        ),
      },
    }),
    async (c) => {
      const { user } = c.var.access;
      const { db, stripe, commerce } = c.get('deps');
      const body = c.req.valid('json');
      // refundOrder checks who may refund inside its own transaction, then calls Stripe outside it.
      const r = await refundOrder(db, stripe, commerce, c.req.valid('param').orderId, body, {
        kind: 'user',
        userId: user.id,
        isPlatformAdmin: user.isPlatformAdmin,
        requestId: c.get('requestId'),
      });
      return c.json({ refund: { id: r.refundId, seq: r.seq, amount: r.amount }, order: r.order }, 201);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/accounts/{accountId}/orders',
      tags: ['Commerce'],
      summary: 'A seller’s orders, newest first, a cursor page at a time (members; a provider’s admins only)',
      middleware: signedIn(),
      request: {
        params: z.object({ accountId: z.uuid('Unknown account') }),
        query: z.object({
          status: S.OrderStatus.optional(),
          ...pageQuery,
        }),
      },
      responses: { 200: jsonResponse(S.OrderPage) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const q = c.req.valid('query');
      // listOrders checks the role: 404 for non-members, 403 for a provider's plain members.
      const links = dashboardLinks(c.get('deps'));
      const page = await c.var.access.tx(async (tx) => {
        const p = await listOrders(tx, accountId, q);
        return { ...p, data: await withDisputes(tx, p.data, links) };
      });
      return c.json(page, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/orders/{orderId}',
      tags: ['Commerce'],
      summary: 'An order with items, history, refunds and invoice (seller members, the buyer, platform admins)',
      middleware: signedIn(),
      request: { params: OrderIdParam },
      responses: { 200: jsonResponse(S.OrderDetailOut) },
    }),
    async (c) => {
      // RLS decides who sees the order (its rows are invisible to everyone else: 404).
      const links = dashboardLinks(c.get('deps'));
      const detail = await c.var.access.tx(async (tx) => {
        const [d] = await withDisputes(tx, [await getOrderDetail(tx, c.req.valid('param').orderId)], links);
        return d;
      });
      return c.json(detail, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/orders/{orderId}/audit',
      tags: ['Commerce'],
      summary: 'Audit trail of an order (seller admins, platform admins)',
      middleware: signedIn(),
      request: { params: OrderIdParam },
      responses: { 200: jsonResponse(z.object({ data: z.array(S.AuditEventOut) })) },
    }),
    async (c) => {
      const { orderId } = c.req.valid('param');
      const data = await c.var.access.tx((tx) => listOrderAudit(tx, orderId));
      return c.json({ data }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/invoices/{invoiceId}',
      tags: ['Commerce'],
      summary: 'An invoice as JSON (the buyer, seller members, platform admins)',
      middleware: signedIn(),
      request: { params: z.object({ invoiceId: z.uuid('Unknown invoice') }) },
      responses: { 200: jsonResponse(S.InvoiceOut) },
    }),
    async (c) => {
      const inv = await c.var.access.tx((tx) => getInvoice(tx, c.req.valid('param').invoiceId));
      return c.json(inv, 200);
    },
  );
