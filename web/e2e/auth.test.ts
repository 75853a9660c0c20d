import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestMail } from '../../test/app.ts';
import {
  closeAll,
  DEMO_PASSWORD,
  hasChromium,
  launchBrowser,
  mailsTo,
  openPage,
  pathIs,
  signIn,
  submitSignIn,
  type TestApp,
} from './support.ts';

type Membership = { accountId: string; slug: string; name: string };

describe.skipIf(!hasChromium)('web: auth and accounts', () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
  });

  afterAll(() => closeAll(contexts, browser, app));

  /** A fresh browser profile at desktop size, on the app's own URL. */
  const newPage = (viewport = { width: 1280, height: 900 }): Promise<Page> =>
    openPage(browser, contexts, { baseURL: app.url, viewport });

  /** The newest link matching `pattern` in a mail of `template` sent to `to`, waiting for it to arrive. */
  async function emailedLink(to: string, template: string, pattern: RegExp): Promise<string> {
    let link: string | undefined;
    await expect
      .poll(async () => {
        const mail = (await mailsTo(app, to, template))[0];
        link = `${mail?.text ?? ''} ${mail?.html ?? ''}`.match(pattern)?.[0];
        return link;
      })
      .toBeTruthy();
    return link!;
  }

  async function sessionMemberships(page: Page): Promise<Membership[]> {
    const res = await page.request.get('/api/auth/session');
    expect(res.ok()).toBe(true);
    return ((await res.json()) as { memberships: Membership[] }).memberships;
  }

  describe('a new user', () => {
    let page: Page;
    const stamp = Date.now().toString(36);
    const email = `e2e-${stamp}@example.com`;
    const password = 'correct-horse-battery';
    const accountName = `Northlight Studio ${stamp}`;

    beforeAll(async () => {
      page = await newPage();
    });

    it('signs up, opens the emailed confirmation link and lands on the empty dashboard', async () => {
      await page.goto('/sign-up');
      // Client-side validation catches a short password before any request.
      await page.getByLabel('Full name').fill('Erin Tester');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill('short');
      await page.getByRole('button', { name: 'Create account', exact: true }).click();
      await page.getByText('Use at least 10 characters.').waitFor();
      expect(new URL(page.url()).pathname).toBe('/sign-up');

      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Create account', exact: true }).click();
      // Not signed in yet: the address has to be confirmed from the inbox first.
      await page.getByRole('heading', { name: 'Check your email' }).waitFor();
      await page.getByText('Confirm your email to finish signing up').waitFor();
      expect(new URL(page.url()).pathname).toBe('/sign-up');
      expect((await page.context().cookies()).some((c) => c.name === 'gallerist_session')).toBe(false);

      const link = await emailedLink(email, 'email_confirmation', /\/confirm-email\?token=[^\s"'<>&]+/);
      await page.goto(link);
      await page.getByRole('heading', { name: 'Confirm your email' }).waitFor();
      await page.getByRole('button', { name: 'Confirm and sign in' }).click();
      await page.waitForURL(pathIs('/app'));
      await page.getByRole('heading', { name: /not part of any account yet/i }).waitFor();
      await page.getByRole('link', { name: 'Create an account' }).waitFor();

      // The link is single-use.
      await page.goto(link);
      await page.getByRole('button', { name: 'Confirm and sign in' }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: /can’t be used/ })
        .waitFor();
    });

    it('signs out', async () => {
      await page.getByTestId('user-menu').click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
      await page.waitForURL(pathIs('/'));
      await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();

      // Protected pages now bounce to sign-in, remembering where the user was going.
      await page.goto('/app/members');
      await page.waitForURL((url) => url.pathname === '/sign-in' && url.searchParams.get('next') === '/app/members');
    });

    it('shows an error for a wrong password', async () => {
      await signIn(page, email, 'not-the-right-password');
      const alert = page.getByRole('alert').filter({ hasText: /could not sign you in/i });
      await alert.waitFor();
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('not-the-right-password');
    });

    it('signs in and follows ?next=', async () => {
      await page.goto('/sign-in?next=%2Fapp%2Fmembers');
      await submitSignIn(page, email, password);
      await page.waitForURL(pathIs('/app/members'));
      await page.goto('/app');
      await page.getByRole('heading', { name: /not part of any account yet/i }).waitFor();
    });

    it('creates an account from the empty state', async () => {
      await page.getByRole('link', { name: 'Create an account' }).click();
      await page.waitForURL(pathIs('/app/accounts/new'));

      await page.getByLabel('Account name').fill(accountName);
      expect(await page.getByLabel('URL name').inputValue()).toBe(`northlight-studio-${stamp}`);

      await page.getByLabel('Account type').click();
      await page.getByRole('option', { name: 'Studio', exact: true }).click();
      await page.getByRole('button', { name: 'Create account', exact: true }).click();

      await page.waitForURL(pathIs('/app'));
      const card = page.getByTestId('current-account');
      await expect.poll(() => card.textContent()).toContain(accountName);
      await expect.poll(() => card.textContent()).toContain('Owner');
      await expect.poll(() => page.getByTestId('account-switcher').textContent()).toContain(accountName);
      const memberships = await sessionMemberships(page);
      expect(memberships.map((m) => m.name)).toEqual([accountName]);
    });
  });

  it('switches between accounts and keeps the choice across reloads', async () => {
    const page = await newPage();
    await signIn(page, 'org@demo.gallerist.dev', DEMO_PASSWORD);
    await page.waitForURL(pathIs('/app'));

    const memberships = await sessionMemberships(page);
    const acme = memberships.find((m) => m.slug === 'acme-corp');
    const skywalker = memberships.find((m) => m.slug === 'skywalker-digital');
    expect(acme && skywalker).toBeTruthy();
    if (!acme || !skywalker) return;

    const switcher = page.getByTestId('account-switcher');
    const card = page.getByTestId('current-account');
    const storedAccountId = () => page.evaluate(() => localStorage.getItem('gallerist.accountId'));

    await switcher.click();
    await page.getByTestId('account-option-acme-corp').click();
    await expect.poll(() => switcher.textContent()).toContain(acme.name);
    await expect.poll(() => card.textContent()).toContain('acme-corp');
    expect(await storedAccountId()).toBe(acme.accountId);

    await switcher.click();
    await page.getByTestId('account-option-skywalker-digital').click();
    await expect.poll(() => switcher.textContent()).toContain(skywalker.name);
    await expect.poll(() => card.textContent()).toContain('skywalker-digital');
    expect(await storedAccountId()).toBe(skywalker.accountId);

    await page.reload();
    await expect.poll(() => switcher.textContent()).toContain(skywalker.name);
    await expect.poll(() => card.textContent()).toContain('skywalker-digital');

    // The members page follows the selected account.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
    await page.waitForURL(pathIs('/app/members'));
    await page.getByRole('table', { name: `Members of ${skywalker.name}` }).waitFor();
  });

  it('answers a sign-up for a registered address like any other and emails the owner', async () => {
    const page = await newPage();
    const email = 'provider@demo.gallerist.dev';
    await page.goto('/sign-up');
    await page.getByLabel('Full name').fill('Someone Else');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill('someone-elses-password');
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    expect((await page.context().cookies()).some((c) => c.name === 'gallerist_session')).toBe(false);

    const link = await emailedLink(email, 'sign_up_existing_account', /\/sign-in\?email=[^\s"'<>&]+/);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Welcome back' }).waitFor();
    expect(await page.getByLabel('Email').inputValue()).toBe(email);
    await submitSignIn(page, email, DEMO_PASSWORD);
    await page.waitForURL(pathIs('/app'));
  });

  it('resets a forgotten password through the emailed link', async () => {
    const page = await newPage({ width: 375, height: 800 });
    const email = 'artist@demo.gallerist.dev';
    await page.goto('/forgot-password');
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();

    let link: string | undefined;
    await expect
      .poll(async () => {
        const mails: TestMail[] = await app.mailbox();
        const mail = mails.filter((m) => m.to.includes(email)).at(-1);
        link = `${mail?.text ?? ''} ${mail?.html ?? ''}`.match(/\/reset-password\?token=[^\s"'<>&]+/)?.[0];
        return link;
      })
      .toBeTruthy();

    await page.goto(link!);
    await page.getByLabel('New password', { exact: true }).fill('a-brand-new-password');
    await page.getByLabel('Confirm new password').fill('a-brand-new-password');
    await page.getByRole('button', { name: 'Update password' }).click();
    await page.waitForURL(pathIs('/app'));

    // On a phone the header collapses into a menu.
    await page.getByRole('button', { name: 'Open menu' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(pathIs('/'));
    await signIn(page, email, 'a-brand-new-password');
    await page.waitForURL(pathIs('/app'));
  });
});
