import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateAgentPlatform } from '../../src/agents/index.ts';
import { startTestApp } from '../../test/app.ts';
import { closeAll, hasChromium, launchBrowser, openPage, publicUrlContext, signIn, type TestApp } from './support.ts';

describe.skipIf(!hasChromium)('web: agent platforms (ACP) in admin', () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let page: Page;

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
    // Phone width: the page must work there too.
    page = await openPage(browser, contexts, publicUrlContext(app, { width: 390, height: 844 }));
    await signIn(page, 'admin@demo.gallerist.dev');
    await page.waitForURL((u) => u.pathname === '/app');
  });
  afterAll(() => closeAll(contexts, browser, app));

  it('registers a platform whose token is shown once and works on the ACP API, then revokes it', async () => {
    await page.goto('/admin/agent-platforms');
    await page.getByText('No agent platforms yet').waitFor();
    await page.getByLabel('Name').fill('Example agent');
    await page.getByLabel('Webhook URL').fill('http://shop-agent.example.com/hooks');
    await page.getByRole('button', { name: 'Register platform' }).click();
    await page.getByText('The webhook URL must use https.').waitFor();
    await page.getByLabel('Webhook URL').fill('https://agent.example.com/acp/events');
    await page.getByRole('button', { name: 'Register platform' }).click();
    const token = (await page.getByTestId('agent-platform-token').textContent()) ?? '';
    expect(token).toMatch(/^gacp_/);
    expect(await page.getByTestId('agent-platform-webhook-secret').textContent()).toMatch(/^whsec_/);
    await page.getByRole('row', { name: /Example agent/ }).waitFor();

    // The token opens the ACP API for that platform, and only it.
    const probe = await fetch(`${app.url}/acp/checkout_sessions/cs_none000000000000000`, {
      headers: { Authorization: `Bearer ${token}`, 'API-Version': '2026-04-17' },
    });
    expect(probe.status).toBe(404);
    expect(await authenticateAgentPlatform(app.platform.deps.db, token)).toMatchObject({ name: 'Example agent' });

    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('agent-platform-token').waitFor({ state: 'detached' });
    await page.reload();
    expect(await page.content()).not.toContain(token);
    await page.getByRole('button', { name: 'Revoke Example agent' }).click();
    await page.getByRole('button', { name: 'Revoke platform' }).click();
    await page.getByText('Revoked', { exact: true }).waitFor();
    expect(await authenticateAgentPlatform(app.platform.deps.db, token)).toBeNull();
    const refused = await fetch(`${app.url}/acp/checkout_sessions/cs_none000000000000000`, {
      headers: { Authorization: `Bearer ${token}`, 'API-Version': '2026-04-17' },
    });
    expect(refused.status).toBe(401);
  });
});
