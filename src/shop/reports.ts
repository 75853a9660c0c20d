import { sql } from 'kysely';
import type { Clock } from '../clock.ts';
import type { DB } from '../db/types.ts';
import { getSettings } from './studio.ts';

/** Money in and out for one calendar month (UTC), in the studio currency's minor units. */
export interface MonthFigures {
  month: string;
  gross: number;
  refunds: number;
  net: number;
  orderCount: number;
}

/** Start of the UTC month `offset` months from the one containing `d`. */
function monthStart(d: Date, offset = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
}

const label = (d: Date) => d.toISOString().slice(0, 7);

async function monthFigures(db: DB, accountId: string, currency: string, from: Date, to: Date): Promise<MonthFigures> {
  const paid = await db
    .selectFrom('orders')
    .select([sql<string>`coalesce(sum(total), 0)`.as('gross'), (eb) => eb.fn.countAll<string>().as('n')])
    .where('account_id', '=', accountId)
    .where('offering_type', '=', 'print')
    .where('currency', '=', currency)
    .where('paid_at', '>=', from)
    .where('paid_at', '<', to)
    .executeTakeFirstOrThrow();
  // Refunds count in the month they were made, so last month's sales refunded today lower this month.
  const refunded = await db
    .selectFrom('refunds as r')
    .innerJoin('orders as o', 'o.id', 'r.order_id')
    .select(sql<string>`coalesce(sum(r.amount), 0)`.as('amount'))
    .where('r.account_id', '=', accountId)
    .where('o.offering_type', '=', 'print')
    .where('o.currency', '=', currency)
    .where('r.status', '=', 'succeeded')
    .where('r.created_at', '>=', from)
    .where('r.created_at', '<', to)
    .executeTakeFirstOrThrow();
  const gross = Number(paid.gross);
  const refunds = Number(refunded.amount);
  return { month: label(from), gross, refunds, net: gross - refunds, orderCount: Number(paid.n) };
}

/**
 * The studio dashboard: this month's print revenue (paid minus refunded) against last month's, and the month's
 * best sellers by quantity with their revenue (line totals before order discounts). "This month" comes from the
 * injected clock; orders in another currency than the studio's are left out rather than mixed in.
 */
export async function studioSummary(db: DB, accountId: string, clock: Clock) {
  const settings = await getSettings(db, accountId);
  const currency = settings.currency.toLowerCase();
  const now = clock.now();
  const start = monthStart(now);
  const next = monthStart(now, 1);
  const prevStart = monthStart(now, -1);
  const [current, previous] = await Promise.all([
    monthFigures(db, accountId, currency, start, next),
    monthFigures(db, accountId, currency, prevStart, start),
  ]);
  const sellers = await db
    .selectFrom('order_items as i')
    .innerJoin('orders as o', 'o.id', 'i.order_id')
    .select([
      sql<string | null>`i.options->>'productId'`.as('product_id'),
      sql<string>`min(i.name)`.as('name'),
      sql<string>`sum(i.quantity)`.as('quantity'),
      sql<string>`sum(i.line_total)`.as('revenue'),
    ])
    .where('o.account_id', '=', accountId)
    .where('o.offering_type', '=', 'print')
    .where('o.currency', '=', currency)
    .where('o.status', 'in', ['paid', 'fulfilled', 'partially_refunded'])
    .where('o.paid_at', '>=', start)
    .where('o.paid_at', '<', next)
    .groupBy(sql`i.options->>'productId'`)
    .orderBy(sql`sum(i.quantity)`, 'desc')
    .orderBy(sql`sum(i.line_total)`, 'desc')
    .limit(5)
    .execute();
  const ids = sellers.map((s) => s.product_id).filter((x): x is string => !!x && /^[0-9a-f-]{36}$/i.test(x));
  const products = ids.length
    ? await db.selectFrom('print_products').select(['id', 'name']).where('id', 'in', ids).execute()
    : [];
  const names = new Map(products.map((p) => [p.id, p.name]));
  return {
    currency,
    current,
    previous,
    change: current.net - previous.net,
    bestSellers: sellers.map((s) => ({
      productId: s.product_id,
      name: (s.product_id && names.get(s.product_id)) ?? s.name.split(' · ')[0],
      quantity: Number(s.quantity),
      revenue: Number(s.revenue),
    })),
  };
}
