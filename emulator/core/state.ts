import type { Hono } from 'hono';
import { missing } from './errors.ts';

export type Obj = Record<string, any>;

/** One stored Stripe object plus emulator-only data that never goes over the wire. */
export interface Rec {
  id: string;
  type: string;
  account: string | null;
  seq: number;
  obj: Obj;
  internal: Obj;
  deleted?: boolean;
}

export interface IdempotencyRecord {
  fingerprint: string;
  status: number;
  body: string;
  requestId: string;
  expiresAt: number;
  inFlight?: boolean;
}

export interface QueuedDelivery {
  id: string;
  eventId: string;
  endpointId: string;
  attempt: number;
  dueAt: number;
  seq: number;
}

export interface DeliveryAttempt {
  id: string;
  event: string;
  type: string;
  endpoint: string;
  url: string;
  attempt: number;
  status: number | null;
  ok: boolean;
  error: string | null;
  response: string | null;
  created: number;
  duration_ms: number;
  next_retry_at: number | null;
}

export interface Chaos {
  duplicate_rate: number;
  reorder_rate: number;
  failure_rate: number;
}

/** Who caused a change: copied into events as `request` and `account`. */
export interface Origin {
  account: string | null;
  requestId: string | null;
  idempotencyKey: string | null;
}

/** Extension points used by later phases (Connect) without touching the core flows. */
export interface Hooks {
  /** Runs on every clock tick/advance after expiry and webhook retries (balance maturation, payouts…). */
  tick: Array<(state: EmulatorState) => void>;
  /** Runs after a charge succeeds and its balance transaction exists (destination transfers, application fees…). */
  chargeSucceeded: Array<(state: EmulatorState, origin: Origin, charge: Rec, paymentIntent: Rec) => void>;
  /** Runs after a refund is recorded (reverse_transfer, refund_application_fee…). */
  refundCreated: Array<(state: EmulatorState, origin: Origin, refund: Rec, charge: Rec) => void>;
  /** Runs when state is reset so modules can clear their own caches. */
  reset: Array<(state: EmulatorState) => void>;
}

export interface EmulatorState {
  records: Map<string, Rec>;
  byType: Map<string, Map<string, Rec>>;
  /** Records per type and account scope (key from `scopeKey`), so `all` never filters a whole type. */
  byScope: Map<string, Map<string, Rec>>;
  /** Ids of records a tick hook still has to look at, per registered type (see `watchType`). */
  active: Map<string, Set<string>>;
  /** Children by parent (key from `childKey`): a charge's refunds, a transfer's reversals, a fee's refunds. */
  byParent: Map<string, Set<string>>;
  /** Balance running totals per account scope and currency, kept with the balance transactions (`balanceSums`). */
  balances: BalanceIndex;
  /** Called when `all` reads a whole type in a scope (the journal then re-checks that type's records). */
  onScan: (type: string) => void;
  seq: number;
  clockOffsetMs: number;
  idempotency: Map<string, IdempotencyRecord>;
  deliveries: DeliveryAttempt[];
  queue: QueuedDelivery[];
  chaos: Chaos;
  hooks: Hooks;
  publicUrl: string;
  baseNow: () => number;
  /** Counts changes (every `onChange`); lets idempotency tell whether a request began executing. */
  changes: number;
  /** Called after every change (schedules a journal commit when persisting). */
  persist: () => void;
  /** Marks a change: call after mutating state. */
  onChange: () => void;
}

export type ResourceModule = (app: Hono, state: EmulatorState) => void;

/** Fresh empty state. */
export function createState(baseNow: () => number, publicUrl: string): EmulatorState {
  const state: EmulatorState = {
    records: new Map(),
    byType: new Map(),
    byScope: new Map(),
    active: new Map(),
    byParent: new Map(),
    balances: { byRec: new Map(), totals: new Map() },
    onScan: () => {},
    seq: 0,
    clockOffsetMs: 0,
    idempotency: new Map(),
    deliveries: [],
    queue: [],
    chaos: { duplicate_rate: 0, reorder_rate: 0, failure_rate: 0 },
    hooks: { tick: [], chargeSucceeded: [], refundCreated: [], reset: [] },
    publicUrl,
    baseNow,
    changes: 0,
    persist: () => {},
    onChange: () => {
      state.changes += 1;
      state.persist();
    },
  };
  return state;
}

/** Drops every record and everything indexed from them (also a replayed reset). */
export function clearRecords(state: EmulatorState): void {
  state.records.clear();
  state.byType.clear();
  state.byScope.clear();
  for (const ids of state.active.values()) ids.clear();
  state.byParent.clear();
  state.balances.byRec.clear();
  state.balances.totals.clear();
}

