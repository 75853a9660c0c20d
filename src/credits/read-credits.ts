import { type Selectable, sql } from 'kysely';
import type { Clock } from '../clock.ts';
import { afterCursor, cursorAt, decodeCursor, keysetPage } from '../db/keyset.ts';
import { iso } from '../db/sql.ts';
import { asService } from '../db/tenancy.ts';
import type { Database, DB } from '../db/types.ts';

/** Spendable minutes an organization holds with one provider. */
export interface Balance {
  providerId: string;
  providerName: string;
  organizationId: string;
  minutes: number;
  /** When the next minutes expire (first unexpired lot with a balance), if any. */
  nextExpiry: string | null;
}

/** One purchased lot, as shown to the org and the provider. */
export interface Lot {
  id: string;
  providerId: string;
  organizationId: string;
  orderId: string | null;
  minutesGranted: number;
  balanceMinutes: number;
  expiresAt: string;
  expiredAt: string | null;
  createdAt: string;
}

/** One logged piece of work. */
export interface Usage {
  id: string;
  providerId: string;
  organizationId: string;
  minutes: number;
  note: string;
  workedOn: string;
  loggedBy: string | null;
  createdAt: string;
}

/** A bundle purchase behind a lot, with its invoice and Stripe receipt once paid. */
export interface Purchase {
  orderId: string;
  lotId: string;
  providerId: string;
  description: string;
  total: number;
  currency: string;
  status: string;
  paidAt: string | null;
  invoiceId: string | null;
  invoiceNumber: string | null;
  receiptUrl: string | null;
}

type AccountName = { name: string; slug: string };

// Counterparties are not members of each other's accounts, so RLS hides their names; the caller may already see
// the credit rows naming these ids, and a name and slug reveal nothing more. Rows come back ordered by that name.
async function byAccountName<R>(db: DB, rows: R[], idOf: (r: R) => string): Promise<Array<[R, AccountName]>> {
  const ids = rows.map(idOf);
  const accounts = ids.length
    ? await asService(db, (tx) =>
        tx.selectFrom('accounts').select(['id', 'name', 'slug']).where('id', 'in', ids).execute(),
      )
    : [];
  const names = new Map(accounts.map((a) => [a.id, { name: a.name, slug: a.slug }]));
  return rows
    .map((r): [R, AccountName] => [r, names.get(idOf(r)) ?? { name: '', slug: '' }])
    .sort(([, a], [, b]) => a.name.localeCompare(b.name));
}

// A lot's minutes are spendable until it expires; the balance, next expiry and customer list must agree on that.
// The minutes on a pair's lots that are past their expiry but not yet closed by the hourly job: the pair's rollup
// (0121) still counts them, a balance must not. Walks the spendable-lots index, so only those few lots are read.
const overdue = (now: Date) => sql<string>`(select coalesce(sum(l.balance_minutes), 0) from credit_lots l
  where l.organization_account_id = b.organization_account_id and l.provider_account_id = b.provider_account_id
    and l.expired_at is null and l.balance_minutes > 0 and l.expires_at <= ${now})`;

// The first expiry among lots that still hold minutes (the spendable-lots index, first entry after now).
const nextExpiry = (now: Date) => sql<Date | null>`(select min(l.expires_at) from credit_lots l
  where l.organization_account_id = b.organization_account_id and l.provider_account_id = b.provider_account_id
    and l.expired_at is null and l.balance_minutes > 0 and l.expires_at > ${now})`;

/**
 * Balances per provider for an organization (RLS applies when run as a user): the pair's rollup of open lots less
 * the overdue ones, so the cost follows the number of providers, not of lots ever bought.
 */
export async function getBalances(db: DB, orgId: string, clock: Clock): Promise<Balance[]> {
  const now = clock.now();
  const rows = await db
    .selectFrom('credit_balances as b')
    .select([
      'b.provider_account_id',
      sql<string>`b.minutes - ${overdue(now)}`.as('minutes'),
      nextExpiry(now).as('next_expiry'),
    ])
    .where('b.organization_account_id', '=', orgId)
    .execute();
  const named = await byAccountName(db, rows, (r) => r.provider_account_id);
  return named.map(([r, provider]) => ({
    providerId: r.provider_account_id,
    providerName: provider.name,
    organizationId: orgId,
    minutes: Number(r.minutes),
    nextExpiry: iso(r.next_expiry),
  }));
}

/** Which lots or usage a list shows: an organization's, a provider's, or one pair's. */
export interface CreditFilter {
  organizationId?: string;
  providerId?: string;
}

/** A keyset page request: the previous page's cursor and a page size. */
export interface PageRequest {
  cursor?: string;
  limit: number;
}

const toLot = (r: Selectable<Database['credit_lots']>): Lot => ({
  id: r.id,
  providerId: r.provider_account_id,
  organizationId: r.organization_account_id,
  orderId: r.order_id,
  minutesGranted: Number(r.minutes_granted),
  balanceMinutes: Number(r.balance_minutes),
  expiresAt: iso(r.expires_at),
  expiredAt: iso(r.expired_at),
  createdAt: iso(r.created_at),
});

function lotsOf(db: DB, filter: CreditFilter) {
  let q = db.selectFrom('credit_lots');
  if (filter.organizationId) q = q.where('organization_account_id', '=', filter.organizationId);
  if (filter.providerId) q = q.where('provider_account_id', '=', filter.providerId);
  return q;
}

