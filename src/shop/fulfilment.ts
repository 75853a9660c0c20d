import { sql } from 'kysely';
import type Stripe from 'stripe';
import { requireRole } from '../accounts/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import type { BuyerConfirmationContext, PaidContext } from '../commerce/index.ts';
import {
  getOrder,
  notifyOrderChanged,
  type Order,
  type OrderItem,
  type PaymentFacts,
  paymentFromSession,
} from '../commerce/index.ts';
import { requireAccountKind } from '../db/account-kind.ts';
import { eachInOneRoundTrip } from '../db/statement-batch.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { AppError, notFound } from '../errors.ts';
import type { CommerceHooks } from '../modules.ts';
import { queueCancellationMail, queuePrintConfirmation, queueTrackingMail } from './fulfilment-mails.ts';
import { getLab, type Labs, labForStudio } from './labs.ts';
import { type CatalogName, catalogNamesOf, printLinesFrom } from './print-lines.ts';
import type { FulfilmentStatus } from './tables.ts';

/** A studio member acting on an order. */
export interface StudioActor {
  kind: string;
  userId: string;
  requestId?: string | null;
}

/** A requested fulfilment move; shipping needs the carrier and tracking number the buyer is emailed. */
export type FulfilmentMove =
  | { to: 'in_production' }
  | { to: 'shipped'; carrier: string; trackingNumber: string; trackingUrl?: string | null }
  | { to: 'delivered' }
  | { to: 'cancelled'; reason?: string | null };

// Forward-only. A studio that prints and ships the same day may skip "in production"; nothing ever moves back.
const moves: Record<FulfilmentStatus, readonly FulfilmentStatus[]> = {
  paid: ['in_production', 'shipped', 'cancelled'],
  in_production: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
};

const labels: Record<FulfilmentStatus, string> = {
  paid: 'paid',
  in_production: 'in production',
  shipped: 'shipped',
  delivered: 'delivered',
  cancelled: 'cancelled',
};

/** True when a print order may move from `from` to `to`. */
export function canMove(from: FulfilmentStatus, to: FulfilmentStatus): boolean {
  return moves[from].includes(to);
}

/** The moves the studio may make next, for the order page's buttons. */
export function nextMoves(from: FulfilmentStatus): FulfilmentStatus[] {
  return [...moves[from]];
}

const uuid = (v: unknown) => (typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v) ? v : null);

/** The shipping address and name Checkout collected (under collected_information since API 2025-03). */
export function shippingFromSession(session: Stripe.Checkout.Session) {
  return shippingOf(paymentFromSession(session));
}

/** The shipping address and name the payment collected, else the billing ones. */
export function shippingOf(payment: PaymentFacts): {
  address: Record<string, string | null> | null;
  name: string | null;
} {
  const ship = payment.shipping;
  const a = ship?.address ?? payment.customer.address ?? null;
  const name = ship?.name ?? payment.customer.name ?? null;
  if (!a) return { address: null, name };
  const address = {
    name,
    line1: a.line1 ?? null,
    line2: a.line2 ?? null,
    city: a.city ?? null,
    postal_code: a.postal_code ?? null,
    state: a.state ?? null,
    country: a.country ?? null,
  };
  return { address, name };
}

/** What the buyer's print confirmation reads: the fulfilment's address, the gallery's link, names. */
interface ConfirmationFacts {
  shipping_address: Record<string, string | null> | null;
  buyer_name: string | null;
  token: string | null;
  studio: string | null;
  names: CatalogName[];
}

// The fulfilment's address, the gallery's link, the studio's name and the lines' catalog names: one statement.
const confirmationFacts = (order: Order, items: OrderItem[]) =>
  sql<ConfirmationFacts>`select f.shipping_address, f.buyer_name, g.token,
      (select name from accounts where id = ${order.accountId}) as studio,
      (select coalesce(json_agg(n), '[]') from (${catalogNamesOf(items)}) n) as names
    from (select) one
    left join print_fulfilments f on f.order_id = ${order.id}
    left join galleries g on g.id = f.gallery_id`;

