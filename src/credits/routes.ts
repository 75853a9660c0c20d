import { withService } from '../db/tenancy.ts';
import { notFound } from '../errors.ts';
import { accountRole, signedIn } from '../http/access.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../http/openapi.ts';
import { listBundles } from './bundles.ts';
import { consumeMinutes } from './consume-minutes.ts';
import { startBundleCheckout } from './offering.ts';
import { getBalances, listCustomers, listPurchases, pageLots, pageUsage } from './read-credits.ts';
import * as S from './schema.ts';

const OrgParam = z.object({ orgId: z.uuid('Unknown organization') });
const ProviderParam = z.object({ providerId: z.uuid('Unknown provider') });

// Who needs which role is in docs/credits.md ("API").
const orgMembers = accountRole({ kind: 'organization', min: 'member', from: 'orgId' });
const orgAdmins = accountRole({ kind: 'organization', min: 'admin' });
const providerMembers = accountRole({ kind: 'provider', min: 'member', from: 'providerId' });
const providerAdmins = accountRole({ kind: 'provider', min: 'admin', from: 'providerId' });

/** Expert-service credits: bundle catalog, org balances, provider customers, time logging, bundle checkout. */
export const creditRoutes = createRouter()
  .openapi(
    route({
      method: 'get',
      path: '/credits/bundles',
      tags: ['Credits'],
      summary: 'Active credit bundles (optionally of one provider)',
      middleware: signedIn(),
      request: { query: z.object({ providerId: z.uuid('Unknown provider').optional() }) },
      responses: { 200: jsonResponse(z.object({ data: z.array(S.BundleOut) })) },
    }),
    async (c) => {
      // The catalog is public to signed-in users; read as service so provider names (RLS-hidden) come along.
      const data = await withService(c.get('deps').db, (tx) => listBundles(tx, c.req.valid('query').providerId));
      return c.json({ data }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/organizations/{orgId}/credits',
      tags: ['Credits'],
      summary: "An organization's balances per provider, summed in SQL (org members)",
      middleware: orgMembers,
      request: { params: OrgParam },
      responses: { 200: jsonResponse(S.OrgCreditsOut) },
    }),
    async (c) => {
      const { orgId } = c.req.valid('param');
      const { clock } = c.get('deps');
      const balances = await c.var.access.tx((tx) => getBalances(tx, orgId, clock));
      return c.json({ balances }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/organizations/{orgId}/credits/lots',
      tags: ['Credits'],
      summary: "An organization's lots, first-expiring first, with the purchases behind them (org members)",
      middleware: orgMembers,
      request: { params: OrgParam, query: S.PageQuery },
      responses: { 200: jsonResponse(S.OrgLotPage) },
    }),
    async (c) => {
      const { orgId } = c.req.valid('param');
      const out = await c.var.access.tx(async (tx) => {
        const page = await pageLots(tx, { organizationId: orgId }, c.req.valid('query'));
        return { ...page, purchases: await listPurchases(tx, page.data) };
      });
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/organizations/{orgId}/credits/usage',
      tags: ['Credits'],
      summary: "An organization's logged work, most recently logged first (org members)",
      middleware: orgMembers,
      request: { params: OrgParam, query: S.PageQuery },
      responses: { 200: jsonResponse(S.UsagePage) },
    }),
    async (c) => {
      const { orgId } = c.req.valid('param');
      const out = await c.var.access.tx((tx) => pageUsage(tx, { organizationId: orgId }, c.req.valid('query')));
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/providers/{providerId}/customers',
      tags: ['Credits'],
      summary: "A provider's customers with their balances (provider admins)",
      middleware: providerAdmins,
      request: { params: ProviderParam },
      responses: { 200: jsonResponse(z.object({ data: z.array(S.CustomerOut) })) },
    }),
    async (c) => {
      const { providerId } = c.req.valid('param');
      const { clock } = c.get('deps');
      const data = await c.var.access.tx((tx) => listCustomers(tx, providerId, clock));
      return c.json({ data }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/providers/{providerId}/credits/lots',
      tags: ['Credits'],
      summary: 'Lots customers bought from a provider, first-expiring first (provider admins)',
      middleware: providerAdmins,
      request: { params: ProviderParam, query: S.PageQuery },
      responses: { 200: jsonResponse(S.LotPage) },
    }),
    async (c) => {
      const { providerId } = c.req.valid('param');
      const out = await c.var.access.tx((tx) => pageLots(tx, { providerId }, c.req.valid('query')));
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/providers/{providerId}/credits/usage',
      tags: ['Credits'],
      summary: 'Work a provider logged for its customers, most recently logged first (provider admins)',
      middleware: providerAdmins,
      request: { params: ProviderParam, query: S.PageQuery },
      responses: { 200: jsonResponse(S.UsagePage) },
    }),
    async (c) => {
      const { providerId } = c.req.valid('param');
      const out = await c.var.access.tx((tx) => pageUsage(tx, { providerId }, c.req.valid('query')));
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/providers/{providerId}/usage',
      tags: ['Credits'],
      summary: 'Log time worked for a customer, paid from its credits (provider members; 409 when short)',
      middleware: providerMembers,
      request: { params: ProviderParam, body: jsonBody(S.LogUsageInput) },
      responses: { 201: jsonResponse(S.LogUsageOut, 'Logged') },
    }),
    async (c) => {
      const { providerId } = c.req.valid('param');
      const input = c.req.valid('json');
      const { clock } = c.get('deps');
      const user = c.var.access.user;
      const out = await c.var.access.tx(async (tx) => {
        // Members may log time but not read balances (RLS), so the write and its checks run as service role.
        return withService(tx, async (s) => {
          const customer = await s
            .selectFrom('provider_customers')
            .select('organization_account_id')
            .where('provider_account_id', '=', providerId)
            .where('organization_account_id', '=', input.organizationId)
            .executeTakeFirst();
          if (!customer) throw notFound('Customer');
          const r = await consumeMinutes(s, { providerId, ...input, actorUserId: user.id }, clock);
          const balance = await getBalances(s, input.organizationId, clock);
          const minutes = balance.find((b) => b.providerId === providerId)?.minutes ?? 0;
          return { usageId: r.usageId, taken: r.taken, balanceMinutes: minutes };
        });
      });
      return c.json(out, 201);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/credits/checkout',
      tags: ['Credits'],
      summary: 'Buy a credit bundle for an organization via Stripe Checkout (org admins)',
      middleware: orgAdmins,
      request: { body: jsonBody(S.CheckoutInput) },
      responses: { 201: jsonResponse(z.object({ checkoutUrl: z.string(), orderId: z.string() }), 'Checkout opened') },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { db, stripe, config, commerce } = c.get('deps');
      const { user } = c.var.access;
      // The role check commits before Stripe is called: no transaction stays open across the network.
      await c.var.access.tx(async () => undefined, { accountId: input.organizationId });
      const base = config.publicUrl;
      const out = await startBundleCheckout(
        db,
        stripe,
        commerce,
        { ...input, buyerUserId: user.id, buyerEmail: user.email },
        (org) => ({
          successUrl: `${base}/org/${org.slug}?payment=success&session_id={CHECKOUT_SESSION_ID}`,
          cancelUrl: `${base}/expert-services?payment=cancelled`,
        }),
      );
      return c.json(out, 201);
    },
  );