/** Drops all data but keeps hooks and wiring. */
export function clearState(state: EmulatorState): void {
  clearRecords(state);
  state.seq = 0;
  state.clockOffsetMs = 0;
  state.idempotency.clear();
  state.deliveries = [];
  state.queue = [];
  state.chaos = { duplicate_rate: 0, reorder_rate: 0, failure_rate: 0 };
  for (const hook of state.hooks.reset) hook(state);
  state.onChange();
}

/** Emulator clock in milliseconds (base clock plus the advance offset). */
export function nowMs(state: EmulatorState): number {
  return state.baseNow() + state.clockOffsetMs;
}

/** Emulator clock in Unix seconds, as Stripe timestamps are. */
export function nowSec(state: EmulatorState): number {
  return Math.floor(nowMs(state) / 1000);
}

/** Next insertion sequence number, used for stable newest-first ordering. */
export function nextSeq(state: EmulatorState): number {
  state.seq += 1;
  return state.seq;
}

/** Stores a new object of `type` (the Stripe `object` value) under an account scope. */
export function insert(state: EmulatorState, type: string, obj: Obj, account: string | null, internal: Obj = {}): Rec {
  const rec: Rec = { id: obj.id, type, account, seq: nextSeq(state), obj, internal };
  addRec(state, rec);
  state.onChange();
  return rec;
}

/** Index key of one type in one account scope. */
export const scopeKey = (type: string, account: string | null) => `${type}\n${account ?? ''}`;

/** Adds a record to the indexes (also used when loading snapshots and replacing a record on replay). */
export function addRec(state: EmulatorState, rec: Rec): void {
  // Read untracked: a replay that replaces a record must not count as a lookup.
  const old = Map.prototype.get.call(state.records, rec.id) as Rec | undefined;
  if (old) unindex(state, old);
  state.records.set(rec.id, rec);
  let bucket = state.byType.get(rec.type);
  if (!bucket) {
    bucket = new Map();
    state.byType.set(rec.type, bucket);
  }
  bucket.set(rec.id, rec);
  const key = scopeKey(rec.type, rec.account);
  let scope = state.byScope.get(key);
  if (!scope) {
    scope = new Map();
    state.byScope.set(key, scope);
  }
  scope.set(rec.id, rec);
  state.active.get(rec.type)?.add(rec.id);
  const parent = PARENT_FIELD[rec.type];
  if (parent && typeof rec.obj[parent] === 'string') {
    const k = childKey(rec.type, rec.obj[parent]);
    let kids = state.byParent.get(k);
    if (!kids) {
      kids = new Set();
      state.byParent.set(k, kids);
    }
    kids.add(rec.id);
  }
  if (rec.type === 'balance_transaction') addBalance(state, rec);
}

/** Drops a record from the type, scope and tick indexes (the caller removes it from `records`). */
export function unindex(state: EmulatorState, rec: Rec): void {
  state.byType.get(rec.type)?.delete(rec.id);
  state.byScope.get(scopeKey(rec.type, rec.account))?.delete(rec.id);
  state.active.get(rec.type)?.delete(rec.id);
  const parent = PARENT_FIELD[rec.type];
  if (parent && typeof rec.obj[parent] === 'string')
    state.byParent.get(childKey(rec.type, rec.obj[parent]))?.delete(rec.id);
  if (rec.type === 'balance_transaction') dropBalance(state, rec.id);
}

// The field naming a child's parent, set at creation and never changed, so the index can't go stale.
const PARENT_FIELD: Record<string, string> = { refund: 'charge', transfer_reversal: 'transfer', fee_refund: 'fee' };

/** Index key of one parent's children of one type. */
export const childKey = (type: string, parentId: string) => `${type}\n${parentId}`;

/**
 * Live children of `type` whose parent field is `parentId` (refunds of a charge, reversals of a transfer, refunds
 * of an application fee), newest first: without reading every record of the type.
 */
export function childrenOf(state: EmulatorState, type: string, parentId: string): Rec[] {
  const out: Rec[] = [];
  for (const id of state.byParent.get(childKey(type, parentId)) ?? []) {
    const rec = state.records.get(id);
    if (rec && !rec.deleted) out.push(rec);
  }
  return out.sort((a, b) => b.seq - a.seq);
}

/** What one balance transaction adds to its account's balance. */
interface Contribution {
  account: string;
  currency: string;
  net: number;
  available: boolean;
}

export interface BalanceIndex {
  byRec: Map<string, Contribution>;
  /** Account scope ('' for the platform) → currency → sums of nets by status. */
  totals: Map<string, Map<string, { available: number; pending: number }>>;
}

