import type { Context } from 'hono';
import { completeCheckoutSession, dashboardLinks } from '../commerce/index.ts';
import { withService } from '../db/tenancy.ts';
import { notFound } from '../errors.ts';
import type { AccountAccess } from '../http/access.ts';
import type { AppEnv } from '../http/context.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../http/openapi.ts';
import { type FulfilmentMove, moveFulfilment } from './fulfilment.ts';
import { galleryByToken } from './galleries.ts';
import type { Labs } from './labs.ts';
import { getPrintOrder, listPrintOrders, printOrderSummary } from './read-print-orders.ts';
import { cancelPrintOrder, refundPrintOrder } from './refund-print-order.ts';
import { studioSummary } from './reports.ts';
import * as S from './schema.ts';
import { studioMembers } from './studio-access.ts';

const AccountParam = z.object({ accountId: z.uuid('Unknown account') });
const OrderParam = AccountParam.extend({ orderId: z.uuid('Unknown order') });
const tags = ['Print shop orders'];

const moveRoute = (path: string, summary: string) =>
  route({
    method: 'post',
    path: `/shop/studios/{accountId}/orders/{orderId}/${path}`,
    tags,
    summary,
    middleware: studioMembers,
    request: { params: OrderParam },
    responses: { 200: jsonResponse(S.PrintOrderOut) },
  });

/**
 * Studio print orders (list, detail, fulfilment moves, refunds), the studio summary and the buyer's order summary;
 * moves and cancels reach the labs the shop module was built with.
 */
