import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

// Debian's old headless shell renders the same Blink without the full browser around it: the browser suites ran in
// about 30 % less time and CPU with it on two cores. The full chromium is the fallback.
const CANDIDATES = ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'];

/** The system chromium the browser suites drive, if any; suites skip where none is installed. */
const chromiumPath = CANDIDATES.find((path) => existsSync(path));

/** Whether the browser suites can run on this machine. */
export const hasChromium = chromiumPath !== undefined;

/** Launches headless chromium with the flags that let it run in containers and CI. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
