import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from '../../test/browser.ts';
import type { TestEmulator } from './helpers.ts';
import { setupEmulator } from './helpers.ts';

export { hasChromium } from '../../test/browser.ts';

/** What a hosted-page test needs; filled in by `beforeAll`, so read it inside tests. */
export interface HostedPages {
  t: TestEmulator;
  browser: Browser;
  /** Base URL of a stub shop whose pages echo their path in `#shop` (success, cancel and return URLs). */
  shop: string;
}

/** Call inside a describe: starts an emulator, a stub shop and headless chromium, and closes them afterwards. */
export function useHostedPages(): HostedPages {
  const h = {} as HostedPages;
  const shopServer = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>shop</title><h1 id="shop">${req.url}</h1>`);
  });
  beforeAll(async () => {
    h.t = await setupEmulator();
    await new Promise<void>((resolve) => shopServer.listen(0, '127.0.0.1', resolve));
    h.shop = `http://127.0.0.1:${(shopServer.address() as AddressInfo).port}`;
    h.browser = await launchBrowser();
  });
  afterAll(async () => {
    await h.browser?.close();
    await h.t?.emu.stop();
    await new Promise((resolve) => shopServer.close(resolve));
  });
  return h;
}
