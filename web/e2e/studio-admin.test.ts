import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withService } from '../../src/db/tenancy.ts';
import { startTestApp } from '../../test/app.ts';
import {
  closeAll,
  expectNoAxeViolations,
  hasChromium,
  launchBrowser,
  openPage,
  publicUrlContext,
  signIn,
  solidImage,
  type TestApp,
} from './support.ts';

const STUDIO = 'studio@demo.gallerist.dev';

const jpeg = (width: number, height: number, background: string) =>
  solidImage({ format: 'jpeg', width, height, background });

describe.skipIf(!hasChromium)('web: studio admin (branding, clients, coupons, uploads, catalog)', () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let studio: Page;
  let galleryLink = '';

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
    studio = await newPage();
    await signIn(studio, STUDIO);
    await studio.waitForURL((u) => u.pathname === '/app');
  });

  afterAll(() => closeAll(contexts, browser, app));

  // A phone-sized viewport: every studio page must work there too.
  const newPage = (viewport = { width: 390, height: 844 }): Promise<Page> =>
    openPage(browser, contexts, publicUrlContext(app, viewport));

  const settingsRow = () =>
    withService(app.platform.deps.db, (tx) =>
      tx
        .selectFrom('studio_settings as s')
        .innerJoin('accounts as a', 'a.id', 's.account_id')
        .select(['s.logo_key', 's.return_address', 's.accent_color'])
        .where('a.slug', '=', 'lumen-photography')
        .executeTakeFirstOrThrow(),
    );

  it('uploads a logo, picks an accent colour and saves a return address', async () => {
    await studio.goto('/studio/shop-settings');
    await studio.getByRole('button', { name: 'Save settings' }).waitFor();
    expect(await studio.getByRole('alert').count()).toBe(0);
    const png = await solidImage({ format: 'png', width: 600, height: 200, channels: 4, background: '#1e3a8aff' });
    await studio.getByLabel('Logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png });
    await studio.getByRole('img', { name: 'Current logo' }).waitFor();
    expect((await settingsRow()).logo_key).toMatch(/^shop\/.+\/logo-.+\.png$/);

    await studio.getByLabel('Accent colour', { exact: true }).fill('#0f766e');
    await studio.getByLabel('Return name').fill('Lumen Photography');
    await studio.getByLabel('Address line 1').fill('Lindenstraße 12');
    await studio.getByLabel('City').fill('Berlin');
    await studio.getByLabel('Postal code').fill('10969');
    await studio.getByLabel('Country').fill('de');
    await studio.getByRole('button', { name: 'Save settings' }).click();
    await studio.getByText('Settings saved').first().waitFor();
    const row = await settingsRow();
    expect(row.accent_color).toBe('#0f766e');
    expect(row.return_address).toMatchObject({ city: 'Berlin', postalCode: '10969', country: 'DE' });
  });

  it('adds, edits and deletes a client', async () => {
    const form = studio.getByRole('form', { name: 'Add a client' });
    await form.getByLabel('Name').fill('Noor Haddad');
    await form.getByLabel('Email').fill('noor@example.com');
    await form.getByLabel('Notes').fill('Engagement shoot');
    await form.getByRole('button', { name: 'Add client' }).click();
    const table = studio.getByRole('table', { name: 'Clients' });
    await table.getByText('noor@example.com').waitFor();
    await studio.getByRole('button', { name: 'Edit Noor Haddad' }).click();
    await studio.getByLabel('Client name').fill('Noor H. Haddad');
    await studio.getByRole('button', { name: 'Save client' }).click();
    await table.getByText('Noor H. Haddad').waitFor();
    await studio.getByRole('button', { name: 'Delete Noor H. Haddad' }).click();
    await studio.getByRole('alertdialog').getByRole('button', { name: 'Delete client' }).click();
    await table.getByText('noor@example.com').waitFor({ state: 'detached' });
  });

  it('creates a coupon, refuses a duplicate code and deactivates it', async () => {
    await studio.goto('/studio/coupons');
    await studio.getByRole('table', { name: 'Coupons' }).waitFor();
    expect(await studio.getByRole('alert').count()).toBe(0);
    const form = studio.getByRole('form', { name: 'New coupon' });
    await form.getByLabel('Code').fill('autumn15');
    await form.getByLabel('Kind').selectOption('percent');
    await form.getByLabel('Percent off').fill('15');
    await form.getByLabel('Maximum uses').fill('50');
    await form.getByLabel('Starts on').fill('2026-09-01');
    await form.getByLabel('Ends on').fill('2026-11-30');
    await form.getByRole('button', { name: 'Create coupon' }).click();
    const table = studio.getByRole('table', { name: 'Coupons' });
    const row = table.getByRole('row').filter({ hasText: 'AUTUMN15' });
    await row.getByText('15% off').waitFor();
    await form.getByLabel('Code').fill('Autumn15');
    await form.getByLabel('Percent off').fill('10');
    await form.getByRole('button', { name: 'Create coupon' }).click();
    await form.getByText('Taken').waitFor();
    await row.getByRole('button', { name: 'Deactivate AUTUMN15' }).click();
    await row.getByText('Inactive').waitFor();
  });

  const couponRow = () =>
    withService(app.platform.deps.db, (tx) =>
      tx
        .selectFrom('shop_coupons as c')
        .innerJoin('accounts as a', 'a.id', 'c.account_id')
        .select(['c.id', 'c.max_redemptions', 'c.ends_at'])
        .where('a.slug', '=', 'lumen-photography')
        .where('c.code', '=', 'AUTUMN15')
        .executeTakeFirstOrThrow(),
    );

  it("edits a coupon's limit and end date, checking input first and showing the server's refusal", async () => {
    const row = studio.getByRole('table', { name: 'Coupons' }).getByRole('row').filter({ hasText: 'AUTUMN15' });
    await row.getByRole('button', { name: 'Edit AUTUMN15' }).click();
    const dialog = studio.getByRole('dialog', { name: 'Edit AUTUMN15' });
    expect(await dialog.getByLabel('Ends on').inputValue()).toBe('2026-11-30');
    expect(await dialog.getByLabel('Maximum uses').inputValue()).toBe('50');

    // Refused in the browser: no request is made and nothing changes.
    await dialog.getByLabel('Maximum uses').fill('0');
    await dialog.getByRole('button', { name: 'Save coupon' }).click();
    await dialog.getByText('Enter a whole number from 1 to 1,000,000').waitFor();
    expect((await couponRow()).max_redemptions).toBe(50);

    await dialog.getByLabel('Maximum uses').fill('75');
    await dialog.getByLabel('Ends on').fill('2026-12-31');
    await dialog.getByRole('button', { name: 'Save coupon' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('0 / 75').waitFor();
    await row.getByText('until Dec 31, 2026').waitFor();
    const saved = await couponRow();
    expect(saved.max_redemptions).toBe(75);
    expect(new Date(saved.ends_at ?? 0).toISOString()).toBe('2026-12-31T23:59:59.000Z');

    // Someone else moves the start past the new end; the page still shows the old start, so only the server can refuse.
    await withService(app.platform.deps.db, (tx) =>
      tx
        .updateTable('shop_coupons')
        .set({ starts_at: new Date('2027-01-01T00:00:00Z') })
        .where('id', '=', saved.id)
        .execute(),
    );
    await row.getByRole('button', { name: 'Edit AUTUMN15' }).click();
    await dialog.getByLabel('Ends on').fill('2026-12-15');
    const answer = studio.waitForResponse(
      (r) => r.request().method() === 'PATCH' && r.url().endsWith(`/coupons/${saved.id}`),
    );
    await dialog.getByRole('button', { name: 'Save coupon' }).click();
    expect((await answer).status()).toBe(400);
    await dialog.getByText('The end must be after the start').waitFor();
    expect(await dialog.getByRole('button', { name: 'Save coupon' }).isEnabled()).toBe(true);
    expect(new Date((await couponRow()).ends_at ?? 0).toISOString()).toBe('2026-12-31T23:59:59.000Z');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('until Dec 31, 2026').waitFor();
  });

  it('creates a gallery, uploads several photos with per-file progress and errors, and sets the cover', async () => {
    await studio.goto('/studio/galleries');
    await studio.getByRole('link', { name: /Rivera wedding/ }).waitFor();
    expect(await studio.getByRole('alert').count()).toBe(0);
    await studio.getByLabel('Title').fill('Haddad engagement');
    await studio.getByLabel('Client').selectOption({ label: 'Jamie Rivera (jamie.rivera@example.com)' });
    await studio.getByLabel('PIN (optional)').fill('4321');
    await studio.getByLabel('Enable store').check();
    await studio.getByRole('button', { name: 'Create gallery' }).click();
    await studio.getByRole('link', { name: 'Haddad engagement' }).click();
    await studio.getByRole('heading', { name: 'Haddad engagement' }).waitFor();
    await studio.getByLabel('Upload photos').setInputFiles([
      { name: 'first.jpg', mimeType: 'image/jpeg', buffer: await jpeg(2600, 1800, '#aa3300') },
      { name: 'second.jpg', mimeType: 'image/jpeg', buffer: await jpeg(1800, 2600, '#0033aa') },
      { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not really a jpeg') },
    ]);
    await studio.getByText('2 of 3 uploaded, 1 failed').waitFor();
    const uploads = studio.getByRole('list', { name: 'Uploads' });
    await uploads.getByRole('alert').filter({ hasText: 'broken.jpg is not a JPEG, PNG or WebP image' }).waitFor();
    expect(
      await studio.getByRole('progressbar', { name: 'first.jpg upload progress' }).getAttribute('aria-valuenow'),
    ).toBe('100');
    expect(await studio.getByRole('progressbar', { name: 'Upload progress', exact: true }).count()).toBe(1);
    const photos = studio.getByRole('list', { name: 'Photos' });
    await photos.getByRole('img', { name: 'second.jpg' }).waitFor();
    expect(await photos.getByRole('listitem').count()).toBe(2);

    await studio.getByRole('button', { name: 'Set second.jpg as cover' }).click();
    await studio.getByRole('button', { name: 'second.jpg is the cover' }).waitFor();
    await studio.getByRole('button', { name: 'Move second.jpg earlier' }).click();
    await photos.getByRole('listitem').first().getByRole('img', { name: 'second.jpg' }).waitFor();

    await studio.getByLabel('Status').click();
    await studio.getByRole('option', { name: 'Published' }).click();
    await studio.getByRole('button', { name: 'Save', exact: true }).click();
    await studio.getByText('Gallery saved').first().waitFor();
    galleryLink = await studio.getByRole('textbox', { name: 'Private link' }).inputValue();
    const g = await withService(app.platform.deps.db, (tx) =>
      tx
        .selectFrom('galleries')
        .select(['cover_photo_id', 'client_id', 'store_enabled', 'pin_hash', 'status'])
        .where('title', '=', 'Haddad engagement')
        .executeTakeFirstOrThrow(),
    );
    expect(g).toMatchObject({ store_enabled: true, status: 'published' });
    expect(g.client_id).not.toBeNull();
    expect(g.pin_hash).not.toBeNull();
    expect(g.cover_photo_id).not.toBeNull();
  });

  it('shows the client the studio logo and accent colour', async () => {
    const client = await newPage();
    await client.goto(new URL(galleryLink).pathname);
    await client.getByLabel('PIN').fill('4321');
    await client.getByRole('button', { name: 'Open gallery' }).click();
    await client.getByRole('heading', { name: 'Haddad engagement' }).waitFor();
    const logo = client.getByRole('img', { name: 'Lumen Photography' });
    await logo.waitFor();
    expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const cart = client.getByRole('button', { name: 'Cart' });
    expect(await cart.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(15, 118, 110)');
    await client.getByRole('button', { name: 'Open second.jpg' }).click();
    const buy = client.getByRole('button', { name: 'Buy prints' });
    expect(await buy.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(15, 118, 110)');
    await buy.click();
    const add = client.getByRole('button', { name: 'Add to cart' });
    expect(await add.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(15, 118, 110)');
  });

  it('edits a catalog product: adds a size value with a minimum pixel size', async () => {
    await studio.goto('/studio/catalog');
    await studio.getByRole('button', { name: 'Edit A3 print' }).click();
    const size = studio.getByRole('form', { name: 'Add a value to Size' });
    await size.getByLabel('New value').fill('A2 (42 × 59.4 cm)');
    await size.getByLabel('Adjustment (EUR)').fill('25');
    await size.getByLabel('Min width (px)').fill('3508');
    await size.getByLabel('Min height (px)').fill('2480');
    await size.getByRole('button', { name: 'Add value' }).click();
    await studio.getByText('A2 (42 × 59.4 cm) (+€25.00) ≥3508×2480px').waitFor();
    await studio.getByLabel('Product name').fill('A3 fine print');
    await studio.getByRole('button', { name: 'Save product' }).click();
    await studio.getByText('Product saved').first().waitFor();
    const p = await withService(app.platform.deps.db, (tx) =>
      tx.selectFrom('print_products').select('name').where('sku', '=', 'PRINT-A3').executeTakeFirstOrThrow(),
    );
    expect(p.name).toBe('A3 fine print');
  });

  it('creates a price sheet, makes it the default and assigns it to a gallery', async () => {
    await studio.goto('/studio/catalog');
    const create = studio.getByRole('form', { name: 'New price sheet' });
    await create.getByLabel('New price sheet').fill('Canvas only');
    await create.getByRole('button', { name: 'Create' }).click();
    const sheet = studio.getByRole('form', { name: 'Price sheet Canvas only' });
    await sheet.waitFor();
    await sheet.getByLabel('A4 print').uncheck();
    await sheet.getByLabel('A3 fine print').uncheck();
    await sheet.getByRole('button', { name: 'Save sheet' }).click();
    await sheet.getByRole('button', { name: 'Make default' }).click();
    await sheet.getByText('Default', { exact: true }).waitFor();
    const rows = await withService(app.platform.deps.db, (tx) =>
      tx
        .selectFrom('price_sheets as s')
        .leftJoin('price_sheet_products as l', 'l.sheet_id', 's.id')
        .leftJoin('print_products as p', 'p.id', 'l.product_id')
        .select(['s.name', 's.is_default', 'p.sku'])
        .where('s.name', '=', 'Canvas only')
        .execute(),
    );
    expect(rows).toEqual([{ name: 'Canvas only', is_default: true, sku: 'CANVAS-40x60' }]);

    await studio.goto('/studio/galleries');
    await studio.getByRole('link', { name: 'Haddad engagement' }).click();
    await studio.getByLabel('Price sheet').selectOption({ label: 'Canvas only (default)' });
    await studio.getByRole('button', { name: 'Save', exact: true }).click();
    await studio.getByText('Gallery saved').first().waitFor();
    const g = await withService(app.platform.deps.db, (tx) =>
      tx
        .selectFrom('galleries as g')
        .innerJoin('price_sheets as s', 's.id', 'g.price_sheet_id')
        .select('s.name')
        .where('g.title', '=', 'Haddad engagement')
        .executeTakeFirstOrThrow(),
    );
    expect(g.name).toBe('Canvas only');
  });

  it('shows the print orders page on a phone with every status tab whole and no axe violations', async () => {
    await studio.goto('/studio/orders');
    const tabs = studio.getByRole('tablist', { name: 'Order status' }).getByRole('tab');
    await tabs.first().waitFor();
    await studio.getByRole('tabpanel').waitFor();
    expect(await tabs.count()).toBe(6);
    for (const tab of await tabs.all()) {
      const name = await tab.textContent();
      const box = await tab.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390, `tab ${name} inside the viewport`).toBe(true);
      expect(await tab.evaluate((el) => el.scrollWidth <= el.clientWidth), `tab ${name} not clipped`).toBe(true);
    }
    // The active tab's aria-controls names the panel on the page.
    const controls = await studio.getByRole('tab', { selected: true }).getAttribute('aria-controls');
    expect(await studio.locator(`[id="${controls}"]`).getAttribute('role')).toBe('tabpanel');
    await expectNoAxeViolations(studio, 'studio orders at 390 px');
  });

  it('deletes a gallery after confirmation', async () => {
    await studio.goto('/studio/galleries');
    await studio.getByLabel('Title').fill('Throwaway');
    await studio.getByRole('button', { name: 'Create gallery' }).click();
    await studio.getByRole('link', { name: 'Throwaway' }).click();
    await studio.getByRole('button', { name: 'Delete gallery' }).click();
    await studio.getByRole('alertdialog').getByRole('button', { name: 'Delete gallery' }).click();
    await studio.waitForURL((u) => u.pathname === '/studio/galleries');
    await studio.getByRole('link', { name: 'Haddad engagement' }).waitFor();
    expect(await studio.getByRole('link', { name: 'Throwaway' }).count()).toBe(0);
    const left = await withService(app.platform.deps.db, (tx) =>
      tx.selectFrom('galleries').select('id').where('title', '=', 'Throwaway').execute(),
    );
    expect(left).toEqual([]);
  });
});
