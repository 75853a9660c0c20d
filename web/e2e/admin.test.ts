import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withService } from '../../src/db/tenancy.ts';
import { startTestApp } from '../../test/app.ts';
import { insertArtistAccount, insertArtwork, insertSale } from '../../test/fixtures/marketplace-admin.ts';
import { closeAll, hasChromium, launchBrowser, openPage, publicUrlContext, signIn, type TestApp } from './support.ts';

const ADMIN = 'admin@demo.gallerist.dev';
const MEMBER = 'member@demo.gallerist.dev';

describe.skipIf(!hasChromium)('web: platform admin', () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let artistAccountId: string;
  let saleId: string;

  beforeAll(async () => {
    app = await startTestApp();
    const db = app.platform.deps.db;
    artistAccountId = (
      await withService(db, (tx) =>
        tx.selectFrom('accounts').select('id').where('slug', '=', 'mira-okafor').executeTakeFirstOrThrow(),
      )
    ).id;
    const artworkId = await insertArtwork(db, artistAccountId, 'Tidal Archive');
    saleId = await insertSale(db, {
      accountId: artistAccountId,
      artworkId,
      currency: 'eur',
      amount: 240_000,
      fee: 120_000,
      at: new Date().toISOString(),
    });
    browser = await launchBrowser();
  });

  afterAll(() => closeAll(contexts, browser, app));

  const newPage = (width = 1280): Promise<Page> =>
    openPage(browser, contexts, publicUrlContext(app, { width, height: 900 }));

  const userRow = (email: string) =>
    withService(app.platform.deps.db, (tx) =>
      tx.selectFrom('users').select(['id', 'suspended_at']).where('email', '=', email).executeTakeFirstOrThrow(),
    );

  it('suspends a user from their detail page (reason required), which blocks their sign-in, then lifts it', async () => {
    const page = await newPage();
    await signIn(page, ADMIN);
    await page.waitForURL((u) => u.pathname === '/app');
    await page.goto('/admin');
    await page.getByLabel('Search users').fill('member@demo');
    const row = page.getByRole('table', { name: 'Users' }).getByRole('row').filter({ hasText: MEMBER });
    await row.waitFor();
    await expect.poll(() => page.getByRole('table', { name: 'Users' }).getByRole('row').count()).toBe(2);
    await row.getByRole('link').click();
    await page.waitForURL((u) => u.pathname.startsWith('/admin/users/'));
    await page.getByRole('heading', { level: 1 }).waitFor();

    await page.getByRole('button', { name: 'Suspend user' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Suspend this user?' });
    await dialog.getByRole('button', { name: 'Suspend user' }).click();
    await dialog.getByText('Give a reason').waitFor();
    expect((await userRow(MEMBER)).suspended_at).toBeNull();
    await dialog.getByLabel(/Reason/).fill('Repeated chargebacks');
    await dialog.getByRole('button', { name: 'Suspend user' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Suspended', { exact: true }).first().waitFor();
    expect((await userRow(MEMBER)).suspended_at).not.toBeNull();
    await page.getByText('user.suspended').waitFor();

    const blocked = await newPage(390);
    await signIn(blocked, MEMBER);
    await blocked
      .getByText(/suspended/i)
      .first()
      .waitFor();
    expect(new URL(blocked.url()).pathname).toBe('/sign-in');
    expect((await app.mailbox(MEMBER)).map((m) => m.subject)).toContain('Your Gallerist account is suspended');

    await page.getByRole('button', { name: 'Unsuspend user' }).click();
    const lift = page.getByRole('alertdialog', { name: 'Lift this suspension?' });
    await lift.getByRole('button', { name: 'Unsuspend user' }).click();
    await lift.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await userRow(MEMBER)).suspended_at).toBeNull();
  });

  it('shows marketplace analytics, the transactions list with a CSV link, and saves the fee', async () => {
    const page = await newPage();
    await signIn(page, ADMIN);
    await page.waitForURL((u) => u.pathname === '/app');
    await page.goto('/admin/marketplace');
    await page.getByRole('navigation', { name: 'Marketplace admin' }).getByRole('link', { name: 'Analytics' }).click();
    await page.waitForURL((u) => u.pathname === '/admin/marketplace/analytics');
    await expect.poll(() => page.getByTestId('gmv-total-eur').textContent()).toBe('€2,400.00');
    await page.getByRole('img', { name: /GMV and fee revenue per month/ }).waitFor();
    await page.getByRole('table', { name: 'Top artworks' }).getByText('Tidal Archive').waitFor();

    await page.getByRole('link', { name: 'Transactions' }).click();
    const table = page.getByRole('table', { name: 'Transactions' });
    const link = table.getByRole('link', { name: 'Tidal Archive' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`/marketplace/sales/${saleId}`);
    expect(await table.textContent()).toContain('€1,200.00');
    const csv = page.getByRole('link', { name: 'Download CSV' });
    const res = await page.request.get((await csv.getAttribute('href')) ?? '');
    expect(res.status()).toBe(200);
    expect(await res.text()).toContain('Tidal Archive');

    await page
      .getByRole('navigation', { name: 'Marketplace admin' })
      .getByRole('link', { name: 'Fee settings' })
      .click();
    const fee = page.getByLabel('Platform fee (%)');
    await expect.poll(() => fee.inputValue()).toBe('50');
    await fee.fill('42.5');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Currently 42.5% per sale.').waitFor();
    const s = await withService(app.platform.deps.db, (tx) =>
      tx.selectFrom('marketplace_settings').selectAll().executeTakeFirstOrThrow(),
    );
    expect(s.fee_bps).toBe(4250);
  });

  it('finds any of more than a hundred artists by typing, for a fee override and the transactions filter', async () => {
    const db = app.platform.deps.db;
    const owner = await userRow(ADMIN);
    let target = '';
    for (let i = 1; i <= 120; i++) {
      const n = String(i).padStart(3, '0');
      const id = await insertArtistAccount(db, owner.id, `picker-artist-${n}`, `Picker Artist ${n}`);
      if (i === 117) target = id;
    }
    const page = await newPage();
    await signIn(page, ADMIN);
    await page.waitForURL((u) => u.pathname === '/app');
    await page.goto('/admin/marketplace/settings');
    const picker = page.getByRole('combobox', { name: 'Artist' });
    await picker.fill('nobody-like-this');
    await page.getByRole('status').getByText('No artist matches “nobody-like-this”').waitFor();
    // The 117th of 120 (far past the first 100), chosen with the keyboard.
    await picker.fill('artist 117');
    await page.getByRole('option', { name: /Picker Artist 117/ }).waitFor();
    await picker.press('ArrowDown');
    await picker.press('ArrowUp');
    await picker.press('Enter');
    await expect.poll(() => picker.inputValue()).toBe('Picker Artist 117');
    expect(await picker.getAttribute('aria-expanded')).toBe('false');
    await page.getByLabel('Fee (%)', { exact: true }).fill('10');
    await page.getByRole('button', { name: 'Set override' }).click();
    await expect
      .poll(
        async () =>
          (
            await withService(db, (tx) =>
              tx
                .selectFrom('artist_profiles')
                .select('fee_bps')
                .where('account_id', '=', target)
                .executeTakeFirstOrThrow(),
            )
          ).fee_bps,
      )
      .toBe(1000);

    await page.goto('/admin/marketplace/transactions');
    const filter = page.getByRole('combobox', { name: 'Artist' });
    await expect.poll(() => filter.inputValue()).toBe('All artists');
    await filter.fill('mira');
    await page.getByRole('option', { name: /Mira Okafor/ }).click();
    await page.waitForURL((u) => u.searchParams.get('artist') === artistAccountId);
    await page.getByRole('table', { name: 'Transactions' }).getByText('Tidal Archive').waitFor();
    // Reloaded from the address bar, the filter names its artist.
    await page.reload();
    await expect.poll(() => page.getByRole('combobox', { name: 'Artist' }).inputValue()).toBe('Mira Okafor');
    await page.getByRole('combobox', { name: 'Artist' }).click();
    await page.getByRole('option', { name: 'All artists' }).click();
    await page.waitForURL((u) => !u.searchParams.has('artist'));
  });

  it('suspends an artist account from the accounts tab and its works leave the public catalog', async () => {
    const page = await newPage(390);
    await signIn(page, ADMIN);
    await page.waitForURL((u) => u.pathname === '/app');
    await page.goto('/art?artist=mira-okafor');
    const visitorCount = async () =>
      (await (await page.request.get('/api/marketplace/artworks?artist=mira-okafor')).json()).total as number;
    expect(await visitorCount()).toBeGreaterThan(0);
    await page.goto('/admin?tab=accounts&q=mira');
    const row = page.getByRole('table', { name: 'Accounts' }).getByRole('row').filter({ hasText: 'mira-okafor' });
    await row.getByRole('button', { name: /Suspend/ }).click();
    const dialog = page.getByRole('alertdialog', { name: /Suspend Mira Okafor/ });
    await dialog.getByLabel(/Reason/).fill('Counterfeit listings');
    await dialog.getByRole('button', { name: 'Suspend account' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.getByText('Suspended').waitFor();
    expect(await visitorCount()).toBe(0);
    await row.getByRole('button', { name: /Unsuspend/ }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Unsuspend account' }).click();
    await expect.poll(visitorCount).toBeGreaterThan(0);
  });
  it('shows assistant usage per user and model, with an empty state for a quiet period', async () => {
    const db = app.platform.deps.db;
    const member = await userRow(MEMBER);
    await withService(db, (tx) =>
      tx
        .insertInto('assistant_usage')
        .values([
          { user_id: member.id, assistant: 'patron', model: 'test-model', input_tokens: 1200, output_tokens: 340 },
          { user_id: member.id, assistant: 'patron', model: 'test-model', input_tokens: 800, output_tokens: 160 },
          { guest: true, assistant: 'patron', model: 'test-model', input_tokens: 50, output_tokens: 10 },
        ])
        .execute(),
    );
    const page = await newPage();
    await signIn(page, ADMIN);
    await page.waitForURL((u) => u.pathname === '/app');
    await page.goto('/admin/assistant-usage');
    const table = page.getByRole('table', { name: 'Assistant usage' });
    const row = table.getByRole('row').filter({ hasText: MEMBER });
    await row.waitFor();
    expect(await row.getByRole('cell').allTextContents()).toEqual([
      MEMBER,
      '—',
      'Patron',
      'test-model',
      '2',
      '2,000',
      '500',
    ]);
    await table.getByRole('row').filter({ hasText: 'guests' }).waitFor();
    await page.getByRole('heading', { name: 'Assistant usage', level: 1 }).waitFor();
    await page.getByText('3 model calls, 2,560 tokens in the period.').waitFor();

    // A stranger and a patron get no usage.
    const res = await fetch(`${app.url}/api/admin/assistant/usage`);
    expect(res.status).toBe(401);
  });
});
