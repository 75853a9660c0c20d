import { withService } from '../db/tenancy.ts';
import { notFound } from '../errors.ts';
import { accountRole, signedIn } from '../http/access.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../http/openapi.ts';
import { listBundles } from './bundles.ts';
import { consumeMinutes } from './consume-minutes.ts';
import { startBundleCheckout } from './offering.ts';
import { getBalances, listCustomers, listLots, listPurchases, listUsage } from './read-credits.ts';
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
      summary: "An organization's balances per provider, lots and usage (org members)",
      middleware: orgMembers,
      request: { params: OrgParam },
      responses: { 200: jsonResponse(S.OrgCreditsOut) },
    }),
    async (c) => {
      const { orgId } = c.req.valid('param');
      const { clock } = c.get('deps');
      const out = await c.var.access.tx(async (tx) => {
        const lots = await listLots(tx, { organizationId: orgId });
        return {
          balances: await getBalances(tx, orgId, clock),
          lots,
          usage: await listUsage(tx, { organizationId: orgId }),
          purchases: await listPurchases(tx, lots),
        };
      });
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/providers/{providerId}/customers',
      tags: ['Credits'],
      summary: "A provider's customers with balances, lots and usage (provider admins)",
      middleware: providerAdmins,
      request: { params: ProviderParam },
      responses: {
        200: jsonResponse(
          z.object({ data: z.array(S.CustomerOut), lots: z.array(S.LotOut), usage: z.array(S.UsageOut) }),
        ),
      },
    }),
    async (c) => {
      const { providerId } = c.req.valid('param');
      const { clock } = c.get('deps');
      const out = await c.var.access.tx(async (tx) => ({
        data: await listCustomers(tx, providerId, clock),
        lots: await listLots(tx, { providerId }),
        usage: await listUsage(tx, { providerId }),
      }));
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
