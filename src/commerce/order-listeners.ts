import type { DB } from '../db/types.ts';
import type { CommerceHooks } from '../modules.ts';
import { getOrder, type Order } from './orders.ts';

/** What just happened to an order, as its listeners are told. */
export type OrderChange =
  | { kind: 'paid' }
  | {
      kind: 'refunded' /** The newly refunded part (minor units); the order carries the cumulative amount. */;
      amount: number;
    }
  | { kind: 'cancelled' }
  | { kind: 'expired' }
  | { kind: 'shipped'; carrier?: string; trackingNumber?: string; trackingUrl?: string | null }
  | { kind: 'delivered' }
  | { kind: 'fulfilled' }
  | {
      kind: 'dispute_closed' /** Decided (won, lost, or an inquiry closed); told once per dispute. */;
      dispute: { id: string; stripeDisputeId: string; status: string; amount: number; currency: string };
    };

/**
 * Told of every change to an order, in the transaction of the change (so it runs once per change, and only if the
 * change commits). It must not call the network: queue a job instead.
 */
export type OrderListener = (tx: DB, order: Order, change: OrderChange) => Promise<void>;

/**
 * Runs every module's order listeners, in module order, for a change just made in `tx`. Call it from the one place
 * a change happens, only when it really changed something (a repeated event that changes nothing calls nothing).
 * `order` is the order as it stands after the change, or its id (read in `tx`).
 */
export async function notifyOrderChanged(
  tx: DB,
  hooks: CommerceHooks,
  order: Order | string,
  change: OrderChange,
): Promise<void> {
  if (!hooks.orderListeners.length) return;
  const current = typeof order === 'string' ? await getOrder(tx, order) : order;
  for (const listener of hooks.orderListeners) await listener(tx, current, change);
}
