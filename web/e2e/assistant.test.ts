import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_MODEL } from '../../src/agents/assistant/chat.ts';
import { withService } from '../../src/db/tenancy.ts';
import { refreshAllFeatures } from '../../src/marketplace/recommendations/store.ts';
import { startTestApp } from '../../test/app.ts';
import { type Script, type ScriptedLlm, startScriptedLlm, toolThenText } from '../../test/fixtures/scripted-llm.ts';
import { closeAll, hasChromium, launchBrowser, openPage, publicUrlContext, type TestApp } from './support.ts';

const FIRST_QUESTION = 'blue abstract paintings under €500';
const REPLY = [
  'Here are **three blue abstract paintings** under €500, all by Jonas Berg:',
  '',
  '- *Tidal* is the largest, with deep layered blues that shift with the light.',
  '- *North Sea Blue* is calmer, a single broad horizon across the canvas.',
  '- *Undertow* is the darkest of the three, made for a bright room.',
  '',
  'Open any of them to see the price breakdown, or ask me to compare two of them.',
].join('\n');
const XSS_REPLY = 'Careful: <img src=x onerror=alert(1)> and <script>alert(2)</script> are shown as text only.';
const SLOW_REPLY = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');

/** The same script with its text turns streamed slowly enough to watch. */
const slowly =
  (script: Script, chunkDelayMs: number): Script =>
  (req, n) => {
    const turn = script(req, n);
    return 'text' in turn ? { ...turn, chunkDelayMs } : turn;
  };

