import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withService } from '../../src/db/tenancy.ts';
import { startTestApp } from '../../test/app.ts';
import {
  closeAll,
  expectNoAxeViolations,
  hasChromium,
  launchBrowser,
  mailsTo,
  onHostedCheckout,
  openPage,
  pathIs,
  payOnHostedCheckout,
  publicUrlContext,
  signIn,
  solidImage,
  type TestApp,
} from './support.ts';

const ADMIN = 'admin@demo.gallerist.dev';

describe.skipIf(!hasChromium)('web: the marketplace from application to refund', () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const stamp = Date.now().toString(36);
  const artistEmail = `painter-${stamp}@example.com`;
  const title = `Blue Harbour ${stamp}`;
  let artist: Page;
  let admin: Page;
  let artworkId = '';
  let saleId = '';

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
  });

  afterAll(() => closeAll(contexts, browser, app));

  /** A fresh browser profile on the public URL (Checkout and onboarding return there, keeping the session). */
  const newPage = (width = 1280): Promise<Page> =>
    openPage(browser, contexts, publicUrlContext(app, { width, height: 900 }), 20_000);

  /** A demo user signed in on a fresh desktop browser profile. */
  async function signedIn(email: string): Promise<Page> {
    const page = await newPage();
    await signIn(page, email);
    await page.waitForURL(pathIs('/app'));
    return page;
  }

  const db = () => app.platform.deps.db;

  it('1. a new user applies and an admin approves them', async () => {
    artist = await newPage();
    await artist.goto('/sign-up');
    await artist.getByLabel('Full name').fill('Paula Painter');
    await artist.getByLabel('Email').fill(artistEmail);
    await artist.getByLabel('Password', { exact: true }).fill('long enough password');
    await artist.getByRole('button', { name: 'Create account', exact: true }).click();
    // Sign-up signs in only once the emailed confirmation link is opened.
    await artist.getByRole('heading', { name: 'Check your email' }).waitFor();
    let link: string | undefined;
    await expect
      .poll(async () => {
        const mail = (await mailsTo(app, artistEmail, 'email_confirmation'))[0];
        link = mail?.text.match(/\/confirm-email\?token=[^\s"'<>&]+/)?.[0];
        return link;
      })
      .toBeTruthy();
    await artist.goto(link!);
    await artist.getByRole('button', { name: 'Confirm and sign in' }).click();
    await artist.waitForURL(pathIs('/app'));

    await artist.goto('/artists/apply');
    await artist.getByLabel('Artist statement').fill('Harbours and weather in cyanotype and oil, mostly large.');
    await artist.getByLabel('Portfolio website').fill('https://paula.example.com');
    await artist.getByLabel('Country').fill('DE');
    await artist.getByRole('checkbox').check();
    // Submitted within the autosave's pause: the pending autosave must not land afterwards (it would 409).
    const refused: string[] = [];
    artist.on('response', (r) => {
      if (r.url().includes('/api/marketplace/application') && r.status() >= 400)
        refused.push(`${r.status()} ${r.url()}`);
    });
    await artist.getByRole('button', { name: 'Submit application' }).click();
    await artist.getByText('Your application is under review').waitFor();
    await artist.waitForTimeout(1200);
    expect(refused).toEqual([]);

    admin = await signedIn(ADMIN);
    await admin.goto('/admin/marketplace');
    const card = admin
      .locator('div')
      .filter({ hasText: artistEmail })
      .filter({ has: admin.getByRole('button', { name: 'Approve' }) })
      .last();
    await card.getByRole('button', { name: 'Approve' }).click();
    await admin.getByText('Approved', { exact: true }).first().waitFor();
  });

  it('2. the artist onboards on the hosted page, publishes an artwork, and an admin approves it', async () => {
    await artist.goto('/artist');
    await artist.getByRole('button', { name: 'Continue onboarding' }).click();
    await artist.waitForURL((url) => url.pathname.startsWith('/setup/s/'));
    await artist.click('#submitOnboarding');
    await artist.waitForURL(pathIs('/artist/onboarding/return'));
    await artist.getByText('Payouts are set up').waitFor();

    await artist.getByRole('button', { name: 'New artwork' }).click();
    await artist.getByLabel('Title').fill(title);
    await artist.getByLabel('Description').fill('Oil on linen.');
    await artist.getByLabel('Price').fill('1000');
    await artist.getByLabel('Width (mm)').fill('600');
    await artist.getByLabel('Height (mm)').fill('800');
    await artist.getByRole('button', { name: 'Create draft' }).click();
    const row = artist.getByRole('row').filter({ hasText: title });
    await row.waitFor();
    await row.getByRole('button', { name: 'Edit' }).click();
    const png = await solidImage({ format: 'png', width: 800, height: 600, background: '#2050a0' });
    await artist
      .locator('input[type="file"]')
      .setInputFiles({ name: 'harbour.png', mimeType: 'image/png', buffer: png });
    await artist.getByRole('list', { name: 'Images' }).getByText('Primary', { exact: true }).waitFor();
    await artist.getByRole('button', { name: 'Close' }).click();
    await row.getByRole('button', { name: 'Submit' }).click();
    await row.getByText('submitted').waitFor();

    await admin.goto('/admin/marketplace');
    await admin.getByRole('tab', { name: 'Artworks' }).click();
    const queued = admin
      .locator('div')
      .filter({ has: admin.getByRole('link', { name: title }) })
      .filter({ has: admin.getByRole('button', { name: 'Approve' }) })
      .last();
    await queued.getByRole('button', { name: 'Approve' }).click();
    await admin.getByText('Approved', { exact: true }).first().waitFor();

    const w = await withService(db(), (tx) =>
      tx.selectFrom('artworks').select(['id', 'status']).where('title', '=', title).executeTakeFirstOrThrow(),
    );
    expect(w.status).toBe('published');
    artworkId = w.id;
  });

  it('3. a guest buyer sees the breakdown and pays on hosted Checkout (on a phone)', async () => {
    const buyer = await newPage(390);
    await buyer.goto('/art');
    await buyer.getByText(title).first().waitFor();
    await expectNoAxeViolations(buyer, 'browse at 390 px');
    await buyer.goto(`/art/${artworkId}`);
    await buyer.getByRole('heading', { name: title }).waitFor();
    const breakdown = buyer.getByRole('definition');
    await buyer.getByText('Artist receives').waitFor();
    expect(await breakdown.allTextContents()).toEqual(['€1,000.00', 'Free', '€1,000.00', '€500.00', '€500.00']);
    await expectNoAxeViolations(buyer, 'artwork detail at 390 px');

    await buyer.getByRole('button', { name: 'Buy now' }).click();
    await buyer.getByText('Enter your email address').waitFor();
    await buyer.getByLabel('Your email').fill('collector@example.com');
    await buyer.getByRole('button', { name: 'Buy now' }).click();

    await buyer.waitForURL(onHostedCheckout);
    expect(await buyer.locator('#email').inputValue()).toBe('collector@example.com');
    await expectNoAxeViolations(buyer, 'hosted Checkout at 390 px');
    await payOnHostedCheckout(buyer, '4242 4242 4242 4242', 'Cora Collector', {
      name: 'Cora Collector',
      line1: 'Hafenstr. 5',
      city: 'Hamburg',
      postalCode: '20457',
      country: 'DE',
    });

    await buyer.waitForURL(pathIs(`/art/${artworkId}/purchased`));
    await buyer.getByRole('heading', { name: 'Thank you — the artwork is yours' }).waitFor();
    await buyer.getByTestId('purchase-receipt').getByText(title).first().waitFor();
    await expectNoAxeViolations(buyer, 'artwork purchased at 390 px');
    await buyer.setViewportSize({ width: 1280, height: 900 });
    await expectNoAxeViolations(buyer, 'artwork purchased at 1280 px');
  });

  it('4. the artist’s balance shows the 50% share, the sale shows both shares, the artwork is sold', async () => {
    const sale = await withService(db(), (tx) =>
      tx.selectFrom('marketplace_sales').selectAll().where('artwork_id', '=', artworkId).executeTakeFirstOrThrow(),
    );
    saleId = sale.id;
    expect([Number(sale.amount), Number(sale.platform_fee), Number(sale.artist_amount)]).toEqual([
      100_000, 50_000, 50_000,
    ]);

    await artist.goto('/artist');
    await expect
      .poll(async () => artist.getByTestId('artist-balance-pending').textContent(), { timeout: 20_000 })
      .toContain('500.00');

    await artist.goto(`/marketplace/sales/${saleId}`);
    await artist.getByRole('heading', { name: `Sale of ${title}` }).waitFor();
    expect(await artist.getByTestId('sale-amount').textContent()).toBe('€1,000.00');
    expect(await artist.getByTestId('sale-platform-fee').textContent()).toBe('€500.00');
    expect(await artist.getByTestId('sale-artist-amount').textContent()).toBe('€500.00');
    expect(await artist.getByTestId('sale-stripe-fee').textContent()).toBe('€29.30');
    expect(await artist.getByTestId('sale-status').textContent()).toBe('Paid');
    await artist.getByLabel('Shipping address').getByText('Hafenstr. 5').waitFor();

    await artist.goto(`/art/${artworkId}`);
    await artist.getByRole('status').filter({ hasText: 'Sold' }).waitFor();
    expect(await artist.getByRole('button', { name: 'Buy now' }).count()).toBe(0);
  });

  it('5. an admin refunds in full: the transfer is reversed and the artwork is for sale again', async () => {
    await admin.goto(`/marketplace/sales/${saleId}`);
    await admin.getByRole('button', { name: 'Refund' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Refund sale' });
    await dialog.getByRole('button', { name: 'Review refund' }).click();
    await dialog.getByText('Give a reason.').waitFor();
    await dialog.getByLabel('Reason').fill('Arrived damaged');
    await dialog.getByRole('button', { name: 'Review refund' }).click();
    await dialog.getByRole('button', { name: 'Confirm refund' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(async () => admin.getByTestId('sale-status').textContent()).toBe('Refunded');
    const refunds = admin.getByRole('table', { name: 'Refunds' });
    await refunds.getByText('Arrived damaged').waitFor();
    expect(await refunds.getByRole('row').nth(1).getByRole('cell').allTextContents()).toEqual([
      expect.any(String),
      '€1,000.00',
      '€500.00',
      '€500.00',
      '—',
      'Arrived damaged',
    ]);

    const sale = await withService(db(), (tx) =>
      tx
        .selectFrom('marketplace_sales')
        .select(['stripe_transfer_id', 'status'])
        .where('id', '=', saleId)
        .executeTakeFirstOrThrow(),
    );
    const transfer = await (await fetch(`${app.emulatorUrl}/_emulator/objects/${sale.stripe_transfer_id}`)).json();
    expect(transfer).toMatchObject({ amount: 100_000, amount_reversed: 100_000 });

    await admin.goto(`/art/${artworkId}`);
    await admin.getByRole('button', { name: 'Buy now' }).waitFor();
    const w = await withService(db(), (tx) =>
      tx.selectFrom('artworks').select('status').where('id', '=', artworkId).executeTakeFirstOrThrow(),
    );
    expect(w.status).toBe('published');
  });

  it('6. the storefront pages pass axe on a desktop (and the artist page on a phone)', async () => {
    // Browse, detail and the purchase page were checked on a phone in step 3.
    const page = await newPage(1280);
    await page.goto('/art');
    await page.getByText(title).first().waitFor();
    await expectNoAxeViolations(page, 'browse at 1280 px');
    await page.goto(`/art/${artworkId}`);
    await page.getByRole('button', { name: 'Buy now' }).waitFor();
    await expectNoAxeViolations(page, 'artwork detail at 1280 px');
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto('/artists/mira-okafor');
      await page.getByRole('heading', { name: 'Mira Okafor', level: 1 }).waitFor();
      await expectNoAxeViolations(page, `artist page at ${width} px`);
    }
  });
});
