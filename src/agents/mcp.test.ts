import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { testClient } from '../../test/http.ts';
import { createAccount, hashPassword } from '../accounts/index.ts';
import { withService, withUser } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { DEMO_PASSWORD } from '../seed.ts';
import { type ApiKeyPrincipal, authenticateApiKey, createApiKey } from './api-keys.ts';
import { createMcpServer } from './mcp/server.ts';

let app: TestApp;
let db: DB;
const ids: Record<string, string> = {};
let gallery: { id: string; token: string; photoId: string };
let studioKey: { id: string; secret: string };
let studio: Client;
const closers: Array<() => Promise<void>> = [];

const http = () => testClient({ request: (path, init) => fetch(`${app.url}${path}`, init) });

/** An MCP client talking to a server built for this key, over the SDK's in-memory transport. */
async function connect(principal: ApiKeyPrincipal): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const server = createMcpServer(app.platform.deps, principal);
  await server.connect(serverSide);
  const c = new Client({ name: 'gallerist-test', version: '1.0.0' });
  await c.connect(clientSide);
  closers.push(() => c.close());
  return c;
}

async function call(c: Client, name: string, args: Record<string, unknown>) {
  return (await c.callTool({ name, arguments: args })) as CallToolResult & {
    structuredContent: Record<string, any>;
  };
}

/** A key minted directly for a user of another account (the route is tested with the studio's own key). */
async function keyFor(email: string, slug: string): Promise<Client> {
  const userId = ids[email];
  const key = await withUser(db, { sub: userId }, (tx) =>
    createApiKey(tx, { kind: 'test', userId }, ids[slug], { name: 'Other', role: 'admin' }),
  );
  return connect(await authenticateApiKey(db, key.secret));
}

