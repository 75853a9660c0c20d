import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckout } from '../../src/commerce/create-checkout.ts';
import { createOrder, getOrder, type Order } from '../../src/commerce/orders.ts';
import { modulesWithTestOffering } from '../../src/commerce/testing.ts';
import { withService } from '../../src/db/tenancy.ts';
import { startTestApp } from '../../test/app.ts';
import { minorToDecimalString } from '../src/features/orders/money.ts';
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

// Set E2E_SCREENSHOT_DIR to keep screenshots of the key pages.
const SHOTS = process.env.E2E_SCREENSHOT_DIR;

describe.skipIf(!hasChromium)('web: checkout, orders and refunds', () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    app = await startTestApp({ modules: modulesWithTestOffering() });
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
    browser = await launchBrowser();
  });

  afterAll(() => closeAll(contexts, browser, app));

  const newPage = (): Promise<Page> =>
    openPage(browser, contexts, { baseURL: app.url, viewport: { width: 1280, height: 900 } });

  async function shot(page: Page, name: string) {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  /** A pending print order for the demo studio, with its Checkout Session pointing back at the web app. */
  async function pendingOrder(buyerEmail: string): Promise<{ order: Order; checkoutUrl: string }> {
    const { db, stripe, commerce } = app.platform.deps;
    const order = await withService(db, async (tx) => {
      const seller = await tx
        .selectFrom('accounts')
        .select('id')
        .where('slug', '=', 'lumen-photography')
        .executeTakeFirstOrThrow();
      return createOrder(
        tx,
        {
          accountId: seller.id,
          buyerEmail,
          offeringType: 'print',
          currency: 'eur',
          items: [
            { name: 'Fine art print 30×40', unitAmount: 2500, quantity: 2, options: { paper: 'matte' } },
            { name: 'Oak frame', unitAmount: 1000, quantity: 1 },
          ],
          shipping: 500,
          taxRateBps: 1900,
        },
        { kind: 'test' },
      );
    });
    const { checkoutUrl } = await createCheckout(db, stripe, commerce, order.id, {
      successUrl: `${app.url}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
      cancelUrl: `${app.url}/checkout/cancelled`,
    });
    return { order, checkoutUrl };
  }

  const loadOrder = (orderId: string) => withService(app.platform.deps.db, (tx) => getOrder(tx, orderId));
  const statusOf = async (orderId: string) => (await loadOrder(orderId)).status;

  async function payOnHostedPage(page: Page, checkoutUrl: string, card: string) {
    await page.goto(checkoutUrl);
    await payOnHostedCheckout(page, card, 'Jenny Rosen');
  }

  let paidOrder: Order;

  it('a buyer pays on the hosted Checkout page and lands on the success page', async () => {
    const { order, checkoutUrl } = await pendingOrder('e2e-buyer@example.com');
    paidOrder = order;
    const page = await newPage();
    await page.goto(checkoutUrl);
    await expectNoAxeViolations(page, 'hosted Checkout at 1280 px');
    await payOnHostedPage(page, checkoutUrl, '4242 4242 4242 4242');

    await page.waitForURL(pathIs('/checkout/success'));
    await page.getByRole('heading', { name: /your order is confirmed/i }).waitFor();
    const summary = page.getByTestId('checkout-summary');
    await expect.poll(() => summary.getByTestId('order-status').textContent()).toBe('Paid');
    expect(await summary.textContent()).toContain('Fine art print 30×40');
    expect(await summary.getByTestId('order-total').textContent()).toContain(minorToDecimalString(order.total, 'eur'));
    expect(await summary.textContent()).toMatch(/Invoice \S+/);
    await shot(page, 'checkout-success');
    await expectNoAxeViolations(page, 'checkout success at 1280 px');
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoAxeViolations(page, 'checkout success at 390 px');
    expect(await statusOf(order.id)).toBe('paid');
  });

  it('the seller sees the order, refunds part of it and opens the invoice', async () => {
    const page = await newPage();
    await signIn(page, 'studio@demo.gallerist.dev');
    await page.waitForURL(pathIs('/app'));

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders', exact: true }).click();
    await page.waitForURL(pathIs('/app/orders'));
    const row = page.locator(`[data-testid="order-row"][data-order-id="${paidOrder.id}"]`);
    await expect.poll(() => row.getByTestId('order-status').textContent()).toBe('Paid');
    expect(await row.textContent()).toContain('e2e-buyer@example.com');
    await shot(page, 'orders-list');

    // On a phone each order is a card that still shows its status and total.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [label, text] of [
      ['Status', 'Paid'],
      ['Total', minorToDecimalString(paidOrder.total, 'eur')],
    ] as const) {
      const cell = row.locator(`td[data-label="${label}"]`);
      await cell.scrollIntoViewIfNeeded();
      expect(await cell.isVisible(), label).toBe(true);
      expect(await cell.textContent(), label).toContain(text);
      const box = await cell.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390, `${label} inside the viewport`).toBe(true);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });

    await row.getByRole('link').click();
    await page.waitForURL(pathIs(`/app/orders/${paidOrder.id}`));
    await page.getByRole('table', { name: 'Items' }).waitFor();
    expect(await page.getByRole('table', { name: 'Items' }).textContent()).toContain('paper: matte');
    expect(await page.getByRole('list', { name: 'Status history' }).textContent()).toMatch(/Pending\s*→\s*Paid/);

    // Partial refund of 10.00 EUR through the dialog.
    await page.getByRole('button', { name: 'Refund' }).click();
    const dialog = page.getByRole('dialog', { name: 'Refund order' });
    await dialog.getByLabel('Partial refund').check();
    await dialog.getByLabel(/Amount to refund/).fill('abc');
    await dialog.getByRole('button', { name: 'Review refund' }).click();
    await dialog.getByText('Enter a number like 12.50.').waitFor();
    await dialog.getByLabel(/Amount to refund/).fill('10.00');
    await dialog.getByLabel('Reason').click();
    await page.getByRole('option', { name: 'Duplicate payment' }).click();
    await dialog.getByRole('button', { name: 'Review refund' }).click();
    expect(await dialog.textContent()).toContain('10.00');
    await shot(page, 'refund-confirm');
    await dialog.getByRole('button', { name: 'Confirm refund' }).click();
    await page.getByText('Refund issued', { exact: true }).waitFor();

    // The webhook settles the final state; reload until the page shows it.
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.getByRole('heading', { level: 1 }).getByTestId('order-status').textContent();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe('Partially refunded');
    expect(await page.getByTestId('order-refunded').textContent()).toContain('10.00');
    expect(await page.getByTestId('refunds').textContent()).toContain('duplicate');
    await shot(page, 'order-refunded');
    expect(await statusOf(paidOrder.id)).toBe('partially_refunded');
    expect((await loadOrder(paidOrder.id)).amountRefunded).toBe(1000);

    // The list filter finds it under its new status.
    await page.getByRole('link', { name: 'All orders' }).click();
    await page.waitForURL(pathIs('/app/orders'));
    await page.getByLabel('Status').click();
    await page.getByRole('option', { name: 'Partially refunded' }).click();
    await page.waitForURL((url) => url.searchParams.get('status') === 'partially_refunded');
    await expect.poll(() => row.getByTestId('order-status').textContent()).toBe('Partially refunded');

    // Invoice page (HTML) and its PDF, with the seller's session.
    await row.getByRole('link').click();
    const invoiceLink = page.getByRole('link', { name: 'View invoice' });
    const href = await invoiceLink.getAttribute('href');
    expect(href).toMatch(/^\/invoices\/[0-9a-f-]{36}$/);
    await page.goto(href!);
    expect(await page.textContent('body')).toContain('Fine art print 30×40');
    await shot(page, 'invoice');
    const pdf = await page.request.get(`${href}.pdf`);
    expect(pdf.ok()).toBe(true);
    expect(pdf.headers()['content-type']).toContain('application/pdf');
  });

  it('a declined card shows the error on the hosted page and leaves the order pending', async () => {
    const { order, checkoutUrl } = await pendingOrder('e2e-declined@example.com');
    const page = await newPage();
    await payOnHostedPage(page, checkoutUrl, '4000 0000 0000 0002');
    await page.locator('#error').waitFor();
    expect((await page.textContent('#error'))?.toLowerCase()).toContain('declined');
    expect(new URL(page.url()).pathname).not.toBe('/checkout/success');
    expect(await statusOf(order.id)).toBe('pending');

    // Backing out of Checkout lands on the friendly cancelled page.
    await page.click('#cancel');
    await page.waitForURL(pathIs('/checkout/cancelled'));
    await page.getByRole('heading', { name: 'Checkout cancelled' }).waitFor();
    expect(await statusOf(order.id)).toBe('pending');
  });
});
