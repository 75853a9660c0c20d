import { invalid } from './errors.ts';
import type { EmulatorState, Obj } from './state.ts';
import { clone, find } from './state.ts';

type Virtual = (state: EmulatorState, owner: Obj, account: string | null) => unknown;

// Fields that exist only when expanded (e.g. checkout.session.line_items), keyed by `object` then field.
const virtuals = new Map<string, Map<string, Virtual>>();

// Field names that hold object references, so `null` values are legitimately expandable.
const referenceFields = new Set([
  'account',
  'application',
  'application_fee',
  'balance_transaction',
  'charge',
  'coupon',
  'customer',
  'customer_account',
  'default_price',
  'default_source',
  'destination',
  'dispute',
  'failure_balance_transaction',
  'invoice',
  'latest_charge',
  'on_behalf_of',
  'payment_intent',
  'payment_link',
  'payment_method',
  'payout',
  'price',
  'product',
  'promotion_code',
  'review',
  'setup_intent',
  'shipping_rate',
  'source',
  'source_transfer',
  'source_transfer_reversal',
  'subscription',
  'test_clock',
  'transfer',
  'transfer_reversal',
]);

/** Declares more id-reference field names (e.g. Connect objects in later phases). */
export function registerReferenceFields(names: string[]): void {
  for (const n of names) referenceFields.add(n);
}

/** Declares a field that is absent by default and computed when expanded. */
export function registerVirtualExpansion(objectType: string, field: string, fn: Virtual): void {
  let m = virtuals.get(objectType);
  if (!m) {
    m = new Map();
    virtuals.set(objectType, m);
  }
  m.set(field, fn);
}

/** Expands dotted paths (max depth 4) in place; ids become full objects, `data.` walks list items. */
export function expand(state: EmulatorState, account: string | null, root: Obj, paths: string[]): void {
  for (const path of paths) {
    const segs = path.split('.');
    if (segs.length > 4) {
      throw invalid(`You cannot expand more than 4 levels of a property. Property: ${path}`, 'expand');
    }
    walk(state, account, root, segs, path);
  }
}

function walk(state: EmulatorState, account: string | null, target: unknown, segs: string[], full: string): void {
  if (Array.isArray(target)) {
    for (const item of target) walk(state, account, item, segs, full);
    return;
  }
  if (!target || typeof target !== 'object') return;
  const node = target as Obj;
  const [head, ...rest] = segs;
  const virtual = virtuals.get(node.object)?.get(head);
  if (!(head in node) && !virtual) {
    throw invalid(`This property cannot be expanded (${head}).`, 'expand');
  }
  if (virtual && (node[head] === undefined || typeof node[head] === 'string')) {
    node[head] = virtual(state, node, account);
  } else if (typeof node[head] === 'string') {
    const rec = find(state, node[head], null, account, true);
    if (!rec) throw invalid(`This property cannot be expanded (${full}).`, 'expand');
    node[head] = clone(rec.deleted ? { id: rec.id, object: rec.type, deleted: true } : rec.obj);
  } else if (node[head] === null ? !referenceFields.has(head) && !rest.length : typeof node[head] !== 'object') {
    // A null leaf expands only when it is a reference; a null object on the way (shipping_cost) just stays null.
    throw invalid(`This property cannot be expanded (${head}).`, 'expand');
  }
  if (rest.length) walk(state, account, node[head], rest, full);
}
