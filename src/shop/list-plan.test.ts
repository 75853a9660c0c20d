import { type Compilable, CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersPageQuery } from '../commerce/index.ts';
import type { Database } from '../db/connect.ts';
import { decodeCursor } from '../db/keyset.ts';
import { asService, withService, withUser } from '../db/tenancy.ts';
import { createTestDatabase } from '../db/testing.ts';
import type { DB } from '../db/types.ts';
import { listPrintOrders, printOrdersPageQuery } from './read-print-orders.ts';

// The lists stay fast at 100× data (issue 17, migration 0109) only while the planner walks an index: the seller's
// orders by (account, created_at, id) with no sort, and the buyer search through the pg_trgm indexes. Plans are
// read as JSON at a few thousand rows, as a signed-in member (so RLS is in them too).

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

let d: Database;
let member = '';
// One seller among many, as on a real platform (1 % of the orders, spread over time), whose list must walk its
// own index; and a big studio (a quarter of them) whose buyer search must use the trigram indexes.
let studio = '';
let bigStudio = '';
const rows = 10_000;

beforeAll(async () => {
  d = await createTestDatabase();
  await withService(d.db, async (tx) => {
    member = (
      await tx
        .insertInto('users')
        .values({ email: 'member@list-plan.test', name: 'Member', password_hash: 'not-a-hash' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const [a, b, ...others] = await tx
      .insertInto('accounts')
      .values(
        Array.from({ length: 32 }, (_, i) => ({ slug: `list-plan-${i}`, name: `Plan studio ${i}`, kind: 'studio' })),
      )
      .returning('id')
      .execute();
    studio = a.id;
    bigStudio = b.id;
    const otherIds = others.map((o) => o.id);
    await tx
      .insertInto('memberships')
      .values([studio, bigStudio].map((account_id) => ({ account_id, user_id: member, role: 'member' as const })))
      .execute();
    await sql`insert into orders (account_id, buyer_email, offering_type, currency, subtotal, total, status, created_at)
      select case when i % 100 = 1 then ${studio}::uuid when i % 4 = 0 then ${bigStudio}::uuid
          else (${otherIds}::uuid[])[1 + i % 30] end,
        'buyer.' || md5(i::text) || '@mail' || (i % 7) || '.test', 'print', 'eur', 1000, 1000,
        (array['paid', 'refunded', 'fulfilled', 'expired'])[1 + i % 4],
        '2026-01-01T00:00:00Z'::timestamptz + (i * interval '1 minute')
      from generate_series(1, ${rows}) i`.execute(tx);
    await sql`insert into print_fulfilments (order_id, account_id, buyer_name)
      select id, account_id, 'Buyer ' || md5(buyer_email) from orders`.execute(tx);
  });
  // As the tables' owner: service_role may not analyze them (Postgres skips it with a warning).
  await sql`analyze orders`.execute(d.db);
  await sql`analyze print_fulfilments`.execute(d.db);
});

afterAll(() => d?.close());

async function explain(tx: DB, query: Compilable<unknown>): Promise<PlanNode[]> {
  const c = query.compile();
  const { rows } = await tx.executeQuery(
    CompiledQuery.raw(`explain (analyze, format json) ${c.sql}`, [...c.parameters]),
  );
  const raw = Object.values(rows[0] as Record<string, unknown>)[0];
  const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>;
  const flat = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(flat)];
  return flat(doc[0].Plan);
}

const seqScans = (plan: PlanNode[], table: string) =>
  plan.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === table);
const indexes = (plan: PlanNode[]) => plan.map((n) => n['Index Name']).filter(Boolean);

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const out = await fn();
  console.log(`list-plan: ${label} took ${(performance.now() - started).toFixed(1)} ms`);
  return out;
}

describe('list plans (migration 0109)', () => {
  it("walks the seller's orders by the keyset index, without a sort, on every page and status", async () => {
    await withUser(d.db, { sub: member }, async (tx) => {
      const first = await timed('orders page 1', () => ordersPageQuery(tx, studio, { limit: 20 }, null).execute());
      expect(first).toHaveLength(21);
      const last = first[19];
      const cursor = decodeCursor(Buffer.from(JSON.stringify([last.cursor_at, last.id])).toString('base64url'));
      for (const [query, index] of [
        [ordersPageQuery(tx, studio, { limit: 20 }, null), 'orders_account_keyset_idx'],
        [ordersPageQuery(tx, studio, { limit: 20 }, cursor), 'orders_account_keyset_idx'],
        // At test size the planner may walk either keyset index for a status: both stay ordered, with no sort.
        [
          ordersPageQuery(tx, studio, { status: 'refunded', limit: 20 }, cursor),
          /^orders_account_(status_)?keyset_idx$/,
        ],
      ] as const) {
        const plan = await explain(tx, query);
        expect(seqScans(plan, 'orders')).toEqual([]);
        expect(indexes(plan)).toContainEqual(expect.stringMatching(index));
        expect(plan.map((n) => n['Node Type'])).not.toContain('Sort');
      }
    });
  });

  it('finds print orders by a fragment of the buyer email or name through the trigram indexes', async () => {
    const { fragment } = await withService(d.db, async (tx) => {
      const o = await tx
        .selectFrom('orders')
        .select('buyer_email')
        .where('account_id', '=', bigStudio)
        .orderBy('created_at')
        .offset(1234)
        .executeTakeFirstOrThrow();
      return { fragment: o.buyer_email.slice(10, 20).toUpperCase() };
    });
    // As listPrintOrders runs a search: the member's transaction, switched to service role (see asStudioSearch).
    await withUser(d.db, { sub: member }, (user) =>
      asService(user, async (tx) => {
        const q = { q: fragment, limit: 20 };
        const found = await timed('print order search', () => printOrdersPageQuery(tx, bigStudio, q, null).execute());
        expect(found).toHaveLength(1);
        const plan = await explain(tx, printOrdersPageQuery(tx, bigStudio, q, null));
        expect(indexes(plan)).toEqual(
          expect.arrayContaining(['orders_buyer_email_trgm_idx', 'print_fulfilments_buyer_name_trgm_idx']),
        );
        expect(seqScans(plan, 'orders')).toEqual([]);
        expect(seqScans(plan, 'print_fulfilments')).toEqual([]);
      }),
    );
  });

  it('pages a common search term from the newest orders, with the same rows as the indexed matches', async () => {
    const expected = await withService(d.db, (tx) =>
      tx
        .selectFrom('orders as o')
        .innerJoin('print_fulfilments as f', 'f.order_id', 'o.id')
        .select('o.id')
        .where('o.account_id', '=', bigStudio)
        .where('o.buyer_email', 'ilike', '%@mail3%')
        .orderBy('o.created_at', 'desc')
        .orderBy('o.id', 'desc')
        .execute(),
    );
    expect(expected.length).toBeGreaterThan(300);
    const seen: string[] = [];
    let cursor: string | undefined;
    let first: { total: number; totalCapped: boolean } | undefined;
    await timed(`common term, ${expected.length} matches walked`, async () => {
      do {
        const page = await withUser(d.db, { sub: member }, (tx) =>
          listPrintOrders(tx, bigStudio, { q: '@MAIL3', limit: 100, cursor }, {}),
        );
        first ??= page;
        seen.push(...page.data.map((o) => o.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    });
    expect(seen).toEqual(expected.map((o) => o.id));
    // A common term is counted among the newest orders only: "at least" that many.
    expect(first?.totalCapped).toBe(true);
    expect(first?.total).toBeGreaterThanOrEqual(25);
    expect(first?.total).toBeLessThan(expected.length);
  });
});
