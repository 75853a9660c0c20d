import { type RawBuilder, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './connect.ts';
import { withService, withUser } from './tenancy.ts';
import { createTestDatabase } from './testing.ts';
import type { Tx } from './types.ts';

// RLS must cost nothing per row (issue 17, migration 0098): policies call the app.* helpers through scalar
// subqueries, which the planner runs once as InitPlans, and compare each row's account with the set they return.
// The plans are checked as JSON, which names InitPlans the same on Postgres 15 (`InitPlan 1 (returns $0)`) and 17.

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Parent Relationship'?: string;
  'Subplan Name'?: string;
  'Actual Loops'?: number;
  Filter?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  'Join Filter'?: string;
  Output?: string[];
  Plans?: PlanNode[];
}

let d: Database;
let seller = '';
let account = '';
const ownOrders = 2400;
const otherOrders = 600;

beforeAll(async () => {
  d = await createTestDatabase();
  await withService(d.db, async (tx) => {
    const user = await tx
      .insertInto('users')
      .values({ email: 'seller@rls-plan.test', name: 'Seller', password_hash: 'not-a-hash' })
      .returning('id')
      .executeTakeFirstOrThrow();
    seller = user.id;
    const [own, other] = await tx
      .insertInto('accounts')
      .values([
        { slug: 'rls-plan-studio', name: 'Plan studio', kind: 'studio' },
        { slug: 'rls-plan-other', name: 'Other studio', kind: 'studio' },
      ])
      .returning('id')
      .execute();
    account = own.id;
    await tx.insertInto('memberships').values({ account_id: account, user_id: seller, role: 'member' }).execute();
    await sql`insert into orders (account_id, buyer_email, offering_type, currency, subtotal, total, status)
      select case when i <= ${ownOrders} then ${account}::uuid else ${other.id}::uuid end, 'buyer' || i || '@x.co',
        'print', 'eur', 1000, 1000, 'paid'
      from generate_series(1, ${ownOrders + otherOrders}) i`.execute(tx);
    await sql`insert into order_items (order_id, account_id, name, unit_amount, quantity, line_total)
      select id, account_id, 'Print', 1000, 1, 1000 from orders`.execute(tx);
    await sql`analyze orders`.execute(tx);
    await sql`analyze order_items`.execute(tx);
  });
});

afterAll(() => d?.close());

async function explain(tx: Tx, query: RawBuilder<unknown>): Promise<PlanNode> {
  const { rows } = await sql<Record<string, unknown>>`explain (analyze, verbose, format json) ${query}`.execute(tx);
  const raw = Object.values(rows[0])[0];
  const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>;
  return doc[0].Plan;
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

// What a scan evaluates for every row it reads.
const perRow = (n: PlanNode) =>
  [n.Filter, n['Index Cond'], n['Recheck Cond'], n['Join Filter']].filter(Boolean).join(' ');
// A helper call, or app.current_user_id() inlined into its claims lookup.
const helperCall = /\bapp\.\w+\(|current_setting\(/;

/** Asserts no scan of `table` calls a helper per row, and each helper that ran ran once, in an InitPlan. */
function expectOncePerQuery(plan: PlanNode, table: string, helpers: string[]): void {
  const all = nodes(plan);
  const scans = all.filter((n) => n['Relation Name'] === table);
  expect(scans.length, `${table} is scanned`).toBeGreaterThan(0);
  for (const scan of scans) expect(perRow(scan), `${table}: per-row condition`).not.toMatch(helperCall);
  for (const n of all) if (n['Node Type'] !== 'Result') expect(perRow(n)).not.toMatch(helperCall);
  for (const helper of helpers) {
    const evaluators = all.filter((n) => n.Output?.some((o) => o.includes(`app.${helper}(`)));
    expect(evaluators.length, `${helper} is evaluated`).toBeGreaterThan(0);
    for (const n of evaluators) {
      expect(n['Parent Relationship'], `${helper} runs in an InitPlan`).toBe('InitPlan');
      expect(n['Actual Loops'] ?? 0, `${helper} runs at most once`).toBeLessThanOrEqual(1);
    }
  }
}

describe('RLS costs nothing per row (migration 0098)', () => {
  it("a member's order count evaluates the sales check once, as an InitPlan", async () => {
    await withUser(d.db, { sub: seller }, async (tx) => {
      const plan = await explain(tx, sql`select count(*) from orders where account_id = ${account}`);
      expectOncePerQuery(plan, 'orders', ['sales_account_ids', 'is_platform_admin']);
      const ran = nodes(plan).find((n) => n.Output?.some((o) => o.includes('app.sales_account_ids(')));
      expect(ran?.['Actual Loops']).toBe(1);

      const started = performance.now();
      const { rows } = await sql<{
        n: string;
      }>`select count(*)::text as n from orders where account_id = ${account}`.execute(tx);
      console.log(
        `rls-plan: count of ${ownOrders} orders under RLS took ${(performance.now() - started).toFixed(1)} ms`,
      );
      expect(rows[0].n).toBe(String(ownOrders));
    });
  });

  it("a member's order listing (and a count over every order) filter rows against the once-read set", async () => {
    await withUser(d.db, { sub: seller }, async (tx) => {
      const listing = await explain(
        tx,
        sql`select id, status, total, created_at from orders where account_id = ${account}
          order by created_at desc limit 50`,
      );
      expectOncePerQuery(listing, 'orders', ['sales_account_ids']);
      // No account filter: other sellers' rows are read and refused without calling a helper for each of them.
      const all = await explain(tx, sql`select count(*) from orders`);
      expectOncePerQuery(all, 'orders', ['sales_account_ids', 'is_platform_admin']);
      const { rows } = await sql<{ n: string }>`select count(*)::text as n from orders`.execute(tx);
      expect(rows[0].n).toBe(String(ownOrders));
      const items = await explain(
        tx,
        sql`select i.name, o.status from order_items i join orders o on o.id = i.order_id
          where o.account_id = ${account} order by o.created_at desc limit 50`,
      );
      expectOncePerQuery(items, 'order_items', ['sales_account_ids']);
    });
  });

  it.each([
    'order_items',
    'order_events',
    'refunds',
    'invoices',
    'print_fulfilments',
    'marketplace_sales',
    'artworks',
    'galleries',
    'gallery_photos',
    'credit_lots',
    'credit_usage',
    'ledger_accounts',
    'audit_events',
    'memberships',
    'accounts',
  ])('%s: no helper call in the per-row filter', async (table) => {
    await withUser(d.db, { sub: seller }, async (tx) => {
      const plan = await explain(tx, sql`select count(*) from ${sql.table(table)}`);
      expectOncePerQuery(plan, table, []);
    });
  });
});
