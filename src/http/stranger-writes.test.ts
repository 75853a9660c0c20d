import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { changedTables, fingerprint } from '../../test/fingerprint.ts';
import { createPaidSale, onboardedArtist } from '../../test/fixtures/marketplace-sales.ts';
import { testClient } from '../../test/http.ts';
import { recordTrial } from '../../test/reliability/trials.ts';
import { hashPassword } from '../accounts/index.ts';
import { createOrder } from '../commerce/index.ts';
import { withService } from '../db/tenancy.ts';
import { testDbKind } from '../db/testing.ts';
import type { DB } from '../db/types.ts';
import { DEMO_PASSWORD } from '../seed.ts';

// Every write operation in the OpenAPI document that acts on an account's resources, called with the real ids of
// the demo tenants' resources by an anonymous client and by a signed-in user who belongs to none of them: none may
// succeed, and afterwards every table holds exactly what it held before. A new route is covered as soon as it is in
// the document; one whose ids can't be filled fails the test until a fixture is added below.

type Operation = { parameters?: Array<{ name: string; in: string }> };
type Spec = { paths: Record<string, Record<string, Operation>> };

// Writes meant for strangers: signing in and up, guest gallery links (the token is the credential), a patron's own
// saves, views, purchases, artist application and assistant chats, and creating one's own account.
const forStrangers = [
  /^\/auth\//,
  /^\/invitations\/accept$/,
  /^\/accounts$/,
  /^\/shop\/g\/\{token\}/,
  /^\/marketplace\/artworks\/\{id\}\/(save|view|checkout)/,
  /^\/marketplace\/application/,
  /^\/assistant\//,
  /^\/webhooks\//,
];
let app: TestApp;
let db: DB;
const ids: Record<string, string> = {};

/** The first id of a table, or undefined when the table is empty or missing. */
async function firstId(table: string, where = 'true'): Promise<string | undefined> {
  try {
    const { rows } = await sql<{
      id: string;
    }>`select id::text as id from ${sql.table(table)} where ${sql.raw(where)} limit 1`.execute(db);
    return rows[0]?.id;
  } catch {
    return undefined;
  }
}

/** The id to put in `{param}` of `path`: another tenant's real resource of that kind. */
function fill(path: string, param: string, account: string): string | undefined {
  if (param === 'accountId' || param === 'providerId') return account;
  if (param === 'id') {
    if (path.includes('/artworks/')) return ids.artwork;
    if (path.includes('/sales/')) return ids.sale;
    if (path.includes('/applications/')) return ids.application;
    if (path.includes('/conversations/')) return ids.conversation;
  }
  return ids[param];
}

beforeAll(async () => {
  app = await startTestApp();
  db = app.platform.deps.db;
  // Outside any transaction (as the table owner), so a missing table fails alone.
  const first = firstId;
  // A paid print order of the studio and a paid sale of an artist: the demo seed has no orders.
  const ctx = { db, stripe: app.platform.deps.stripe, emulatorUrl: app.emulatorUrl };
  const artist = await first('accounts', "slug = 'mira-okafor'");
  await onboardedArtist(ctx, artist!);
  const sale = await createPaidSale(ctx, { accountId: artist!, priceAmount: 40_000 });
  const studio = (await first('accounts', "slug = 'lumen-photography'"))!;
  const order = await withService(db, (tx) =>
    createOrder(
      tx,
      {
        accountId: studio,
        buyerEmail: 'someone@stranger.test',
        offeringType: 'print',
        currency: 'eur',
        items: [{ name: 'Print', unitAmount: 2500, quantity: 1 }],
      },
      { kind: 'test' },
    ),
  );
  Object.assign(ids, {
    galleryId: await first('galleries'),
    photoId: await first('gallery_photos'),
    productId: await first('print_products'),
    groupId: await first('print_option_groups'),
    valueId: await first('print_option_values'),
    clientId: await first('studio_clients'),
    couponId: await first('shop_coupons'),
    sheetId: await first('price_sheets'),
    orderId: order.id,
    artwork: await first('artworks'),
    imageId: await first('artwork_images'),
    sale: sale.saleId,
    application: await first('artist_applications'),
    userId: await first('users'),
    // Admin-only and key routes refuse by role before any lookup; an unknown id still proves the refusal.
    keyId: (await first('api_keys')) ?? randomUUID(),
    platformId: (await first('agent_platforms')) ?? randomUUID(),
  });
  for (const [k, v] of Object.entries(ids)) if (!v) delete ids[k];
  // The fixture sale's webhooks land before the sweep starts, so they don't count as its writes,
  await fetch(`${app.emulatorUrl}/_emulator/webhooks/flush`, { method: 'POST' });
  await app.settle();
  // And the jobs the fixtures queued (artwork features of the new work) have run.
  await app.platform.jobs!.tick();
  await withService(db, async (tx) => {
    await tx
      .insertInto('users')
      .values({ email: 'outsider@stranger.test', name: 'Outsider', password_hash: await hashPassword(DEMO_PASSWORD) })
      .execute();
  });
}, 120_000);
afterAll(() => app?.stop());

