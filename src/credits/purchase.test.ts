import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { testClient } from '../../test/http.ts';
import { getOrder, refundOrder } from '../commerce/index.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { listBundles } from './bundles.ts';
import { consumeMinutes } from './consume-minutes.ts';
import { startBundleCheckout } from './offering.ts';
import { listLots } from './read-credits.ts';
import { ledgerProblems } from './testing.ts';

let app: TestApp;
let db: DB;
let stripe: Stripe;
const ids: Record<string, string> = {};

async function emu(path: string, form: Record<string, string> = {}) {
  const res = await fetch(`${app.emulatorUrl}${path}`, { method: 'POST', body: new URLSearchParams(form) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

beforeAll(async () => {
  app = await startTestApp();
  db = app.platform.deps.db;
  stripe = app.platform.deps.stripe;
  for (const u of await withService(db, (tx) => tx.selectFrom('users').select(['id', 'email']).execute()))
    ids[u.email] = u.id;
  for (const a of await withService(db, (tx) => tx.selectFrom('accounts').select(['id', 'slug']).execute()))
    ids[a.slug] = a.id;
});
afterAll(async () => {
  await app?.stop();
});

describe('buying a credit bundle through commerce', () => {
  it('grants the lot once when paid, and a full refund revokes only the unspent minutes', async () => {
    const [bundle] = await withService(db, (tx) => listBundles(tx, ids['skywalker-digital']));
    expect(bundle).toMatchObject({ hours: 5, priceAmount: 75_000 });
    const { checkoutUrl, orderId } = await startBundleCheckout(
      db,
      stripe,
      app.platform.deps.commerce,
      {
        bundleId: bundle.id,
        organizationId: ids['acme-corp'],
        buyerUserId: ids['org@demo.gallerist.dev'],
        buyerEmail: 'org@demo.gallerist.dev',
      },
      (org) => ({ successUrl: `${app.url}/org/${org.slug}?payment=success`, cancelUrl: `${app.url}/expert-services` }),
    );
    expect(checkoutUrl).toBeTruthy();
    const order = await getOrder(db, orderId);
    expect(order).toMatchObject({ accountId: ids['skywalker-digital'], offeringType: 'credit_bundle', total: 75_000 });
    await emu(`/_emulator/checkout/sessions/${order.stripeCheckoutSessionId}/complete`, {
      card_number: '4242424242424242',
    });
    await emu('/_emulator/webhooks/flush');
    await emu('/_emulator/webhooks/flush');
    await app.settle();
    const lots = await withService(db, (tx) => listLots(tx, { organizationId: ids['acme-corp'] }));
    expect(lots).toMatchObject([{ orderId, minutesGranted: 300, balanceMinutes: 300 }]);

    // The same checkout.session.completed delivered 10 more times (signed like Stripe) still yields one lot.
    const [completed] = (await stripe.events.list({ type: 'checkout.session.completed', limit: 1 })).data;
    const payload = JSON.stringify(completed);
    const secret = app.platform.deps.config.webhookSecrets[0];
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${app.url}/api/webhooks/stripe`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret }),
        },
        body: payload,
      });
      expect(res.status).toBe(200);
    }
    await app.settle();
    expect(await withService(db, (tx) => listLots(tx, { organizationId: ids['acme-corp'] }))).toHaveLength(1);

    await consumeMinutes(
      db,
      {
        providerId: ids['skywalker-digital'],
        organizationId: ids['acme-corp'],
        minutes: 120,
        note: 'Audit',
        workedOn: '2026-11-20',
        actorUserId: ids['provider@demo.gallerist.dev'],
      },
      app.platform.deps.clock,
    );
    await refundOrder(
      db,
      stripe,
      app.platform.deps.commerce,
      orderId,
      {},
      { kind: 'user', userId: ids['provider@demo.gallerist.dev'] },
    );
    await emu('/_emulator/webhooks/flush');
    await app.settle();
    const after = await withService(db, (tx) => listLots(tx, { organizationId: ids['acme-corp'] }));
    expect(after).toMatchObject([{ orderId, minutesGranted: 300, balanceMinutes: 0 }]);
    const revocations = await withService(db, (tx) =>
      tx
        .selectFrom('ledger_postings')
        .select('reason')
        .where('reference', '=', `order:${orderId}`)
        .orderBy('created_at')
        .execute(),
    );
    expect(revocations.map((r) => r.reason)).toEqual(['purchase', 'refund_revocation']);
    expect(await ledgerProblems(db)).toEqual({ unbalanced: 0, mismatched: 0, negative: 0, drifted: 0 });
  });

  it('opens a checkout over HTTP for org admins, with the purchase recorded on the order', async () => {
    const c = testClient({ request: (path: string, init?: RequestInit) => fetch(`${app.url}${path}`, init) });
    await c.signIn('org@demo.gallerist.dev');
    const bundles = (await c.get('/api/credits/bundles')).body.data;
    const r = await c.post('/api/credits/checkout', { bundleId: bundles[1].id, organizationId: ids['acme-corp'] });
    expect(r.status).toBe(201);
    expect(r.body.checkoutUrl).toMatch(/^http/);
    const order = await getOrder(db, r.body.orderId);
    expect(order.metadata).toEqual({
      organization_id: ids['acme-corp'],
      service_provider_id: ids['skywalker-digital'],
      bundle_id: bundles[1].id,
      minutes: 600,
    });
    expect(order.buyerUserId).toBe(ids['org@demo.gallerist.dev']);
  });
});
