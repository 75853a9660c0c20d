import type Stripe from 'stripe';
import { requireRole } from '../accounts/index.ts';
import type { Clock } from '../clock.ts';
import { getOrder, isPaidStatus, refundOrder } from '../commerce/index.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import type { CommerceHooks } from '../modules.ts';
import { canMove, lockFulfilment, moveFulfilment, refuse, type StudioActor } from './fulfilment.ts';
import { queueRefundMail } from './fulfilment-mails.ts';
import type { Labs } from './labs.ts';

/**
 * Cancels a paid or in-production print order and refunds whatever is left through the commerce core (admins only,
 * as for any refund). The refund comes first: if it fails nothing is cancelled, and a retry after a crash finds
 * the money already returned and only finishes the cancel.
 */
export async function cancelPrintOrder(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  labs: Labs,
  clock: Clock,
  accountId: string,
  orderId: string,
  reason: string | null,
  actor: StudioActor,
): Promise<void> {
  const order = await withService(db, async (tx) => {
    const f = await lockFulfilment(tx, accountId, orderId, actor);
    // Checked here too: an order with nothing left to refund never reaches refundOrder's admin check.
    await requireRole(tx, accountId, actor.userId, 'admin');
    if (!canMove(f.status, 'cancelled')) throw refuse(f.status, 'cancelled');
    return getOrder(tx, orderId);
  });
  if (isPaidStatus(order.status) && order.status !== 'refunded' && order.total > order.amountRefunded) {
    await refundOrder(
      db,
      stripe,
      hooks,
      orderId,
      { reason: reason ? `Cancelled: ${reason}` : 'Order cancelled' },
      actor,
    );
  }
  await moveFulfilment(db, labs, hooks, clock, accountId, orderId, { to: 'cancelled', reason }, actor);
}

/** Refunds part of a studio's print order through the commerce core, after checking the order is this studio's. */
export async function refundPrintOrder(
  db: DB,
  stripe: Stripe,
  hooks: CommerceHooks,
  accountId: string,
  orderId: string,
  input: { amount?: number; reason?: string | null },
  actor: StudioActor,
) {
  await withService(db, (tx) => lockFulfilment(tx, accountId, orderId, actor));
  const out = await refundOrder(db, stripe, hooks, orderId, input, actor);
  await withService(db, (tx) => queueRefundMail(tx, out.order, out.amount));
  return out;
}
