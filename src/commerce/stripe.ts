import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import Stripe from 'stripe';
// Type-only: the emulator's code is imported lazily, so a start with a real Stripe key never loads it.
import type { RunningEmulator } from '../../emulator/index.ts';
import type { Config } from '../config.ts';

/**
 * The Stripe API version every request pins. It is the version the installed SDK's types describe; `satisfies`
 * makes an SDK upgrade that moves to a newer version fail the typecheck here, so the version (and the response
 * shapes the code relies on) only change on purpose, never silently with `npm update`.
 */
export const STRIPE_API_VERSION = '2026-10-28.endive' satisfies Stripe.LatestApiVersion;
const EMULATOR_KEY = 'sk_test_gallerist_local';

/** Builds the one Stripe SDK client; `apiUrl` points it at an emulator instead of api.stripe.com. */
export function createStripeClient(key: string, apiUrl?: string): Stripe {
  const opts: Stripe.StripeConfig = {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: 'Gallerist' },
  };
  if (apiUrl) {
    const u = new URL(apiUrl);
    opts.host = u.hostname;
    opts.port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    opts.protocol = u.protocol === 'https:' ? 'https' : 'http';
  }
  return new Stripe(key, opts);
}

/** The Stripe connection the app runs with: real Stripe, an external emulator, or an embedded one. */
export interface StripeSetup {
  stripe: Stripe;
  emulator?: RunningEmulator;
  emulatorUrl?: string;
  mode: 'live' | 'test' | 'emulator';
}

/** Connects to Stripe per configuration, starting the embedded emulator when no key is set. */
export async function setupStripe(config: Config, logger: Logger): Promise<StripeSetup> {
  if (config.STRIPE_SECRET_KEY && !config.STRIPE_API_URL) {
    return {
      stripe: createStripeClient(config.STRIPE_SECRET_KEY),
      mode: config.STRIPE_SECRET_KEY.includes('_live_') ? 'live' : 'test',
    };
  }
  if (config.STRIPE_API_URL) {
    return {
      stripe: createStripeClient(config.STRIPE_SECRET_KEY ?? EMULATOR_KEY, config.STRIPE_API_URL),
      emulatorUrl: config.STRIPE_API_URL.replace(/\/$/, ''),
      mode: 'emulator',
    };
  }
  const { startEmulator } = await import('../../emulator/index.ts');
  const emulator = await startEmulator({
    port: config.STRIPE_EMULATOR_PORT,
    host: '127.0.0.1',
    dataFile: join(config.dataDir, 'stripe-emulator.json'),
  }).catch(async (err: NodeJS.ErrnoException) => {
    // Port taken (say, a second instance): any free port works for the embedded emulator.
    if (err.code !== 'EADDRINUSE') throw err;
    logger.warn({ port: config.STRIPE_EMULATOR_PORT }, 'emulator port in use; using a random port');
    return startEmulator({ port: 0, host: '127.0.0.1', dataFile: join(config.dataDir, 'stripe-emulator.json') });
  });
  return {
    stripe: createStripeClient(EMULATOR_KEY, emulator.url),
    emulator,
    emulatorUrl: emulator.url,
    mode: 'emulator',
  };
}

/**
 * Makes sure the emulator delivers to this app's webhook route (platform and Connect events) and returns the
 * signing secrets. Secrets are only shown at creation, so they are kept in DATA_DIR; a changed URL (new port)
 * updates the existing endpoints instead of piling up new ones.
 */
export async function ensureWebhookEndpoints(stripe: Stripe, url: string, dataDir: string): Promise<string[]> {
  const file = join(dataDir, 'stripe-webhooks.json');
  const saved: Record<string, { id: string; secret: string }> = existsSync(file)
    ? JSON.parse(readFileSync(file, 'utf8'))
    : {};
  const existing = await stripe.webhookEndpoints.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
  const secrets: string[] = [];
  for (const kind of ['platform', 'connect'] as const) {
    const known = saved[kind];
    const match = existing.find((e) => e.id === known?.id);
    if (match && known) {
      if (match.url !== url || match.status !== 'enabled') {
        await stripe.webhookEndpoints.update(match.id, { url, disabled: false });
      }
      secrets.push(known.secret);
      continue;
    }
    const created = await stripe.webhookEndpoints.create(
      { url, enabled_events: ['*'], connect: kind === 'connect', description: `Gallerist ${kind} events` },
      // Keyed on the URL and the endpoint it replaces, so a crash before saving replays instead of duplicating,
      // and several instances sharing one emulator each get their own endpoint.
      {
        idempotencyKey: `gallerist-webhook:${kind}:${createHash('sha256').update(url).digest('hex').slice(0, 16)}:${known?.id ?? 'initial'}`,
      },
    );
    saved[kind] = { id: created.id, secret: created.secret! };
    secrets.push(created.secret!);
  }
  writeFileSync(file, JSON.stringify(saved, null, 2), { mode: 0o600 });
  return secrets;
}
