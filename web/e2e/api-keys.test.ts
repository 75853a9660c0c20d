import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateApiKey } from '../../src/agents/api-keys.ts';
import { createMcpServer } from '../../src/agents/mcp/server.ts';
import { startTestApp } from '../../test/app.ts';
import { closeAll, hasChromium, launchBrowser, openPage, publicUrlContext, signIn, type TestApp } from './support.ts';

describe.skipIf(!hasChromium)('web: API keys for agents', () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let page: Page;

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
    // Phone width: the page must work there too.
    page = await openPage(browser, contexts, publicUrlContext(app, { width: 390, height: 844 }));
    await signIn(page, 'studio@demo.gallerist.dev');
    await page.waitForURL((u) => u.pathname === '/app');
  });
  afterAll(() => closeAll(contexts, browser, app));

  it('creates a key shown once, which an MCP client can use, then revokes it', async () => {
    await page.goto('/app/api-keys');
    await page.getByText('No API keys yet').waitFor();
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByText('Name the key.').waitFor();
    await page.getByLabel('Name').fill('Claude Desktop');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('api-key-secret').textContent()) ?? '';
    expect(secret).toMatch(/^gk_live_/);
    await page.getByRole('row', { name: /Claude Desktop/ }).waitFor();

    // The key works for an agent: the MCP server built on the same deps lists its tools for it.
    const principal = await authenticateApiKey(app.platform.deps.db, secret);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const server = createMcpServer(app.platform.deps, principal);
    await server.connect(serverSide);
    const client = new Client({ name: 'e2e', version: '1.0.0' });
    await client.connect(clientSide);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('create_gallery_checkout');
    await client.close();

    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('api-key-secret').waitFor({ state: 'detached' });
    await page.reload();
    // Used once above, so "Last used" is filled in; the secret itself is never shown again.
    const row = page.getByRole('row', { name: /Claude Desktop/ });
    await row.waitFor();
    expect(await row.textContent()).not.toContain('Never');
    expect(await page.content()).not.toContain(secret);
    await page.getByRole('button', { name: 'Revoke Claude Desktop' }).click();
    await page.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText('Revoked', { exact: true }).waitFor();
    await expect(authenticateApiKey(app.platform.deps.db, secret)).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('tells a plain member that only admins manage keys', async () => {
    const member = await openPage(browser, contexts, publicUrlContext(app, { width: 1280, height: 800 }));
    await signIn(member, 'member@demo.gallerist.dev');
    await member.waitForURL((u) => u.pathname === '/app');
    await member.goto('/app/api-keys');
    await member.getByText('Only the account’s owners and admins manage API keys.').waitFor();
  });
});
