import type { Deps } from './context.ts';
import { createRouter, jsonResponse, route, z } from './openapi.ts';

/** Which Stripe this instance talks to. */
export function stripeMode(deps: Pick<Deps, 'emulatorUrl' | 'config'>): 'emulator' | 'test' | 'live' {
  if (deps.emulatorUrl) return 'emulator';
  return deps.config.STRIPE_SECRET_KEY?.includes('_live_') ? 'live' : 'test';
}

export const PlatformInfo = z
  .object({
    devMailbox: z.boolean().openapi({ description: 'Whether /dev/mailbox exists (local development only)' }),
    stripeMode: z.enum(['emulator', 'test', 'live']),
  })
  .openapi('PlatformInfo');

/** What the web app needs to know about how this instance runs. */
export const platformRoutes = createRouter().openapi(
  route({
    method: 'get',
    path: '/platform',
    tags: ['Platform'],
    summary: 'How this instance runs (development conveniences, Stripe mode)',
    responses: { 200: jsonResponse(PlatformInfo) },
  }),
  (c) => {
    const deps = c.get('deps');
    return c.json({ devMailbox: deps.devMailbox ?? false, stripeMode: stripeMode(deps) }, 200);
  },
);