export function shopOrderRoutes(labs: Labs) {
  // Runs a fulfilment move and answers with the updated order, in one transaction: no lab is called for these moves
  // (only cancelling reaches the lab). moveFulfilment checks the order is the studio's under the service role.
  function move(c: Context<AppEnv & { Variables: { access: AccountAccess } }>, orderId: string, m: FulfilmentMove) {
    const { clock, commerce } = c.get('deps');
    const { access } = c.var;
    return access.tx(async (tx, { id: accountId }) => {
      await moveFulfilment(tx, labs, commerce, clock, accountId, orderId, m, access.actor);
      return getPrintOrder(tx, accountId, orderId, dashboardLinks(c.get('deps')));
    });
  }
  return createRouter()
    .openapi(
      route({
        method: 'get',
        path: '/shop/studios/{accountId}/orders',
        tags,
        summary: 'Filter and page through the studio’s paid print orders',
        middleware: studioMembers,
        request: { params: AccountParam, query: S.PrintOrderQuery },
        responses: { 200: jsonResponse(S.PrintOrderList) },
      }),
      async (c) => {
        const { accountId } = c.req.valid('param');
        const q = c.req.valid('query');
        return c.json(
          await c.var.access.tx((tx) => listPrintOrders(tx, accountId, q, dashboardLinks(c.get('deps')))),
          200,
        );
      },
    )
    .openapi(
      route({
        method: 'get',
        path: '/shop/studios/{accountId}/orders/{orderId}',
        tags,
        summary: 'One print order with photos, crops, fulfilment, timeline and refunds',
        middleware: studioMembers,
        request: { params: OrderParam },
        responses: { 200: jsonResponse(S.PrintOrderOut) },
      }),
      async (c) => {
        const { accountId, orderId } = c.req.valid('param');
        return c.json(
          await c.var.access.tx((tx) => getPrintOrder(tx, accountId, orderId, dashboardLinks(c.get('deps')))),
          200,
        );
      },
    )
    .openapi(moveRoute('in-production', 'Mark a print order in production'), async (c) => {
      const { orderId } = c.req.valid('param');
      return c.json(await move(c, orderId, { to: 'in_production' }), 200);
    })
    .openapi(
      route({
        method: 'post',
        path: '/shop/studios/{accountId}/orders/{orderId}/ship',
        tags,
        summary: 'Mark a print order shipped; emails the buyer the carrier and tracking number',
        middleware: studioMembers,
        request: { params: OrderParam, body: jsonBody(S.ShipInput) },
        responses: { 200: jsonResponse(S.PrintOrderOut) },
      }),
      async (c) => {
        const { orderId } = c.req.valid('param');
        const b = c.req.valid('json');
        const out = await move(c, orderId, {
          to: 'shipped',
          carrier: b.carrier,
          trackingNumber: b.trackingNumber,
          trackingUrl: b.trackingUrl ?? null,
        });
        return c.json(out, 200);
      },
    )
    .openapi(moveRoute('deliver', 'Mark a shipped print order delivered'), async (c) => {
      const { orderId } = c.req.valid('param');
      return c.json(await move(c, orderId, { to: 'delivered' }), 200);
    })
    .openapi(
      route({
        method: 'post',
        path: '/shop/studios/{accountId}/orders/{orderId}/cancel',
        tags,
        summary: 'Cancel a print order that has not shipped and refund it in full (admins)',
        middleware: studioMembers,
        request: { params: OrderParam, body: jsonBody(S.CancelInput) },
        responses: { 200: jsonResponse(S.PrintOrderOut) },
      }),
      async (c) => {
        const { accountId, orderId } = c.req.valid('param');
        const { db, stripe, clock, commerce } = c.get('deps');
        const { access } = c.var;
        // The service checks the order is the studio's and the caller an admin in its own transactions, around the
        // Stripe refund; the answer is read under the route's check once they have committed.
        await cancelPrintOrder(
          db,
          stripe,
          commerce,
          labs,
          clock,
          accountId,
          orderId,
          c.req.valid('json').reason ?? null,
          access.actor,
        );
        return c.json(
          await access.tx((tx) => getPrintOrder(tx, accountId, orderId, dashboardLinks(c.get('deps')))),
          200,
        );
      },
    )
    .openapi(
      route({
        method: 'post',
        path: '/shop/studios/{accountId}/orders/{orderId}/refunds',
        tags,
        summary: 'Refund part of a print order through the commerce core (admins)',
        middleware: studioMembers,
        request: { params: OrderParam, body: jsonBody(S.PrintRefundInput) },
        responses: { 201: jsonResponse(S.PrintOrderOut, 'Refund created') },
      }),
      async (c) => {
        const { accountId, orderId } = c.req.valid('param');
        const { db, stripe, commerce } = c.get('deps');
        const { access } = c.var;
        // The refund service checks the order is the studio's and the caller an admin, outside any transaction of ours.
        await refundPrintOrder(db, stripe, commerce, accountId, orderId, c.req.valid('json'), access.actor);
        return c.json(
          await access.tx((tx) => getPrintOrder(tx, accountId, orderId, dashboardLinks(c.get('deps')))),
          201,
        );
      },
    )
    .openapi(
      route({
        method: 'get',
        path: '/shop/studios/{accountId}/reports/summary',
        tags,
        summary: 'This month’s print revenue against last month, order count and best sellers',
        middleware: studioMembers,
        request: { params: AccountParam },
        responses: { 200: jsonResponse(S.StudioSummaryOut) },
      }),
      async (c) => {
        const { accountId } = c.req.valid('param');
        const { clock } = c.get('deps');
        return c.json(await c.var.access.tx((tx) => studioSummary(tx, accountId, clock)), 200);
      },
    )
    .openapi(
      route({
        method: 'get',
        path: '/shop/g/{token}/orders/{sessionId}',
        tags,
        summary: 'The buyer’s order summary after Checkout (the session id is the secret); settles a pending payment',
        request: {
          params: z.object({
            token: z.string().min(1).max(100),
            sessionId: z.string().regex(/^cs_\w{1,200}$/, 'Unknown session'),
          }),
        },
        responses: { 200: jsonResponse(S.PrintOrderSummaryOut) },
      }),
      async (c) => {
        const { token, sessionId } = c.req.valid('param');
        const { db, stripe, clock, config, commerce } = c.get('deps');
        const find = () =>
          withService(db, async (tx) => {
            const g = await galleryByToken(tx, token, clock);
            const row = await tx
              .selectFrom('orders')
              .select(['id', 'status'])
              .where('stripe_checkout_session_id', '=', sessionId)
              .where('offering_type', '=', 'print')
              .where(({ ref }) => ref('metadata', '->>').key('gallery_id'), '=', g.id)
              .executeTakeFirst();
            if (!row) throw notFound('Order');
            return row;
          });
        const found = await find();
        // The buyer may beat the webhook back here: settle through the same once-only path it uses.
        if (found.status === 'pending') {
          await completeCheckoutSession(
            db,
            stripe,
            commerce,
            sessionId,
            { kind: 'checkout_return', userId: c.get('user')?.id ?? null, requestId: c.get('requestId') },
            { publicUrl: config.publicUrl },
          );
        }
        return c.json(await withService(db, (tx) => printOrderSummary(tx, found.id)), 200);
      },
    );
}