describe.skipIf(!hasChromium)('web: the patron assistant panel', () => {
  let app: TestApp;
  let bare: TestApp;
  let llm: ScriptedLlm;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let tidal = '';
  let guest: Page;

  async function similarCount(id: string): Promise<number> {
    const res = await fetch(`${app.url}/api/marketplace/artworks/${id}/similar`);
    if (!res.ok) return 0;
    return ((await res.json()) as { data: unknown[] }).data.length;
  }

  beforeAll(async () => {
    llm = await startScriptedLlm();
    // One platform with the scripted model, one without any model (the "how to turn it on" state).
    [app, bare] = await Promise.all([
      startTestApp({ env: { LLM_BASE_URL: llm.url, LLM_API_KEY: 'sk-test', LLM_MODEL: 'scripted-1' } }),
      startTestApp(),
    ]);
    browser = await launchBrowser();
    const row = await withService(app.platform.deps.db, (tx) =>
      tx.selectFrom('artworks').select('id').where('title', '=', 'Tidal').executeTakeFirstOrThrow(),
    );
    tidal = row.id;
    // Search reasons and recommendations read the features the background job computes; wait for them.
    let ready = false;
    for (const end = Date.now() + 20_000; !ready && Date.now() < end; ) {
      ready = (await similarCount(tidal)) > 0;
      if (!ready) await new Promise((r) => setTimeout(r, 250));
    }
    if (!ready) {
      const { db, config, clock } = app.platform.deps;
      await refreshAllFeatures(db, config, clock);
      expect(await similarCount(tidal)).toBeGreaterThan(0);
    }
  });

  afterAll(async () => {
    await bare?.stop();
    await closeAll(contexts, browser, app);
    await llm?.stop();
  });

  const newPage = (on: TestApp, viewport = { width: 1280, height: 900 }): Promise<Page> =>
    openPage(browser, contexts, publicUrlContext(on, viewport), 20_000);

  const panelOf = (page: Page) => page.getByRole('dialog', { name: 'Art assistant' });
  const logOf = (page: Page) => panelOf(page).getByRole('log', { name: 'Conversation' });
  /** The user's own message in the conversation. */
  const question = (page: Page, text: string) => logOf(page).locator('[data-role="user"]').filter({ hasText: text });
  const lastReply = (page: Page) => logOf(page).locator('.assistant-markdown').last();

  async function openAssistant(page: Page): Promise<Locator> {
    await page.getByRole('button', { name: 'Ask the art assistant' }).click();
    const panel = panelOf(page);
    await panel.waitFor();
    return panel;
  }

  /** Waits until the reply has streamed to its end (the Send button is back). */
  async function replyDone(page: Page) {
    await panelOf(page).getByRole('button', { name: 'Send', exact: true }).waitFor();
  }

  it('1. a guest asks for blue abstract paintings: the reply streams in word by word, with artwork cards and Markdown', async () => {
    guest = await newPage(app);
    await guest.goto('/art');
    await guest.getByRole('heading', { name: 'Art', level: 1 }).waitFor();
    const panel = await openAssistant(guest);
    // Focus lands in the message box; the empty state offers suggestions.
    const box = panel.getByRole('textbox', { name: 'Message the art assistant' });
    await box.waitFor();
    await guest.waitForFunction(() => document.activeElement?.id === 'assistant-message');
    expect(await panel.getByRole('list', { name: 'Suggestions' }).getByRole('button').count()).toBeGreaterThanOrEqual(
      2,
    );
    expect(await logOf(guest).getAttribute('aria-live')).toBe('polite');

    llm.setScript(
      slowly(toolThenText('search_artworks', { query: 'blue abstract paintings', max_price: 500 }, REPLY), 30),
    );
    await box.fill(FIRST_QUESTION);
    // Sample the reply's length in the page as it arrives (every 10 ms), from before Send until it is complete.
    const sampling = guest.evaluate(
      () =>
        new Promise<number[]>((resolve) => {
          const lengths: number[] = [];
          const tick = () => {
            const replies = document.querySelectorAll('[role="log"] .assistant-markdown');
            const text = replies.length ? (replies[replies.length - 1].textContent ?? '') : '';
            lengths.push(text.length);
            if (text.includes('compare two of them.') || lengths.length > 3000) resolve(lengths);
            else setTimeout(tick, 10);
          };
          tick();
        }),
    );
    const posted = guest.waitForResponse(
      (r) => r.url().endsWith('/api/assistant/patron/chat') && r.request().method() === 'POST',
    );
    await panel.getByRole('button', { name: 'Send', exact: true }).click();
    const res = await posted;
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('text/event-stream');
    const lengths = await sampling;
    const final = lengths.at(-1) ?? 0;
    expect(final).toBeGreaterThan(100);
    // Seen part-way: several lengths between nothing and the whole reply.
    const partial = new Set(lengths.filter((n) => n > 0 && n < final));
    expect(partial.size).toBeGreaterThanOrEqual(3);
    await replyDone(guest);

    // The question shows as the user's; the search result as artwork cards with price and reason.
    await question(guest, FIRST_QUESTION).waitFor();
    const cards = logOf(guest).getByRole('list', { name: 'Artworks found' }).getByRole('listitem');
    await cards.first().waitFor();
    expect(await cards.count()).toBeGreaterThanOrEqual(3);
    const tidalCard = cards.filter({ hasText: 'Tidal' }).first();
    expect(await tidalCard.getByRole('link').getAttribute('href')).toBe(`/art/${tidal}`);
    expect(await tidalCard.textContent()).toMatch(/€\d/);
    expect(await tidalCard.locator('p').textContent()).toMatch(/\S/);
    // Markdown renders: bold as <strong>, the list as list items.
    const reply = lastReply(guest);
    expect(await reply.locator('strong').textContent()).toBe('three blue abstract paintings');
    expect(await reply.locator('li').count()).toBe(3);
    expect(await reply.textContent()).not.toContain('**');
    // The model saw the tool's result with Tidal in it.
    expect(JSON.stringify(llm.requests.at(-1)?.messages)).toContain('Tidal');

    // An in-app link card opens the work (and closes the panel).
    await tidalCard.getByRole('link').click();
    await guest.waitForURL((u) => u.pathname === `/art/${tidal}`);
    await guest.getByRole('heading', { name: 'Tidal', level: 1 }).waitFor();
    expect(await panelOf(guest).count()).toBe(0);
  });

  it('2. a follow-up continues the conversation, and HTML in a reply shows as text and never runs', async () => {
    // The conversation outlives the panel: reopened on the work's page it is still there.
    const panel = await openAssistant(guest);
    await question(guest, FIRST_QUESTION).waitFor();
    let dialogs = 0;
    guest.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    llm.setScript(() => ({ text: XSS_REPLY }));
    const first = llm.requests.length;
    const posted = guest.waitForRequest((r) => r.url().endsWith('/api/assistant/patron/chat') && r.method() === 'POST');
    const box = panel.getByRole('textbox', { name: 'Message the art assistant' });
    await box.fill('Is Tidal framed?');
    // Enter sends (Shift+Enter would add a line).
    await box.press('Enter');
    const body = (await posted).postDataJSON() as { message: string; conversationId?: string };
    expect(body.message).toBe('Is Tidal framed?');
    expect(body.conversationId).toMatch(/^[0-9a-f-]{36}$/);
    await lastReply(guest).getByText('are shown as text only.').waitFor();
    await replyDone(guest);
    // The model was sent the whole conversation, the first question included.
    expect(llm.requests.length).toBe(first + 1);
    expect(JSON.stringify(llm.requests.at(-1)?.messages)).toContain(FIRST_QUESTION);

    const reply = lastReply(guest);
    expect(await reply.textContent()).toContain('<img src=x onerror=alert(1)>');
    expect(await reply.textContent()).toContain('<script>alert(2)</script>');
    expect(await guest.locator('img[src="x"]').count()).toBe(0);
    expect(await reply.locator('img, script').count()).toBe(0);
    await guest.waitForTimeout(300);
    expect(dialogs).toBe(0);
  });

  it('3. Stop during a slow reply keeps the words so far and gives Send back', async () => {
    const panel = panelOf(guest);
    llm.setScript(() => ({ text: SLOW_REPLY, chunkDelayMs: 200 }));
    const box = panel.getByRole('textbox', { name: 'Message the art assistant' });
    await box.fill('Tell me everything about Tidal');
    await panel.getByRole('button', { name: 'Send', exact: true }).click();
    const reply = logOf(guest).locator('.assistant-markdown').filter({ hasText: 'word0' });
    await reply.getByText(/word2\b/).waitFor();
    await panel.getByRole('button', { name: 'Stop', exact: true }).click();
    await replyDone(guest);
    const stopped = (await reply.textContent()) ?? '';
    expect(stopped).toContain('word0');
    expect(stopped).not.toContain('word59');
    // Nothing more arrives after Stop.
    await guest.waitForTimeout(700);
    expect(await reply.textContent()).toBe(stopped);
    await box.fill('Thanks');
    expect(await panel.getByRole('button', { name: 'Send', exact: true }).isEnabled()).toBe(true);
    await box.fill('');
  });

  it('4. past conversations reopen with their cards, and can be renamed and deleted; New conversation starts afresh', async () => {
    const panel = panelOf(guest);
    await panel.getByRole('button', { name: 'New conversation' }).click();
    await panel.getByRole('list', { name: 'Suggestions' }).waitFor();
    expect(await question(guest, FIRST_QUESTION).count()).toBe(0);

    await panel.getByRole('button', { name: 'Past conversations' }).click();
    const past = panel.getByRole('list', { name: 'Past conversations' });
    const item = past.getByRole('listitem').filter({ hasText: FIRST_QUESTION });
    await item.waitFor();
    await item.getByRole('button', { name: FIRST_QUESTION, exact: true }).click();
    // The stored parts render as the live ones did: the question, the cards, the Markdown.
    await question(guest, FIRST_QUESTION).waitFor();
    await logOf(guest).getByRole('list', { name: 'Artworks found' }).getByText('Tidal').first().waitFor();
    expect(await logOf(guest).locator('strong', { hasText: 'three blue abstract paintings' }).count()).toBe(1);

    await panel.getByRole('button', { name: 'Past conversations' }).click();
    await item.getByRole('button', { name: `Rename ${FIRST_QUESTION}` }).click();
    const title = past.getByRole('textbox', { name: 'Conversation title' });
    await title.fill('Blue paintings');
    const renamed = guest.waitForResponse((r) => r.request().method() === 'PATCH');
    await past.getByRole('button', { name: 'Save' }).click();
    expect((await renamed).status()).toBe(204);
    const row = past.getByRole('listitem').filter({ hasText: 'Blue paintings' });
    await row.waitFor();

    await row.getByRole('button', { name: 'Delete “Blue paintings”' }).click();
    const confirm = guest.getByRole('alertdialog', { name: 'Delete “Blue paintings”?' });
    const deleted = guest.waitForResponse((r) => r.request().method() === 'DELETE');
    await confirm.getByRole('button', { name: 'Delete conversation' }).click();
    expect((await deleted).status()).toBe(204);
    await row.waitFor({ state: 'detached' });
    // It was the open conversation: the panel is empty again.
    await panel.getByRole('list', { name: 'Suggestions' }).waitFor();
    await guest.keyboard.press('Escape');
  });

  it('5. with no model configured the panel says how to turn it on, with no message box', async () => {
    const page = await newPage(bare);
    const status = await (await fetch(`${bare.url}/api/assistant`)).json();
    expect(status.assistants[0]).toEqual({ name: 'patron', available: false, message: NO_MODEL });
    await page.goto('/art');
    const panel = await openAssistant(page);
    await panel.getByText(NO_MODEL).waitFor();
    expect(await panel.getByRole('textbox').count()).toBe(0);
    expect(await panel.getByRole('button', { name: 'Send' }).count()).toBe(0);
  });

  it('6. on a phone the panel fills the screen and nothing overflows sideways', async () => {
    const phone = await newPage(app, { width: 390, height: 844 });
    await phone.goto(`/art/${tidal}`);
    await phone.getByRole('heading', { name: 'Tidal', level: 1 }).waitFor();
    const panel = await openAssistant(phone);
    llm.setScript(toolThenText('search_artworks', { query: 'blue abstract paintings', max_price: 500 }, REPLY));
    // Refusals before the stream, as the server words them: over the limit (no retry button: the message says
    // when), then a server failure (with a retry), then the real answer.
    const LIMITED = 'Too many questions in a minute. Try again in 42 seconds.';
    let refusals = 0;
    await phone.route('**/api/assistant/patron/chat', (route) => {
      refusals++;
      if (refusals === 1) {
        return route.fulfill({
          status: 429,
          headers: { 'retry-after': '42' },
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'rate_limited', message: LIMITED, details: null } }),
        });
      }
      if (refusals === 2) {
        return route.fulfill({
          status: 500,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong.', details: null } }),
        });
      }
      return route.continue();
    });
    const box = panel.getByRole('textbox', { name: 'Message the art assistant' });
    await box.fill(FIRST_QUESTION);
    await panel.getByRole('button', { name: 'Send', exact: true }).click();
    const alert = panel.getByRole('alert');
    await alert.getByText(LIMITED).waitFor();
    expect(await alert.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    // The refused question is back in the box, not in the conversation.
    expect(await box.inputValue()).toBe(FIRST_QUESTION);
    expect(await question(phone, FIRST_QUESTION).count()).toBe(0);
    await panel.getByRole('button', { name: 'Send', exact: true }).click();
    await alert.getByText('Something went wrong.').waitFor();
    await alert.getByRole('button', { name: 'Try again' }).click();
    await logOf(phone).getByRole('list', { name: 'Artworks found' }).getByRole('listitem').first().waitFor();
    await lastReply(phone).getByText('compare two of them.').waitFor();
    await replyDone(phone);

    expect(await panel.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    const widths = await phone.evaluate(() => {
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
  });
});
