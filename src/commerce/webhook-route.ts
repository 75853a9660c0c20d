import { Hono } from 'hono';
import { isAppError } from '../errors.ts';
import type { AppEnv } from '../http/context.ts';
import { applyStripeEvent, verifyStripeEvent } from './handle-webhook.ts';

/** The event type the doctor signs to test the route end to end without touching the database. */
export const DOCTOR_PING_TYPE = 'gallerist.doctor.ping';

/**
 * `POST /webhooks/stripe` (under /api): verifies the signature against the raw body, then applies the event
 * through the inbox. Only a failure while applying answers 5xx, so Stripe retries exactly those.
 */
export const webhookRoutes = new Hono<AppEnv>().post('/webhooks/stripe', async (c) => {
  const { db, stripe, config, commerce } = c.get('deps');
  const raw = await c.req.text();
  // Throws AppError('bad_request') → 400 with the standard body; nothing is written.
  const event = verifyStripeEvent(stripe, raw, c.req.header('stripe-signature'), config.webhookSecrets);
  if ((event.type as string) === DOCTOR_PING_TYPE) return c.json({ received: true, status: 'ignored' }, 200);
  try {
    const r = await applyStripeEvent(db, stripe, commerce, event, { publicUrl: config.publicUrl });
    // The reason shows in Stripe's delivery log, so an operator sees why an event was not applied.
    return c.json({ received: true, status: r.outcome, ...(r.reason ? { reason: r.reason } : {}) }, 200);
  } catch (err) {
    c.get('log').error({ err, eventId: event.id, type: event.type }, 'stripe webhook handler failed');
    const message = isAppError(err) ? err.message : 'The event could not be applied; Stripe will retry';
    return c.json({ error: { code: 'internal', message, details: { eventId: event.id } } }, 500);
  }
});
