import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pixelmatch from 'pixelmatch';
import type { BrowserContextOptions, Locator, Page } from 'playwright-core';
import { PNG } from 'pngjs';

/** Committed reference images, one PNG per name. */
export const REFERENCE_DIR = join(dirname(fileURLToPath(import.meta.url)), '__screenshots__');
const ROOT = join(REFERENCE_DIR, '..', '..', '..');
/** Where a failing comparison leaves `<name>.actual.png` and `<name>.diff.png` (gitignored). */
export const OUTPUT_DIR = join(ROOT, '.tmp', 'screenshots');
/** `GALLERIST_UPDATE_SCREENSHOTS=1` (npm run test:screenshots:update) rewrites the references instead of comparing. */
const updating = process.env.GALLERIST_UPDATE_SCREENSHOTS === '1';

/** Per-pixel colour distance (pixelmatch's 0–1 scale) below which two pixels count as equal: absorbs anti-aliasing. */
const PIXEL_THRESHOLD = 0.2;
// 0.1 %: headless chromium on one machine renders the same pixels run after run, yet a padding change on a dialog
// seen at 1280 px moved only ~0.3 % of the viewport; ~1,150 pixels of slack on a 1280×900 shot still absorb noise.
const MAX_DIFF_RATIO = 0.001;

/** The elements every screenshot hides: anything marked as varying per run in the app. */
export const MASK_ATTRIBUTE = '[data-screenshot="mask"]';

/** Context options that make pages render the same on every run: locale, time zone, pixel ratio and no motion. */
export const screenshotContext: BrowserContextOptions = {
  locale: 'en-US',
  timezoneId: 'UTC',
  deviceScaleFactor: 1,
  reducedMotion: 'reduce',
  colorScheme: 'light',
};

/** The two widths every page is compared at. */
export const WIDTHS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

export interface ScreenshotOptions {
  /** The whole scrollable page (default) or just the viewport (for dialogs over the page). */
  fullPage?: boolean;
  /** More elements to paint over, besides those marked `data-screenshot="mask"`. */
  mask?: Locator[];
}

/** Waits until the page is still: network idle, web fonts loaded, every image (lazy ones too) decoded. */
export async function settle(page: Page) {
  await page.waitForLoadState('networkidle');
  await page.evaluate(async () => {
    await document.fonts.ready;
    const images = Array.from(document.images);
    // Lazy images below the fold would otherwise load only once scrolled to, after the full-page shot.
    for (const img of images) img.loading = 'eager';
    await Promise.all(
      images.map((img) =>
        img.complete
          ? img.decode().catch(() => {})
          : new Promise<void>((done) => {
              img.addEventListener('load', () => done(), { once: true });
              img.addEventListener('error', () => done(), { once: true });
            }),
      ),
    );
  });
  await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete));
  await page.waitForLoadState('networkidle');
}

const write = (file: string, data: Buffer) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, data);
};

const show = (file: string) => relative(process.cwd(), file);

/**
 * Screenshots the page and compares it with `web/e2e/__screenshots__/<name>.png` (pixelmatch). A size change, more
 * differing pixels than the tolerance, or a missing reference fails, leaving the actual image and a diff in
 * `.tmp/screenshots/`. With GALLERIST_UPDATE_SCREENSHOTS=1 it writes the reference instead.
 */
export async function expectScreenshot(page: Page, name: string, opts: ScreenshotOptions = {}) {
  await settle(page);
  const shot = await page.screenshot({
    fullPage: opts.fullPage ?? true,
    animations: 'disabled',
    caret: 'hide',
    scale: 'css',
    mask: [page.locator(MASK_ATTRIBUTE), ...(opts.mask ?? [])],
  });
  const reference = join(REFERENCE_DIR, `${name}.png`);
  const actualFile = join(OUTPUT_DIR, `${name}.actual.png`);
  if (updating) {
    write(reference, shot);
    return;
  }
  if (!existsSync(reference)) {
    write(actualFile, shot);
    throw new Error(
      `No reference screenshot ${show(reference)}; the actual one is ${show(actualFile)}. ` +
        'Run `npm run test:screenshots:update` to create it, look at it, and commit it.',
    );
  }
  const expected = PNG.sync.read(readFileSync(reference));
  const actual = PNG.sync.read(shot);
  if (expected.width !== actual.width || expected.height !== actual.height) {
    write(actualFile, shot);
    throw new Error(
      `Screenshot ${name} is ${actual.width}×${actual.height} px, the reference ${expected.width}×${expected.height} px ` +
        `(${show(reference)}); the actual one is ${show(actualFile)}.`,
    );
  }
  const { width, height } = actual;
  const diff = new PNG({ width, height });
  const differing = pixelmatch(expected.data, actual.data, diff.data, width, height, { threshold: PIXEL_THRESHOLD });
  const ratio = differing / (width * height);
  if (ratio <= MAX_DIFF_RATIO) return;
  const diffFile = join(OUTPUT_DIR, `${name}.diff.png`);
  write(actualFile, shot);
  write(diffFile, PNG.sync.write(diff));
  throw new Error(
    `Screenshot ${name} differs from ${show(reference)} in ${differing} pixels (${(ratio * 100).toFixed(2)} %, ` +
      `allowed ${MAX_DIFF_RATIO * 100} %); see ${show(actualFile)} and ${show(diffFile)}. ` +
      'If the change is intended, run `npm run test:screenshots:update` and commit the new reference.',
  );
}