describe('writes by strangers', () => {
  it("refuses every account-scoped write on another tenant's resources and changes no table", async () => {
    const spec = (await (await fetch(`${app.url}/api/openapi.json`)).json()) as Spec;
    const anonymous = testClient({ request: (p, init) => fetch(`${app.url}${p}`, init) });
    const outsider = testClient({ request: (p, init) => fetch(`${app.url}${p}`, init) });
    await outsider.signIn('outsider@stranger.test');
    const accounts = await withService(db, (tx) =>
      tx
        .selectFrom('accounts')
        .select('id')
        .where('slug', 'in', ['lumen-photography', 'mira-okafor', 'skywalker-digital', 'acme-corp'])
        .execute(),
    );
    expect(accounts).toHaveLength(4);

    const before = await fingerprint(db);
    const accepted: string[] = [];
    const unfilled: string[] = [];
    const statuses = new Map<number, number>();
    let calls = 0;
    let routes = 0;
    for (const [path, methods] of Object.entries(spec.paths)) {
      if (forStrangers.some((r) => r.test(path))) continue;
      for (const [m, op] of Object.entries(methods)) {
        if (m === 'get' || m === 'head') continue;
        routes++;
        const params = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        const targets = params.includes('accountId') || params.includes('providerId') ? accounts : [accounts[0]];
        for (const { id: account } of targets) {
          const values = params.map((p) => fill(path, p, account));
          if (values.some((v) => !v)) {
            unfilled.push(`${m.toUpperCase()} ${path}`);
            break;
          }
          const url = `/api${params.reduce((p, name, i) => p.replace(`{${name}}`, values[i]!), path)}`;
          for (const [who, c] of [
            ['anonymous', anonymous],
            ['outsider', outsider],
          ] as const) {
            const res = m === 'delete' ? await c.del(url) : await c[m as 'post' | 'put' | 'patch'](url, {});
            calls++;
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status < 400 || res.status >= 500)
              accepted.push(`${who} ${m.toUpperCase()} ${url} → ${res.status}`);
            else expect(res.body?.error?.code, `${who} ${m.toUpperCase()} ${url}`).toBeTypeOf('string');
          }
        }
      }
    }
    const after = await fingerprint(db);
    const changed = changedTables(before, after);
    recordTrial({
      test: "every account-scoped write route with other tenants' real ids, as anonymous and as an outsider",
      database: testDbKind(),
      seed: 0,
      tried: { routes, calls },
      lost: 0,
      duplicated: 0,
      leaked: accepted.length + changed.length,
      notes: [
        `answers: ${[...statuses].map(([s, n]) => `${n}× ${s}`).join(', ')}`,
        ...accepted.slice(0, 5),
        ...changed.map((t) => `table ${t} changed`),
      ],
    });
    expect(unfilled).toEqual([]);
    expect(accepted).toEqual([]);
    expect(changed).toEqual([]);
    expect(routes).toBeGreaterThan(60);
  });
});
