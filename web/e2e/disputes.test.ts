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

// The real print shop (the suite above replaces its offering with a test one): a print order's dispute on the studio's
// own print order pages.
describe.skipIf(!hasChromium)('web: a disputed print order', () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
  });

  afterAll(() => closeAll(contexts, browser, app));

  it('a studio sees a disputed print order on its print orders list and order page, without refund or cancel', async () => {
    const { db } = app.platform.deps;
    const g = await withService(db, (tx) =>
      tx
        .selectFrom('galleries as g')
        .innerJoin('gallery_photos as p', 'p.gallery_id', 'g.id')
        .innerJoin('accounts as a', 'a.id', 'g.account_id')
        .select(['g.token', 'p.id'])
        .where('a.slug', '=', 'lumen-photography')
        .where('g.status', '=', 'published')
        .where('g.pin_hash', 'is', null)
        .orderBy('p.position')
        .executeTakeFirstOrThrow(),
    );
    const visitor = httpClient(app.url);
    const catalog = await visitor.get(`/api/shop/g/${g.token}/catalog?photoId=${g.id}`);
    const product = catalog.body.data[0];
    const added = await visitor.post(`/api/shop/g/${g.token}/cart/items`, {
      photoId: g.id,
      productId: product.id,
      optionValueIds: product.groups.map((x: { values: Array<{ id: string }> }) => x.values[0].id),
      quantity: 1,
    });
    expect(added.status).toBe(201);
    const out = await visitor.post(`/api/shop/g/${g.token}/checkout`, { email: 'print-dispute@example.com' });
    expect(out.status).toBe(201);
    const session = await withService(db, (tx) =>
      tx
        .selectFrom('orders')
        .select('stripe_checkout_session_id')
        .where('id', '=', out.body.orderId)
        .executeTakeFirstOrThrow(),
    );
    await emu(app.emulatorUrl, `/_emulator/checkout/sessions/${session.stripe_checkout_session_id}/complete`, {
      card_number: '4000000000000259',
      shipping_name: 'Dana Disputer',
      shipping_line1: '1 Gallery Way',
      shipping_city: 'Berlin',
      shipping_postal_code: '10115',
      shipping_country: 'DE',
    });
    await emu(app.emulatorUrl, '/_emulator/webhooks/flush');
    await app.settle();

    const studio = await openPage(browser, contexts, { baseURL: app.url, viewport: { width: 390, height: 844 } });
    await signIn(studio, 'studio@demo.gallerist.dev');
    await studio.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await studio.goto(`/studio/orders/${out.body.orderId}`);
    await expect.poll(() => studio.getByTestId('dispute-badge').textContent()).toBe('Disputed');
    expect(await studio.getByTestId('dispute-details').textContent()).toContain('Fraudulent');
    expect(await studio.getByRole('link', { name: /Respond in Stripe/ }).count()).toBe(1);
    // Stripe would refuse the refund, and cancelling refunds in full: neither is offered.
    expect(await studio.getByRole('button', { name: /^Refund$/ }).count()).toBe(0);
    expect(await studio.getByRole('button', { name: /Cancel order/ }).count()).toBe(0);
    expect(await studio.getByRole('button', { name: /Mark in production/ }).count()).toBe(1);
    expect(await studio.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)).toBe(false);
    await expectNoAxeViolations(studio, 'a disputed print order');

    await studio.goto('/studio/orders');
    const row = studio.locator(`[data-testid="print-order-row"][data-order-id="${out.body.orderId}"]`);
    await expect.poll(() => row.getByTestId('dispute-badge').textContent()).toBe('Disputed');
    expect(await row.textContent()).toContain('Fraudulent');
  });
});
