import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { systemClock } from '../clock.ts';
import type { Config } from '../config.ts';
import { openDatabase } from '../db/connect.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import type { Check } from '../doctor.ts';
import { createApp } from '../http/app.ts';
import { assemble } from '../modules.ts';
import { createStripeClient } from './stripe.ts';
import { createEventInbox } from './webhook-inbox.ts';
import { DOCTOR_PING_TYPE, webhookRoutes } from './webhook-route.ts';

/**
 * Builds the app in-process and posts a correctly signed and an unsigned test event to the webhook route: the
 * first must be accepted, the second refused. Catches a broken body parser or secret wiring before Stripe does.
 */
export async function checkWebhookRoute(config: Config, opts: { db?: DB } = {}): Promise<Check[]> {
  const name = 'stripe webhook route';
  let secrets = config.webhookSecrets;
  const emulated = !config.STRIPE_SECRET_KEY || Boolean(config.STRIPE_API_URL);
  if (!secrets.length) {
    if (!emulated) {
      return [
        {
          name,
          ok: false,
          detail: 'STRIPE_WEBHOOK_SECRET is not set: every Stripe event would be rejected',
          fix: 'Create an endpoint for {PUBLIC_URL}/api/webhooks/stripe in the Stripe dashboard and set STRIPE_WEBHOOK_SECRET to its signing secret.',
        },
      ];
    }
    // The emulator's secrets are created at boot; a throwaway one still proves the route verifies signatures.
    secrets = [`whsec_doctor_${randomBytes(16).toString('hex')}`];
  }
  let database: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    // The ping never reaches the database; it is only opened because the app's deps need a handle.
    if (!opts.db) database = await openDatabase(config);
    const db = opts.db ?? database!.db;
    const stripe = createStripeClient(config.STRIPE_SECRET_KEY ?? 'sk_test_doctor', config.STRIPE_API_URL);
    const base = {
      config: { ...config, webhookSecrets: secrets },
      db,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      stripe,
    };
    // Only the webhook route: the ping must pass the app's real middleware, and needs no other module.
    const assembly = assemble(
      [{ name: 'commerce', build: () => ({ routes: [webhookRoutes(createEventInbox(db))] }) }],
      base,
    );
    const app = createApp({ ...base, commerce: assembly.commerce, assembly });
    const payload = JSON.stringify({
      id: `evt_doctor_${randomBytes(8).toString('hex')}`,
      object: 'event',
      type: DOCTOR_PING_TYPE,
      created: Math.floor(Date.now() / 1000),
      data: { object: {} },
    });
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: secrets[0] });
    const post = (headers: Record<string, string>) =>
      app.request('/api/webhooks/stripe', {
        method: 'POST',
        body: payload,
        headers: { 'content-type': 'application/json', ...headers },
      });
    const signed = await post({ 'stripe-signature': header });
    const unsigned = await post({});
    const ok = signed.status === 200 && unsigned.status === 400;
    return [
      ok
        ? { name, ok, detail: 'accepts a signed test event and rejects an unsigned one' }
        : {
            name,
            ok,
            detail: `signed event → ${signed.status}, unsigned event → ${unsigned.status} (expected 200 and 400)`,
            fix: 'Check STRIPE_WEBHOOK_SECRET matches the endpoint’s signing secret and that no proxy rewrites the request body.',
          },
    ];
  } catch (err) {
    return [{ name, ok: false, detail: `could not test the route: ${(err as Error).message}` }];
  } finally {
    await database?.close();
  }
}

// An event the runner has not applied after this long means no runner is working the queue.
const BACKLOG_MINUTES = 10;

/**
 * Reads the webhook inbox: events still waiting long after they arrived (no job runner, or one stuck) and events
 * whose last attempt failed, with the newest error, so an operator sees a stalled or failing queue before buyers do.
 */
export async function checkWebhookInbox(config: Config, opts: { db?: DB; now?: Date } = {}): Promise<Check[]> {
  const name = 'stripe webhook inbox';
  let database: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    if (!opts.db) database = await openDatabase(config);
    const db = opts.db ?? database!.db;
    const cutoff = new Date((opts.now ?? new Date()).getTime() - BACKLOG_MINUTES * 60_000);
    const [waiting, failed] = await withService(db, (tx) =>
      Promise.all([
        tx
          .selectFrom('stripe_events')
          .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.min('received_at').as('oldest')])
          .where('status', '=', 'received')
          .where('received_at', '<', cutoff)
          .executeTakeFirstOrThrow(),
        tx
          .selectFrom('stripe_events')
          .select(['id', 'type', 'error'])
          .where('status', '=', 'failed')
          .orderBy('received_at', 'desc')
          .limit(100)
          .execute(),
      ]),
    );
    const checks: Check[] = [];
    const late = Number(waiting.n);
    if (late > 0) {
      checks.push({
        name,
        ok: false,
        detail: `${late} event(s) stored but not applied for over ${BACKLOG_MINUTES} minutes (oldest received ${new Date(waiting.oldest as Date).toISOString()})`,
        fix: 'Run at least one instance with JOBS=on (the default); its job runner applies stored events.',
      });
    }
    if (failed.length > 0) {
      const [newest] = failed;
      checks.push({
        name,
        ok: false,
        detail: `${failed.length === 100 ? '100 or more' : failed.length} event(s) failed to apply; newest ${newest.id} (${newest.type}): ${newest.error ?? 'no message'}`,
        fix: 'Read the log for the event id; once the cause is fixed, the job runner retries it, or run `gallerist reconcile`, or resend it from the Stripe dashboard.',
      });
    }
    if (!checks.length) checks.push({ name, ok: true, detail: 'no event waiting or failed' });
    return checks;
  } catch (err) {
    // The database check reports an unreachable database; the inbox says nothing more then.
    return [{ name, ok: true, detail: `not read: ${(err as Error).message}` }];
  } finally {
    await database?.close();
  }
}
