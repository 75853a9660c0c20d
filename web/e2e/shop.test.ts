import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
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

const STUDIO = 'studio@demo.gallerist.dev';
const STUDIO_NAME = 'Lumen Photography';
const BUYER = 'jamie.buyer@example.com';
const GALLERY = 'Okafor engagement';
const PIN = '4826';
const COUPON = 'PRINTS15';

/** A camera-sized JPEG (big enough for A3 and canvas) in a given colour. */
const jpeg = (hex: string) => solidImage({ format: 'jpeg', width: 3000, height: 2000, background: hex, quality: 70 });

describe.skipIf(!hasChromium)('web: print shop from gallery to shipped order', () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let lumenId: string;
  let studio: Page;
  let client: Page;
  let galleryLink: string;
  let orderId: string;

  beforeAll(async () => {
    app = await startTestApp();
    const lumen = await withService(app.platform.deps.db, (tx) =>
      tx.selectFrom('accounts').select('id').where('slug', '=', 'lumen-photography').executeTakeFirstOrThrow(),
    );
    lumenId = lumen.id;
    browser = await launchBrowser();
  });

  afterAll(() => closeAll(contexts, browser, app));

  /** A fresh browser profile on the public URL (where Checkout returns), with a phone or desktop viewport. */
  const newPage = (viewport = { width: 1280, height: 900 }): Promise<Page> =>
    openPage(browser, contexts, publicUrlContext(app, viewport));

  /** Calls the API with the page's session cookie and CSRF token, as the app itself does. */
  async function apiAs(page: Page, method: 'POST' | 'PATCH', path: string, data: unknown) {
    const cookies = await page.context().cookies();
    const csrf = cookies.find((c) => c.name === 'gallerist_csrf')?.value ?? '';
    const res = await page.request.fetch(path, { method, data, headers: { 'x-csrf-token': csrf } });
    expect(res.status(), `${method} ${path}: ${await res.text()}`).toBeLessThan(300);
    return res.json();
  }

  async function pick(page: Page, scope: ReturnType<Page['getByRole']>, label: string, option: RegExp) {
    await scope.getByRole('combobox', { name: label }).click();
    await page.getByRole('option', { name: option }).click();
  }

  it('the studio creates a gallery with a client and PIN, uploads photos and enables the store', async () => {
    studio = await newPage();
    await signIn(studio, STUDIO);
    await studio.waitForURL(pathIs('/app'));

    // The client record and the coupon go through the studio API with the signed-in session.
    await apiAs(studio, 'POST', `/api/shop/studios/${lumenId}/clients`, { name: 'Ada Okafor', email: BUYER });
    await apiAs(studio, 'POST', `/api/shop/studios/${lumenId}/coupons`, { code: COUPON, kind: 'percent', value: 15 });

    await studio.goto('/studio/galleries');
    const create = studio.getByRole('form', { name: 'New gallery' });
    await create.getByLabel('Title').fill(GALLERY);
    await create.getByLabel('Client').selectOption({ label: `Ada Okafor (${BUYER})` });
    await create.getByLabel(/PIN/).fill(PIN);
    await create.getByLabel('Enable store').check();
    await create.getByRole('button', { name: 'Create gallery' }).click();
    await studio.getByRole('link', { name: GALLERY }).click();
    await studio.getByRole('heading', { name: GALLERY, level: 1 }).waitFor();

    await studio.getByLabel('Upload photos').setInputFiles([
      { name: 'okafor-ring.jpg', mimeType: 'image/jpeg', buffer: await jpeg('#7a4b2a') },
      { name: 'okafor-beach.jpg', mimeType: 'image/jpeg', buffer: await jpeg('#2a6a7a') },
    ]);
    const photos = studio.getByRole('list', { name: 'Photos' });
    await photos.getByRole('img', { name: 'okafor-beach.jpg' }).waitFor();
    await photos.getByRole('img', { name: 'okafor-ring.jpg' }).waitFor();

    const settings = studio.locator('form').filter({ has: studio.getByRole('button', { name: 'Save' }) });
    expect(await settings.getByLabel(/Enable store/).isChecked()).toBe(true);
    expect(await settings.getByLabel('Client').locator('option:checked').textContent()).toBe('Ada Okafor');
    await pick(studio, settings as never, 'Status', /^Published$/);
    await settings.getByRole('button', { name: 'Save' }).click();
    await studio.getByText('Gallery saved').first().waitFor();

    galleryLink = (await studio.locator('a[href*="/g/"]').first().getAttribute('href')) ?? '';
    expect(galleryLink).toMatch(/\/g\/[\w-]+$/);
  });

  it('the client unlocks the gallery with the PIN, orders an A3 print and a canvas with a coupon, and pays', async () => {
    client = await newPage({ width: 390, height: 844 });
    await client.goto(new URL(galleryLink).pathname);
    // The PIN page says which studio sent the link and the PIN.
    await client.getByRole('heading', { name: `A private gallery from ${STUDIO_NAME}`, level: 1 }).waitFor();
    await client.getByText(`Enter the PIN ${STUDIO_NAME} sent you with this link.`).waitFor();
    await client.getByLabel('PIN').fill(PIN);
    await client.getByRole('button', { name: 'Open gallery' }).click();
    await client.getByRole('heading', { name: GALLERY, level: 1 }).waitFor();
    await client.getByText('Showing 2 of 2 photos').waitFor();
    // The client sees the studio's frame, none of the platform's header or footer navigation.
    expect(await client.getByRole('banner').getByTestId('studio-name').textContent()).toBe(STUDIO_NAME);
    for (const platformLink of ['Sign in', 'Get started', 'Art', 'Home']) {
      const link = client.getByRole('link', { name: platformLink, exact: true, includeHidden: true });
      expect(await link.count(), platformLink).toBe(0);
    }
    expect(await client.getByRole('navigation', { includeHidden: true }).count()).toBe(0);
    await expectNoAxeViolations(client, 'client gallery at 390 px');

    const buy = async (photo: string, product: RegExp, options: Array<[string, RegExp]>) => {
      await client.getByRole('button', { name: `Open ${photo}` }).click();
      await client.getByRole('dialog', { name: photo }).getByRole('button', { name: 'Buy prints' }).click();
      const dialog = client.getByRole('dialog', { name: 'Buy prints' });
      await pick(client, dialog, 'Product', product);
      for (const [label, value] of options) await pick(client, dialog, label, value);
      await dialog.getByRole('button', { name: 'Add to cart' }).click();
      await client.getByRole('dialog', { name: /cart/i }).waitFor();
    };
    await buy('okafor-ring.jpg', /^A3 print/, [['Paper', /^Matte/]]);
    await client.keyboard.press('Escape');
    await buy('okafor-beach.jpg', /^Canvas 40×60/, [
      ['Finish', /^Matte varnish/],
      ['Frame', /^Black frame/],
    ]);

    const cart = client.getByRole('dialog', { name: /cart/i });
    await cart.getByLabel('Coupon').fill(COUPON);
    await cart.getByRole('button', { name: 'Apply' }).click();
    await cart.getByText(`Discount ${COUPON}`).waitFor();
    await expectNoAxeViolations(client, 'cart dialog at 390 px');

    // On a phone every part of a line, the coupon's Apply and the totals are on screen inside the dialog.
    const frame = await cart.boundingBox();
    if (!frame) throw new Error('cart dialog not laid out');
    const inside = async (target: Locator, what: string) => {
      await target.scrollIntoViewIfNeeded();
      const b = await target.boundingBox();
      expect(b, what).not.toBeNull();
      if (!b) return;
      expect(b.x, `${what} left edge`).toBeGreaterThanOrEqual(frame.x);
      expect(b.x + b.width, `${what} right edge`).toBeLessThanOrEqual(frame.x + frame.width + 0.5);
      expect(b.y, `${what} top edge`).toBeGreaterThanOrEqual(frame.y);
      expect(b.y + b.height, `${what} bottom edge`).toBeLessThanOrEqual(frame.y + frame.height + 0.5);
      expect(await target.isVisible(), what).toBe(true);
    };
    for (const [product, option] of [
      ['A3 print', /Matte/],
      ['Canvas 40×60', /Black frame/],
    ] as const) {
      const line = cart.getByTestId('cart-line').filter({ hasText: product });
      const name = line.getByText(product, { exact: true });
      await inside(name, `${product} name`);
      await inside(line.getByText(option), `${product} options`);
      await inside(line.getByText(/ each$/), `${product} unit price`);
      await inside(line.getByRole('button', { name: `Remove ${product}` }), `${product} Remove`);
      // The quantity input sits on its own row, not over the name.
      const quantity = line.getByRole('spinbutton', { name: `Quantity of ${product}` });
      await inside(quantity, `${product} quantity`);
      const [n, q] = [await name.boundingBox(), await quantity.boundingBox()];
      expect(q && n && q.y >= n.y + n.height).toBe(true);
      expect(q?.width).toBeLessThanOrEqual(80);
    }
    await inside(cart.getByRole('button', { name: 'Apply' }), 'Apply');
    await inside(cart.getByTestId('order-total'), 'total');
    // Prices include VAT: the tax is a note under the total, not a line that looks added to it.
    await inside(cart.getByTestId('order-tax-included'), 'included tax');
    expect(await cart.getByTestId('order-tax-included').textContent()).toMatch(/^incl\. tax €\d+\.\d\d$/);
    expect(await cart.getByText('Tax', { exact: true }).count()).toBe(0);

    await cart.getByLabel('Email for your receipt').fill(BUYER);
    await cart.getByRole('button', { name: 'Checkout' }).click();

    // The emulator's hosted Checkout page.
    await client.waitForURL(onHostedCheckout);
    await expectNoAxeViolations(client, 'hosted Checkout at 390 px');
    await payOnHostedCheckout(client, '4242 4242 4242 4242', 'Ada Okafor', {
      name: 'Ada Okafor',
      line1: 'Torstraße 1',
      city: 'Berlin',
      postalCode: '10119',
      country: 'DE',
    });

    await client.waitForURL((url) => url.pathname === new URL(galleryLink).pathname);
    expect(new URL(client.url()).searchParams.get('checkout')).toBe('success');
    const summary = client.getByRole('region', { name: 'Thank you! Your order is confirmed' });
    await summary.waitFor();
    const text = await summary.textContent();
    expect(text).toContain(`A confirmation was sent to ${BUYER}`);
    expect(text).toContain('A3 print');
    expect(text).toContain('Canvas 40×60');
    expect(text).toContain('Torstraße 1');
    expect(text).toContain('Discount');
    await expectNoAxeViolations(client, 'gallery checkout success at 390 px');

    // The same pages on a desktop.
    await client.setViewportSize({ width: 1280, height: 900 });
    await expectNoAxeViolations(client, 'gallery checkout success at 1280 px');
    await client.goto(new URL(galleryLink).pathname);
    await client.getByText('Showing 2 of 2 photos').waitFor();
    await expectNoAxeViolations(client, 'client gallery at 1280 px');
    await client.getByRole('button', { name: 'Cart', exact: true }).click();
    await client.getByRole('dialog', { name: /cart/i }).waitFor();
    await expectNoAxeViolations(client, 'cart dialog at 1280 px');
    await client.keyboard.press('Escape');
    await client.setViewportSize({ width: 390, height: 844 });
  });

  it('the order shows paid in the studio admin, and the confirmation email lists the photos and options', async () => {
    await studio.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Print orders' }).click();
    await studio.waitForURL(pathIs('/studio/orders'));
    const row = studio.getByTestId('print-order-row').filter({ hasText: BUYER });
    await row.waitFor();
    expect(await row.textContent()).toContain('Paid');
    orderId = (await row.getAttribute('data-order-id')) ?? '';
    expect(await studio.getByTestId('revenue-this-month').textContent()).toMatch(/€/);
    expect(await studio.getByRole('list', { name: 'Best sellers' }).textContent()).toContain('Canvas 40×60');
    await expectNoAxeViolations(studio, 'studio orders at 1280 px');

    const mails = await mailsTo(app, BUYER, 'shop.order_confirmation');
    expect(mails).toHaveLength(1);
    for (const s of ['okafor-ring.jpg', 'okafor-beach.jpg', 'A3 print', 'Matte', 'Canvas 40×60', 'Matte varnish']) {
      expect(mails[0].text).toContain(s);
    }
    expect(mails[0].text).toContain('Black frame');
    expect(mails[0].text).toContain('Berlin');

    await row.getByRole('link').click();
    await studio.waitForURL(pathIs(`/studio/orders/${orderId}`));
    const prints = studio.getByRole('list', { name: 'Ordered prints' });
    await prints.waitFor();
    expect(await prints.textContent()).toContain('okafor-ring.jpg');
    // The A3 (5:7) is cropped from the 3:2 photo and drawn over its thumbnail; the 2:3 canvas takes the whole frame.
    expect(await studio.getByTestId('crop-overlay').count()).toBe(1);
    // The overlay sits on the photo where the stored crop says, not on the letterboxed square around it.
    const items = await withService(app.platform.deps.db, (tx) =>
      tx.selectFrom('order_items').select('options').where('order_id', '=', orderId).orderBy('position').execute(),
    );
    const stored = items[0].options.crop as { x: number; y: number; width: number; height: number };
    expect(stored.width).toBeLessThan(1);
    const thumb = await studio.getByRole('img', { name: 'okafor-ring.jpg' }).boundingBox();
    const crop = await studio.getByTestId('crop-overlay').boundingBox();
    if (!thumb || !crop) throw new Error('thumbnail or crop overlay not laid out');
    expect(Math.abs(crop.x - (thumb.x + stored.x * thumb.width))).toBeLessThan(1.5);
    expect(Math.abs(crop.width - stored.width * thumb.width)).toBeLessThan(1.5);
    expect(Math.abs(crop.height - stored.height * thumb.height)).toBeLessThan(1.5);
    expect(await studio.getByText('Torstraße 1').count()).toBe(1);
  });

  it('the studio marks the order shipped and the client gets the tracking email', async () => {
    await studio.getByRole('button', { name: 'Mark shipped' }).click();
    const dialog = studio.getByRole('dialog', { name: 'Mark shipped' });
    await dialog.getByRole('button', { name: 'Mark shipped' }).click();
    // The browser refuses the empty form: the dialog stays and the order is still paid.
    expect(await dialog.isVisible()).toBe(true);
    expect(await studio.getByTestId('order-status').textContent()).toContain('Paid');
    await dialog.getByLabel('Carrier').fill('DHL');
    await dialog.getByLabel('Tracking number').fill('00340434161234567890');
    await dialog.getByLabel('Tracking URL').fill('https://www.dhl.de/track?piececode=00340434161234567890');
    await dialog.getByRole('button', { name: 'Mark shipped' }).click();
    await dialog.waitFor({ state: 'detached' });
    await studio.getByTestId('order-status').getByText('Shipped').waitFor();
    expect(await studio.getByTestId('tracking').textContent()).toContain('00340434161234567890');
    expect(await studio.getByRole('list', { name: 'Order timeline' }).textContent()).toContain('Shipped');

    const tracking = await mailsTo(app, BUYER, 'shop.order_shipped');
    expect(tracking).toHaveLength(1);
    expect(tracking[0].text).toContain('00340434161234567890');
    expect(tracking[0].text).toContain('DHL');

    await studio.goto('/studio/orders?status=shipped');
    const row = studio.getByTestId('print-order-row').filter({ hasText: BUYER });
    await row.waitFor();
    expect(await row.textContent()).toContain('Shipped');
  });

  it('on a phone the print orders are cards showing every status and total, and no tab label is cut off', async () => {
    await studio.setViewportSize({ width: 390, height: 844 });
    await studio.goto('/studio/orders');
    const rows = studio.getByTestId('print-order-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(0);
    for (const row of await rows.all()) {
      for (const [label, text] of [
        ['Status', /Shipped/],
        ['Total', /€\d/],
      ] as const) {
        const cell = row.locator(`td[data-label="${label}"]`);
        await cell.scrollIntoViewIfNeeded();
        expect(await cell.isVisible(), label).toBe(true);
        expect(await cell.textContent(), label).toMatch(text);
        const box = await cell.boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= 390, `${label} inside the viewport`).toBe(true);
      }
    }
    // The page never scrolls sideways, and each tab sits whole inside the viewport.
    expect(await studio.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const tabs = studio.getByRole('tablist', { name: 'Order status' }).getByRole('tab');
    expect(await tabs.count()).toBe(6);
    for (const tab of await tabs.all()) {
      const box = await tab.boundingBox();
      const name = await tab.textContent();
      expect(box && box.x >= 0 && box.x + box.width <= 390, `tab ${name} inside the viewport`).toBe(true);
      expect(await tab.evaluate((el) => el.scrollWidth <= el.clientWidth), `tab ${name} not clipped`).toBe(true);
    }
    await expectNoAxeViolations(studio, 'studio orders at 390 px');
    await studio.setViewportSize({ width: 1280, height: 900 });
  });
  it('pages a large gallery: count, lightbox across pages, scrolling, and cart thumbnails from later pages', async () => {
    const path = new URL(galleryLink).pathname;
    const token = path.split('/').pop() ?? '';
    // 65 more rows reusing the first photo's stored files, so thumbnails load without 65 uploads.
    const extra = await withService(app.platform.deps.db, async (tx) => {
      const g = await tx.selectFrom('galleries').select('id').where('token', '=', token).executeTakeFirstOrThrow();
      const {
        id: _id,
        created_at: _c,
        ...src
      } = await tx
        .selectFrom('gallery_photos')
        .selectAll()
        .where('gallery_id', '=', g.id)
        .orderBy('position')
        .executeTakeFirstOrThrow();
      const rows = Array.from({ length: 65 }, (_, i) => ({
        ...src,
        id: randomUUID(),
        position: 100 + i,
        filename: `extra-${String(i).padStart(2, '0')}.jpg`,
      }));
      await tx.insertInto('gallery_photos').values(rows).execute();
      return rows.map((r) => r.id);
    });

    await client.goto(path);
    await client.getByText('Showing 60 of 67 photos').waitFor();
    expect(await client.getByRole('list', { name: 'Photos' }).getByRole('button').count()).toBe(60);

    // "Next" on the last photo of page one continues into page two.
    await client.getByRole('button', { name: 'Open extra-57.jpg' }).click();
    const last = client.getByRole('dialog', { name: 'extra-57.jpg' });
    expect(await last.getByTestId('lightbox-counter').textContent()).toBe('60 / 67');
    await last.getByRole('button', { name: /^Next/ }).click();
    const following = client.getByRole('dialog', { name: 'extra-58.jpg' });
    await following.waitFor();
    expect(await following.getByTestId('lightbox-counter').textContent()).toBe('61 / 67');
    await client.keyboard.press('Escape');
    await client.getByText('Showing 67 of 67 photos').waitFor();
    expect(await client.getByRole('button', { name: 'Load more photos' }).count()).toBe(0);

    // Scrolling alone loads the next page on a fresh visit.
    // A new navigation (not reload) so the browser does not restore the scroll position.
    await client.goto(path);
    await client.getByText('Showing 60 of 67 photos').scrollIntoViewIfNeeded();
    await client.getByText('Showing 67 of 67 photos').waitFor();

    // A cart line for a photo on page two shows its thumbnail after a reload, before page two is loaded.
    const catalog = await (await client.request.get(`/api/shop/g/${token}/catalog?photoId=${extra[64]}`)).json();
    const product = catalog.data[0];
    await apiAs(client, 'POST', `/api/shop/g/${token}/cart/items`, {
      photoId: extra[64],
      productId: product.id,
      optionValueIds: product.groups.map((g: { values: Array<{ id: string }> }) => g.values[0].id),
      quantity: 1,
      crop: null,
    });
    await client.goto(path);
    await client.getByText('Showing 60 of 67 photos').waitFor();
    await client.getByRole('button', { name: 'Cart', exact: true }).click();
    const cart = client.getByRole('dialog', { name: /cart/i });
    const thumb = cart.locator(`img[src="/api/shop/media/${token}/${extra[64]}/thumb"]`);
    await thumb.waitFor();
    await expect
      .poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
  });
});
