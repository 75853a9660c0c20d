import type Stripe from 'stripe';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { testClient, testDeps } from '../../test/http.ts';
import { signUpAndConfirm } from '../accounts/testing.ts';
import { createStripeClient } from '../commerce/index.ts';
import type { Database } from '../db/connect.ts';
import { createDemoTestDatabase } from '../db/testing.ts';
import { createApp } from '../http/app.ts';
import type { Deps } from '../http/context.ts';

/** A seeded database, an in-process app and a socket emulator for one marketplace test file. */
export interface MarketplaceTestEnv {
  database: Database;
  deps: Deps;
  app: ReturnType<typeof createApp>;
  emulator: RunningEmulator;
  stripe: Stripe;
  client: () => ReturnType<typeof testClient>;
  stop(): Promise<void>;
}

/** Starts the env; call stop() in afterAll. */
export async function startMarketplaceEnv(): Promise<MarketplaceTestEnv> {
  // The bare demo seed (no storage), cloned from the run's seeded template.
  const database = await createDemoTestDatabase();
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1' });
  const stripe = createStripeClient('sk_test_gallerist_local', emulator.url);
  const deps = testDeps(database, { stripe, emulatorUrl: emulator.url });
  const app = createApp(deps);
  return {
    database,
    deps,
    app,
    emulator,
    stripe,
    client: () => testClient(app),
    async stop() {
      await emulator.stop();
      await database.close();
    },
  };
}

/** Signs up a fresh user through the API and returns the signed-in client. */
export async function signUpClient(env: MarketplaceTestEnv, email: string, name = 'Test Artist') {
  const c = env.client();
  const session = await signUpAndConfirm(c, env.database.db, { email, name });
  return { c, userId: session.user.id };
}

/** A complete application body for the autosave endpoint. */
export const completeApplication = {
  statement: 'I make large-scale cyanotypes about rivers and the people who live along them.',
  portfolioUrl: 'https://example.com/portfolio',
  instagram: '@river.prints',
  exhibitions: 'Group show, Kunsthalle Nord 2024',
  country: 'de',
  termsAccepted: true,
};

/** Takes a fresh user from sign-up to approved artist; returns the client and the artist account id. */
export async function approvedArtist(env: MarketplaceTestEnv, email: string, name: string) {
  const { c, userId } = await signUpClient(env, email, name);
  await c.put('/api/marketplace/application', completeApplication);
  const sub = await c.post('/api/marketplace/application/submit');
  const admin = env.client();
  await admin.signIn('admin@demo.gallerist.dev');
  const r = await admin.post(`/api/admin/marketplace/applications/${sub.body.application.id}/approve`);
  if (r.status !== 200) throw new Error(`approve failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { c, userId, accountId: r.body.application.artistAccountId as string, admin, approve: r.body };
}

/** Completes Connect onboarding in the emulator, as the hosted page would. */
export async function onboard(env: MarketplaceTestEnv, stripeAccountId: string) {
  const res = await fetch(`${env.emulator.url}/_emulator/accounts/${stripeAccountId}/onboard`, { method: 'POST' });
  if (!res.ok) throw new Error(`onboard failed: ${res.status} ${await res.text()}`);
}

/** Computes every public artwork's recommendation features now (tests that rank need them before the job runs). */
export { refreshAllFeatures } from './recommendations/store.ts';
