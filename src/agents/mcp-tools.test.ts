import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { emu, onboardedArtist, publishedArtwork, waitFor } from '../../test/fixtures/marketplace-buy.ts';
import { grantLot } from '../credits/index.ts';
import { withService, withUser } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { type ApiKeyRole, authenticateApiKey, createApiKey } from './api-keys.ts';
import { createMcpServer } from './mcp/server.ts';

// The second batch of tools: seller orders, sales summaries, credits and artwork checkout, each with a refusal.
let app: TestApp;
let db: DB;
const ids: Record<string, string> = {};
const closers: Array<() => Promise<void>> = [];
let studio: Client;
let artist: Client;
let org: Client;
let providerAdmin: Client;
let providerMember: Client;

type Result = CallToolResult & { structuredContent: Record<string, any> };

/** An MCP client for a fresh key minted by `email` on the account `slug`, over the in-memory transport. */
async function keyFor(email: string, slug: string, role: ApiKeyRole = 'admin'): Promise<Client> {
  const userId = ids[email];
  const key = await withUser(db, { sub: userId }, (tx) =>
    createApiKey(tx, { kind: 'test', userId }, ids[slug], { name: 'Tools', role }),
  );
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const server = createMcpServer(app.platform.deps, await authenticateApiKey(db, key.secret));
  await server.connect(serverSide);
  const c = new Client({ name: 'gallerist-tools-test', version: '1.0.0' });
  await c.connect(clientSide);
  closers.push(() => c.close());
  return c;
}

const call = async (c: Client, name: string, args: Record<string, unknown> = {}) =>
  (await c.callTool({ name, arguments: args })) as Result;

/** Asserts a tool error with the platform's code. */
function refused(r: Result, code: string) {
  expect({ isError: r.isError, code: r.structuredContent?.error?.code }).toEqual({ isError: true, code });
}

const month = () => new Date().toISOString().slice(0, 7);

beforeAll(async () => {
  app = await startTestApp();
  db = app.platform.deps.db;
  for (const a of await db.selectFrom('accounts').select(['id', 'slug']).execute()) ids[a.slug] = a.id;
  for (const u of await db.selectFrom('users').select(['id', 'email']).execute()) ids[u.email] = u.id;
  studio = await keyFor('studio@demo.gallerist.dev', 'lumen-photography', 'member');
  artist = await keyFor('artist@demo.gallerist.dev', 'mira-okafor', 'member');
  org = await keyFor('org@demo.gallerist.dev', 'acme-corp', 'member');
  providerAdmin = await keyFor('provider@demo.gallerist.dev', 'skywalker-digital', 'admin');
  providerMember = await keyFor('provider@demo.gallerist.dev', 'skywalker-digital', 'member');
});
afterAll(async () => {
  for (const close of closers) await close().catch(() => {});
  await app?.stop();
});

