import type { Context } from 'hono';
import { completeCheckoutSession } from '../commerce/complete-checkout.ts';
import { withService } from '../db/tenancy.ts';
import { notFound } from '../errors.ts';
import type { AppEnv } from '../http/context.ts';
import { requireUser, userActor } from '../http/middleware.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../http/openapi.ts';
import { type FulfilmentMove, moveFulfilment } from './fulfilment.ts';
import { galleryByToken } from './galleries.ts';
import type { Labs } from './labs.ts';
import { getPrintOrder, listPrintOrders, printOrderSummary } from './read-print-orders.ts';
import { cancelPrintOrder, refundPrintOrder } from './refund-print-order.ts';
import { studioSummary } from './reports.ts';
import * as S from './schema.ts';
import { asMember } from './studio-access.ts';

const AccountParam = z.object({ accountId: z.uuid('Unknown account') });
const OrderParam = AccountParam.extend({ orderId: z.uuid('Unknown order') });
const tags = ['Print shop orders'];

function actorOf(c: Context<AppEnv>) {
  return userActor(c, requireUser(c).id);
}

const moveRoute = (path: string, summary: string) =>
  route({
    method: 'post',
    path: `/shop/studios/{accountId}/orders/{orderId}/${path}`,
    tags,
    summary,
    request: { params: OrderParam },
    responses: { 200: jsonResponse(S.PrintOrderOut) },
  });

/**
 * Studio print orders (list, detail, fulfilment moves, refunds), the studio summary and the buyer's order summary;
 * moves and cancels reach the labs the shop module was built with.
 */
export function shopOrderRoutes(labs: Labs) {
  // Runs a fulfilment move and answers with the updated order.
  async function move(c: Context<AppEnv>, accountId: string, orderId: string, m: FulfilmentMove) {
    const { db, clock } = c.get('deps');
    await moveFulfilment(db, labs, clock, accountId, orderId, m, actorOf(c));
    return asMember(c, accountId, 'member', (tx) => getPrintOrder(tx, accountId, orderId));
  }
  return createRouter()
    .openapi(
      route({
        method: 'get',
        path: '/shop/studios/{accountId}/orders',
        tags,
        summary: 'Filter and page through the studio’s paid print orders',
        request: { params: AccountParam, query: S.PrintOrderQuery },
        responses: { 200: jsonResponse(S.PrintOrderList) },
      }),
      async (c) => {
        const { accountId } = c.req.valid('param');
        const q = c.req.valid('query');
        return c.json(await asMember(c, accountId, 'member', (tx) => listPrintOrders(tx, accountId, q)), 200);
      },
    )
    .openapi(
      route({
        method: 'get',
        path: '/shop/studios/{accountId}/orders/{orderId}',
        tags,
        summary: 'One print order with photos, crops, fulfilment, timeline and refunds',
        request: { params: OrderParam },
        responses: { 200: jsonResponse(S.PrintOrderOut) },
      }),
      async (c) => {
        const { accountId, orderId } = c.req.valid('param');
        return c.json(await asMember(c, accountId, 'member', (tx) => getPrintOrder(tx, accountId, orderId)), 200);
      },
    )
    .openapi(moveRoute('in-production', 'Mark a print order in production'), async (c) => {
      const { accountId, orderId } = c.req.valid('param');
      return c.json(await move(c, accountId, orderId, { to: 'in_production' }), 200);
    })
    .openapi(
      route({
        method: 'post',
        path: '/shop/studios/{accountId}/orders/{orderId}/ship',
        tags,
        summary: 'Mark a print order shipped; emails the buyer the carrier and tracking number',
        request: { params: OrderParam, body: jsonBody(S.ShipInput) },
        responses: { 200: jsonResponse(S.PrintOrderOut) },
      }),
      async (c) => {
        const { accountId, orderId } = c.req.valid('param');
        const b = c.req.valid('json');
        const out = await move(c, accountId, orderId, {
          to: 'shipped',
          carrier: b.carrier,
          trackingNumber: b.trackingNumber,
          trackingUrl: b.trackingUrl ?? null,
        });
        return c.json(out, 200);
      },
    )
    .openapi(moveRoute('deliver', 'Mark a shipped print order delivered'), async (c) => {
      const { accountId, orderId } = c.req.valid('param');
      return c.json(await move(c, accountId, orderId, { to: 'delivered' }), 200);
    })
    .openapi(
      route({
        method: 'post',
        path: '/shop/studios/{accountId}/orders/{orderId}/cancel',
        tags,
        summary: 'Cancel a print order that has not shipped and refund it in full (admins)',
        request: { params: OrderParam, body: jsonBody(S.CancelInput) },
        responses: { 200: jsonResponse(S.PrintOrderOut) },
      }),
      async (c) => {
        const { accountId, orderId } = c.req.valid('param');
        const { db, stripe, clock, commerce } = c.get('deps');
        await cancelPrintOrder(
          db,
          stripe,
          commerce,
          labs,
          clock,
          accountId,
          orderId,
          c.req.valid('json').reason ?? null,
          actorOf(c),
        );
        return c.json(await asMember(c, accountId, 'member', (tx) => getPrintOrder(tx, accountId, orderId)), 200);
      },
    )
    .openapi(
      route({
        method: 'post',
        path: '/shop/studios/{accountId}/orders/{orderId}/refunds',
        tags,
        summary: 'Refund part of a print order through the commerce core (admins)',
        request: { params: OrderParam, body: jsonBody(S.PrintRefundInput) },
        responses: { 201: jsonResponse(S.PrintOrderOut, 'Refund created') },
      }),
      async (c) => {
        const { accountId, orderId } = c.req.valid('param');
        const { db, stripe, commerce } = c.get('deps');
        await refundPrintOrder(db, stripe, commerce, accountId, orderId, c.req.valid('json'), actorOf(c));
        return c.json(await asMember(c, accountId, 'member', (tx) => getPrintOrder(tx, accountId, orderId)), 201);
      },
    )
    .openapi(
      route({
        method: 'get',
        path: '/shop/studios/{accountId}/reports/summary',
        tags,
        summary: 'This month’s print revenue against last month, order count and best sellers',
        request: { params: AccountParam },
        responses: { 200: jsonResponse(S.StudioSummaryOut) },
      }),
      async (c) => {
        const { accountId } = c.req.valid('param');
        const { clock } = c.get('deps');
        return c.json(await asMember(c, accountId, 'member', (tx) => studioSummary(tx, accountId, clock)), 200);
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
