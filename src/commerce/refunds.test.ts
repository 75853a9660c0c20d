import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { testClient } from '../../test/http.ts';
import { replaceOffering } from '../assembly.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import type { CommerceHooks } from '../modules.ts';
import { pdfPages } from './invoice-testing.ts';
import { getOrder, type Order } from './orders.ts';
import { countAudit, createTestOrder, modulesWithTestOffering } from './testing.ts';

let app: TestApp;
let db: DB;
let stripe: Stripe;
let hooks: CommerceHooks;
// The connected account the test `artwork` offering pays out to (set by the destination-charge test).
let artworkDestination = '';
let order: Order;

const client = () => testClient({ request: (path: string, init?: RequestInit) => fetch(`${app.url}${path}`, init) });

async function emu(path: string, form: Record<string, string> = {}) {
  const res = await fetch(`${app.emulatorUrl}${path}`, { method: 'POST', body: new URLSearchParams(form) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function paidOrder(opts: { buyerUserId?: string | null } = {}) {
  const { order, sessionId } = await createTestOrder(db, stripe, hooks, { baseUrl: app.url, ...opts });
  await emu(`/_emulator/checkout/sessions/${sessionId}/complete`, { card_number: '4242424242424242' });
  await emu('/_emulator/webhooks/flush');
  await app.settle();
  return getOrder(db, order.id);
}

async function refundedAmounts(orderId: string): Promise<number[]> {
  const rows = await withService(db, (tx) =>
    tx
      .selectFrom('audit_events')
      .select('after')
      .where('entity_id', '=', orderId)
      .where('action', '=', 'test.on_refunded')
      .orderBy('created_at')
      .execute(),
  );
  return rows.map((r) => (r.after as { amount: number }).amount);
}

beforeAll(async () => {
  // A bare artwork offering: a destination charge with a 10 % fee, nothing else.
  const modules = replaceOffering(modulesWithTestOffering(), 'artwork', {
    connect: async (_db, o) => ({ destination: artworkDestination, applicationFeeAmount: Math.round(o.total / 10) }),
    onPaid: async () => {},
  });
  app = await startTestApp({ modules });
  db = app.platform.deps.db;
  stripe = app.platform.deps.stripe;
  hooks = app.platform.deps.commerce;
  order = await paidOrder();
  expect(order.status).toBe('paid');
});

afterAll(async () => {
  await app?.stop();
});

describe('refunds', () => {
  it('partial refund via the API, then a Dashboard refund, then the rest: amounts follow the charge exactly', async () => {
    const seller = client();
    await seller.signIn('studio@demo.gallerist.dev');
    const first = await seller.post(`/api/orders/${order.id}/refunds`, { amount: 1000, reason: 'Damaged corner' });
    expect(first.status).toBe(201);
    expect(first.body.refund).toMatchObject({ seq: 1, amount: 1000 });
    expect(first.body.order).toMatchObject({ status: 'partially_refunded', amountRefunded: 1000 });
    await emu('/_emulator/webhooks/flush');
    await app.settle();
    expect((await getOrder(db, order.id)).amountRefunded).toBe(1000);

    // A refund made outside Gallerist (the Dashboard) arrives only by webhook.
    await stripe.refunds.create({ payment_intent: order.stripePaymentIntentId!, amount: 2000 });
    await emu('/_emulator/webhooks/flush');
    await app.settle();
    const mid = await getOrder(db, order.id);
    expect(mid).toMatchObject({ status: 'partially_refunded', amountRefunded: 3000 });

    const tooMuch = await seller.post(`/api/orders/${order.id}/refunds`, { amount: order.total });
    expect(tooMuch.status).toBe(400);

    const rest = await seller.post(`/api/orders/${order.id}/refunds`, {});
    expect(rest.status).toBe(201);
    expect(rest.body.refund).toMatchObject({ seq: 3, amount: order.total - 3000 });
    await emu('/_emulator/webhooks/flush');
    await app.settle();
    const done = await getOrder(db, order.id);
    expect(done).toMatchObject({ status: 'refunded', amountRefunded: order.total });
    expect(await refundedAmounts(order.id)).toEqual([1000, 2000, order.total - 3000]);
    const charge = await stripe.charges.retrieve(done.stripeChargeId!);
    expect(charge.amount_refunded).toBe(done.amountRefunded);

    expect((await seller.post(`/api/orders/${order.id}/refunds`, { amount: 1 })).status).toBe(409);

    const detail = await seller.get(`/api/orders/${order.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.items).toHaveLength(2);
    expect(detail.body.refunds.map((r: { seq: number; status: string }) => [r.seq, r.status])).toEqual([
      [1, 'succeeded'],
      [2, 'succeeded'],
      [3, 'succeeded'],
    ]);
    expect(detail.body.history.map((h: { toStatus: string }) => h.toStatus)).toEqual([
      'pending',
      'paid',
      'partially_refunded',
      'refunded',
    ]);
    expect(detail.body.invoice.number).toMatch(/^INV-\d{6}$/);
    expect(detail.body).toMatchObject({ channel: 'web', agentPlatformId: null, agentPlatformName: null });

    const audit = await seller.get(`/api/orders/${order.id}/audit`);
    expect(audit.status).toBe(200);
    expect(audit.body.data.map((a: { action: string }) => a.action)).toContain('order.refund_requested');

    const list = await seller.get(`/api/accounts/${order.accountId}/orders?status=refunded`);
    expect(list.status).toBe(200);
    expect(list.body.data.map((o: { id: string }) => o.id)).toContain(order.id);
  });

  it('shows sellers the channel of each order, with the agent platform’s name for ACP orders', async () => {
    const o = await paidOrder();
    const platformId = await withService(db, async (tx) => {
      const p = await tx
        .insertInto('agent_platforms')
        .values({ name: 'Shopping Agent', token_hash: 'a'.repeat(64), token_prefix: 'gacp_test1234' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.updateTable('orders').set({ channel: 'acp', agent_platform_id: p.id }).where('id', '=', o.id).execute();
      return p.id;
    });
    const seller = client();
    await seller.signIn('studio@demo.gallerist.dev');
    const list = await seller.get(`/api/accounts/${o.accountId}/orders?limit=100`);
    expect(list.status).toBe(200);
    const rows = list.body.data as Array<{ id: string; channel: string; agentPlatformName: string | null }>;
    expect(rows.find((r) => r.id === o.id)).toMatchObject({ channel: 'acp', agentPlatformName: 'Shopping Agent' });
    expect(rows.find((r) => r.id === order.id)).toMatchObject({ channel: 'web', agentPlatformName: null });
    const detail = await seller.get(`/api/orders/${o.id}`);
    expect(detail.body).toMatchObject({
      channel: 'acp',
      agentPlatformId: platformId,
      agentPlatformName: 'Shopping Agent',
    });
  });

  it('only seller admins and platform admins may refund; outsiders cannot see the order', async () => {
    const o = await paidOrder();
    const outsider = client();
    await outsider.signIn('member@demo.gallerist.dev');
    expect((await outsider.post(`/api/orders/${o.id}/refunds`, { amount: 100 })).status).toBe(404);
    expect((await outsider.get(`/api/orders/${o.id}`)).status).toBe(404);
    // Non-members get 404 like any other account route (ADR 002); 403 is for too low a role.
    expect((await outsider.get(`/api/accounts/${o.accountId}/orders`)).status).toBe(404);
    const admin = client();
    await admin.signIn('admin@demo.gallerist.dev');
    const r = await admin.post(`/api/orders/${o.id}/refunds`, { amount: 100 });
    expect(r.status).toBe(201);
    expect(await countAudit(db, o.id, 'test.on_refunded')).toBe(1);
  });

  it('the buyer sees their order and invoice; guests use the emailed token link; the PDF is valid', async () => {
    const buyerId = await withService(db, async (tx) => {
      const u = await tx
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'artist@demo.gallerist.dev')
        .executeTakeFirstOrThrow();
      return u.id;
    });
    const o = await paidOrder({ buyerUserId: buyerId });
    const buyer = client();
    await buyer.signIn('artist@demo.gallerist.dev');
    const detail = await buyer.get(`/api/orders/${o.id}`);
    expect(detail.status).toBe(200);
    const invoiceId = detail.body.invoice.id as string;
    const inv = await buyer.get(`/api/invoices/${invoiceId}`);
    expect(inv.status).toBe(200);
    expect(inv.body).toMatchObject({ orderId: o.id, total: o.total, currency: 'eur' });
    const html = await buyer.get(`/invoices/${invoiceId}`);
    expect(html.status).toBe(200);
    expect(String(html.body)).toContain(inv.body.number);

    expect((await fetch(`${app.url}/invoices/${invoiceId}`)).status).toBe(401);
    const mail = (await app.mailbox('buyer@example.com')).find(
      (m) => m.template === 'orders.confirmation' && m.text.includes(invoiceId),
    );
    const token = /token=([\w-]+)/.exec(mail!.text)![1];
    const page = await fetch(`${app.url}/invoices/${invoiceId}?token=${token}`);
    expect(page.status).toBe(200);
    expect((await fetch(`${app.url}/invoices/${invoiceId}?token=wrong`)).status).toBe(404);
    const pdf = await fetch(`${app.url}/invoices/${invoiceId}.pdf?token=${token}`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    // A PDF reader opens it and finds the invoice in it.
    const [text] = await pdfPages(bytes);
    expect(text).toContain(inv.body.number);
    expect(text).toContain('buyer@example.com');

    const seller = client();
    await seller.signIn('studio@demo.gallerist.dev');
    expect((await seller.get(`/api/invoices/${invoiceId}`)).status).toBe(200);
    const stranger = client();
    await stranger.signIn('member@demo.gallerist.dev');
    expect((await stranger.get(`/api/invoices/${invoiceId}`)).status).toBe(404);
  });

  it('retries a refund whose Stripe outcome was unknown under its original key instead of refunding twice', async () => {
    const o = await paidOrder();
    // As left behind by a crash or timeout between writing the row and hearing back from Stripe.
    await withService(db, (tx) =>
      tx.insertInto('refunds').values({ order_id: o.id, account_id: o.accountId, seq: 1, amount: 500 }).execute(),
    );
    const seller = client();
    await seller.signIn('studio@demo.gallerist.dev');
    expect((await seller.post(`/api/orders/${o.id}/refunds`, { amount: 900 })).status).toBe(409);
    const r = await seller.post(`/api/orders/${o.id}/refunds`, { amount: 500 });
    expect(r.status).toBe(201);
    expect(r.body.refund).toMatchObject({ seq: 1, amount: 500 });
    await emu('/_emulator/webhooks/flush');
    await app.settle();
    expect((await getOrder(db, o.id)).amountRefunded).toBe(500);
    const refunds = await stripe.refunds.list({ payment_intent: o.stripePaymentIntentId! });
    expect(refunds.data).toHaveLength(1);
  });

  it('destination charges pay the seller minus our fee, and refunds reverse the transfer and the fee', async () => {
    const acct = await stripe.accounts.create({
      type: 'express',
      country: 'DE',
      capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
    });
    await emu(`/_emulator/accounts/${acct.id}/onboard`);
    artworkDestination = acct.id;
    const { order: o, sessionId } = await createTestOrder(db, stripe, hooks, {
      baseUrl: app.url,
      offeringType: 'artwork',
    });
    await emu(`/_emulator/checkout/sessions/${sessionId}/complete`, { card_number: '4242424242424242' });
    await emu('/_emulator/webhooks/flush');
    await app.settle();
    const paid = await getOrder(db, o.id);
    expect(paid).toMatchObject({ status: 'paid', destinationAccount: acct.id });
    const pi = await stripe.paymentIntents.retrieve(paid.stripePaymentIntentId!);
    expect(pi.transfer_data?.destination).toBe(acct.id);
    expect(pi.application_fee_amount).toBe(Math.round(o.total / 10));

    const admin = client();
    await admin.signIn('admin@demo.gallerist.dev');
    expect((await admin.post(`/api/orders/${o.id}/refunds`, {})).status).toBe(201);
    await emu('/_emulator/webhooks/flush');
    await app.settle();
    expect(await getOrder(db, o.id)).toMatchObject({ status: 'refunded', amountRefunded: o.total });
    // The fee is taken from the seller's copy of the payment, so find it through the platform charge.
    const charge = await stripe.charges.retrieve(paid.stripeChargeId!, { expand: ['application_fee'] });
    const fee = charge.application_fee as Stripe.ApplicationFee;
    expect(fee).toMatchObject({ originating_transaction: paid.stripeChargeId, account: acct.id });
    expect(fee.amount_refunded).toBe(Math.round(o.total / 10));
  });

  it('numbers invoices sequentially per seller', async () => {
    const rows = await withService(db, (tx) =>
      tx.selectFrom('invoices').select(['number', 'account_id']).orderBy('issued_at').execute(),
    );
    const lumen = rows.filter((r) => r.account_id === order.accountId).map((r) => r.number);
    expect(lumen).toEqual(lumen.map((_, i) => `INV-${String(i + 1).padStart(6, '0')}`));
  });
});
