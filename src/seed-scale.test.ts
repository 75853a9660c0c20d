import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient, testDeps } from '../test/http.ts';
import type { Database } from './db/connect.ts';
import { withService } from './db/tenancy.ts';
import { createDemoTestDatabase } from './db/testing.ts';
import { createApp } from './http/app.ts';
import { seedScale } from './seed-scale.ts';

// `seed --scale` feeds the bench its 1×/10×/100× data: the counts must be what it says, growing must only add,
// and the rows must be ones the product reads as real (balanced ledger, lots that match their entries).

let database: Database;
const now = new Date('2026-06-15T12:00:00Z');
// A tenth of the real unit keeps the test quick; the shapes are the same.
const unit = { printOrders: 600, sales: 350, creditPurchases: 50, artworks: 100, jobs: 1_000 };

beforeAll(async () => {
  database = await createDemoTestDatabase();
});
afterAll(() => database?.close());

const count = async (query: ReturnType<typeof sql<{ n: string }>>) =>
  Number((await withService(database.db, (tx) => query.execute(tx))).rows[0].n);

describe('seed --scale', () => {
  it('seeds one unit of each part, then adds nothing when run again, with every row consistent', async () => {
    const progress: string[] = [];
    const counts = await seedScale(database.db, 1, {
      now,
      unit,
      onProgress: (part, done, total) => progress.push(`${part} ${done}/${total}`),
    });
    expect(counts).toEqual(unit);
    expect(progress).toContain(`jobs ${unit.jobs}/${unit.jobs}`);
    const orders = unit.printOrders + unit.sales + unit.creditPurchases;
    expect(await count(sql`select count(*) as n from orders where metadata @> '{"seed":"scale"}'`)).toBe(orders);
    // Twenty ledger entries per purchase: a purchase posting and nine consumptions, two entries each.
    expect(await count(sql`select count(*) as n from ledger_entries`)).toBeGreaterThanOrEqual(
      unit.creditPurchases * 20,
    );
    expect(await count(sql`select coalesce(sum(amount_minutes), 0) as n from ledger_entries`)).toBe(0);
    // Each lot's balance is what its entries say (the trigger kept it): 600 bought, 270 used.
    expect(
      await count(sql`select count(*) as n from credit_lots l where l.balance_minutes <> (
        select sum(e.amount_minutes) from ledger_entries e where e.ledger_account_id = l.ledger_account_id)`),
    ).toBe(0);
    expect(
      await count(sql`select count(*) as n from credit_lots where order_id is not null and balance_minutes = 330`),
    ).toBe(unit.creditPurchases);
    // Each org's balance with its provider (0121's rollup) is the sum of its open lots.
    expect(await count(sql`select count(*) as n from app.credit_balance_mismatches()`)).toBe(0);
    // An original sells once; each sale's split adds up; the rollups saw every sale.
    expect(
      await count(sql`select count(*) as n from (select artwork_id from marketplace_sales s join artworks a
        on a.id = s.artwork_id where a.edition_type = 'original' group by artwork_id having count(*) > 1) x`),
    ).toBe(0);
    expect(
      await count(sql`select count(*) as n from marketplace_sales where platform_fee + artist_amount <> amount`),
    ).toBe(0);
    expect(await count(sql`select coalesce(sum(sales), 0) as n from marketplace_artwork_sales`)).toBe(
      await count(sql`select count(*) as n from marketplace_sales`),
    );

    const again = await seedScale(database.db, 1, { now, unit });
    expect(again).toEqual(unit);
    expect(await count(sql`select count(*) as n from orders where metadata @> '{"seed":"scale"}'`)).toBe(orders);
  });

  it('gives the demo logins lists the product reads, newest first and paged', async () => {
    const app = createApp(testDeps(database));
    const studio = testClient(app);
    await studio.signIn('studio@demo.gallerist.dev');
    const lumen = await withService(database.db, (tx) =>
      tx.selectFrom('accounts').select('id').where('slug', '=', 'lumen-photography').executeTakeFirstOrThrow(),
    );
    const page = await studio.get(`/api/shop/studios/${lumen.id}/orders?limit=20`);
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(20);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const found = await studio.get(`/api/shop/studios/${lumen.id}/orders?q=buyer471%40`);
    expect(found.status).toBe(200);
    expect(found.body.data.map((o: { buyerEmail: string }) => o.buyerEmail)).toEqual(['buyer471@print.scale.example']);
  });

  it('refuses a scale that is not a whole number from 1 to 1000', async () => {
    for (const bad of [0, -1, 1.5, 1001, Number.NaN]) {
      await expect(seedScale(database.db, bad, { now, unit })).rejects.toThrow(/scale/);
    }
  });
});
