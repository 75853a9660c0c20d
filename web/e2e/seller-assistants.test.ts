import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withService } from '../../src/db/tenancy.ts';
import { startTestApp } from '../../test/app.ts';
import { type ScriptedLlm, startScriptedLlm } from '../../test/fixtures/scripted-llm.ts';
import { closeAll, hasChromium, launchBrowser, openPage, publicUrlContext, signIn, type TestApp } from './support.ts';

const STUDIO = 'studio@demo.gallerist.dev';
const ARTIST = 'artist@demo.gallerist.dev';
const DRAFT = 'Warm ochre light falls across layered fields of colour, a quiet horizon held between two bands of blue.';

describe.skipIf(!hasChromium)('web: the studio and artist assistants', () => {
  let app: TestApp;
  let llm: ScriptedLlm;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const ids: Record<string, string> = {};
  let gallery: { id: string; photoId: string };

  beforeAll(async () => {
    llm = await startScriptedLlm();
    app = await startTestApp({
      env: {
        LLM_BASE_URL: llm.url,
        LLM_API_KEY: 'sk-test',
        LLM_MODEL: 'scripted-1',
        LLM_VISION_MODEL: 'scripted-vision',
      },
    });
    browser = await launchBrowser();
    const db = app.platform.deps.db;
    for (const a of await withService(db, (tx) => tx.selectFrom('accounts').select(['id', 'slug']).execute())) {
      ids[a.slug] = a.id;
    }
    gallery = await withService(db, (tx) =>
      tx
        .selectFrom('galleries as g')
        .innerJoin('gallery_photos as p', 'p.gallery_id', 'g.id')
        .select(['g.id', 'p.id as photoId'])
        .where('g.account_id', '=', ids['lumen-photography'])
        .where('g.status', '=', 'published')
        .orderBy('p.position')
        .executeTakeFirstOrThrow(),
    );
  });

  afterAll(async () => {
    await closeAll(contexts, browser, app);
    await llm?.stop();
  });

  const newPage = (viewport = { width: 1280, height: 900 }): Promise<Page> =>
    openPage(browser, contexts, publicUrlContext(app, viewport), 20_000);

  async function signedIn(email: string, viewport?: { width: number; height: number }): Promise<Page> {
    const page = await newPage(viewport);
    await signIn(page, email);
    await page.waitForURL((u) => u.pathname === '/app');
    return page;
  }

  async function open(page: Page, button: string, title: string): Promise<Locator> {
    await page.getByRole('button', { name: button }).click();
    const panel = page.getByRole('dialog', { name: title });
    await panel.waitFor();
    return panel;
  }

  /** Sends a message and waits until the reply has ended (Send is back). */
  async function ask(panel: Locator, label: string, text: string) {
    await panel.getByRole('textbox', { name: label }).fill(text);
    await panel.getByRole('button', { name: 'Send', exact: true }).click();
    await panel.getByRole('button', { name: 'Stop', exact: true }).waitFor({ state: 'detached' });
  }

  it('a. the studio asks to sell a print: the checkout link card opens the emulator’s payment page (on a phone, nothing overflows)', async () => {
    const page = await signedIn(STUDIO, { width: 390, height: 844 });
    await page.goto('/studio/galleries');
    await page.getByRole('heading', { name: 'Galleries', level: 1 }).waitFor();
    // The studio has no artist account: no artist assistant anywhere on its pages.
    expect(await page.getByRole('button', { name: 'Ask the artist assistant' }).count()).toBe(0);
    const socket = page.waitForEvent('websocket');
    const panel = await open(page, 'Ask the studio assistant', 'Studio assistant');
    const suggestions = panel.getByRole('list', { name: 'Suggestions' });
    await suggestions.getByRole('button', { name: 'Sales this month' }).waitFor();
    await suggestions.getByRole('button', { name: 'Send Jamie a checkout link for an A3 print' }).waitFor();

    const items = [{ product_sku: 'PRINT-A3', variant: ['Matte', 'Oak frame'], qty: 1, photo_id: gallery.photoId }];
    llm.setScript((_req, n) =>
      n === 0
        ? { toolCall: { name: 'create_gallery_checkout', arguments: { gallery_id: gallery.id, items } } }
        : { text: 'Here is the checkout link for **Jamie**.' },
    );
    // The studio assistant talks over its live session, opened for the selected studio.
    await panel.getByText('Live session connected').waitFor();
    expect(new URL((await socket).url()).searchParams.get('accountId')).toBe(ids['lumen-photography']);
    await ask(panel, 'Message the studio assistant', 'Sell Jamie an A3 matte print with an oak frame');

    const card = panel.getByRole('log', { name: 'Conversation' }).locator('[aria-label="Checkout link"]');
    await card.waitFor();
    expect(await card.textContent()).toMatch(/Checkout link for jamie\.rivera@example\.com: .*\d/);
    const link = card.getByRole('link', { name: 'Open payment page' });
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
    await card.getByRole('button', { name: 'Copy link' }).waitFor();
    await panel.getByText('Here is the checkout link for').waitFor();

    // On a phone the sheet fills the screen and nothing scrolls sideways.
    expect(await panel.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    const widths = await page.evaluate(() => {
      const dialog = document.querySelector('[role="dialog"]') as HTMLElement;
      const log = dialog.querySelector('[role="log"]') as HTMLElement;
      return {
        page: document.scrollingElement?.scrollWidth ?? 0,
        dialog: [dialog.scrollWidth, dialog.clientWidth],
        log: [log.scrollWidth, log.clientWidth],
      };
    });
    expect(widths.page).toBeLessThanOrEqual(390);
    expect(widths.dialog[0]).toBeLessThanOrEqual(widths.dialog[1]);
    expect(widths.log[0]).toBeLessThanOrEqual(widths.log[1]);

    // Following the link opens the emulator's hosted payment page.
    const href = (await link.getAttribute('href')) ?? '';
    expect(href).toMatch(/^https?:\/\//);
    const payment = await newPage();
    const res = await payment.goto(href);
    expect(res?.status()).toBe(200);
    await payment.locator('#cardNumber').waitFor();
    expect(await payment.locator('#submit').textContent()).toMatch(/Pay/i);
  });

  it('b. the artist has a description drafted from the picture; it is saved only on “Use as description”', async () => {
    const db = app.platform.deps.db;
    const work = await withService(db, (tx) =>
      tx
        .selectFrom('artworks as w')
        .innerJoin('artwork_images as i', (j) => j.onRef('i.artwork_id', '=', 'w.id').on('i.is_primary', '=', true))
        .select(['w.id', 'w.title', 'w.description'])
        .where('w.account_id', '=', ids['mira-okafor'])
        // A published work: saving takes it back to draft, which the artist confirms first.
        .where('w.status', '=', 'published')
        .orderBy('w.created_at', 'desc')
        .executeTakeFirstOrThrow(),
    );
    const description = () =>
      withService(db, (tx) =>
        tx.selectFrom('artworks').select(['description', 'status']).where('id', '=', work.id).executeTakeFirstOrThrow(),
      );

    const page = await signedIn(ARTIST);
    await page.goto('/artist');
    await page.getByRole('heading', { name: 'Artist dashboard', level: 1 }).waitFor();
    const panel = await open(page, 'Ask the artist assistant', 'Artist assistant');
    const suggestions = panel.getByRole('list', { name: 'Suggestions' });
    await suggestions.getByRole('button', { name: 'Draft a description of my latest work' }).waitFor();
    await suggestions.getByRole('button', { name: 'Write a short artist bio' }).waitFor();

    llm.setScript((req, n) =>
      req.model === 'scripted-vision'
        ? { text: DRAFT }
        : n === 0
          ? { toolCall: { name: 'draft_artwork_description', arguments: { artwork_id: work.id } } }
          : { text: 'Here is a draft; press “Use as description” to save it.' },
    );
    const before = llm.requests.length;
    await ask(panel, 'Message the artist assistant', `Describe ${work.title}`);

    // The vision model was sent the picture as an image part.
    const vision = llm.requests.slice(before).find((q) => q.model === 'scripted-vision');
    const parts = (vision?.messages.find((m) => m.role === 'user')?.content ?? []) as Array<{
      type: string;
      image_url?: { url: string };
    }>;
    const image = parts.find((p) => p.type === 'image_url');
    expect(image?.image_url?.url).toMatch(/^data:image\/webp;base64,.{100,}/);

    const card = panel
      .getByRole('log', { name: 'Conversation' })
      .locator(`[aria-label="Description draft for ${work.title}"]`);
    await card.getByText(DRAFT).waitFor();
    // Nothing is saved before the artist's click.
    expect((await description()).description).toBe(work.description);

    // A published work goes back to draft to be edited: the confirmation says so, and Cancel changes nothing.
    const use = card.getByRole('button', { name: 'Use as description' });
    const confirm = page.getByRole('alertdialog');
    await use.click();
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await description()).toEqual({ description: work.description, status: 'published' });
    await use.click();
    await confirm.getByRole('button', { name: 'Use as description (the work goes back to draft for review)' }).click();
    await card.getByText(`Saved to “${work.title}”`).waitFor();
    const after = await description();
    expect(after).toEqual({ description: DRAFT, status: 'draft' });

    // The dashboard behind the sheet was refreshed: the work is editable (a draft) with the new description.
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    const row = page.getByRole('row').filter({ hasText: work.title });
    await row.getByRole('button', { name: 'Edit' }).click();
    const field = page.getByRole('textbox', { name: 'Description' });
    await field.waitFor();
    expect(await field.inputValue()).toBe(DRAFT);
  });

  it('d. the artist has a bio drafted from their profile and works: the card copies it, and saves it as the bio only on a click', async () => {
    const db = app.platform.deps.db;
    const BIO = 'Mira Okafor is a painter and printmaker who works between Lagos and Berlin, in layered oil and ink.';
    const publicBio = async () =>
      ((await (await fetch(`${app.url}/api/marketplace/artists/mira-okafor`)).json()) as { bio: string }).bio;
    const before = await publicBio();
    const stored = () =>
      withService(db, (tx) =>
        tx
          .selectFrom('artist_profiles')
          .select('bio')
          .where('account_id', '=', ids['mira-okafor'])
          .executeTakeFirstOrThrow(),
      );

    const page = await signedIn(ARTIST);
    // Headless chromium's real clipboard can stall without window focus: record what the page copies instead.
    await page.addInitScript(() => {
      Object.defineProperty(navigator, 'clipboard', {
        configurable: true,
        value: {
          writeText: async (text: string) => {
            (window as unknown as { copied?: string }).copied = text;
          },
        },
      });
    });
    await page.goto('/artist');
    await page.getByRole('heading', { name: 'Artist dashboard', level: 1 }).waitFor();
    const panel = await open(page, 'Ask the artist assistant', 'Artist assistant');

    // The writer's own model call is the one request that does not stream.
    llm.setScript((req, n) =>
      !req.stream
        ? { text: BIO }
        : n === 0
          ? { toolCall: { name: 'draft_artist_text', arguments: { kind: 'bio' } } }
          : { text: 'Here is a bio draft.' },
    );
    const sent = llm.requests.length;
    await ask(panel, 'Message the artist assistant', 'Write a short artist bio');
    const writer = llm.requests.slice(sent).find((q) => !q.stream);
    expect(String(writer?.messages.find((m) => m.role === 'user')?.content)).toContain(before);

    const card = panel.getByRole('log', { name: 'Conversation' }).locator('[aria-label="Bio draft"]');
    await card.getByText(BIO).waitFor();
    // A bio draft saves into the bio, but only on the artist's click: copying saves nothing.
    expect(await card.getByRole('button').allTextContents()).toEqual(['Save as bio', 'Copy text']);
    await card.getByRole('button', { name: 'Copy text' }).click();
    await card.getByText('Copied').waitFor();
    expect(await page.evaluate(() => (window as unknown as { copied?: string }).copied)).toBe(BIO);
    expect((await stored()).bio).toBe(before);
    expect(await publicBio()).toBe(before);

    await card.getByRole('button', { name: 'Save as bio' }).click();
    await card.getByText('Saved as your bio').waitFor();
    expect((await stored()).bio).toBe(BIO);
    expect(await publicBio()).toBe(BIO);

    // The dashboard's profile editor behind the sheet was refreshed with the saved bio.
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    const bio = page.getByRole('textbox', { name: 'Bio' });
    await expect.poll(() => bio.inputValue(), { timeout: 10_000 }).toBe(BIO);
    await page.getByTestId('bio-counter').getByText(`${BIO.length} / 5000`).waitFor();

    // And the public artist page shows it.
    await page.getByRole('link', { name: 'View public page' }).click();
    await page.waitForURL((u) => u.pathname === '/artists/mira-okafor');
    await page.getByRole('heading', { name: 'Mira Okafor', level: 1 }).waitFor();
    await page.getByTestId('artist-bio').getByText(BIO).waitFor();
  });

  it('e. the artist edits the bio on the dashboard (on a phone): the counter, a refused save, then a saved one', async () => {
    const page = await signedIn(ARTIST, { width: 390, height: 844 });
    await page.goto('/artist');
    await page.getByRole('heading', { name: 'Public profile', level: 2 }).waitFor();
    const bio = page.getByRole('textbox', { name: 'Bio' });
    const save = page.getByRole('button', { name: 'Save bio' });
    // Over the limit the counter warns and Save stays off.
    await bio.fill('x'.repeat(5001));
    await page.getByTestId('bio-counter').getByText('5001 / 5000').waitFor();
    expect(await save.isDisabled()).toBe(true);
    const text = 'Mira Okafor paints in layered oil and ink.\n\nShe lives between Lagos and Berlin.';
    await bio.fill(text);
    await save.click();
    await page.getByText('Bio saved').waitFor();
    expect(await bio.inputValue()).toBe(text);
    // The editor fits the phone's width, and so does the page.
    const box = await page.locator('#public-profile').boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const res = await fetch(`${app.url}/api/marketplace/artists/mira-okafor`);
    expect(((await res.json()) as { bio: string }).bio).toBe(text);
  });

  it('c. a member of a studio only (no artist account) never sees the artist assistant', async () => {
    const page = await signedIn(STUDIO);
    await page.goto('/artist');
    await page.getByText('You’re not an artist here yet').waitFor();
    expect(await page.getByRole('button', { name: 'Ask the artist assistant' }).count()).toBe(0);
    await page.goto('/studio/galleries');
    await page.getByRole('button', { name: 'Ask the studio assistant' }).waitFor();
    expect(await page.getByRole('button', { name: 'Ask the artist assistant' }).count()).toBe(0);
    // And the artist sees no studio assistant: the studio pages ask for a studio account.
    const artist = await signedIn(ARTIST);
    await artist.goto('/studio/galleries');
    await artist.getByText('Choose a studio account').waitFor();
    expect(await artist.getByRole('button', { name: 'Ask the studio assistant' }).count()).toBe(0);
  });
});
