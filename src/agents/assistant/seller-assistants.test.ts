import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/app.ts';
import { type ScriptedLlm, startScriptedLlm } from '../../../test/fixtures/scripted-llm.ts';
import { testClient } from '../../../test/http.ts';
import { withService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { artistTextPrompt } from './prompts.ts';

// The studio and artist assistants: the MCP server's own tools as the signed-in member (decision 028), against a
// scripted OpenAI-compatible model, on a running platform with the Stripe emulator.
let app: TestApp;
let llm: ScriptedLlm;
let db: DB;
const ids: Record<string, string> = {};
let gallery: { id: string; photoId: string };
const http = () => testClient({ request: (path, init) => fetch(`${app.url}${path}`, init) });

interface Chunk {
  type: string;
  toolName?: string;
  output?: any;
  delta?: string;
}
const chunks = (text: string): Chunk[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
    .map((l) => JSON.parse(l.slice(6)));
const outputOf = (cs: Chunk[], tool: string) => {
  const start = cs.find((c) => c.type === 'tool-input-available' && c.toolName === tool) as
    | { toolCallId?: string }
    | undefined;
  return cs.find(
    (c) => c.type === 'tool-output-available' && (c as { toolCallId?: string }).toolCallId === start?.toolCallId,
  )?.output;
};

beforeAll(async () => {
  llm = await startScriptedLlm();
  app = await startTestApp({
    env: { LLM_BASE_URL: llm.url, LLM_MODEL: 'scripted-1', LLM_VISION_MODEL: 'scripted-vision' },
  });
  db = app.platform.deps.db;
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
  await app?.stop();
  await llm?.stop();
});

describe('studio assistant', () => {
  it('creates a checkout link for a client through the MCP tool, which opens the emulator’s payment page', async () => {
    const items = [{ product_sku: 'PRINT-A3', variant: ['Matte', 'Oak frame'], qty: 1, photo_id: gallery.photoId }];
    llm.setScript((_req, n) =>
      n === 0
        ? { toolCall: { name: 'create_gallery_checkout', arguments: { gallery_id: gallery.id, items } } }
        : { text: 'Here is the checkout link for Jamie.' },
    );
    const studio = http();
    await studio.signIn('studio@demo.gallerist.dev');
    const r = await studio.post('/api/assistant/studio/chat', {
      accountId: ids['lumen-photography'],
      message: 'Sell an A3 matte print with an oak frame to the client of this gallery',
    });
    expect(r.status).toBe(200);
    const cs = chunks(r.body);
    const out = outputOf(cs, 'create_gallery_checkout');
    expect(out).toMatchObject({ status: 'pending', buyer_email: 'jamie.rivera@example.com' });
    const page = await fetch(out.checkout_url);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/4242|card/i);
    // The model was offered exactly the studio's tools; the call is audited as the assistant, in the studio.
    const offered = (llm.requests[0].tools ?? []).map((t) => t.function.name).sort();
    expect(offered).toEqual(
      [
        'create_gallery_checkout',
        'get_order_status',
        'list_clients',
        'list_galleries',
        'list_gallery_products',
        'list_orders',
        'sales_summary',
      ].sort(),
    );
    // Listed under the studio, not under another account.
    const mine = await studio.get(
      `/api/assistant/conversations?assistant=studio&accountId=${ids['lumen-photography']}`,
    );
    expect(mine.body.data.map((c: { id: string }) => c.id)).toEqual([r.headers.get('x-conversation-id')]);
    const elsewhere = await studio.get(`/api/assistant/conversations?assistant=studio&accountId=${ids['mira-okafor']}`);
    expect(elsewhere.body.data).toEqual([]);
    const audit = await withService(db, (tx) =>
      tx
        .selectFrom('audit_events')
        .select(['action', 'account_id', 'actor'])
        .where('action', '=', 'assistant.tool_called')
        .execute(),
    );
    expect(audit).toContainEqual({
      action: 'assistant.tool_called',
      account_id: ids['lumen-photography'],
      actor: 'assistant',
    });
  });

  it('refuses another tenant with the API’s own answers: an account it is not in, a gallery of another studio', async () => {
    const artist = http();
    await artist.signIn('artist@demo.gallerist.dev');
    llm.setScript(() => ({ text: 'ok' }));
    const foreign = await artist.post('/api/assistant/studio/chat', {
      accountId: ids['lumen-photography'],
      message: 'sales?',
    });
    const api = await artist.get(`/api/accounts/${ids['lumen-photography']}/orders`);
    expect(foreign.status).toBe(api.status);
    expect(foreign.body.error.code).toBe(api.body.error.code);
    expect(
      (await http().post('/api/assistant/studio/chat', { accountId: ids['lumen-photography'], message: 'x' })).status,
    ).toBe(401);

    // A second studio's member asks for the first studio's gallery: the tool answers as MCP does, not found.
    const other = await withService(db, (tx) =>
      tx
        .selectFrom('accounts as a')
        .innerJoin('memberships as m', 'm.account_id', 'a.id')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(['a.id', 'u.email'])
        .where('a.kind', '=', 'studio')
        .where('a.id', '!=', ids['lumen-photography'])
        .executeTakeFirst(),
    );
    if (other) {
      const c = http();
      await c.signIn(other.email);
      llm.setScript((_req, n) =>
        n === 0
          ? { toolCall: { name: 'list_gallery_products', arguments: { gallery_id: gallery.id } } }
          : { text: 'no' },
      );
      const r = await c.post('/api/assistant/studio/chat', {
        accountId: other.id,
        message: 'products of that gallery',
      });
      expect(outputOf(chunks(r.body), 'list_gallery_products')).toMatchObject({ error: { code: 'not_found' } });
    }
  });
});

describe('artist assistant', () => {
  it('drafts a description from the artwork’s image; the field changes only when the artist saves it', async () => {
    const work = await withService(db, (tx) =>
      tx
        .selectFrom('artworks as w')
        .innerJoin('artwork_images as i', (j) => j.onRef('i.artwork_id', '=', 'w.id').on('i.is_primary', '=', true))
        .select(['w.id', 'w.title', 'w.description'])
        .where('w.account_id', '=', ids['mira-okafor'])
        .executeTakeFirstOrThrow(),
    );
    const DRAFT = 'Warm ochre light falls across layered fields of colour.';
    llm.setScript((req, n) =>
      req.model === 'scripted-vision'
        ? { text: DRAFT }
        : n === 0
          ? { toolCall: { name: 'draft_artwork_description', arguments: { artwork_id: work.id } } }
          : { text: 'Here is a draft; press “Use as description” to save it.' },
    );
    const artist = http();
    await artist.signIn('artist@demo.gallerist.dev');
    const r = await artist.post('/api/assistant/artist/chat', {
      accountId: ids['mira-okafor'],
      message: `Describe ${work.title}`,
    });
    expect(r.status).toBe(200);
    expect(outputOf(chunks(r.body), 'draft_artwork_description')).toEqual({
      artwork_id: work.id,
      title: work.title,
      field: 'description',
      draft: DRAFT,
    });
    // The vision model got the picture as an image part, with the work's data as text.
    const vision = llm.requests.find((q) => q.model === 'scripted-vision');
    const parts = (vision?.messages.find((m) => m.role === 'user')?.content ?? []) as Array<{
      type: string;
      image_url?: { url: string };
      text?: string;
    }>;
    expect(parts.map((p) => p.type)).toEqual(['text', 'image_url']);
    expect(parts[1].image_url?.url).toMatch(/^data:image\/webp;base64,.{100,}/);
    expect(parts[0].text).toContain(work.title);
    const unchanged = await withService(db, (tx) =>
      tx.selectFrom('artworks').select('description').where('id', '=', work.id).executeTakeFirstOrThrow(),
    );
    expect(unchanged.description).toBe(work.description);
    // The artist's click: the ordinary artwork update (a published work goes back to draft to be edited).
    const status = await artist.get(`/api/marketplace/artworks/${work.id}`);
    if (status.body.artwork.status !== 'draft') {
      expect((await artist.post(`/api/marketplace/artworks/${work.id}/unpublish`)).status).toBe(200);
    }
    const saved = await artist.patch(`/api/marketplace/artworks/${work.id}`, { description: DRAFT });
    expect(saved.status).toBe(200);
    expect(saved.body.artwork.description).toBe(DRAFT);

    // Another artist's work is "not found" to the drafting tool, as to the API.
    const jonasWork = await withService(db, (tx) =>
      tx.selectFrom('artworks').select('id').where('account_id', '=', ids['jonas-berg']).executeTakeFirstOrThrow(),
    );
    llm.setScript((req, n) =>
      req.model === 'scripted-vision'
        ? { text: 'should not be asked' }
        : n === 0
          ? { toolCall: { name: 'draft_artwork_description', arguments: { artwork_id: jonasWork.id } } }
          : { text: 'Not yours.' },
    );
    const visionCalls = llm.requests.filter((q) => q.model === 'scripted-vision').length;
    const foreign = await artist.post('/api/assistant/artist/chat', {
      accountId: ids['mira-okafor'],
      message: 'describe that',
    });
    expect(outputOf(chunks(foreign.body), 'draft_artwork_description')).toEqual({
      error: { code: 'not_found', message: 'Artwork not found' },
    });
    expect(llm.requests.filter((q) => q.model === 'scripted-vision')).toHaveLength(visionCalls);
  });
  it('drafts a bio from the artist’s own profile and works; nothing is saved, another artist’s work is not found', async () => {
    const mira = ids['mira-okafor'];
    const profile = await withService(db, (tx) =>
      tx
        .selectFrom('accounts as a')
        .innerJoin('artist_profiles as p', 'p.account_id', 'a.id')
        .select(['a.name', 'p.bio'])
        .where('a.id', '=', mira)
        .executeTakeFirstOrThrow(),
    );
    const work = await withService(db, (tx) =>
      tx.selectFrom('artworks').select('title').where('account_id', '=', mira).executeTakeFirstOrThrow(),
    );
    const BIO = 'Mira Okafor is a painter and printmaker who divides her time between Lagos and Berlin.';
    // The tool's own model call is the one non-streamed request; the chat itself streams.
    llm.setScript((req, n) =>
      !req.stream
        ? { text: ` ${BIO}\n` }
        : n === 0
          ? { toolCall: { name: 'draft_artist_text', arguments: { kind: 'bio', notes: 'Keep it short' } } }
          : { text: 'Here is a bio draft; copy it from the card.' },
    );
    const artist = http();
    await artist.signIn('artist@demo.gallerist.dev');
    const before = llm.requests.length;
    const r = await artist.post('/api/assistant/artist/chat', { accountId: mira, message: 'Write a short artist bio' });
    expect(r.status).toBe(200);
    expect(outputOf(chunks(r.body), 'draft_artist_text')).toEqual({
      kind: 'bio',
      // Saved into the bio only when the artist presses "Save as bio" on the card (issue 13).
      field: 'bio',
      draft: BIO,
      artwork_id: null,
      title: null,
    });
    // The writer got the fixed prompt as system text and the artist's data only in the user message.
    const writer = llm.requests.slice(before).find((q) => !q.stream);
    expect(writer?.tools).toBeUndefined();
    const system = writer?.messages.find((m) => m.role === 'system')?.content;
    expect(system).toBe(artistTextPrompt('bio'));
    const user = String(writer?.messages.find((m) => m.role === 'user')?.content ?? '');
    expect(user).toContain(profile.name);
    expect(user).toContain(profile.bio);
    expect(user).toContain(work.title);
    expect(user).toContain('Keep it short');
    expect(String(system)).not.toContain(profile.name);
    // A draft changes nothing: the stored bio and the public profile are as they were.
    const stored = await withService(db, (tx) =>
      tx.selectFrom('artist_profiles').select('bio').where('account_id', '=', mira).executeTakeFirstOrThrow(),
    );
    expect(stored.bio).toBe(profile.bio);
    const page = await http().get('/api/marketplace/artists/mira-okafor');
    expect(page.status).toBe(200);
    expect(page.body.bio).toBe(profile.bio);

    // A press release centred on another artist's work: "not found", and the writer is never asked.
    const jonasWork = await withService(db, (tx) =>
      tx.selectFrom('artworks').select('id').where('account_id', '=', ids['jonas-berg']).executeTakeFirstOrThrow(),
    );
    llm.setScript((req, n) =>
      !req.stream
        ? { text: 'should not be asked' }
        : n === 0
          ? {
              toolCall: { name: 'draft_artist_text', arguments: { kind: 'press_release', artwork_id: jonasWork.id } },
            }
          : { text: 'Not yours.' },
    );
    const writes = llm.requests.filter((q) => !q.stream).length;
    const foreign = await artist.post('/api/assistant/artist/chat', { accountId: mira, message: 'press release' });
    expect(outputOf(chunks(foreign.body), 'draft_artist_text')).toEqual({
      error: { code: 'not_found', message: 'Artwork not found' },
    });
    expect(llm.requests.filter((q) => !q.stream)).toHaveLength(writes);
  });
});
