import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withService } from '../../src/db/tenancy.ts';
import { startTestApp } from '../../test/app.ts';
import { type ScriptedLlm, startScriptedLlm } from '../../test/fixtures/scripted-llm.ts';
import { closeAll, hasChromium, launchBrowser, openPage, publicUrlContext, signIn, type TestApp } from './support.ts';

const STUDIO = 'studio@demo.gallerist.dev';

// The studio assistant's live session in the browser (issue 13): a WebSocket, a photo shown by reference, streamed
// text, Stop, and the per-user session limit (two here) refused with the server's reason.
describe.skipIf(!hasChromium)('web: the studio assistant’s live session', () => {
  let app: TestApp;
  let llm: ScriptedLlm;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let photo: { filename: string; gallery: string };

  beforeAll(async () => {
    llm = await startScriptedLlm();
    app = await startTestApp({
      env: {
        LLM_BASE_URL: llm.url,
        LLM_API_KEY: 'sk-test',
        LLM_MODEL: 'scripted-1',
        LLM_VISION_MODEL: 'scripted-vision',
        ASSISTANT_LIVE_SESSIONS_PER_USER: '2',
      },
    });
    browser = await launchBrowser();
    photo = await withService(app.platform.deps.db, (tx) =>
      tx
        .selectFrom('gallery_photos as p')
        .innerJoin('galleries as g', 'g.id', 'p.gallery_id')
        .innerJoin('accounts as a', 'a.id', 'g.account_id')
        .select(['p.filename', 'g.title as gallery'])
        .where('a.slug', '=', 'lumen-photography')
        .orderBy('g.created_at')
        .orderBy('p.position')
        .executeTakeFirstOrThrow(),
    );
  });

  afterAll(async () => {
    await closeAll(contexts, browser, app);
    await llm?.stop();
  });

  const openSessions = async () =>
    Number(
      (
        await withService(app.platform.deps.db, (tx) =>
          tx
            .selectFrom('assistant_live_sessions')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('ended_at', 'is', null)
            .executeTakeFirstOrThrow(),
        )
      ).n,
    );

  /** The studio assistant's panel in a new signed-in page, or in another tab of `beside`'s browser session. */
  async function studioPanel(
    viewport = { width: 1280, height: 900 },
    beside?: Page,
  ): Promise<{ page: Page; panel: Locator }> {
    let page: Page;
    if (beside) {
      page = await beside.context().newPage();
    } else {
      page = await openPage(browser, contexts, publicUrlContext(app, viewport), 20_000);
      await signIn(page, STUDIO);
      await page.waitForURL((u) => u.pathname === '/app');
    }
    await page.goto('/studio/galleries');
    await page.getByRole('button', { name: 'Ask the studio assistant' }).click();
    const panel = page.getByRole('dialog', { name: 'Studio assistant' });
    await panel.waitFor();
    return { page, panel };
  }

  it('shows a photo over the live session, streams the answer, and stops a long one', async () => {
    const { page, panel } = await studioPanel({ width: 390, height: 844 });
    const socket = page.waitForEvent('websocket');
    await panel.getByText('Live session connected').waitFor();
    const ws = await socket;
    expect(new URL(ws.url()).pathname).toBe('/api/assistant/studio/live');

    await panel.getByRole('button', { name: 'Show a photo' }).click();
    await panel.getByRole('combobox', { name: 'Gallery' }).click();
    await page.getByRole('option', { name: photo.gallery }).first().click();
    await panel.getByRole('button', { name: `Show ${photo.filename}` }).click();
    await panel.getByText(`Showing the photo ${photo.filename}`).waitFor();

    llm.setScript(() => ({ text: 'Soft window light and a warm, shallow background.', chunkDelayMs: 15 }));
    const sent = ws.waitForEvent('framesent', (f) => String(f.payload).includes('"ask"'));
    await panel.getByRole('textbox', { name: 'Message the studio assistant' }).fill('How is the light in this one?');
    await panel.getByRole('button', { name: 'Send', exact: true }).click();
    const frame = JSON.parse(String((await sent).payload));
    expect(frame).toMatchObject({ type: 'ask', image: { kind: 'photo' } });
    await panel.getByText('Soft window light and a warm, shallow background.').waitFor();
    await panel.getByRole('button', { name: 'Send', exact: true }).waitFor();
    const log = panel.getByRole('log', { name: 'Conversation' });
    await log.getByText(`Photo: ${photo.filename}`).waitFor();
    // The vision model saw the picture; the browser never held a model key.
    const req = llm.requests.at(-1);
    expect(req?.model).toBe('scripted-vision');
    expect(JSON.stringify(req?.messages)).toContain('data:image/jpeg;base64,');

    // A long answer stops at Stop, keeping what was written, and the session stays.
    const long = Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ');
    llm.setScript(() => ({ text: long, chunkDelayMs: 25 }));
    await panel.getByRole('textbox', { name: 'Message the studio assistant' }).fill('Tell me everything');
    await panel.getByRole('button', { name: 'Send', exact: true }).click();
    await log.getByText(/w5\b/).waitFor();
    const interrupted = ws.waitForEvent('framesent', (f) => String(f.payload).includes('"interrupt"'));
    await panel.getByRole('button', { name: 'Stop', exact: true }).click();
    await interrupted;
    await panel.getByRole('button', { name: 'Send', exact: true }).waitFor();
    const shown = (await log.textContent()) ?? '';
    expect(shown).toContain('w1');
    expect(shown).not.toContain('w299');
    await panel.getByText('Live session connected').waitFor();

    // On a phone nothing scrolls sideways.
    const widths = await page.evaluate(() => {
      const dialog = document.querySelector('[role="dialog"]') as HTMLElement;
      return { page: document.scrollingElement?.scrollWidth ?? 0, dialog: [dialog.scrollWidth, dialog.clientWidth] };
    });
    expect(widths.page).toBeLessThanOrEqual(390);
    expect(widths.dialog[0]).toBeLessThanOrEqual(widths.dialog[1]);

    // Leaving the page ends the session on the server.
    await page.close();
    await expect.poll(openSessions).toBe(0);
  });

  it('refuses a session over the limit with the reason, and reconnects once one is free', async () => {
    const a = await studioPanel();
    await a.panel.getByText('Live session connected').waitFor();
    const b = await studioPanel(undefined, a.page);
    await b.panel.getByText('Live session connected').waitFor();
    const c = await studioPanel(undefined, a.page);
    const refused = c.panel.getByRole('alert').or(c.panel.getByText('Live session closed'));
    await refused.first().waitFor();
    await c.panel.getByText(/already have 2 live assistant sessions open/).waitFor();

    await a.page.close();
    await expect
      .poll(async () => {
        await c.panel
          .getByRole('button', { name: 'Reconnect' })
          .click({ timeout: 2000 })
          .catch(() => {});
        return c.panel.getByText('Live session connected').isVisible();
      })
      .toBe(true);
  });
});
