import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEmulator } from './testing/helpers.ts';
import { setupEmulator } from './testing/helpers.ts';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('hosted Connect onboarding in chromium', () => {
  let t: TestEmulator;
  let browser: Browser;
  let shop: string;
  const shopServer = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>shop</title><h1 id="shop">${req.url}</h1>`);
  });

  beforeAll(async () => {
    t = await setupEmulator();
    await new Promise<void>((resolve) => shopServer.listen(0, '127.0.0.1', resolve));
    shop = `http://127.0.0.1:${(shopServer.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.emu.stop();
    await new Promise((resolve) => shopServer.close(resolve));
  });

  it('shows a validation error, then onboards and returns to return_url', async () => {
    const a = await t.stripe.accounts.create({
      type: 'express',
      email: 'painter@example.com',
      capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
    });
    const link = await t.stripe.accountLinks.create({
      account: a.id,
      type: 'account_onboarding',
      refresh_url: `${shop}/refresh`,
      return_url: `${shop}/return`,
    });
    const page = await browser.newPage();
    await page.goto(link.url);
    expect(await page.inputValue('#email')).toBe('painter@example.com');
    expect(await page.inputValue('#routing')).toBe('110000000');
    await page.fill('#businessName', '');
    await page.click('#submitOnboarding');
    expect(await page.textContent('#error')).toContain('business name');
    await page.fill('#businessName', 'Painter Studio');
    await page.fill('#phone', '+1 555 0100');
    await page.fill('#dob', '1985-04-12');
    await page.click('#submitOnboarding');
    await page.waitForURL(`${shop}/return`);
    expect(await page.textContent('#shop')).toBe('/return');
    const done = await t.stripe.accounts.retrieve(a.id);
    expect(done).toMatchObject({ charges_enabled: true, payouts_enabled: true, details_submitted: true });
    expect(done.business_profile?.name).toBe('Painter Studio');
    await page.close();
  });
});
