import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../test/app.ts';
import { closeAll, hasChromium, launchBrowser, openPage, pathIs, signIn, type TestApp } from './support.ts';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
// Set E2E_SCREENSHOT_DIR to keep screenshots of the header at each size.
const SHOTS = process.env.E2E_SCREENSHOT_DIR;

describe.skipIf(!hasChromium)('web: navigation per account kind and role', () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
  });

  afterAll(() => closeAll(contexts, browser, app));

  async function signedIn(email: string, viewport: { width: number; height: number }): Promise<Page> {
    const page = await openPage(browser, contexts, { baseURL: app.url, viewport });
    await signIn(page, email);
    await page.waitForURL(pathIs('/app'));
    return page;
  }

  async function shot(page: Page, name: string) {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `nav-${name}.png`) });
  }

  const isPhone = (page: Page) => (page.viewportSize()?.width ?? 0) < 1280;

  /** The header's links, opening the menu first on a phone. */
  async function mainLinks(page: Page): Promise<string[]> {
    if (isPhone(page) && (await page.getByRole('button', { name: 'Open menu' }).count()) > 0) {
      await page.getByRole('button', { name: 'Open menu' }).click();
    }
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Dashboard' }).waitFor();
    return (await nav.getByRole('link').allTextContents()).map((t) => t.trim());
  }

  /** The selected account's group of links and its label. */
  async function accountSection(page: Page): Promise<{ label: string; links: string[] }> {
    const section = page.getByRole('navigation', { name: 'Main' }).getByTestId('nav-section-account');
    return {
      label: (await section.getAttribute('aria-label')) ?? (await section.locator('p').first().textContent()) ?? '',
      links: (await section.getByRole('link').allTextContents()).map((t) => t.trim()),
    };
  }

  /** The account switcher's visible name, and whether it is cut short. */
  async function switcherName(page: Page): Promise<{ text: string; truncated: boolean; title: string }> {
    const switcher = page.getByTestId('account-switcher');
    const name = page.getByTestId('account-switcher-name');
    await expect.poll(() => name.textContent()).not.toBe('');
    return {
      text: ((await name.textContent()) ?? '').replace('Current account: ', ''),
      truncated: await name.evaluate((el) => el.scrollWidth > el.clientWidth),
      title: (await switcher.getAttribute('title')) ?? '',
    };
  }

  it('a first visit to the storefront fetches only the shell and that page’s code, not the admin or charts', async () => {
    const page = await openPage(browser, contexts, { baseURL: app.url, viewport: DESKTOP });
    const scripts: string[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.endsWith('.js')) scripts.push(path);
    });
    await page.goto('/art');
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(scripts.some((s) => s.includes('/browse-page-'))).toBe(true);
    const elsewhere = /\/(charts|markdown|admin-[a-z-]*|studio-[a-z-]*|dashboard-page)-/;
    expect(scripts.filter((s) => elsewhere.test(s))).toEqual([]);
  });

  it('a page whose code is gone (a deploy replaced it) shows the error page with a reload, in the app frame', async () => {
    const page = await openPage(browser, contexts, { baseURL: app.url, viewport: DESKTOP });
    await page.route('**/assets/browse-page-*.js', (route) => route.fulfill({ status: 404, body: 'Not Found' }));
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Art' }).click();
    await page.getByRole('heading', { name: 'This page couldn’t be loaded' }).waitFor();
    await page.getByRole('button', { name: 'Reload the page' }).waitFor();
    // The header stays, so the visitor can go elsewhere.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Art' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/art');

    // Opened directly too: not a blank page.
    await page.goto('/art');
    await page.getByRole('heading', { name: 'This page couldn’t be loaded' }).waitFor();
  });

  it('a studio owner sees the studio’s links under “Studio” and the whole account name (1280 px)', async () => {
    const page = await signedIn('studio@demo.gallerist.dev', DESKTOP);
    expect(await switcherName(page)).toEqual({
      text: 'Lumen Photography',
      truncated: false,
      title: 'Lumen Photography (Studio, Owner)',
    });
    expect(await mainLinks(page)).toEqual([
      'Dashboard',
      'Art',
      'Orders',
      'Galleries',
      'Print orders',
      'Members',
      'API keys',
    ]);
    expect(await accountSection(page)).toEqual({
      label: 'Studio account',
      links: ['Orders', 'Galleries', 'Print orders', 'Members', 'API keys'],
    });
    // Everything fits in the header: nothing spills past the viewport.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(DESKTOP.width);
    await shot(page, 'studio-1280');

    // The same on a phone: the links move into the menu, grouped the same way; the name still fits.
    await page.setViewportSize(PHONE);
    expect((await switcherName(page)).truncated).toBe(false);
    expect(await mainLinks(page)).toEqual([
      'Dashboard',
      'Art',
      'Orders',
      'Galleries',
      'Print orders',
      'Members',
      'API keys',
    ]);
    expect((await accountSection(page)).label).toMatch(/^Studio\s*Lumen Photography$/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'studio-390-menu');
  });

  it('an artist sees their artworks and no studio or credits links (390 px)', async () => {
    const page = await signedIn('artist@demo.gallerist.dev', PHONE);
    const name = await switcherName(page);
    expect(name.title).toBe('Mira Okafor (Artist, Owner)');
    expect(name.text).toBe('Mira Okafor');
    expect(await mainLinks(page)).toEqual(['Dashboard', 'Art', 'Orders', 'Artworks', 'Members', 'API keys']);
    const section = await accountSection(page);
    expect(section.label).toMatch(/^Artist\s*Mira Okafor$/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'artist-390-menu');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Artworks' }).click();
    await page.waitForURL(pathIs('/artist'));
  });

  it('an organization member sees its hours read-only, no API keys or sales (390 px)', async () => {
    const page = await signedIn('member@demo.gallerist.dev', PHONE);
    expect((await switcherName(page)).text).toBe('Acme Corp');
    expect(await mainLinks(page)).toEqual(['Dashboard', 'Art', 'Expert services', 'Hours', 'Members']);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hours' }).click();
    await page.waitForURL(pathIs('/org/acme-corp'));
  });

  it('an org admin with two accounts always has one selected, and it is remembered across reloads and sign-ins', async () => {
    const page = await signedIn('org@demo.gallerist.dev', DESKTOP);
    // Never "Choose account": the first account (by name) is selected until the user picks another.
    expect((await switcherName(page)).text).toBe('Acme Corp');
    expect(await mainLinks(page)).toEqual(['Dashboard', 'Art', 'Expert services', 'Hours', 'Members', 'API keys']);
    expect((await accountSection(page)).label).toBe('Organization account');

    // The menu says what each account is and what the user may do in it.
    const switcher = page.getByTestId('account-switcher');
    await switcher.click();
    const acme = page.getByTestId('account-option-acme-corp');
    const skywalker = page.getByTestId('account-option-skywalker-digital');
    expect(await acme.textContent()).toMatch(/Acme Corp.*Admin.*Organization/);
    expect(await skywalker.textContent()).toMatch(/Skywalker Digital.*Member.*Provider/);
    await shot(page, 'org-1280-switcher');
    await skywalker.click();

    // A provider's member: the catalog and the team, not its sales, customers or keys.
    await expect.poll(() => switcherName(page).then((n) => n.text)).toBe('Skywalker Digital');
    expect(await mainLinks(page)).toEqual(['Dashboard', 'Art', 'Expert services', 'Members']);
    expect((await accountSection(page)).label).toBe('Provider account');

    await page.reload();
    expect((await switcherName(page)).text).toBe('Skywalker Digital');

    // Signing out forgets the browser's selection; signing in again returns to the user's last account.
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(pathIs('/'));
    expect(await page.evaluate(() => localStorage.getItem('gallerist.accountId'))).toBeNull();
    await signIn(page, 'org@demo.gallerist.dev');
    await page.waitForURL(pathIs('/app'));
    expect((await switcherName(page)).text).toBe('Skywalker Digital');
    expect(await mainLinks(page)).toEqual(['Dashboard', 'Art', 'Expert services', 'Members']);
  });
});
