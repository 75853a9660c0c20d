import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/connect.ts';
import { withAnon, withService, withUser } from '../db/tenancy.ts';
import { createDemoTestDatabase } from '../db/testing.ts';
import { createOrder } from './orders.ts';

let d: Database;
const ids: Record<string, string> = {};
let orderId: string;

beforeAll(async () => {
  d = await createDemoTestDatabase();
  for (const u of await d.db.selectFrom('users').select(['id', 'email']).execute()) ids[u.email] = u.id;
  for (const a of await d.db.selectFrom('accounts').select(['id', 'slug']).execute()) ids[a.slug] = a.id;
  const order = await withService(d.db, (tx) =>
    createOrder(
      tx,
      {
        accountId: ids['lumen-photography'],
        buyerUserId: ids['artist@demo.gallerist.dev'],
        buyerEmail: 'artist@demo.gallerist.dev',
        offeringType: 'print',
        currency: 'jpy',
        items: [{ name: 'Print', unitAmount: 3000, quantity: 3 }],
        taxRateBps: 1000,
      },
      { kind: 'test' },
    ),
  );
  orderId = order.id;
});

afterAll(async () => {
  await d?.close();
});

const visibleTo = (email: string) =>
  withUser(d.db, { sub: ids[email] }, async (tx) => ({
    orders: (await tx.selectFrom('orders').select('id').where('id', '=', orderId).execute()).length,
    items: (await tx.selectFrom('order_items').select('id').where('order_id', '=', orderId).execute()).length,
    history: (await tx.selectFrom('order_events').select('id').where('order_id', '=', orderId).execute()).length,
  }));

describe('commerce row-level security', () => {
  it('lets the seller’s members, the buyer and platform admins read an order, and nobody else', async () => {
    expect(await visibleTo('studio@demo.gallerist.dev')).toEqual({ orders: 1, items: 1, history: 1 });
    expect(await visibleTo('artist@demo.gallerist.dev')).toEqual({ orders: 1, items: 1, history: 1 });
    expect(await visibleTo('admin@demo.gallerist.dev')).toEqual({ orders: 1, items: 1, history: 1 });
    expect(await visibleTo('member@demo.gallerist.dev')).toEqual({ orders: 0, items: 0, history: 0 });
    await expect(withAnon(d.db, (tx) => tx.selectFrom('orders').select('id').execute())).rejects.toThrow();
  });

  it('never lets users write orders or read the Stripe inbox', async () => {
    await expect(
      withUser(d.db, { sub: ids['studio@demo.gallerist.dev'] }, (tx) =>
        tx.updateTable('orders').set({ status: 'paid' }).where('id', '=', orderId).execute(),
      ),
    ).rejects.toThrow();
    await expect(
      withUser(d.db, { sub: ids['admin@demo.gallerist.dev'] }, (tx) =>
        tx.selectFrom('stripe_events').select('id').execute(),
      ),
    ).rejects.toThrow();
  });

  it('enforces the money invariants in the schema', async () => {
    await expect(
      withService(d.db, (tx) => tx.updateTable('orders').set({ total: 1 }).where('id', '=', orderId).execute()),
    ).rejects.toThrow();
    await expect(
      withService(d.db, (tx) =>
        tx.updateTable('order_items').set({ line_total: 1 }).where('order_id', '=', orderId).execute(),
      ),
    ).rejects.toThrow();
    const row = await withService(d.db, (tx) =>
      tx.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirstOrThrow(),
    );
    expect([Number(row.subtotal), Number(row.tax), Number(row.total), row.currency]).toEqual([9000, 900, 9900, 'jpy']);
  });
});
