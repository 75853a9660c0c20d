import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withService } from '../../src/db/tenancy.ts';
import { startTestApp } from '../../test/app.ts';
import {
  closeAll,
  hasChromium,
  launchBrowser,
  openPage,
  pathIs,
  publicUrlContext,
  signIn,
  solidImage,
  type TestApp,
} from './support.ts';

const ARTIST = 'artist@demo.gallerist.dev';

describe.skipIf(!hasChromium)('web: artwork images added in the artwork form; image boxes sized to the image', () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const title = `Tide Study ${Date.now().toString(36)}`;
  let artworkId = '';

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
  });

  afterAll(() => closeAll(contexts, browser, app));

  const newPage = (width: number): Promise<Page> =>
    openPage(browser, contexts, publicUrlContext(app, { width, height: 900 }), 20_000);

  /** The main image box and its image, once the full size has loaded (placeholder gone). */
  async function mainImage(page: Page) {
    const box = page.getByTestId('image-box');
    await box.waitFor();
    await expect.poll(() => box.getByTestId('image-placeholder').count()).toBe(0);
    const outer = await box.boundingBox();
    const img = await box.getByRole('img', { name: title }).boundingBox();
    if (!outer || !img) throw new Error('image box not rendered');
    return { outer, img };
  }

  /** The rendered box has the image's own ratio (within 2 %) and the image fills it: no band on any side. */
  async function expectFitted(page: Page, ratio: number) {
    const { outer, img } = await mainImage(page);
    expect(Math.abs(outer.width / outer.height / ratio - 1)).toBeLessThan(0.02);
    expect(Math.abs(img.width - outer.width)).toBeLessThanOrEqual(1);
    expect(Math.abs(img.height - outer.height)).toBeLessThanOrEqual(1);
  }

  it('an artist adds, makes primary and reorders two images while creating the artwork, without leaving the form', async () => {
    const artist = await newPage(1280);
    await signIn(artist, ARTIST);
    await artist.waitForURL(pathIs('/app'));
    await artist.goto('/artist');
    await artist.getByRole('button', { name: 'New artwork' }).click();
    const landscape = await solidImage({ format: 'jpeg', width: 1600, height: 900, background: '#2050a0' });
    const portrait = await solidImage({ format: 'jpeg', width: 900, height: 1600, background: '#a03020' });

    // Without a title there is no draft to hold the image: the form says what to fix and keeps the file's row.
    await artist
      .getByLabel(/Add images/)
      .setInputFiles({ name: 'early.jpg', mimeType: 'image/jpeg', buffer: landscape });
    await artist.getByText('Fill in the fields marked above').waitFor();
    await artist.getByText('Give the work a title').waitFor();
    await artist.getByRole('button', { name: 'Dismiss early.jpg' }).click();

    await artist.getByLabel('Title').fill(title);
    await artist.getByLabel('Price').fill('450');
    await artist.getByLabel(/Add images/).setInputFiles([
      { name: 'landscape.jpg', mimeType: 'image/jpeg', buffer: landscape },
      { name: 'portrait.jpg', mimeType: 'image/jpeg', buffer: portrait },
    ]);
    await artist.getByText('Saved as a draft so your images have a home').waitFor();
    const list = artist.getByRole('list', { name: 'Images' });
    await expect.poll(() => list.getByRole('listitem').count(), { timeout: 20_000 }).toBe(2);
    expect(await list.getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('1600×900'),
      expect.stringContaining('900×1600'),
    ]);
    expect(artist.url()).toMatch(/\/artist$/);
    // Still the same form, with what was typed: the draft was created in the background.
    expect(await artist.getByLabel('Title').inputValue()).toBe(title);

    await artist.getByRole('button', { name: 'Make image 2 primary' }).click();
    await list.getByRole('listitem').nth(1).getByText('Primary', { exact: true }).waitFor();
    await artist.getByRole('button', { name: 'Move image 2 up' }).click();
    await expect.poll(() => list.getByRole('listitem').first().textContent()).toContain('900×1600');
    await list.getByRole('listitem').first().getByText('Primary', { exact: true }).waitFor();
    await artist.getByRole('button', { name: 'Save changes' }).click();
    await artist.getByRole('row').filter({ hasText: title }).waitFor();

    const rows = await withService(app.platform.deps.db, (tx) =>
      tx
        .selectFrom('artwork_images as i')
        .innerJoin('artworks as w', 'w.id', 'i.artwork_id')
        .select([
          'w.id as artworkId',
          'w.status',
          'w.price_amount',
          'i.width',
          'i.height',
          'i.position',
          'i.is_primary',
        ])
        .where('w.title', '=', title)
        .orderBy('i.position')
        .execute(),
    );
    expect(rows.map((r) => [r.width, r.height, r.position, r.is_primary])).toEqual([
      [900, 1600, 0, true],
      [1600, 900, 1, false],
    ]);
    expect(rows[0]).toMatchObject({ status: 'draft', price_amount: 45_000 });
    artworkId = rows[0].artworkId;
  });

  it.each([1280, 390])('the public artwork page sizes the image box to each image at %i px', async (width) => {
    // Review and onboarding are covered by marketplace.test.ts; here the work only needs to be public.
    await withService(app.platform.deps.db, (tx) =>
      tx
        .updateTable('artworks')
        .set({ status: 'published', published_at: sql<Date>`now()` })
        .where('id', '=', artworkId)
        .execute(),
    );
    const visitor = await newPage(width);
    await visitor.goto(`/art/${artworkId}`);
    await visitor.getByRole('heading', { name: title }).waitFor();
    await expectFitted(visitor, 900 / 1600);
    await visitor.getByRole('button', { name: 'Show image 2' }).click();
    await expectFitted(visitor, 1600 / 900);
    const { outer } = await mainImage(visitor);
    expect(outer.width).toBeLessThanOrEqual(width);
  });
  it.each([1280, 390])('the buy-prints dialog sizes the photo box to the photo at %i px', async (width) => {
    // The demo seed's published, PIN-less gallery with its store on.
    const g = await withService(app.platform.deps.db, (tx) =>
      tx
        .selectFrom('galleries as g')
        .innerJoin('gallery_photos as p', 'p.gallery_id', 'g.id')
        .select(['g.token', 'p.filename', 'p.width', 'p.height'])
        .where('g.store_enabled', '=', true)
        .where('g.pin_hash', 'is', null)
        .orderBy('p.position')
        .executeTakeFirstOrThrow(),
    );
    const client = await newPage(width);
    await client.goto(`/g/${g.token}`);
    await client.getByRole('button', { name: `Open ${g.filename}` }).click();
    await client.getByRole('dialog', { name: g.filename }).getByRole('button', { name: 'Buy prints' }).click();
    const dialog = client.getByRole('dialog', { name: 'Buy prints' });
    await dialog.getByRole('button', { name: 'Add to cart' }).waitFor();
    const photo = dialog.locator('img[width]');
    await expect.poll(() => photo.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
    // Both boxes from one frame: the dialog may still be zooming in, which scales them alike.
    const [img, outer] = await photo.evaluate((el: HTMLImageElement) =>
      [el, el.parentElement as HTMLElement].map((e) => {
        const r = e.getBoundingClientRect();
        return { width: r.width, height: r.height };
      }),
    );
    expect(Math.abs(outer.width / outer.height / (g.width / g.height) - 1)).toBeLessThan(0.02);
    expect(Math.abs(img.height - outer.height)).toBeLessThanOrEqual(1);
    expect(Math.abs(img.width - outer.width)).toBeLessThanOrEqual(1);
  });
});
