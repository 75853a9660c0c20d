import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withService } from '../../src/db/tenancy.ts';
import { onboardDemoArtists } from '../../src/marketplace/demo.ts';
import { startTestApp } from '../../test/app.ts';
import { closeAll, hasChromium, launchBrowser, openPage, publicUrlContext, signIn, type TestApp } from './support.ts';

// Every page works under the Content-Security-Policy: chromium reports no violation, and nobody can frame us.

describe.skipIf(!hasChromium)('web: security headers and CSP', () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let artworkId = '';

  beforeAll(async () => {
    app = await startTestApp();
    const { deps, stripeSetup } = app.platform;
    await onboardDemoArtists(deps.db, stripeSetup.stripe, app.emulatorUrl, deps.clock);
    browser = await launchBrowser();
    const artwork = await withService(app.platform.deps.db, (tx) =>
      tx.selectFrom('artworks').select('id').where('status', '=', 'published').executeTakeFirstOrThrow(),
    );
    artworkId = artwork.id;
  });
  afterAll(() => closeAll(contexts, browser, app));

  /** A page whose CSP violations (console reports) go to `violations`. */
  async function watchedPage(violations: string[], width = 1280): Promise<Page> {
    const page = await openPage(browser, contexts, publicUrlContext(app, { width, height: 900 }));
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
    });
    return page;
  }

  // One test per group of pages (each waits for the network to go idle on every page), each with its own record.
  it('the public SPA pages, API docs and dev mailbox render with no CSP violation', async () => {
    const violations: string[] = [];
    const guest = await watchedPage(violations, 390);
    for (const path of ['/', '/art', `/art/${artworkId}`, '/sign-in', '/sign-up', '/api/docs', '/dev/mailbox']) {
      const res = await guest.goto(path);
      expect(res?.status(), path).toBeLessThan(400);
      await guest.waitForLoadState('networkidle');
      if (!path.startsWith('/api') && !path.startsWith('/dev')) await guest.locator('main').first().waitFor();
    }
    expect(violations).toEqual([]);
  });

  it('a guest checkout opens the hosted Checkout, with its own policy, with no CSP violation', async () => {
    const violations: string[] = [];
    const guest = await watchedPage(violations, 390);
    await guest.goto(`/art/${artworkId}`);
    const checkout = await guest.evaluate(async (id) => {
      // The page may not have called the API yet, so ask for the token the way the app's client does.
      const session = (await (await fetch('/api/auth/session')).json()) as { csrfToken: string };
      const csrf = /gallerist_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? session.csrfToken;
      const res = await fetch(`/api/marketplace/artworks/${id}/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf) },
        body: JSON.stringify({ email: 'csp@example.com' }),
      });
      return (await res.json()) as { checkoutUrl: string };
    }, artworkId);
    expect(checkout.checkoutUrl, JSON.stringify(checkout)).toBeTruthy();
    const hosted = await guest.goto(checkout.checkoutUrl);
    expect(hosted?.headers()['content-security-policy']).toContain("script-src 'none'");
    await guest.getByLabel('Email').first().waitFor();
    expect(violations).toEqual([]);
  });

  it('the studio pages render with no CSP violation', async () => {
    const violations: string[] = [];
    const studio = await watchedPage(violations);
    await signIn(studio, 'studio@demo.gallerist.dev');
    await studio.waitForURL((u) => u.pathname === '/app');
    for (const path of ['/studio/galleries', '/studio/catalog', '/app/orders']) {
      await studio.goto(path);
      await studio.waitForLoadState('networkidle');
    }
    expect(violations).toEqual([]);
  });

  it('the admin pages render with no CSP violation', async () => {
    const violations: string[] = [];
    const admin = await watchedPage(violations);
    await signIn(admin, 'admin@demo.gallerist.dev');
    await admin.waitForURL((u) => u.pathname === '/app');
    for (const path of ['/admin', '/admin/marketplace']) {
      await admin.goto(path);
      await admin.waitForLoadState('networkidle');
    }
    expect(violations).toEqual([]);
  });

  it('sends the headers, and a page of another origin cannot frame the app', async () => {
    const res = await fetch(`${app.platform.deps.config.publicUrl}/sign-in`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('strict-transport-security')).toBeNull();

    const page = await openPage(browser, contexts, { viewport: { width: 800, height: 600 } });
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/frame-ancestors|Refused to display/i.test(m.text())) refused.push(m.text());
    });
    // A blank page with no policy of its own stands in for an attacker's site.
    await page.setContent(`<iframe src="${app.platform.deps.config.publicUrl}/sign-in"></iframe>`);
    await expect.poll(() => refused.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const framed = page.frames().find((f) => f.url().includes('/sign-in'));
    expect(
      await framed
        ?.locator('input')
        .count()
        .catch(() => 0),
    ).toBeFalsy();
  });
});
