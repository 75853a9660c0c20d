import { countMeta, pageMeta, pageQuery } from '../db/keyset.ts';
import { platformAdmin } from '../http/access.ts';
import type { Deps } from '../http/context.ts';
import { createRouter, jsonResponse, route, z } from '../http/openapi.ts';
import { type DashboardLinks, listAllDisputes } from './disputes-read.ts';
import { DisputeOut } from './schema.ts';

/** Where dispute links point for this app: its emulator (embedded, or another one at STRIPE_API_URL) or Stripe. */
export function dashboardLinks(deps: Pick<Deps, 'emulatorUrl' | 'config'>): DashboardLinks {
  const api = deps.config.STRIPE_API_URL;
  const external = api && !/^https:\/\/api\.stripe\.com\/?$/.test(api) ? api : null;
  return { emulatorUrl: deps.emulatorUrl ?? external, secretKey: deps.config.STRIPE_SECRET_KEY ?? null };
}

const AdminDisputeOut = DisputeOut.extend({
  orderId: z.uuid(),
  orderRef: z.string(),
  accountId: z.uuid(),
  accountName: z.string(),
  buyerEmail: z.string(),
}).openapi('AdminDispute');

/** The platform admins' list of every dispute on every seller's orders. */
export const disputeRoutes = createRouter().openapi(
  route({
    method: 'get',
    path: '/admin/disputes',
    tags: ['Admin', 'Commerce'],
    summary: 'Every payment dispute, newest first (platform admins)',
    middleware: platformAdmin(),
    request: {
      query: z.object({ outcome: z.enum(['open', 'won', 'lost']).optional(), ...pageQuery }),
    },
    responses: {
      200: jsonResponse(
        z.object({ data: z.array(AdminDisputeOut), ...pageMeta, ...countMeta }).openapi('AdminDisputePage'),
      ),
    },
  }),
  async (c) => {
    const links = dashboardLinks(c.get('deps'));
    const page = await c.var.access.tx((tx) => listAllDisputes(tx, c.req.valid('query'), links));
    return c.json(page, 200);
  },
);
