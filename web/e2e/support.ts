import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import sharp from 'sharp';
import type { TestApp, TestMail } from '../../test/app.ts';

export { hasChromium, launchBrowser } from '../../test/browser.ts';
export type { TestApp };

/** The password every seeded demo user shares. */
export const DEMO_PASSWORD = 'gallerist-demo';

/** A page in a fresh browser profile (own cookies and localStorage), recorded in `contexts` for closeAll. */
export async function openPage(
  browser: Browser,
  contexts: BrowserContext[],
  options: BrowserContextOptions,
  // Generous: CI machines run the suite on two cores beside the database and other test files.
  timeout = 30_000,
): Promise<Page> {
  const context = await browser.newContext(options);
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  return page;
}

/**
 * Context options on the public URL (localhost), which Checkout's and onboarding's return links point at, so the
 * session cookie survives the round trip; fixed locale and time zone so dates and money render predictably.
 */
export function publicUrlContext(app: TestApp, viewport: { width: number; height: number }): BrowserContextOptions {
  return { baseURL: app.platform.deps.config.publicUrl, viewport, locale: 'en-US', timezoneId: 'UTC' };
}

/** Tears a suite down; each step tolerates a beforeAll that failed before creating it. */
export async function closeAll(contexts: BrowserContext[], browser: Browser | undefined, app: TestApp | undefined) {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await app?.stop();
}

/** A `waitForURL` predicate matching the path exactly (ignoring the query). */
export const pathIs = (path: string) => (url: URL) => url.pathname === path;

/** A `waitForURL` predicate for the emulator's hosted Checkout page. */
export const onHostedCheckout = (url: URL) => url.pathname.startsWith('/c/pay/');

/** Fills and submits the sign-in form on the current page. */
export async function submitSignIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Signs in through the form; callers wait for where they expect to land, since a refused sign-in stays put. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/sign-in');
  await submitSignIn(page, email, password);
}

/** A shipping address as the hosted Checkout page asks for it. */
export interface CheckoutShipping {
  name: string;
  line1: string;
  city: string;
  postalCode: string;
  country: string;
}

/** Pays on the emulator's hosted Checkout page the browser is on; shipping only where the session collects it. */
export async function payOnHostedCheckout(page: Page, card: string, billingName: string, shipping?: CheckoutShipping) {
  await page.fill('#cardNumber', card);
  await page.fill('#cardExpiry', '12 / 34');
  await page.fill('#cardCvc', '123');
  await page.fill('#billingName', billingName);
  if (shipping) {
    await page.fill('#shippingName', shipping.name);
    await page.fill('#shippingLine1', shipping.line1);
    await page.fill('#shippingCity', shipping.city);
    await page.fill('#shippingPostalCode', shipping.postalCode);
    await page.selectOption('#shippingCountry', shipping.country);
  }
  await page.click('#submit');
}

/** The mails of one template sent to an address so far. */
export async function mailsTo(app: TestApp, to: string, template: string): Promise<TestMail[]> {
  return (await app.mailbox(to)).filter((m) => m.template === template);
}

/** A solid-colour image, so uploads exercise real decoding without fixture files. */
export function solidImage(opts: {
  format: 'jpeg' | 'png';
  width: number;
  height: number;
  background: string;
  channels?: 3 | 4;
  quality?: number;
}): Promise<Buffer> {
  const image = sharp({
    create: { width: opts.width, height: opts.height, channels: opts.channels ?? 3, background: opts.background },
  });
  return (opts.format === 'jpeg' ? image.jpeg({ quality: opts.quality }) : image.png()).toBuffer();
}

/** axe-core's browser bundle, evaluated in pages by expectNoAxeViolations (a script tag would break the CSP). */
let axeSource: string | undefined;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Runs axe-core on the page (WCAG 2 A/AA and best practices) and fails with one line per violation (rule, impact,
 * the offending elements' selectors) if there is any. `label` names the page in the failure message.
 */
export async function expectNoAxeViolations(page: Page, label: string) {
  if (!(await page.evaluate(() => 'axe' in window))) {
    axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    await page.evaluate(axeSource);
  }
  // A dialog still fading in has text at partial opacity, which axe reports as low contrast: let finite
  // animations (open/close transitions, not spinners) end first.
  await page.evaluate(() =>
    Promise.race([
      Promise.all(
        document
          .getAnimations()
          .filter((a) => Number.isFinite(Number(a.effect?.getComputedTiming().endTime)))
          .map((a) => a.finished.catch(() => undefined)),
      ),
      new Promise((r) => setTimeout(r, 2000)),
    ]),
  );
  const violations = await page.evaluate(async () => {
    // axe-core's script defines it as a global.
    const { axe } = window as unknown as {
      axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> };
    };
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations;
  });
  if (violations.length === 0) return;
  const lines = violations.map(
    (v) =>
      `- ${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.map(String).join(' >>> ')}`).join('\n')}`,
  );
  throw new Error(`axe found ${violations.length} violation(s) on ${label} (${page.url()}):\n${lines.join('\n')}`);
}