function addBalance(state: EmulatorState, rec: Rec): void {
  dropBalance(state, rec.id);
  const c: Contribution = {
    account: rec.account ?? '',
    currency: rec.obj.currency,
    net: rec.obj.net,
    available: rec.obj.status === 'available',
  };
  state.balances.byRec.set(rec.id, c);
  let scope = state.balances.totals.get(c.account);
  if (!scope) {
    scope = new Map();
    state.balances.totals.set(c.account, scope);
  }
  let t = scope.get(c.currency);
  if (!t) {
    t = { available: 0, pending: 0 };
    scope.set(c.currency, t);
  }
  if (c.available) t.available += c.net;
  else t.pending += c.net;
}

function dropBalance(state: EmulatorState, id: string): void {
  const c = state.balances.byRec.get(id);
  if (!c) return;
  state.balances.byRec.delete(id);
  const t = state.balances.totals.get(c.account)?.get(c.currency);
  if (!t) return;
  if (c.available) t.available -= c.net;
  else t.pending -= c.net;
}

/** Call after changing a balance transaction's `net` or `status` in place, so the running totals follow. */
export function balanceChanged(state: EmulatorState, rec: Rec): void {
  addBalance(state, rec);
}

/** An account scope's balance by currency (available and pending), from the running totals. */
export function balanceSums(
  state: EmulatorState,
  account: string | null,
): { available: Map<string, number>; pending: Map<string, number> } {
  const available = new Map<string, number>();
  const pending = new Map<string, number>();
  for (const [currency, t] of state.balances.totals.get(account ?? '') ?? []) {
    available.set(currency, t.available);
    pending.set(currency, t.pending);
  }
  return { available, pending };
}

/** Registers `type` for tick hooks: its records are listed by `activeRecs` until `retire`d. Call at setup. */
export function watchType(state: EmulatorState, type: string): void {
  if (!state.active.has(type)) state.active.set(type, new Set());
}

/**
 * Records of a watched type not yet retired, oldest first: what a tick hook checks instead of every record of the
 * type. Looked up through `state.records`, so the journal sees each one the hook may change.
 */
export function activeRecs(state: EmulatorState, type: string): Rec[] {
  const ids = state.active.get(type);
  // A state built without the module's setup (a bare test state) still works, by scanning the type.
  if (!ids) return allScopes(state, type).sort((a, b) => a.seq - b.seq);
  const out: Rec[] = [];
  for (const id of ids) {
    const rec = state.records.get(id);
    if (rec && rec.type === type && !rec.deleted) out.push(rec);
    else ids.delete(id);
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** Takes a record off its type's tick list (it reached a state no timer changes again). */
export function retire(state: EmulatorState, rec: Rec): void {
  state.active.get(rec.type)?.delete(rec.id);
}

/** Looks up a record visible from `account`; deleted records only when asked. */
export function find(
  state: EmulatorState,
  id: unknown,
  type: string | null,
  account: string | null,
  includeDeleted = false,
): Rec | undefined {
  if (typeof id !== 'string') return undefined;
  const rec = state.records.get(id);
  if (!rec || rec.account !== account) return undefined;
  if (type && rec.type !== type) return undefined;
  if (rec.deleted && !includeDeleted) return undefined;
  return rec;
}

/** `find` that throws Stripe's 404 `resource_missing` instead (`kind` names the object in the message). */
export function mustFind(
  state: EmulatorState,
  id: string,
  type: string,
  account: string | null,
  kind = type,
  param = 'id',
): Rec {
  const rec = find(state, id, type, account);
  if (!rec) throw missing(kind, id, param);
  return rec;
}

/** All live records of a type in one account scope, newest first. */
export function all(state: EmulatorState, type: string, account: string | null): Rec[] {
  const bucket = state.byScope.get(scopeKey(type, account));
  if (!bucket) return [];
  state.onScan(type);
  const out: Rec[] = [];
  for (const rec of bucket.values()) if (!rec.deleted) out.push(rec);
  // Insertion order is seq order, so this reversed run sorts in linear time; the sort covers replayed states.
  return out.sort((a, b) => b.seq - a.seq);
}

/** Records of a type across every account scope (timers work globally). */
export function allScopes(state: EmulatorState, type: string): Rec[] {
  return [...(state.byType.get(type)?.values() ?? [])].filter((r) => !r.deleted);
}

/** Deep copy, so responses and event snapshots never alias stored objects. */
export function clone<T>(value: T): T {
  return copy(value) as T;
}

// A plain-data walk is several times faster than structuredClone for JSON-shaped objects (the event-snapshot hot
// path); anything else (Date, Map, class instances) still goes through structuredClone.
function copy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i]);
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Obj = {};
  for (const key of Object.keys(value)) {
    const v = copy((value as Obj)[key]);
    // An own `__proto__` key (JSON input) must stay a plain property, as structuredClone keeps it.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out;
}
