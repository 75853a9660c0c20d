import { sql } from 'kysely';
import type { Clock } from '../clock.ts';
import { asService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';

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

const iso = (d: Date | string) => new Date(d).toISOString();

// Counterparties are not members of each other's accounts, so RLS hides their names; the caller has already
// been allowed to see the credit rows that mention these ids, and a name and slug reveal nothing more.
async function accountNames(db: DB, ids: string[]): Promise<Map<string, { name: string; slug: string }>> {
  if (!ids.length) return new Map();
  const rows = await asService(db, (tx) =>
    tx.selectFrom('accounts').select(['id', 'name', 'slug']).where('id', 'in', ids).execute(),
  );
  return new Map(rows.map((r) => [r.id, { name: r.name, slug: r.slug }]));
}

/** Balances per provider for an organization (RLS applies when run as a user). */
export async function getBalances(db: DB, orgId: string, clock: Clock): Promise<Balance[]> {
  const now = clock.now();
  const rows = await db
    .selectFrom('credit_lots as l')
    .select([
      'l.provider_account_id',
      sql<string>`coalesce(sum(l.balance_minutes) filter (where l.expired_at is null and l.expires_at > ${now}), 0)`.as(
        'minutes',
      ),
      sql<Date | null>`min(l.expires_at) filter (where l.expired_at is null and l.expires_at > ${now} and l.balance_minutes > 0)`.as(
        'next_expiry',
      ),
    ])
    .where('l.organization_account_id', '=', orgId)
    .groupBy('l.provider_account_id')
    .execute();
  const names = await accountNames(
    db,
    rows.map((r) => r.provider_account_id),
  );
  return rows
    .map((r) => ({
      providerId: r.provider_account_id,
      providerName: names.get(r.provider_account_id)?.name ?? '',
      organizationId: orgId,
      minutes: Number(r.minutes),
      nextExpiry: r.next_expiry ? iso(r.next_expiry) : null,
    }))
    .sort((a, b) => a.providerName.localeCompare(b.providerName));
}

/** Lots of an organization (optionally with one provider), first-expiring first. */
export async function listLots(db: DB, filter: { organizationId?: string; providerId?: string }): Promise<Lot[]> {
  let q = db.selectFrom('credit_lots').selectAll().orderBy('expires_at').orderBy('id');
  if (filter.organizationId) q = q.where('organization_account_id', '=', filter.organizationId);
  if (filter.providerId) q = q.where('provider_account_id', '=', filter.providerId);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    providerId: r.provider_account_id,
    organizationId: r.organization_account_id,
    orderId: r.order_id,
    minutesGranted: Number(r.minutes_granted),
    balanceMinutes: Number(r.balance_minutes),
    expiresAt: iso(r.expires_at),
    expiredAt: r.expired_at ? iso(r.expired_at) : null,
    createdAt: iso(r.created_at),
  }));
}

/** Logged work, newest first. */
export async function listUsage(
  db: DB,
  filter: { organizationId?: string; providerId?: string },
  limit = 200,
): Promise<Usage[]> {
  let q = db
    .selectFrom('credit_usage')
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
    .orderBy('worked_on', 'desc')
    .orderBy('created_at', 'desc')
    .limit(limit);
  if (filter.organizationId) q = q.where('organization_account_id', '=', filter.organizationId);
  if (filter.providerId) q = q.where('provider_account_id', '=', filter.providerId);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    providerId: r.provider_account_id,
    organizationId: r.organization_account_id,
    minutes: Number(r.minutes),
    note: r.note,
    workedOn: r.worked_on,
    loggedBy: r.logged_by,
    createdAt: iso(r.created_at),
  }));
}

/** A provider's customers with their current balances, by name. */
export async function listCustomers(db: DB, providerId: string, clock: Clock) {
  const now = clock.now();
  const rows = await db
    .selectFrom('provider_customers as c')
    .select([
      'c.organization_account_id',
      'c.first_purchase_at',
      sql<string>`(select coalesce(sum(l.balance_minutes), 0) from credit_lots l
        where l.organization_account_id = c.organization_account_id and l.provider_account_id = c.provider_account_id
          and l.expired_at is null and l.expires_at > ${now})`.as('minutes'),
    ])
    .where('c.provider_account_id', '=', providerId)
    .execute();
  const names = await accountNames(
    db,
    rows.map((r) => r.organization_account_id),
  );
  return rows
    .map((r) => ({
      organizationId: r.organization_account_id,
      name: names.get(r.organization_account_id)?.name ?? '',
      slug: names.get(r.organization_account_id)?.slug ?? '',
      firstPurchaseAt: iso(r.first_purchase_at),
      balanceMinutes: Number(r.minutes),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
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
      paidAt: r.paid_at ? iso(r.paid_at) : null,
      invoiceId: r.invoice_id,
      invoiceNumber: r.invoice_number,
      receiptUrl: r.invoice_receipt_url ?? r.receipt_url,
    };
  });
}
