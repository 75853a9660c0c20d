import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { testClient } from '../../test/http.ts';
import { listBundles, startBundleCheckout } from '../credits/index.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { formatMoney } from '../money.ts';
import { pdfPages } from './invoice-testing.ts';
import { getOrder } from './orders.ts';
import { createTestOrder, modulesWithTestOffering } from './testing.ts';

let app: TestApp;
let db: DB;
let stripe: Stripe;
const ids: Record<string, string> = {};

const client = () => testClient({ request: (path: string, init?: RequestInit) => fetch(`${app.url}${path}`, init) });

async function emu(path: string, form: Record<string, string> = {}) {
  const res = await fetch(`${app.emulatorUrl}${path}`, { method: 'POST', body: new URLSearchParams(form) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

// Fetches a page with a signed-in client's cookies (testClient parses bodies as text; a PDF needs the bytes).
async function download(c: ReturnType<typeof client>, path: string): Promise<Response> {
  return fetch(`${app.url}${path}`, { headers: { cookie: [...c.jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
}

beforeAll(async () => {
  app = await startTestApp({ modules: modulesWithTestOffering() });
  db = app.platform.deps.db;
  stripe = app.platform.deps.stripe;
  for (const u of await withService(db, (tx) => tx.selectFrom('users').select(['id', 'email']).execute()))
    ids[u.email] = u.id;
  for (const a of await withService(db, (tx) => tx.selectFrom('accounts').select(['id', 'slug']).execute()))
    ids[a.slug] = a.id;
});
afterAll(async () => {
  await app?.stop();
});

describe('invoices issued through checkout', () => {
  it("an organization's credit-bundle invoice names the organization, in the PDF and on the page", async () => {
    const [bundle] = await withService(db, (tx) => listBundles(tx, ids['skywalker-digital']));
    const { orderId } = await startBundleCheckout(
      db,
      stripe,
      app.platform.deps.commerce,
      {
        bundleId: bundle.id,
        organizationId: ids['acme-corp'],
        buyerUserId: ids['org@demo.gallerist.dev'],
        buyerEmail: 'org@demo.gallerist.dev',
      },
      (org) => ({ successUrl: `${app.url}/org/${org.slug}?payment=success`, cancelUrl: `${app.url}/expert-services` }),
    );
    const order = await getOrder(db, orderId);
    await emu(`/_emulator/checkout/sessions/${order.stripeCheckoutSessionId}/complete`, {
      card_number: '4242424242424242',
      name: 'Olive Org',
    });
    await emu('/_emulator/webhooks/flush');
    await app.settle();

    const buyer = client();
    await buyer.signIn('org@demo.gallerist.dev');
    const detail = await buyer.get(`/api/orders/${orderId}`);
    expect(detail.status).toBe(200);
    const invoiceId = detail.body.invoice.id as string;
    const json = await buyer.get(`/api/invoices/${invoiceId}`);
    expect(json.body.buyer).toMatchObject({ organizationId: ids['acme-corp'], organizationName: 'Acme Corp' });

    const res = await download(buyer, `/invoices/${invoiceId}.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = (await pdfPages(bytes)).join('\n');
    expect(text).toContain('Acme Corp');
    expect(text).toContain('Skywalker Digital');
    expect(text).not.toContain('org@demo.gallerist.dev');
    expect(text).toContain(json.body.number);
    expect(text).toContain(`Total ${formatMoney(order.total, order.currency)}`);

    const page = await download(buyer, `/invoices/${invoiceId}`);
    const html = await page.text();
    expect(html).toContain('Acme Corp');
    expect(html).not.toContain('org@demo.gallerist.dev');
    expect(html).toContain(`href="/invoices/${invoiceId}.pdf"`);
  });

  it("a guest's invoice prints their checkout name exactly, the seller's address and the tax line", async () => {
    const { order, sessionId } = await createTestOrder(db, stripe, app.platform.deps.commerce, {
      baseUrl: app.url,
      buyerEmail: 'zoe@example.com',
    });
    expect(order.tax).toBeGreaterThan(0);
    await emu(`/_emulator/checkout/sessions/${sessionId}/complete`, {
      card_number: '4242424242424242',
      name: 'Zoë Łukasiewicz 山田',
    });
    await emu('/_emulator/webhooks/flush');
    await app.settle();
    const mail = (await app.mailbox('zoe@example.com')).find((m) => m.template === 'orders.confirmation');
    const [, invoiceId, token] = /\/invoices\/([0-9a-f-]{36})\?token=([\w-]+)/.exec(mail?.text ?? '') ?? [];
    expect(token).toBeTruthy();

    const res = await fetch(`${app.url}/invoices/${invoiceId}.pdf?token=${token}&locale=de-DE`);
    expect(res.status).toBe(200);
    const [text] = await pdfPages(new Uint8Array(await res.arrayBuffer()));
    expect(text).toContain('Zoë Łukasiewicz 山田');
    expect(text).toContain('zoe@example.com');
    expect(text).toContain('Lumen Photography');
    expect(text).toContain('Lindenstraße 12');
    expect(text).toContain(order.taxInclusive ? 'incl. VAT' : `VAT ${formatMoney(order.tax, 'eur')}`);
    expect(text).toContain(formatMoney(order.tax, 'eur'));
    expect(text).toContain(`Total ${formatMoney(order.total, 'eur')}`);
    // de-DE dates: "4. Dezember 2026".
    expect(text).toMatch(/Issue date: \d{1,2}\. \p{L}+ \d{4}/u);

    // The parties as issued, copied by the invoice's own statement: no empty field, nor one the buyer lacks.
    const issued = await withService(db, (tx) =>
      tx.selectFrom('invoices').select(['seller', 'buyer']).where('id', '=', invoiceId).executeTakeFirstOrThrow(),
    );
    for (const party of [issued.seller, issued.buyer]) {
      expect(Object.entries(party).filter(([, v]) => v === null || v === '')).toEqual([]);
    }
    expect(issued.buyer).toMatchObject({ email: 'zoe@example.com', name: 'Zoë Łukasiewicz 山田' });
    expect(issued.buyer).not.toHaveProperty('userId');
    expect(issued.buyer).not.toHaveProperty('organizationId');
    expect(issued.seller).toMatchObject({ id: order.accountId, name: 'Lumen Photography', slug: 'lumen-photography' });
    expect(JSON.stringify(issued.seller.address)).toContain('Lindenstraße 12');

    const html = await (await fetch(`${app.url}/invoices/${invoiceId}?token=${token}`)).text();
    expect(html).toContain('Zoë Łukasiewicz 山田');
    expect(html).toContain(`/invoices/${invoiceId}.pdf?token=${token}`);
  });

  it("numbers a seller's concurrently paid invoices without gaps, and the mails name the final number", async () => {
    const orders = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        createTestOrder(db, stripe, app.platform.deps.commerce, {
          baseUrl: app.url,
          buyerEmail: `numbered-${i}@example.com`,
        }),
      ),
    );
    for (const o of orders) {
      await emu(`/_emulator/checkout/sessions/${o.sessionId}/complete`, { card_number: '4242424242424242' });
    }
    // The buyers' success pages settle all six at once (the webhooks then find them paid).
    const pages = await Promise.all(
      orders.map((o) => fetch(`${app.url}/api/checkout/sessions/${o.sessionId}/complete`).then((r) => r.json())),
    );
    expect(pages.map((p) => p.status)).toEqual(Array(6).fill('paid'));
    await emu('/_emulator/webhooks/flush');
    await app.settle();

    const accountId = orders[0].order.accountId;
    const { invoices, counter, pending } = await withService(db, async (tx) => ({
      invoices: await tx
        .selectFrom('invoices')
        .select(['order_id', 'number'])
        .where('account_id', '=', accountId)
        .execute(),
      counter: await tx
        .selectFrom('invoice_counters')
        .select('last_number')
        .where('account_id', '=', accountId)
        .executeTakeFirstOrThrow(),
      pending: await tx
        .selectFrom('mail_outbox')
        .select('id')
        .where((eb) =>
          eb.or([
            eb('subject', 'like', '%INV-PENDING%'),
            eb('html', 'like', '%INV-PENDING%'),
            eb('text', 'like', '%INV-PENDING%'),
          ]),
        )
        .execute(),
    }));
    // Every number the seller's counter handed out belongs to exactly one invoice: 1…n, none twice, none skipped.
    const numbers = invoices.map((i) => Number(i.number.replace(/^INV-/, ''))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: counter.last_number }, (_, i) => i + 1));
    expect(pending).toEqual([]);
    for (const [i, o] of orders.entries()) {
      const number = invoices.find((inv) => inv.order_id === o.order.id)?.number;
      expect(number).toMatch(/^INV-\d{6}$/);
      const mail = await withService(db, (tx) =>
        tx
          .selectFrom('mail_outbox')
          .select(['subject', 'html', 'text'])
          .where('to_address', '=', `numbered-${i}@example.com`)
          .executeTakeFirstOrThrow(),
      );
      expect(mail.subject).toBe(`Order confirmed – invoice ${number}`);
      expect(mail.text).toContain(`Your invoice number is ${number}.`);
      expect(mail.html).toContain(`Your invoice number is ${number}.`);
    }
  });
});
