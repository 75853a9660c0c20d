import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withService } from '../../src/db/tenancy.ts';
import { startTestApp } from '../../test/app.ts';
import {
  closeAll,
  expectNoAxeViolations,
  hasChromium,
  launchBrowser,
  onHostedCheckout,
  openPage,
  pathIs,
  payOnHostedCheckout,
  publicUrlContext,
  signIn,
  type TestApp,
} from './support.ts';

const ORG_ADMIN = 'org@demo.gallerist.dev';
const ORG_MEMBER = 'member@demo.gallerist.dev';
const PROVIDER = 'provider@demo.gallerist.dev';

describe.skipIf(!hasChromium)('web: expert-service credits', () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let acmeId: string;
  let skywalkerId: string;

  beforeAll(async () => {
    app = await startTestApp();
    const ids = await withService(app.platform.deps.db, (tx) =>
      tx
        .selectFrom('accounts')
        .select(['id', 'slug'])
        .where('slug', 'in', ['acme-corp', 'skywalker-digital'])
        .execute(),
    );
    acmeId = ids.find((a) => a.slug === 'acme-corp')?.id ?? '';
    skywalkerId = ids.find((a) => a.slug === 'skywalker-digital')?.id ?? '';
    browser = await launchBrowser();
  });

  afterAll(() => closeAll(contexts, browser, app));

  /** A demo user signed in on a fresh desktop browser profile. */
  async function signedIn(email: string): Promise<Page> {
    const page = await openPage(browser, contexts, publicUrlContext(app, { width: 1280, height: 900 }));
    await signIn(page, email);
    await page.waitForURL(pathIs('/app'));
    return page;
  }

  async function openExpertServices(page: Page) {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Expert services' }).click();
    await page.waitForURL(pathIs('/expert-services'));
    await page.getByRole('heading', { name: 'Expert services', level: 1 }).waitFor();
  }

  const tenHourBundle = (page: Page) => page.locator('[data-testid="bundle-card"][data-hours="10"]');

  const lotsOfAcme = () =>
    withService(app.platform.deps.db, (tx) =>
      tx
        .selectFrom('credit_lots')
        .select(['id', 'order_id', 'minutes_granted', 'expires_at'])
        .where('organization_account_id', '=', acmeId)
        .execute(),
    );

  const minutesOf = async (locator: ReturnType<Page['locator']>) => Number(await locator.getAttribute('data-minutes'));

  let adminPage: Page;

  it('an org admin buys the 10-hour bundle through the hosted Checkout page', async () => {
    expect(await lotsOfAcme()).toHaveLength(0);
    adminPage = await signedIn(ORG_ADMIN);
    const page = adminPage;

    // org@demo also belongs to Skywalker Digital: make Acme Corp the current account.
    const switcher = page.getByTestId('account-switcher');
    await switcher.click();
    await page.getByTestId('account-option-acme-corp').click();
    await expect.poll(() => switcher.textContent()).toContain('Acme Corp');

    await openExpertServices(page);
    // The catalog comes from the database: Skywalker Digital's active bundles, all listed.
    const bundles = await withService(app.platform.deps.db, (tx) =>
      tx
        .selectFrom('credit_bundles')
        .select(['name', 'hours'])
        .where('account_id', '=', skywalkerId)
        .where('active', '=', true)
        .execute(),
    );
    expect(bundles.map((b) => b.hours).sort((a, b) => a - b)).toEqual([5, 10, 20, 40]);
    const skywalker = page.getByRole('region', { name: 'Skywalker Digital' });
    await expect.poll(() => skywalker.getByTestId('bundle-card').count()).toBe(bundles.length);
    for (const b of bundles) await skywalker.getByTestId('bundle-card').filter({ hasText: b.name }).waitFor();

    const card = tenHourBundle(page);
    expect(await card.textContent()).toContain('10 hours');
    await card.getByRole('button', { name: /^Purchase/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Purchasing as Acme Corp' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('24 months');
    await dialog.getByRole('button', { name: 'Continue to payment' }).click();

    // The emulator's hosted Checkout page (another origin).
    await page.waitForURL(onHostedCheckout);
    expect(await page.locator('#email').inputValue()).toBe(ORG_ADMIN);
    await expectNoAxeViolations(page, 'hosted Checkout at 1280 px');
    await payOnHostedCheckout(page, '4242 4242 4242 4242', 'Olivia Admin');

    await page.waitForURL(pathIs('/org/acme-corp'));
    expect(new URL(page.url()).searchParams.get('payment')).toBe('success');
    await page.getByRole('status').filter({ hasText: 'Payment received' }).first().waitFor();
  });

  it('the org dashboard shows the 10 hours, their expiry and the purchase with invoice and receipt', async () => {
    const page = adminPage;
    // The webhook grants the lot asynchronously: reload until the purchase shows its invoice and receipt.
    const purchase = page.getByTestId('purchase-row');
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByRole('heading', { name: 'Expert-service hours' }).waitFor();
          if ((await purchase.count()) === 0) return 'no purchase yet';
          const links = await purchase.first().getByRole('link').allTextContents();
          return links.join(' | ');
        },
        { timeout: 30_000, interval: 500 },
      )
      .toMatch(/^Invoice INV-\d+ \| Receipt$/);

    const balance = page.locator(`[data-testid="balance-card"][data-provider-id="${skywalkerId}"]`);
    expect(await balance.textContent()).toContain('Skywalker Digital');
    expect(await minutesOf(balance.getByTestId('balance-minutes'))).toBe(600);
    expect(await balance.getByTestId('balance-minutes').textContent()).toBe('10 h');

    // One lot of 600 minutes that expires 24 months from today.
    const lots = await lotsOfAcme();
    expect(lots).toHaveLength(1);
    expect(Number(lots[0].minutes_granted)).toBe(600);
    const lotRow = page.getByRole('table', { name: 'Purchased hours' }).getByTestId('lot-row');
    expect(await lotRow.count()).toBe(1);
    expect(await minutesOf(lotRow.getByTestId('lot-left'))).toBe(600);
    const now = new Date();
    const expiry = new Date(Date.UTC(now.getUTCFullYear() + 2, now.getUTCMonth(), 1));
    const month = expiry.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
    const shown = (await lotRow.getByTestId('lot-expires').textContent()) ?? '';
    expect(shown).toContain(month);
    expect(shown).toContain(String(expiry.getUTCFullYear()));

    // The purchase: the 10-hour bundle, €1,400.00, its invoice page and the Stripe receipt.
    const row = purchase.first();
    expect(await row.getAttribute('data-order-id')).toBe(lots[0].order_id);
    expect(await row.textContent()).toContain('Team · 10 hours');
    expect(await row.textContent()).toContain('€1,400.00');
    const receipt = await row.getByRole('link', { name: 'Receipt' }).getAttribute('href');
    expect(receipt).toMatch(/\/receipts\/payment\/ch_/);
    const invoiceHref = await row.getByRole('link', { name: /^Invoice/ }).getAttribute('href');
    expect(invoiceHref).toMatch(/^\/invoices\/[0-9a-f-]{36}$/);
    const invoice = await page.request.get(invoiceHref ?? '');
    expect(invoice.ok()).toBe(true);
    expect(await invoice.text()).toContain('Team · 10 hours');

    await expectNoAxeViolations(page, 'org credits at 1280 px');
    // On a phone the lots and purchases are cards, every value beside its column's name.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [cell, label] of [
      [lotRow.getByTestId('lot-expires'), 'Expires'],
      [row.getByRole('link', { name: 'Receipt' }), 'Documents'],
      [row.locator('td[data-label="Amount"]'), 'Amount'],
    ] as const) {
      await cell.scrollIntoViewIfNeeded();
      const box = await cell.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390, `${label} inside the viewport`).toBe(true);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectNoAxeViolations(page, 'org credits at 390 px');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('the provider sees Acme Corp with 10 hours and logs 90 minutes', async () => {
    const page = await signedIn(PROVIDER);
    await openExpertServices(page);
    await page.getByRole('link', { name: 'Skywalker Digital customers' }).click();
    await page.waitForURL(pathIs('/provider/skywalker-digital/customers'));

    const customer = page.getByRole('table', { name: 'Customers' }).getByTestId('customer-row');
    await customer.filter({ hasText: 'Acme Corp' }).waitFor();
    expect(await minutesOf(customer.getByTestId('customer-balance'))).toBe(600);

    await page.getByRole('combobox', { name: 'Customer' }).click();
    await page.getByRole('option', { name: 'Acme Corp' }).click();
    await page.getByLabel(/^Time/).fill('90m');
    await page.getByLabel('Note').fill('Kickoff workshop');
    await page.getByRole('button', { name: 'Log time' }).click();
    await page.getByRole('status').filter({ hasText: '8 h 30 min left.' }).first().waitFor();

    await expect.poll(() => minutesOf(customer.getByTestId('customer-balance'))).toBe(510);
    expect(await customer.getByTestId('customer-balance').textContent()).toBe('8 h 30 min');
    const logged = page.getByRole('table', { name: 'Usage history' }).getByTestId('usage-row');
    // Logged time is its own paged list, refetched beside the balances.
    await expect.poll(() => logged.count()).toBe(1);
    expect(await logged.textContent()).toContain('Kickoff workshop');
  });

  it('an org member sees the balance and the usage but cannot buy', async () => {
    const page = await signedIn(ORG_MEMBER);
    await openExpertServices(page);
    await page.getByRole('link', { name: 'Acme Corp hours' }).click();
    await page.waitForURL(pathIs('/org/acme-corp'));

    const balance = page.locator(`[data-testid="balance-card"][data-provider-id="${skywalkerId}"]`);
    await expect.poll(() => minutesOf(balance.getByTestId('balance-minutes'))).toBe(510);
    const usage = page.getByRole('table', { name: 'Usage history' }).getByTestId('usage-row');
    expect(await usage.count()).toBe(1);
    expect(await minutesOf(usage.getByTestId('usage-minutes'))).toBe(90);
    expect(await usage.textContent()).toContain('Kickoff workshop');
    expect(await usage.textContent()).toContain('Skywalker Digital');

    await page.getByRole('link', { name: 'Buy more hours' }).click();
    await page.waitForURL(pathIs('/expert-services'));
    // Said once for the page, not on every bundle card.
    await page.getByTestId('ask-admin').waitFor();
    expect(await page.getByTestId('ask-admin').count()).toBe(1);
    expect(await page.getByTestId('ask-admin').textContent()).toMatch(/admins can buy hours: ask one of them/i);
    expect(await tenHourBundle(page).textContent()).not.toMatch(/ask/i);
    expect(await page.getByRole('button', { name: /^Purchase/ }).count()).toBe(0);
  });

  it('cancelling on the hosted Checkout page returns to Expert services and grants nothing', async () => {
    const page = adminPage;
    await openExpertServices(page);
    await tenHourBundle(page)
      .getByRole('button', { name: /^Purchase/ })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Purchasing as Acme Corp' });
    await dialog.getByRole('button', { name: 'Continue to payment' }).click();
    await page.waitForURL(onHostedCheckout);
    const sessionId = new URL(page.url()).pathname.split('/').pop();

    await page.click('#cancel');
    await page.waitForURL(pathIs('/expert-services'));
    expect(new URL(page.url()).searchParams.get('payment')).toBe('cancelled');
    await page.getByRole('status').filter({ hasText: 'Payment cancelled' }).first().waitFor();

    const order = await withService(app.platform.deps.db, (tx) =>
      tx
        .selectFrom('orders')
        .select(['id', 'status'])
        .where('stripe_checkout_session_id', '=', sessionId ?? '')
        .executeTakeFirstOrThrow(),
    );
    expect(order.status).toBe('pending');
    const lots = await lotsOfAcme();
    expect(lots).toHaveLength(1);
    expect(lots.some((l) => l.order_id === order.id)).toBe(false);
  });
});