describe('MCP tools: orders and sales', () => {
  let orderId: string;

  it('lists the tools of both batches', async () => {
    const { tools } = await org.listTools();
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'list_orders',
        'sales_summary',
        'get_credit_balance',
        'list_credit_lots',
        'log_service_time',
        'create_artwork_checkout',
      ]),
    );
  });

  it("lists a studio's orders by status, and counts a paid one in the month's sales summary", async () => {
    const g = await withService(db, (tx) =>
      tx
        .selectFrom('galleries as g')
        .innerJoin('gallery_photos as p', 'p.gallery_id', 'g.id')
        .select(['g.id', 'p.id as photoId'])
        .where('g.account_id', '=', ids['lumen-photography'])
        .where('g.status', '=', 'published')
        .orderBy('p.position')
        .executeTakeFirstOrThrow(),
    );
    const created = await call(studio, 'create_gallery_checkout', {
      gallery_id: g.id,
      items: [{ product_sku: 'PRINT-A3', variant: ['Matte', 'No frame'], qty: 1, photo_id: g.photoId }],
    });
    expect(created.isError, JSON.stringify(created.content)).toBeFalsy();
    orderId = created.structuredContent.order_id;

    const pending = await call(studio, 'list_orders', { status: 'pending' });
    expect(pending.isError, JSON.stringify(pending.content)).toBeFalsy();
    expect(pending.structuredContent).toMatchObject({
      next_cursor: null,
      page_size: 20,
      total: 1,
      total_capped: false,
    });
    expect(pending.structuredContent.orders[0]).toMatchObject({
      order_id: orderId,
      status: 'pending',
      offering: 'print',
    });
    expect((await call(studio, 'list_orders', { status: 'paid' })).structuredContent.total).toBe(0);

    const before = await call(studio, 'sales_summary');
    expect(before.structuredContent).toMatchObject({ account_kind: 'studio', month: month(), order_count: 0 });
    const session = await withService(db, (tx) =>
      tx
        .selectFrom('orders')
        .select(['stripe_checkout_session_id', 'channel', 'agent_platform_id'])
        .where('id', '=', orderId)
        .executeTakeFirstOrThrow(),
    );
    expect(session).toMatchObject({ channel: 'mcp', agent_platform_id: null });
    await emu(app.emulatorUrl, `/_emulator/checkout/sessions/${session.stripe_checkout_session_id}/complete`, {
      card_number: '4242424242424242',
      shipping_name: 'Jamie Rivera',
      shipping_line1: '1 Gallery Way',
      shipping_city: 'Berlin',
      shipping_postal_code: '10115',
      shipping_country: 'DE',
    });
    expect((await call(studio, 'get_order_status', { order_id: orderId })).structuredContent.status).toBe('paid');
    const after = await call(studio, 'sales_summary', {});
    expect(after.structuredContent).toMatchObject({
      order_count: 1,
      gross: created.structuredContent.total,
      net: created.structuredContent.total,
    });
    expect(after.structuredContent.top_items).toEqual([expect.objectContaining({ name: 'A3 print', quantity: 1 })]);
    const old = await call(studio, 'sales_summary', { month: '2020-01' });
    expect(old.structuredContent).toMatchObject({ month: '2020-01', order_count: 0, top_items: [] });
  });

  it("refuses a provider's member key the sales (forbidden) and other kinds the summary (not found)", async () => {
    refused(await call(providerMember, 'list_orders'), 'forbidden');
    refused(await call(org, 'sales_summary'), 'not_found');
    refused(await call(providerAdmin, 'sales_summary'), 'not_found');
  });

  it("opens an artwork checkout for a buyer's email with any key, and the sale shows in the artist's summary", async () => {
    const { stripe } = app.platform.deps;
    await onboardedArtist(db, stripe, app.emulatorUrl, ids['mira-okafor']);
    const artworkId = await publishedArtwork(db, ids['mira-okafor'], { price: 50_000, shipping: 1_500, title: 'Tide' });
    const r = await call(org, 'create_artwork_checkout', {
      artwork_id: artworkId,
      buyer_email: 'collector@example.com',
    });
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({
      status: 'pending',
      total: 51_500,
      shipping: 1_500,
      buyer_email: 'collector@example.com',
    });
    expect(r.structuredContent.checkout_url).toMatch(/cs_/);
    const artOrder = await withService(db, (tx) =>
      tx
        .selectFrom('orders')
        .select('channel')
        .where('id', '=', r.structuredContent.order_id)
        .executeTakeFirstOrThrow(),
    );
    expect(artOrder.channel).toBe('mcp');
    // The original is held for this buyer: a second link is refused like on the web.
    const again = await call(studio, 'create_artwork_checkout', {
      artwork_id: artworkId,
      buyer_email: 'b@example.com',
    });
    refused(again, 'conflict');
    refused(
      await call(org, 'create_artwork_checkout', {
        artwork_id: '00000000-0000-4000-8000-000000000000',
        buyer_email: 'b@example.com',
      }),
      'not_found',
    );

    const sessionId = r.structuredContent.checkout_url.match(/cs_\w+/)[0];
    await emu(app.emulatorUrl, `/_emulator/checkout/sessions/${sessionId}/complete`, {
      email: 'collector@example.com',
      name: 'Ada Collector',
      shipping_name: 'Ada Collector',
      shipping_line1: 'Torstr. 1',
      shipping_city: 'Berlin',
      shipping_postal_code: '10119',
      shipping_country: 'DE',
    });
    const status = await call(artist, 'get_order_status', { order_id: r.structuredContent.order_id });
    expect(status.structuredContent.status).toBe('paid');
    await waitFor(
      () =>
        withService(db, (tx) =>
          tx
            .selectFrom('marketplace_sales')
            .select('id')
            .where('order_id', '=', r.structuredContent.order_id)
            .executeTakeFirst(),
        ),
      'the sale',
    );
    const summary = await call(artist, 'sales_summary', { month: month() });
    expect(summary.isError, JSON.stringify(summary.content)).toBeFalsy();
    expect(summary.structuredContent.account_kind).toBe('artist');
    expect(summary.structuredContent.totals).toEqual([
      expect.objectContaining({ currency: 'eur', order_count: 1, gross: 51_500, refunds: 0, net: 51_500 }),
    ]);
    expect(summary.structuredContent.top_items[0]).toMatchObject({ artwork_id: artworkId, title: 'Tide', quantity: 1 });
  });
});

