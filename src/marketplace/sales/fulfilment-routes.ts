import { pageQuery } from '../../db/keyset.ts';
import { asService, withService } from '../../db/tenancy.ts';
import { notFound } from '../../errors.ts';
import { accountRole, platformAdmin, signedIn } from '../../http/access.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../../http/openapi.ts';
import { getArtistBalance, listPayouts, runPayouts } from '../payouts/payouts.ts';
import * as S from '../schema.ts';
import { canReadCertificate, issueCertificate, renderCertificatePdf } from './certificate.ts';
import { getSale } from './sales.ts';
import { markDelivered, markShipped, requireSaleActor } from './shipments.ts';

const IdParam = z.object({ id: z.uuid('Unknown sale') });
const AccountParam = z.object({ accountId: z.uuid('Unknown artist') });
const SaleRes = z.object({ sale: S.SaleDetailOut });

const artistReaders = accountRole({ kind: 'artist', min: 'member', platformAdmins: true });

/** After the sale: shipping, certificates of authenticity, the artist's balance and payouts, admin payout runs. */
export const fulfilmentRoutes = createRouter()
  .openapi(
    route({
      method: 'post',
      path: '/marketplace/sales/{id}/ship',
      tags: ['Marketplace'],
      summary: 'Mark a sale shipped with carrier and tracking; the buyer is emailed (the artist’s members)',
      middleware: signedIn(),
      request: { params: IdParam, body: jsonBody(S.ShipmentInput) },
      responses: { 200: jsonResponse(SaleRes) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const { clock, config, commerce } = c.get('deps');
      const { user, actor } = c.var.access;
      const sale = await c.var.access.tx(async (tx) => {
        await requireSaleActor(tx, id, user, 'artist');
        await asService(tx, (s) =>
          markShipped(
            s,
            actor,
            id,
            { carrier: body.carrier, trackingNumber: body.trackingNumber, trackingUrl: body.trackingUrl || null },
            { clock, publicUrl: config.publicUrl, hooks: commerce },
          ),
        );
        return getSale(tx, id);
      });
      return c.json({ sale }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/marketplace/sales/{id}/deliver',
      tags: ['Marketplace'],
      summary: 'Mark a shipped sale delivered; starts the return window (the artist’s members, platform admins)',
      middleware: signedIn(),
      request: { params: IdParam },
      responses: { 200: jsonResponse(SaleRes) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { clock, commerce } = c.get('deps');
      const { user, actor } = c.var.access;
      const sale = await c.var.access.tx(async (tx) => {
        await requireSaleActor(tx, id, user, 'artist_or_admin');
        await asService(tx, (s) => markDelivered(s, actor, id, clock, commerce));
        return getSale(tx, id);
      });
      return c.json({ sale }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/marketplace/sales/{id}/certificate.pdf',
      tags: ['Marketplace'],
      summary: 'Certificate of authenticity for an original (the buyer, the artist’s members, platform admins)',
      middleware: signedIn(),
      request: { params: IdParam },
      responses: {
        200: {
          description: 'PDF',
          content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
        },
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { user } = c.var.access;
      // Service role: the buyer can't read the sale under RLS; canReadCertificate decides who may.
      const cert = await withService(c.get('deps').db, async (tx) => {
        // Anyone else learns nothing: not even whether the sale exists.
        if (!(await canReadCertificate(tx, id, user))) throw notFound('Sale');
        return issueCertificate(tx, id);
      });
      c.header('content-type', 'application/pdf');
      c.header('content-disposition', `inline; filename="${cert.number}.pdf"`);
      return c.body(new Uint8Array(await renderCertificatePdf(cert)), 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/marketplace/accounts/{accountId}/payouts',
      tags: ['Marketplace'],
      summary: 'An artist’s payouts, newest first, a cursor page at a time (members, platform admins)',
      middleware: artistReaders,
      request: { params: AccountParam, query: z.object(pageQuery) },
      responses: { 200: jsonResponse(S.PayoutPage) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const q = c.req.valid('query');
      const out = await c.var.access.tx((tx) => listPayouts(tx, accountId, q));
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/marketplace/accounts/{accountId}/balance',
      tags: ['Marketplace'],
      summary: 'The artist’s Stripe balance, amount owed and next expected payout (members, platform admins)',
      middleware: artistReaders,
      request: { params: AccountParam },
      responses: { 200: jsonResponse(z.object({ balance: S.ArtistBalanceOut })) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const { db, stripe, clock } = c.get('deps');
      // Only the access check runs in the user's transaction; the balance comes from Stripe.
      await c.var.access.tx(async () => undefined);
      return c.json({ balance: await getArtistBalance(db, stripe, accountId, clock) }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/admin/marketplace/payouts/run',
      tags: ['Marketplace admin'],
      summary: 'Pay out every artist’s sales that are past the return window, now (platform admins)',
      middleware: platformAdmin(),
      responses: { 200: jsonResponse(S.PayoutRunOut) },
    }),
    async (c) => {
      const { db, stripe, clock } = c.get('deps');
      return c.json(await runPayouts(db, stripe, clock, { actor: c.var.access.actor }), 200);
    },
  );
