import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrder, modulesWithTestOffering } from '../../src/commerce/testing.ts';
import { withService } from '../../src/db/tenancy.ts';
import { startTestApp } from '../../test/app.ts';
import { demoIds, emu, httpClient, onboardedArtist, publishedArtwork } from '../../test/fixtures/marketplace-buy.ts';
import {
  closeAll,
  expectNoAxeViolations,
  hasChromium,
  launchBrowser,
  openPage,
  pathIs,
  payOnHostedCheckout,
  signIn,
  type TestApp,
} from './support.ts';

describe.skipIf(!hasChromium)('web: disputed orders', () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    app = await startTestApp({ modules: modulesWithTestOffering() });
    browser = await launchBrowser();
  });

  afterAll(() => closeAll(contexts, browser, app));

  it('the buyer pays with a disputed card; the seller sees the dispute, its deadline and where to answer', async () => {
    const { db, stripe, commerce } = app.platform.deps;
    const { order, checkoutUrl } = await createTestOrder(db, stripe, commerce, { baseUrl: app.url });
    const buyer = await openPage(browser, contexts, { baseURL: app.url, viewport: { width: 1280, height: 900 } });
    await buyer.goto(checkoutUrl);
    await payOnHostedCheckout(buyer, '4000 0000 0000 0259', 'Dana Disputer');
    await buyer.waitForURL(pathIs('/checkout/success'));
    await fetch(`${app.emulatorUrl}/_emulator/webhooks/flush`, { method: 'POST' });
    await app.settle();
    const dispute = await withService(db, (tx) =>
      tx.selectFrom('disputes').selectAll().where('order_id', '=', order.id).executeTakeFirstOrThrow(),
    );

    // A phone, where the badge and the panel must still fit.
    const seller = await openPage(browser, contexts, { baseURL: app.url, viewport: { width: 390, height: 844 } });
    await signIn(seller, 'studio@demo.gallerist.dev');
    await seller.waitForURL((u) => u.pathname.startsWith('/app'));
    await seller.goto(`/app/orders/${order.id}`);
    const badge = seller.getByTestId('dispute-badge');
    await expect.poll(() => badge.textContent()).toBe('Disputed');
    const details = await seller.getByTestId('dispute-details').textContent();
    expect(details).toContain('Fraudulent');
    expect(details).toContain('Evidence due');
    const respond = seller.getByRole('link', { name: /Respond in Stripe/ });
    expect(await respond.getAttribute('href')).toBe(
      `${app.emulatorUrl}/_emulator/objects/${dispute.stripe_dispute_id}`,
    );
    // Stripe would refuse the refund, so the page does not offer it.
    expect(await seller.getByRole('button', { name: /Refund/ }).count()).toBe(0);
    const overflow = await seller.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(overflow).toBe(false);
    await expectNoAxeViolations(seller, 'a disputed order');

    // The order list shows it too, with reason and amount under the badge.
    await seller.goto('/app/orders');
    const row = seller.locator(`[data-testid="order-row"][data-order-id="${order.id}"]`);
    await expect.poll(() => row.getByTestId('dispute-badge').textContent()).toBe('Disputed');
    expect(await row.textContent()).toContain('Fraudulent');

    // Lost: the badge follows and the money counts as returned.
    await stripe.disputes.close(dispute.stripe_dispute_id);
    await fetch(`${app.emulatorUrl}/_emulator/webhooks/flush`, { method: 'POST' });
    await app.settle();
    await seller.goto(`/app/orders/${order.id}`);
    await expect.poll(() => seller.getByTestId('dispute-badge').textContent()).toBe('Dispute lost');
    expect(await seller.getByTestId('order-dispute-lost').textContent()).toMatch(/−/);
  });

  it('an artist sees a marketplace sale’s dispute on the sale page', async () => {
    const { db, stripe } = app.platform.deps;
    const ids = await demoIds(db);
    await onboardedArtist(db, stripe, app.emulatorUrl, ids['mira-okafor']);
    const artwork = await publishedArtwork(db, ids['mira-okafor'], { price: 45_000, title: 'Disputed study' });
    const r = await httpClient(app.url).post(`/api/marketplace/artworks/${artwork}/checkout`, {
      email: 'collector@example.com',
    });
    const session = await withService(db, (tx) =>
      tx
        .selectFrom('orders')
        .select('stripe_checkout_session_id')
        .where('id', '=', r.body.orderId)
        .executeTakeFirstOrThrow(),
    );
    await emu(app.emulatorUrl, `/_emulator/checkout/sessions/${session.stripe_checkout_session_id}/complete`, {
      card_number: '4000000000002685',
    });
    await emu(app.emulatorUrl, '/_emulator/webhooks/flush');
    await app.settle();
    const sale = await withService(db, (tx) =>
      tx.selectFrom('marketplace_sales').select('id').where('order_id', '=', r.body.orderId).executeTakeFirstOrThrow(),
    );
    const artist = await openPage(browser, contexts, { baseURL: app.url, viewport: { width: 1280, height: 900 } });
    await signIn(artist, 'artist@demo.gallerist.dev');
    await artist.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await artist.goto(`/marketplace/sales/${sale.id}`);
    await expect.poll(() => artist.getByTestId('dispute-badge').textContent()).toBe('Disputed');
    expect(await artist.getByTestId('dispute-details').textContent()).toContain('Product not received');
    await expectNoAxeViolations(artist, 'a disputed sale');
  });

  it('platform admins list disputes, with an empty state when a filter matches none', async () => {
    const admin = await openPage(browser, contexts, { baseURL: app.url, viewport: { width: 1280, height: 900 } });
    await signIn(admin, 'admin@demo.gallerist.dev');
    await admin.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await admin.goto('/admin/disputes');
    await expect.poll(() => admin.getByTestId('dispute-row').count()).toBe(2);
    // Newest first: the marketplace sale's, which the platform bears.
    expect(await admin.getByTestId('dispute-row').first().textContent()).toContain('Marketplace');
    expect(await admin.getByTestId('dispute-row').nth(1).textContent()).toContain('Lumen Photography');
    await expectNoAxeViolations(admin, 'the admin disputes list');
    await admin.goto('/admin/disputes?outcome=won');
    await expect.poll(() => admin.getByRole('heading', { name: 'No won disputes' }).count()).toBe(1);
  });
});