/** Every lot of an organization (optionally with one provider), first-expiring first: for jobs and tools. */
export async function listLots(db: DB, filter: CreditFilter): Promise<Lot[]> {
  const rows = await lotsOf(db, filter).selectAll().orderBy('expires_at').orderBy('id').execute();
  return rows.map(toLot);
}

/** One page of lots, first-expiring first (the pages walk the (account, expires_at, id) indexes of 0109). */
export async function pageLots(
  db: DB,
  filter: CreditFilter,
  page: PageRequest,
): Promise<{ data: Lot[]; nextCursor: string | null; limit: number }> {
  const cursor = decodeCursor(page.cursor);
  const base = lotsOf(db, filter);
  const rows = await (cursor ? base.where(afterCursor('expires_at', 'id', cursor, 'asc')) : base)
    .selectAll()
    .select(cursorAt('expires_at').as('cursor_at'))
    .orderBy('expires_at')
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
  const { rows: lots, nextCursor } = keysetPage(rows, page.limit);
  return { data: lots.map(toLot), nextCursor, limit: page.limit };
}

/** One page of logged work, most recently logged first. */
export async function pageUsage(
  db: DB,
  filter: CreditFilter,
  page: PageRequest,
): Promise<{ data: Usage[]; nextCursor: string | null; limit: number }> {
  const cursor = decodeCursor(page.cursor);
  let q = db.selectFrom('credit_usage');
  if (filter.organizationId) q = q.where('organization_account_id', '=', filter.organizationId);
  if (filter.providerId) q = q.where('provider_account_id', '=', filter.providerId);
  if (cursor) q = q.where(afterCursor('created_at', 'id', cursor, 'desc'));
  const rows = await q
    .select([
      'id',
      'provider_account_id',
      'organization_account_id',
      'minutes',
      'note',
      sql<string>`worked_on::text`.as('worked_on'),
      'logged_by',
      'created_at',
    ])
    .select(cursorAt('created_at').as('cursor_at'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const { rows: usage, nextCursor } = keysetPage(rows, page.limit);
  return {
    data: usage.map((r) => ({
      id: r.id,
      providerId: r.provider_account_id,
      organizationId: r.organization_account_id,
      minutes: Number(r.minutes),
      note: r.note,
      workedOn: r.worked_on,
      loggedBy: r.logged_by,
      createdAt: iso(r.created_at),
    })),
    nextCursor,
    limit: page.limit,
  };
}

/** A provider's customers with their current balances, by name. */
export async function listCustomers(db: DB, providerId: string, clock: Clock) {
  const now = clock.now();
  const rows = await db
    .selectFrom('provider_customers as c')
    .leftJoin('credit_balances as b', (j) =>
      j
        .onRef('b.organization_account_id', '=', 'c.organization_account_id')
        .onRef('b.provider_account_id', '=', 'c.provider_account_id'),
    )
    .select([
      'c.organization_account_id',
      'c.first_purchase_at',
      sql<string>`coalesce(b.minutes - ${overdue(now)}, 0)`.as('minutes'),
    ])
    .where('c.provider_account_id', '=', providerId)
    .execute();
  const named = await byAccountName(db, rows, (r) => r.organization_account_id);
  return named.map(([r, org]) => ({
    organizationId: r.organization_account_id,
    name: org.name,
    slug: org.slug,
    firstPurchaseAt: iso(r.first_purchase_at),
    balanceMinutes: Number(r.minutes),
  }));
}

/**
 * The purchases behind lots the caller may already see (org members see the org's lots). Orders and invoices are
 * RLS-limited to the buyer and the seller, so they are read as service role, keyed by those lots' order ids only.
 */
export async function listPurchases(db: DB, lots: Lot[]): Promise<Purchase[]> {
  const byOrder = new Map(lots.filter((l) => l.orderId).map((l) => [l.orderId as string, l]));
  if (!byOrder.size) return [];
  const rows = await asService(db, (tx) =>
    tx
      .selectFrom('orders as o')
      .leftJoin('invoices as i', 'i.order_id', 'o.id')
      .select([
        'o.id',
        'o.total',
        'o.currency',
        'o.status',
        'o.paid_at',
        'o.receipt_url',
        'i.id as invoice_id',
        'i.number as invoice_number',
        'i.receipt_url as invoice_receipt_url',
        sql<
          string | null
        >`(select oi.name from order_items oi where oi.order_id = o.id order by oi.position limit 1)`.as('item_name'),
      ])
      .where('o.id', 'in', [...byOrder.keys()])
      .orderBy('o.created_at', 'desc')
      .execute(),
  );
  return rows.map((r) => {
    const lot = byOrder.get(r.id) as Lot;
    return {
      orderId: r.id,
      lotId: lot.id,
      providerId: lot.providerId,
      description: r.item_name ?? 'Credit bundle',
      total: Number(r.total),
      currency: r.currency.trim(),
      status: r.status,
      paidAt: iso(r.paid_at),
      invoiceId: r.invoice_id,
      invoiceNumber: r.invoice_number,
      receiptUrl: r.invoice_receipt_url ?? r.receipt_url,
    };
  });
}