/** What `openFulfilment` hands on to the buyer's confirmation (through the settlement's `paid`). */
export interface OpenedFulfilment {
  opened: boolean;
  confirmation: ConfirmationFacts;
}

const isOpened = (paid: unknown): paid is OpenedFulfilment =>
  typeof paid === 'object' && paid !== null && 'confirmation' in paid && 'opened' in paid;

/**
 * Opens fulfilment for a freshly paid print order, inside the payment transaction: stores the shipping address,
 * and hands the order to the studio's lab. The insert is keyed on the order, so a second call (which the completion
 * path never makes) would change nothing. The buyer's confirmation follows from `queuePrintOrderConfirmation`, once
 * the core has issued the invoice; what that mail reads is read here, in the insert's round trip.
 */
export async function openFulfilment(db: DB, labs: Labs, order: Order, ctx: PaidContext): Promise<OpenedFulfilment> {
  const galleryId = uuid(order.metadata.gallery_id);
  const ship = shippingOf(ctx.payment);
  const lab = await labForStudio(labs, db, order.accountId);
  // The fulfilment and its first history row in one statement.
  const insert = db
    .with('opened', (qb) =>
      qb
        .insertInto('print_fulfilments')
        .values((eb) => ({
          order_id: order.id,
          account_id: order.accountId,
          // The gallery may have been deleted while the buyer paid; the payment must still settle.
          gallery_id: galleryId ? eb.selectFrom('galleries').select('id').where('id', '=', galleryId) : null,
          lab: lab.id,
          shipping_address: ship.address ? JSON.stringify(ship.address) : null,
          buyer_name: ship.name?.slice(0, 200) ?? null,
        }))
        .onConflict((oc) => oc.column('order_id').doNothing())
        .returning(['order_id', 'account_id']),
    )
    .with('noted', (qb) =>
      qb
        .insertInto('print_fulfilment_events')
        .columns(['order_id', 'account_id', 'from_status', 'to_status', 'actor_user_id', 'note'])
        .expression((eb) =>
          eb
            .selectFrom('opened')
            .select([
              'opened.order_id',
              'opened.account_id',
              sql<null>`null::text`.as('from_status'),
              sql<string>`${'paid'}::text`.as('to_status'),
              sql<string | null>`${ctx.actor.userId ?? null}::uuid`.as('actor_user_id'),
              sql<string>`${`Sent to ${lab.name}`}::text`.as('note'),
            ]),
        ),
    )
    .selectFrom('opened')
    .select('order_id');
  const [inserted, [confirmation]] = await eachInOneRoundTrip(db, [insert, confirmationFacts(order, ctx.items)]);
  if (!inserted.length) return { opened: false, confirmation };
  // A lab that is down must not stop the payment from settling: the order stays with the studio, noted on the timeline.
  const submitted = await lab.submit(db, order, ctx.items).catch(async (err: unknown) => {
    await db
      .insertInto('print_fulfilment_events')
      .values({
        order_id: order.id,
        account_id: order.accountId,
        from_status: 'paid',
        to_status: 'paid',
        actor_user_id: null,
        note: `${lab.name} did not accept the order: ${String((err as Error)?.message ?? err).slice(0, 300)}`,
      })
      .execute();
    return null;
  });
  if (submitted) {
    await db
      .updateTable('print_fulfilments')
      .set({ lab_reference: submitted.reference.slice(0, 200) })
      .where('order_id', '=', order.id)
      .execute();
  }
  return { opened: true, confirmation };
}

/** Queues the buyer's print confirmation (photos, options, crops, address, invoice) for a just-paid print order. */
export async function queuePrintOrderConfirmation(db: DB, order: Order, ctx: BuyerConfirmationContext): Promise<void> {
  // Read by openFulfilment in this settlement; read now otherwise.
  const f = isOpened(ctx.paid)
    ? ctx.paid.confirmation
    : (await confirmationFacts(order, ctx.items).execute(db)).rows[0];
  const token = f.token;
  await queuePrintConfirmation(
    db,
    order,
    printLinesFrom(ctx.items, f.names, token),
    { address: f.shipping_address, name: f.buyer_name },
    {
      galleryUrl: token && ctx.publicUrl ? `${ctx.publicUrl}/g/${encodeURIComponent(token)}` : null,
      invoice: { number: ctx.invoiceNumber, url: ctx.invoiceUrl },
    },
    f.studio,
  );
}