async function emu(path: string, form: Record<string, string> = {}) {
  const res = await fetch(`${app.emulatorUrl}${path}`, { method: 'POST', body: new URLSearchParams(form) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

beforeAll(async () => {
  app = await startTestApp();
  db = app.platform.deps.db;
  for (const a of await db.selectFrom('accounts').select(['id', 'slug']).execute()) ids[a.slug] = a.id;
  for (const u of await db.selectFrom('users').select(['id', 'email']).execute()) ids[u.email] = u.id;
  const g = await withService(db, (tx) =>
    tx
      .selectFrom('galleries as g')
      .innerJoin('gallery_photos as p', 'p.gallery_id', 'g.id')
      .select(['g.id', 'g.token', 'p.id as photoId'])
      .where('g.account_id', '=', ids['lumen-photography'])
      .where('g.status', '=', 'published')
      .orderBy('p.position')
      .executeTakeFirstOrThrow(),
  );
  gallery = g;
  // The studio's owner mints the key through the API, as the web app will.
  const web = http();
  await web.signIn('studio@demo.gallerist.dev');
  const created = await web.post(`/api/accounts/${ids['lumen-photography']}/api-keys`, {
    name: 'Agent',
    role: 'member',
  });
  expect(created.status).toBe(201);
  studioKey = created.body;
  studio = await connect(await authenticateApiKey(db, studioKey.secret));
});
afterAll(async () => {
  for (const close of closers) await close().catch(() => {});
  await app?.stop();
});

const twoPrints = [
  { product_sku: 'PRINT-A3', variant: ['Matte', 'Oak frame'], qty: 2 },
  { product_sku: 'CANVAS-40x60', variant: ['matte varnish', 'No frame'], qty: 1 },
];

describe('MCP server', () => {
  it('lists its tools, each with a description and an input schema', async () => {
    const { tools } = await studio.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'create_artwork_checkout',
      'create_gallery_checkout',
      'get_artwork',
      'get_credit_balance',
      'get_order_status',
      'list_artworks',
      'list_clients',
      'list_credit_lots',
      'list_galleries',
      'list_gallery_products',
      'list_orders',
      'log_service_time',
      'recommend_artworks',
      'sales_summary',
      'search_artworks',
    ]);
    for (const t of tools) {
      expect(t.description?.length).toBeGreaterThan(20);
      expect(t.inputSchema.type).toBe('object');
    }
  });

  it("lists a gallery's products with option groups and prices", async () => {
    const r = await call(studio, 'list_gallery_products', { gallery_id: gallery.id });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent.currency).toBe('EUR');
    const a3 = r.structuredContent.products.find((p: { sku: string }) => p.sku === 'PRINT-A3');
    expect(a3).toMatchObject({ name: 'A3 print', base_price: 4500 });
    expect(a3.option_groups.map((g: { name: string }) => g.name)).toEqual(['Size', 'Paper', 'Frame']);
    expect(r.structuredContent.photos.length).toBeGreaterThan(0);
  });

  it('prices a checkout exactly like the web cart, and reports the order paid once the buyer pays', async () => {
    // The same two prints through the gallery's own cart API.
    const visitor = http();
    const catalog = await visitor.get(`/api/shop/g/${gallery.token}/catalog?photoId=${gallery.photoId}`);
    for (const item of twoPrints) {
      const product = catalog.body.data.find((p: { sku: string }) => p.sku === item.product_sku);
      const wanted = item.variant.map((v) => v.toLowerCase());
      const optionValueIds = product.groups.map(
        (g: { values: Array<{ id: string; label: string }> }) =>
          (g.values.find((v) => wanted.includes(v.label.toLowerCase())) ?? g.values[0]).id,
      );
      const added = await visitor.post(`/api/shop/g/${gallery.token}/cart/items`, {
        photoId: gallery.photoId,
        productId: product.id,
        optionValueIds,
        quantity: item.qty,
      });
      expect(added.status).toBe(201);
    }
    const webCart = (await visitor.get(`/api/shop/g/${gallery.token}/cart`)).body;

    const r = await call(studio, 'create_gallery_checkout', {
      gallery_id: gallery.id,
      items: twoPrints.map((i) => ({ ...i, photo_id: gallery.photoId })),
    });
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    const out = r.structuredContent;
    expect(out.total).toBe(webCart.totals.total);
    expect(out.currency.toUpperCase()).toBe(webCart.currency.toUpperCase());
    // 2 × (4500 + 5500 oak) + (7900 + 500 matte varnish) + 700 standard shipping, tax included.
    expect(out.total).toBe(2 * 10_000 + 8400 + 700);
    expect(out).toMatchObject({ status: 'pending', buyer_email: 'jamie.rivera@example.com' });
    expect(out.checkout_url).toMatch(/^https?:\/\//);

    const order = await withService(db, (tx) =>
      tx.selectFrom('orders').selectAll().where('id', '=', out.order_id).executeTakeFirstOrThrow(),
    );
    expect(order).toMatchObject({ account_id: ids['lumen-photography'], offering_type: 'print', status: 'pending' });
    const pending = await call(studio, 'get_order_status', { order_id: out.order_id });
    expect(pending.structuredContent.status).toBe('pending');

    await emu(`/_emulator/checkout/sessions/${order.stripe_checkout_session_id}/complete`, {
      card_number: '4242424242424242',
      shipping_name: 'Jamie Rivera',
      shipping_line1: '1 Gallery Way',
      shipping_city: 'Berlin',
      shipping_postal_code: '10115',
      shipping_country: 'DE',
    });
    // No webhook flush: the tool settles the session itself, like the success page.
    const paid = await call(studio, 'get_order_status', { order_id: out.order_id });
    expect(paid.isError, JSON.stringify(paid.content)).toBeFalsy();
    expect(paid.structuredContent).toMatchObject({ status: 'paid', total: out.total, amount_refunded: 0 });
    expect(paid.structuredContent.items).toHaveLength(2);
    expect(paid.structuredContent.fulfilment).toMatchObject({ status: 'paid' });
    expect(paid.structuredContent.refunds).toEqual([]);
  });

  it('names an unknown SKU or option in a tool error, and creates no order', async () => {
    const before = await withService(db, (tx) => tx.selectFrom('orders').select('id').execute());
    const sku = await call(studio, 'create_gallery_checkout', {
      gallery_id: gallery.id,
      items: [{ product_sku: 'POSTER-XXL', variant: [], qty: 1 }],
    });
    expect(sku.isError).toBe(true);
    expect(sku.structuredContent.error.code).toBe('validation_failed');
    expect(sku.structuredContent.error.message).toContain('POSTER-XXL');
    const option = await call(studio, 'create_gallery_checkout', {
      gallery_id: gallery.id,
      items: [{ product_sku: 'PRINT-A3', variant: ['Matte', 'Gold frame'], qty: 1 }],
    });
    expect(option.isError).toBe(true);
    expect(option.structuredContent.error.message).toContain('Gold frame');
    const missing = await call(studio, 'create_gallery_checkout', {
      gallery_id: gallery.id,
      items: [{ product_sku: 'PRINT-A3', variant: ['Matte'], qty: 1 }],
    });
    expect(missing.structuredContent.error.message).toMatch(/Choose a Frame/);
    const badQty = await call(studio, 'create_gallery_checkout', {
      gallery_id: gallery.id,
      items: [{ product_sku: 'PRINT-A3', variant: ['Matte', 'No frame'], qty: 0 }],
    });
    expect(badQty.isError).toBe(true);
    const after = await withService(db, (tx) => tx.selectFrom('orders').select('id').execute());
    expect(after.length).toBe(before.length);
  });

  it("refuses another studio's key and a non-studio key for the gallery and the order (not found)", async () => {
    const hash = await hashPassword(DEMO_PASSWORD);
    const other = await withService(db, async (tx) => {
      const u = await tx
        .insertInto('users')
        .values({ email: 'other-studio@mcp.test', name: 'Other Studio', password_hash: hash })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids['other-studio@mcp.test'] = u.id;
      return createAccount(tx, { kind: 'test', userId: u.id }, { name: 'Other', slug: 'other-mcp', kind: 'studio' });
    });
    ids['other-mcp'] = other.accountId;
    const order = await withService(db, (tx) =>
      tx.selectFrom('orders').select('id').where('account_id', '=', ids['lumen-photography']).executeTakeFirstOrThrow(),
    );
    for (const c of [
      await keyFor('other-studio@mcp.test', 'other-mcp'),
      await keyFor('artist@demo.gallerist.dev', 'mira-okafor'),
    ]) {
      for (const [tool, args] of [
        ['list_gallery_products', { gallery_id: gallery.id }],
        ['create_gallery_checkout', { gallery_id: gallery.id, items: twoPrints }],
        ['get_order_status', { order_id: order.id }],
      ] as const) {
        const r = await call(c, tool, args);
        expect({ tool, isError: r.isError, code: r.structuredContent?.error?.code }).toEqual({
          tool,
          isError: true,
          code: 'not_found',
        });
      }
    }
  });

  it('reads the public marketplace with any key', async () => {
    const c = await keyFor('org@demo.gallerist.dev', 'acme-corp');
    const found = await call(c, 'search_artworks', {});
    expect(found.isError).toBeFalsy();
    expect(found.structuredContent.total).toBeGreaterThan(0);
    const first = found.structuredContent.artworks[0];
    const one = await call(c, 'get_artwork', { artwork_id: first.id });
    expect(one.structuredContent.artwork).toMatchObject({ id: first.id, title: first.title });
    expect(one.structuredContent.artwork).not.toHaveProperty('rejectionReason');
    expect(one.structuredContent.price.price).toBe(first.price);
    const none = await call(c, 'get_artwork', { artwork_id: '00000000-0000-4000-8000-000000000000' });
    expect(none.structuredContent.error.code).toBe('not_found');
  });

  it('audits every tool call, and stops a session whose key is revoked', async () => {
    const audited = await withService(db, (tx) =>
      tx
        .selectFrom('audit_events')
        .select(['after', 'actor_user_id'])
        .where('action', '=', 'mcp.tool_called')
        .where('entity_id', '=', studioKey.id)
        .execute(),
    );
    // Every call that reached a tool (the SDK refuses schema-invalid input, such as qty 0, before that).
    expect(audited).toHaveLength(7);
    expect(audited.map((a) => (a.after as { tool: string }).tool)).toContain('create_gallery_checkout');
    expect(audited[0].actor_user_id).toBe(ids['studio@demo.gallerist.dev']);
    const web = http();
    await web.signIn('studio@demo.gallerist.dev');
    const del = await web.del(`/api/accounts/${ids['lumen-photography']}/api-keys/${studioKey.id}`);
    expect(del.status).toBe(204);
    const r = await call(studio, 'list_gallery_products', { gallery_id: gallery.id });
    expect(r.isError).toBe(true);
    expect(r.structuredContent.error.code).toBe('unauthenticated');
    await expect(authenticateApiKey(db, studioKey.secret)).rejects.toMatchObject({ code: 'unauthenticated' });
  });
});
