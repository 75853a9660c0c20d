import type { Order, OrderItem } from '../commerce/orders.ts';
import type { DB } from '../db/types.ts';

/** A print lab the studio can route paid orders to; `submit` hands the order over and returns the lab's id for it. */
export interface LabAdapter {
  id: string;
  name: string;
  /**
   * Called once per paid order, inside the payment transaction; null means nothing was sent anywhere. A throw is
   * recorded on the order's timeline and the studio fulfils it instead, so a lab outage never blocks a payment.
   */
  submit(db: DB, order: Order, items: OrderItem[]): Promise<{ reference: string } | null>;
  /** Called when the studio cancels an order the lab may already have; labs that cannot cancel may ignore it. */
  cancel?(db: DB, order: Order, reference: string | null): Promise<void>;
}

const labs = new Map<string, LabAdapter>();

/** Registers (or replaces) a lab adapter under its id. */
export function registerLab(lab: LabAdapter): void {
  labs.set(lab.id, lab);
}

/** The adapter for an id; an unknown id is a configuration bug, so it throws. */
export function getLab(id: string): LabAdapter {
  const lab = labs.get(id);
  if (!lab) throw new Error(`No lab adapter registered for "${id}"`);
  return lab;
}

/** The built-in adapter: the studio prints and ships by hand, so submitting only records the order. */
export const studioLab: LabAdapter = {
  id: 'studio',
  name: 'Studio fulfils',
  async submit() {
    return null;
  },
};

registerLab(studioLab);

/** Which lab a studio uses; every studio fulfils by hand until a lab setting exists. */
export async function labForStudio(_db: DB, _accountId: string): Promise<LabAdapter> {
  return getLab('studio');
}
