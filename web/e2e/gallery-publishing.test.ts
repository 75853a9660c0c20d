import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withService } from '../../src/db/tenancy.ts';
import { newGalleryToken } from '../../src/shop/galleries.ts';
import { startTestApp } from '../../test/app.ts';
import {
  closeAll,
  hasChromium,
  launchBrowser,
  mailsTo,
  openPage,
  publicUrlContext,
  signIn,
  type TestApp,
} from './support.ts';

const STUDIO = 'studio@demo.gallerist.dev';
const CLIENT = 'mira.publishing@example.com';

describe.skipIf(!hasChromium)('web: gallery publishing (status, copy link, send to client)', () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let studio: Page;
  let gallery: { id: string; token: string };

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
    // A phone-sized viewport: publishing must work there too.
    studio = await openPage(browser, contexts, publicUrlContext(app, { width: 390, height: 844 }));
    // Headless chromium's real clipboard can stall without window focus: record what the page copies instead.
    await studio.addInitScript(() => {
      Object.defineProperty(navigator, 'clipboard', {
        configurable: true,
        value: {
          writeText: async (text: string) => {
            (window as unknown as { copied?: string }).copied = text;
          },
        },
      });
    });
    gallery = await withService(app.platform.deps.db, async (tx) => {
      const { id: accountId } = await tx
        .selectFrom('accounts')
        .select('id')
        .where('slug', '=', 'lumen-photography')
        .executeTakeFirstOrThrow();
      const client = await tx
        .insertInto('studio_clients')
        .values({ account_id: accountId, name: 'Mira Publishing', email: CLIENT })
        .returning('id')
        .executeTakeFirstOrThrow();
      return tx
        .insertInto('galleries')
        .values({ account_id: accountId, token: newGalleryToken(), title: 'Mira portraits', client_id: client.id })
        .returning(['id', 'token'])
        .executeTakeFirstOrThrow();
    });
    await signIn(studio, STUDIO);
    await studio.waitForURL((u) => u.pathname === '/app');
  });

  afterAll(() => closeAll(contexts, browser, app));

  it('explains a draft, publishes it, copies the link and sends it to the client', async () => {
    await studio.goto(`/studio/galleries/${gallery.id}`);
    await studio.getByRole('heading', { name: 'Mira portraits' }).waitFor();
    await studio.getByText("Clients can't open the link until you publish.").waitFor();
    const send = studio.getByRole('button', { name: 'Send to client' });
    expect(await send.isDisabled()).toBe(true);
    await studio.getByText('Publish the gallery first').waitFor();
    expect(await studio.getByRole('button', { name: 'Preview as client' }).isDisabled()).toBe(true);

    await studio.getByRole('button', { name: 'Publish', exact: true }).click();
    await studio.getByText('Gallery published').first().waitFor();
    await studio.getByText('Anyone with the link').waitFor();
    expect(await send.isDisabled()).toBe(false);
    const link = `${app.platform.deps.config.publicUrl}/g/${gallery.token}`;
    const preview = studio.getByRole('link', { name: 'Preview as client' });
    expect(await preview.getAttribute('href')).toBe(link);
    expect(await preview.getAttribute('target')).toBe('_blank');

    expect(await studio.getByRole('textbox', { name: 'Private link' }).inputValue()).toBe(link);
    await studio.getByRole('button', { name: 'Copy', exact: true }).click();
    await studio.getByText('Link copied').first().waitFor();
    expect(await studio.evaluate(() => (window as unknown as { copied?: string }).copied)).toBe(link);

    await send.click();
    const dialog = studio.getByRole('dialog', { name: 'Send to client' });
    const recipient = dialog.getByLabel('Recipient email');
    expect(await recipient.inputValue()).toBe(CLIENT);
    await recipient.fill('not-an-email');
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    await dialog.getByText(/valid email/i).waitFor();

    await recipient.fill(CLIENT);
    await dialog.getByLabel('Message (optional)').fill('Your portraits are ready!');
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    await studio.getByText(`Gallery sent to ${CLIENT}`).first().waitFor();
    await dialog.waitFor({ state: 'detached' });

    const [mail] = await mailsTo(app, CLIENT, 'shop.gallery_shared');
    expect(mail.subject).toContain('Mira portraits');
    expect(mail.text).toContain(link);
    expect(mail.text).toContain('Hello Mira Publishing');
    expect(mail.text).toContain('Your portraits are ready!');
  });
});