/** Loads a studio's print order fulfilment row after checking the actor is a member; other studios get 404. */
export async function lockFulfilment(db: DB, accountId: string, orderId: string, actor: StudioActor) {
  await requireAccountKind(db, accountId, 'studio');
  await requireRole(db, accountId, actor.userId, 'member');
  const f = await db
    .selectFrom('print_fulfilments')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('account_id', '=', accountId)
    .forUpdate()
    .executeTakeFirst();
  if (!f) throw notFound('Order', { orderId });
  return f;
}

/** The 409 for a move the current status does not allow. */
export function refuse(from: FulfilmentStatus, to: FulfilmentStatus): AppError {
  return new AppError('invalid_state', `A ${labels[from]} order cannot be marked ${labels[to]}`, {
    status: from,
    to,
    allowed: moves[from],
  });
}

/**
 * Moves a print order forward under a row lock, appending a history row and an audit event; shipping emails the
 * buyer the tracking details in the same transaction. Cancelling goes through `cancelPrintOrder` (it refunds).
 */
export async function moveFulfilment(
  db: DB,
  labs: Labs,
  hooks: CommerceHooks,
  clock: Clock,
  accountId: string,
  orderId: string,
  move: FulfilmentMove,
  actor: StudioActor,
): Promise<void> {
  await withService(db, async (tx) => {
    const f = await lockFulfilment(tx, accountId, orderId, actor);
    if (!canMove(f.status, move.to)) throw refuse(f.status, move.to);
    const order = await getOrder(tx, orderId);
    if ((move.to === 'in_production' || move.to === 'shipped') && order.status === 'refunded') {
      throw new AppError('invalid_state', 'This order was refunded in full; cancel it instead', {
        status: f.status,
        moneyStatus: order.status,
      });
    }
    const now = clock.now();
    const set =
      move.to === 'in_production'
        ? { in_production_at: now }
        : move.to === 'shipped'
          ? {
              shipped_at: now,
              carrier: move.carrier,
              tracking_number: move.trackingNumber,
              tracking_url: move.trackingUrl ?? null,
            }
          : move.to === 'delivered'
            ? { delivered_at: now }
            : { cancelled_at: now };
    await tx
      .updateTable('print_fulfilments')
      .set({ ...set, status: move.to, updated_at: now })
      .where('order_id', '=', orderId)
      .execute();
    const note =
      move.to === 'shipped'
        ? `${move.carrier} ${move.trackingNumber}`
        : move.to === 'cancelled'
          ? (move.reason ?? null)
          : null;
    await tx
      .insertInto('print_fulfilment_events')
      .values({
        order_id: orderId,
        account_id: accountId,
        from_status: f.status,
        to_status: move.to,
        actor_user_id: actor.userId,
        note,
        created_at: now,
      })
      .execute();
    const { to: _to, ...details } = move;
    await recordAudit(tx, actor, {
      accountId,
      action: `print_order.${move.to}`,
      entityType: 'order',
      entityId: orderId,
      before: { status: f.status },
      after: { status: move.to, ...details },
    });
    if (move.to === 'shipped') {
      await queueTrackingMail(tx, order, {
        carrier: move.carrier,
        trackingNumber: move.trackingNumber,
        trackingUrl: move.trackingUrl ?? null,
      });
    }
    // The order's listeners (an agent platform's order_update) hear of the parcel; a cancel is heard as its refund.
    if (move.to === 'shipped' || move.to === 'delivered') {
      const { to: kind, ...shipment } = move;
      await notifyOrderChanged(tx, hooks, orderId, { kind, ...shipment });
    }
    if (move.to === 'cancelled') {
      await getLab(labs, f.lab).cancel?.(tx, order, f.lab_reference);
      await queueCancellationMail(tx, order, move.reason ?? null);
    }
  });
}
