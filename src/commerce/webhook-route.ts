import { Hono } from 'hono';
import { crashPoint } from '../crash-points.ts';
import type { AppEnv } from '../http/context.ts';
import { verifyStripeEvent } from './handle-webhook.ts';
import type { EventInbox } from './webhook-inbox.ts';

/** The event type the doctor signs to test the route end to end without touching the database. */
export const DOCTOR_PING_TYPE = 'gallerist.doctor.ping';

/**
 * `POST /webhooks/stripe` (under /api): verifies the signature against the raw body, stores the event in the inbox
 * with the job that applies it (through `inbox`, which stores deliveries that arrive together in one commit), and
 * answers at once; this instance's runner is woken to apply it. Only a failure to store answers 5xx (the error
 * middleware's 500), so Stripe retries exactly those.
 */
export const webhookRoutes = (inbox: EventInbox) =>
  new Hono<AppEnv>().post('/webhooks/stripe', async (c) => {
    const { stripe, config, clock, assembly } = c.get('deps');
    const raw = await c.req.text();
    // Throws AppError('bad_request') → 400 with the standard body; nothing is written.
    const event = verifyStripeEvent(stripe, raw, c.req.header('stripe-signature'), config.webhookSecrets);
    if ((event.type as string) === DOCTOR_PING_TYPE) return c.json({ received: true, status: 'ignored' }, 200);
    const status = await inbox(event, clock.now());
    crashPoint('webhook.after_inbox_commit');
    if (status === 'queued') assembly.jobSignal.notify();
    return c.json({ received: true, status }, 200);
  });