describe('MCP tools: credits', () => {
  let early: string;
  let late: string;

  beforeAll(async () => {
    const { clock } = app.platform.deps;
    const lot = (minutes: number, monthsAgo: number) =>
      grantLot(
        db,
        {
          organizationId: ids['acme-corp'],
          providerId: ids['skywalker-digital'],
          orderId: null,
          minutes,
          paidAt: new Date(Date.now() - monthsAgo * 30 * 86_400_000),
        },
        clock,
      );
    early = (await lot(60, 6)).lotId;
    late = (await lot(120, 1)).lotId;
  });

  it("shows an organization its balance and lots, and a provider's admin key its customers", async () => {
    const balance = await call(org, 'get_credit_balance');
    expect(balance.isError, JSON.stringify(balance.content)).toBeFalsy();
    expect(balance.structuredContent.balances).toEqual([
      expect.objectContaining({ provider_id: ids['skywalker-digital'], minutes: 180 }),
    ]);
    const lots = await call(org, 'list_credit_lots', { counterparty_id: ids['skywalker-digital'] });
    expect(lots.structuredContent.lots.map((l: { lot_id: string }) => l.lot_id)).toEqual([early, late]);
    const customers = await call(providerAdmin, 'get_credit_balance');
    expect(customers.structuredContent.customers).toEqual([
      expect.objectContaining({ organization_id: ids['acme-corp'], balance_minutes: 180 }),
    ]);
    expect((await call(providerAdmin, 'list_credit_lots')).structuredContent.lots).toHaveLength(2);
  });

  it("refuses credits to a provider's member key (forbidden) and to other kinds (not found)", async () => {
    refused(await call(providerMember, 'get_credit_balance'), 'forbidden');
    refused(await call(providerMember, 'list_credit_lots'), 'forbidden');
    refused(await call(studio, 'get_credit_balance'), 'not_found');
    refused(await call(artist, 'list_credit_lots'), 'not_found');
  });

  it('logs service time with a provider member key, first-expiring lot first, and refuses overdrafts', async () => {
    const r = await call(providerMember, 'log_service_time', {
      organization_id: ids['acme-corp'],
      minutes: 90,
      note: 'Colour grading',
      worked_on: '2026-01-15',
    });
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    expect(r.structuredContent.taken).toEqual([
      { lot_id: early, minutes: 60 },
      { lot_id: late, minutes: 30 },
    ]);
    expect(r.structuredContent.balance_minutes).toBe(90);
    const short = await call(providerMember, 'log_service_time', {
      organization_id: ids['acme-corp'],
      minutes: 1000,
      worked_on: '2026-01-16',
    });
    refused(short, 'insufficient_balance');
    expect(short.structuredContent.error.details).toMatchObject({ available: 90, requested: 1000 });
    refused(
      await call(org, 'log_service_time', { organization_id: ids['acme-corp'], minutes: 5, worked_on: '2026-01-16' }),
      'not_found',
    );
    const audited = await withService(db, (tx) =>
      tx
        .selectFrom('audit_events')
        .select('after')
        .where('action', '=', 'mcp.tool_called')
        .where('account_id', '=', ids['skywalker-digital'])
        .execute(),
    );
    expect(audited.map((a) => (a.after as { tool: string }).tool)).toContain('log_service_time');
  });
});
