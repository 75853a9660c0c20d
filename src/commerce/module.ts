import type { DomainModule } from '../modules.ts';
import { applyDisputeEvent, DISPUTE_EVENT_TYPES } from './disputes.ts';
import { adoptEarlyDisputes } from './disputes-adopt.ts';
import { disputeRoutes } from './disputes-routes.ts';
import { checkWebhookInbox, checkWebhookRoute } from './doctor.ts';
import { applyInboxEvent, STRIPE_EVENT_JOB, type StripeEventJob } from './handle-webhook.ts';
import { reconcile, reconcileJob } from './reconcile.ts';
import { commerceRoutes } from './routes.ts';
import { createEventInbox } from './webhook-inbox.ts';
import { webhookRoutes } from './webhook-route.ts';

/**
 * The shared checkout spine: orders, Checkout, the webhook inbox, refunds, invoices, reconciliation. Offerings and
 * extra Stripe events come from the other modules through `deps.commerce`.
 */
export const commerceModule: DomainModule = {
  name: 'commerce',
  doctorChecks: [checkWebhookRoute, checkWebhookInbox],
  build: ({ db, stripe, commerce, config }) => ({
    routes: [commerceRoutes, webhookRoutes(createEventInbox(db)), disputeRoutes],
    // Disputes mirror Stripe's state onto our orders; a dispute that came before its payment is adopted on payment.
    stripeEvents: DISPUTE_EVENT_TYPES.map((type) => ({
      type,
      handle: async (tx, event, actor) =>
        (await applyDisputeEvent(tx, event, actor, { publicUrl: config.publicUrl, hooks: commerce }))
          ? 'processed'
          : 'ignored',
    })),
    orderListeners: [adoptEarlyDisputes({ publicUrl: config.publicUrl, hooks: commerce })],
    jobs: {
      // Applies one event the webhook route stored; a throw leaves the row `failed` and the runner retries.
      [STRIPE_EVENT_JOB]: async (payload: StripeEventJob, ctx) => {
        await applyInboxEvent(ctx.db, stripe, commerce, payload, { publicUrl: config.publicUrl });
      },
      [reconcileJob]: async (_payload, ctx) => {
        const r = await reconcile(ctx.db, stripe, commerce, ctx.clock, { publicUrl: config.publicUrl });
        ctx.logger.info(r, 'commerce reconcile');
      },
    },
    // Every 5 minutes, the first 5 minutes after boot: webhooks get their chance first.
    schedules: [{ name: reconcileJob, intervalSeconds: 300, firstRunAfterSeconds: 300 }],
  }),
};
