import type { Selectable, Updateable } from 'kysely';
import { roleIn } from '../../accounts/index.ts';
import { type Actor, recordAudit } from '../../audit/index.ts';
import type { Clock } from '../../clock.ts';
import { notifyOrderChanged } from '../../commerce/index.ts';
import type { Database, DB } from '../../db/types.ts';
import { AppError, forbidden, notFound } from '../../errors.ts';
import { queueMail, renderEmail } from '../../mail/index.ts';
import type { CommerceHooks } from '../../modules.ts';

type SaleRow = Selectable<Database['marketplace_sales']>;

/** Carrier and tracking the artist enters when the work leaves the studio. */
export interface ShipmentInput {
  carrier: string;
  trackingNumber: string;
  trackingUrl?: string | null;
}

const closed = new Set(['refunded', 'duplicate_refunded']);

/**
 * Who may act on a sale, checked under the caller's RLS: the sale must be visible (artist member or platform admin,
 * else 404), and `artist` actions also need membership of the artist account (a platform admin gets 403).
 */
export async function requireSaleActor(
  tx: DB,
  saleId: string,
  user: { id: string; isPlatformAdmin: boolean },
  who: 'artist' | 'artist_or_admin',
): Promise<{ accountId: string }> {
  const row = await tx.selectFrom('marketplace_sales').select('account_id').where('id', '=', saleId).executeTakeFirst();
  if (!row) throw notFound('Sale');
  const member = Boolean(await roleIn(tx, row.account_id, user.id));
  if (member || (who === 'artist_or_admin' && user.isPlatformAdmin)) return { accountId: row.account_id };
  if (user.isPlatformAdmin) throw forbidden('Only the artist can ship this work');
  throw notFound('Sale');
}

async function lockSale(db: DB, saleId: string): Promise<SaleRow> {
  const sale = await db
    .selectFrom('marketplace_sales')
    .selectAll()
    .where('id', '=', saleId)
    .forUpdate()
    .executeTakeFirst();
  if (!sale) throw notFound('Sale');
  return sale;
}

// Every step writes the sale and its audit entry together, so the history shows each move with its before/after.
async function moveSale(
  db: DB,
  actor: Actor,
  sale: SaleRow,
  action: string,
  set: Updateable<Database['marketplace_sales']>,
  after: (updated: SaleRow) => Record<string, unknown>,
): Promise<SaleRow> {
  const updated = await db
    .updateTable('marketplace_sales')
    .set(set)
    .where('id', '=', sale.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, {
    accountId: sale.account_id,
    action,
    entityType: 'marketplace_sale',
    entityId: sale.id,
    before: { status: sale.status },
    after: after(updated),
  });
  return updated;
}

/** Options of markShipped/markDelivered: `hooks` (the app's `deps.commerce`) tells the order listeners. */
export interface ShipmentOptions {
  clock: Clock;
  publicUrl?: string;
  /** The order listeners to tell (an agent platform gets an `order_update`). */
  hooks: CommerceHooks;
}

/**
 * Marks a sale shipped with carrier and tracking (once; forward-only under a row lock), emails the buyer the
 * tracking details and tells the order's listeners, in the same transaction. Refunded sales can't ship. Run as
 * service role after `requireSaleActor`.
 */
export async function markShipped(
  db: DB,
  actor: Actor,
  saleId: string,
  input: ShipmentInput,
  opts: ShipmentOptions,
): Promise<SaleRow> {
  const sale = await lockSale(db, saleId);
  if (closed.has(sale.status))
    throw new AppError('invalid_state', 'A refunded sale cannot be shipped', { status: sale.status });
  if (sale.shipped_at) throw new AppError('invalid_state', 'This sale is already shipped', { status: sale.status });
  const now = opts.clock.now();
  const updated = await moveSale(
    db,
    actor,
    sale,
    'marketplace_sale.shipped',
    {
      // A partial refund keeps its status: the refund is the more important fact to show.
      status: sale.status === 'paid' ? 'shipped' : sale.status,
      carrier: input.carrier,
      tracking_number: input.trackingNumber,
      tracking_url: input.trackingUrl ?? null,
      shipped_at: now,
      updated_at: now,
    },
    (u) => ({ status: u.status, carrier: input.carrier, trackingNumber: input.trackingNumber }),
  );
  const art = await db
    .selectFrom('artworks as w')
    .innerJoin('accounts as a', 'a.id', 'w.account_id')
    .select(['w.title', 'a.name as artist'])
    .where('w.id', '=', sale.artwork_id)
    .executeTakeFirstOrThrow();
  const base = opts.publicUrl && /^https?:\/\//.test(opts.publicUrl) ? opts.publicUrl.replace(/\/$/, '') : null;
  const rows: [string, string][] = [
    ['Carrier', input.carrier],
    ['Tracking number', input.trackingNumber],
  ];
  const mail = renderEmail({
    preheader: `${art.title} is on its way`,
    heading: 'Your artwork has shipped',
    paragraphs: [`${art.artist} has shipped “${art.title}”. You can follow the parcel with the tracking number below.`],
    table: { rows },
    ...(input.trackingUrl
      ? { button: { label: 'Track parcel', url: input.trackingUrl } }
      : base
        ? { button: { label: 'View your purchase', url: `${base}/marketplace/sales/${saleId}` } }
        : {}),
  });
  await queueMail(db, {
    to: sale.buyer_email,
    subject: `Shipped: ${art.title} (${input.carrier} ${input.trackingNumber})`,
    ...mail,
    template: 'marketplace.sale_shipped',
    accountId: sale.account_id,
  });
  await notifyOrderChanged(db, opts.hooks, sale.order_id, {
    kind: 'shipped',
    carrier: input.carrier,
    trackingNumber: input.trackingNumber,
    trackingUrl: input.trackingUrl ?? null,
  });
  return updated;
}

/**
 * Marks a shipped sale delivered and starts the return window: payouts include the sale only after
 * `delivered_at + return_window_days`. Forward-only under a row lock; tells the order's listeners in the same
 * transaction. Run as service role after `requireSaleActor`.
 */
export async function markDelivered(
  db: DB,
  actor: Actor,
  saleId: string,
  clock: Clock,
  hooks: CommerceHooks,
): Promise<SaleRow> {
  const sale = await lockSale(db, saleId);
  if (closed.has(sale.status))
    throw new AppError('invalid_state', 'A refunded sale cannot be delivered', { status: sale.status });
  if (!sale.shipped_at) throw new AppError('invalid_state', 'Mark the sale shipped first', { status: sale.status });
  if (sale.delivered_at) throw new AppError('invalid_state', 'This sale is already delivered', { status: sale.status });
  const settings = await db.selectFrom('marketplace_settings').select('return_window_days').executeTakeFirst();
  const days = settings?.return_window_days ?? 7;
  const now = clock.now();
  const windowEnds = new Date(now.getTime() + days * 86_400_000);
  const updated = await moveSale(
    db,
    actor,
    sale,
    'marketplace_sale.delivered',
    {
      status: sale.status === 'shipped' ? 'delivered' : sale.status,
      delivered_at: now,
      return_window_ends_at: windowEnds,
      updated_at: now,
    },
    (u) => ({ status: u.status, returnWindowEndsAt: windowEnds.toISOString() }),
  );
  await notifyOrderChanged(db, hooks, sale.order_id, { kind: 'delivered' });
  return updated;
}
