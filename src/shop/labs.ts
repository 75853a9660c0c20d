import type { Order, OrderItem } from '../commerce/index.ts';
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

/** The lab adapters the shop module was built with, by id. */
export type Labs = ReadonlyMap<string, LabAdapter>;

/** Indexes adapters by id; two with one id is a configuration bug. */
export function labsOf(list: readonly LabAdapter[]): Labs {
  const labs = new Map<string, LabAdapter>();
  for (const lab of list) {
    if (labs.has(lab.id)) throw new Error(`Two lab adapters share the id "${lab.id}"`);
    labs.set(lab.id, lab);
  }
  return labs;
}

/** The adapter for an id; an unknown id is a configuration bug, so it throws. */
export function getLab(labs: Labs, id: string): LabAdapter {
  const lab = labs.get(id);
  if (!lab) throw new Error(`No lab adapter "${id}" in this shop module`);
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

/** Which lab a studio uses; every studio fulfils by hand until a lab setting exists. */
export async function labForStudio(labs: Labs, _db: DB, _accountId: string): Promise<LabAdapter> {
  return getLab(labs, 'studio');
}
