import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { demoIds } from '../../test/fixtures/marketplace-buy.ts';
import { pdfPages } from '../../test/fixtures/pdf-text.ts';
import { testClient } from '../../test/http.ts';
import { createTestOrder, modulesWithTestOffering } from '../commerce/testing.ts';
import { withService, withUser } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';

// Seller legal details (issue 14): owners and admins set the tax id and billing address their invoices print;
// members read them; issued invoices keep what they were issued with. Seller: Skywalker Digital (a provider, which
// keeps no other address), owned by provider@, with org@ as a plain member; studio@ belongs to another tenant.

let app: TestApp;
let db: DB;
let stripe: Stripe;
const ids: Record<string, string> = {};
const path = () => `/api/accounts/${ids['skywalker-digital']}/legal-details`;

const client = () => testClient({ request: (p: string, init?: RequestInit) => fetch(`${app.url}${p}`, init) });
type Client = ReturnType<typeof client>;
let owner: Client;
let member: Client;
let stranger: Client;

async function emu(p: string, form: Record<string, string> = {}) {
  const res = await fetch(`${app.emulatorUrl}${p}`, { method: 'POST', body: new URLSearchParams(form) });
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function download(c: Client, p: string): Promise<Response> {
  return fetch(`${app.url}${p}`, { headers: { cookie: [...c.jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
}

/** Sells something as Skywalker Digital, pays it in the emulator and returns the issued invoice's id. */
async function issueInvoice(buyerEmail: string): Promise<string> {
  const { order, sessionId } = await createTestOrder(db, stripe, app.platform.deps.commerce, {
    baseUrl: app.url,
    buyerEmail,
    sellerSlug: 'skywalker-digital',
  });
  await emu(`/_emulator/checkout/sessions/${sessionId}/complete`, { card_number: '4242424242424242', name: 'Zoë' });
  await emu('/_emulator/webhooks/flush');
  await app.settle();
  const inv = await withService(db, (tx) =>
    tx.selectFrom('invoices').select('id').where('order_id', '=', order.id).executeTakeFirstOrThrow(),
  );
  return inv.id;
}

async function documents(c: Client, invoiceId: string) {
  const html = await (await download(c, `/invoices/${invoiceId}`)).text();
  const res = await download(c, `/invoices/${invoiceId}.pdf`);
  expect(res.status).toBe(200);
  const pdf = (await pdfPages(new Uint8Array(await res.arrayBuffer()))).join('\n');
  return { html, pdf };
}

async function stored() {
  return withService(db, (tx) =>
    tx
      .selectFrom('accounts')
      .select(['tax_id', 'billing_address'])
      .where('id', '=', ids['skywalker-digital'])
      .executeTakeFirstOrThrow(),
  );
}

async function auditCount() {
  const r = await withService(db, (tx) =>
    tx
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('account_id', '=', ids['skywalker-digital'])
      .where('action', '=', 'account.legal_details.update')
      .executeTakeFirstOrThrow(),
  );
  return Number(r.n);
}

beforeAll(async () => {
  app = await startTestApp({ modules: modulesWithTestOffering() });
  db = app.platform.deps.db;
  stripe = app.platform.deps.stripe;
  Object.assign(ids, await demoIds(db));
  owner = client();
  await owner.signIn('provider@demo.gallerist.dev');
  member = client();
  await member.signIn('org@demo.gallerist.dev');
  stranger = client();
  await stranger.signIn('studio@demo.gallerist.dev');
});
afterAll(async () => {
  await app?.stop();
});

describe('seller legal details API', () => {
  it('lets members read them, read-only', async () => {
    const r = await member.get(path());
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accountId: ids['skywalker-digital'], taxId: null, billingAddress: null });
    expect(r.body.canEdit).toBe(false);
    expect((await owner.get(path())).body.canEdit).toBe(true);
  });

  it('refuses members (403), other tenants (404) and anonymous callers (401), writing nothing', async () => {
    const body = { taxId: 'DE111111111' };
    const m = await member.patch(path(), body);
    expect(m.status).toBe(403);
    expect(m.body.error.code).toBe('forbidden');
    const s = await stranger.patch(path(), body);
    expect(s.status).toBe(404);
    expect((await stranger.get(path())).status).toBe(404);
    const anon = client();
    expect((await anon.patch(path(), body)).status).toBe(401);
    expect((await anon.get(path())).status).toBe(401);
    expect(await stored()).toEqual({ tax_id: null, billing_address: null });
    expect(await auditCount()).toBe(0);
  });

  it('rejects bad input with 400 and field details, writing nothing', async () => {
    for (const bad of [
      { taxId: 'DE 123!!' },
      { taxId: 'X' },
      { taxId: 'A'.repeat(31) },
      { billingAddress: { line1: 'Main St 1', city: '', country: 'DE' } },
      { billingAddress: { line1: 'Main St 1', city: 'Berlin', country: 'Germany' } },
      { billingAddress: { line1: 'Main St 1', city: 'Berlin', country: 'DE', extra: 'x' } },
      { taxId: 'DE123456789', name: 'Renamed' },
    ]) {
      const r = await owner.patch(path(), bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'validation_failed' });
      expect(r.body.error.message).toEqual(expect.any(String));
      expect(r.body.error.details).toBeTruthy();
    }
    expect(await stored()).toEqual({ tax_id: null, billing_address: null });
    expect(await auditCount()).toBe(0);
  });

  it('is enforced by RLS too: a member cannot update the row, and the database checks the format', async () => {
    const res = await withUser(db, { sub: ids['org@demo.gallerist.dev'] }, (tx) =>
      tx.updateTable('accounts').set({ tax_id: 'DE1' }).where('id', '=', ids['skywalker-digital']).executeTakeFirst(),
    );
    expect(Number(res.numUpdatedRows)).toBe(0);
    await expect(
      withService(db, (tx) =>
        tx.updateTable('accounts').set({ tax_id: 'de 12!' }).where('id', '=', ids['skywalker-digital']).execute(),
      ),
    ).rejects.toThrow();
    expect(await stored()).toEqual({ tax_id: null, billing_address: null });
  });
});

describe('seller legal details on invoices', () => {
  it('prints them on invoices issued after they are set, and never changes issued invoices', async () => {
    const before = await issueInvoice('before@example.com');
    const first = await documents(owner, before);
    expect(first.html).toContain('Skywalker Digital');
    expect(first.html).not.toMatch(/VAT ID|Tax ID/);
    expect(first.pdf).not.toMatch(/VAT ID|Tax ID/);

    const set = await owner.patch(path(), {
      taxId: ' de123456789 ',
      billingAddress: { line1: 'Rua Augusta 100', postalCode: '1100-053', city: 'Lisboa', country: 'pt' },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      taxId: 'DE123456789',
      billingAddress: { line1: 'Rua Augusta 100', postalCode: '1100-053', city: 'Lisboa', country: 'PT' },
    });
    expect(set.body.billingAddress).not.toHaveProperty('line2');
    expect((await member.get(path())).body.taxId).toBe('DE123456789');
    expect(await auditCount()).toBe(1);

    const after = await issueInvoice('after@example.com');
    const second = await documents(owner, after);
    for (const doc of [second.html, second.pdf]) {
      expect(doc).toContain('VAT ID: DE123456789');
      expect(doc).toContain('Rua Augusta 100');
      expect(doc).toContain('1100-053 Lisboa');
      expect(doc).toContain('Portugal');
    }
    const json = await owner.get(`/api/invoices/${after}`);
    expect(json.body.seller).toMatchObject({ taxId: 'DE123456789', address: { city: 'Lisboa' } });

    // The earlier invoice is exactly as issued.
    expect(await documents(owner, before)).toEqual(first);

    // Later edits: a tax id without a country prefix prints as "Tax ID"; issued invoices keep theirs.
    const changed = await owner.patch(path(), { taxId: '12-3456789', billingAddress: null });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ taxId: '12-3456789', billingAddress: null });
    expect(await documents(owner, after)).toEqual(second);
    expect(await documents(owner, before)).toEqual(first);
    const later = await documents(owner, await issueInvoice('later@example.com'));
    expect(later.html).toContain('Tax ID: 12-3456789');
    expect(later.pdf).toContain('Tax ID: 12-3456789');
    expect(later.html).not.toContain('Rua Augusta');

    // Clearing it leaves the next invoice without a tax line.
    expect((await owner.patch(path(), { taxId: null })).body.taxId).toBeNull();
    const cleared = await documents(owner, await issueInvoice('cleared@example.com'));
    expect(cleared.html).not.toMatch(/VAT ID|Tax ID/);
    expect(await auditCount()).toBe(3);
  });
});
