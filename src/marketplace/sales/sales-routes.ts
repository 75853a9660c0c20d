import { pageQuery } from '../../db/keyset.ts';
import { accountRole, signedIn } from '../../http/access.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../../http/openapi.ts';
import * as S from '../schema.ts';
import { refundSale } from './refunds.ts';
import { getSale, listAccountSales } from './sales.ts';

const IdParam = z.object({ id: z.uuid('Unknown sale') });

/** Sales records: one sale with its refunds, an artist's sales, and refunds by the artist or an admin. */
export const salesRoutes = createRouter()
  .openapi(
    route({
      method: 'get',
      path: '/marketplace/sales/{id}',
      tags: ['Marketplace'],
      summary: 'One sale with both shares, shipping and refunds (the artist’s members, platform admins)',
      middleware: signedIn(),
      request: { params: IdParam },
      responses: { 200: jsonResponse(z.object({ sale: S.SaleDetailOut })) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      // RLS shows a sale only to its artist's members and platform admins; everyone else gets a 404.
      const sale = await c.var.access.tx((tx) => getSale(tx, id));
      return c.json({ sale }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/marketplace/accounts/{accountId}/sales',
      tags: ['Marketplace'],
      summary: 'An artist’s sales, newest first (members, platform admins)',
      middleware: accountRole({ kind: 'artist', min: 'member', platformAdmins: true }),
      request: { params: z.object({ accountId: z.uuid('Unknown artist') }), query: z.object(pageQuery) },
      responses: { 200: jsonResponse(S.SalePage) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const q = c.req.valid('query');
      const out = await c.var.access.tx((tx) => listAccountSales(tx, accountId, q));
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/marketplace/sales/{id}/refunds',
      tags: ['Marketplace'],
      summary: 'Refund part or all of a sale; the transfer and the platform fee are reversed in proportion',
      middleware: signedIn(),
      request: { params: IdParam, body: jsonBody(S.SaleRefundInput) },
      responses: { 200: jsonResponse(z.object({ sale: S.SaleDetailOut })) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const { db, stripe, commerce } = c.get('deps');
      const { user, actor } = c.var.access;
      // 404 before anything else when the caller can't see the sale at all; committed before Stripe is called.
      await c.var.access.tx((tx) => getSale(tx, id));
      await refundSale(db, stripe, commerce, id, input, { ...actor, isPlatformAdmin: user.isPlatformAdmin });
      const sale = await c.var.access.tx((tx) => getSale(tx, id));
      return c.json({ sale }, 200);
    },
  );
