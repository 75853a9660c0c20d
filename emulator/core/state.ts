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

/** Drops all data but keeps hooks and wiring. */
export function clearState(state: EmulatorState): void {
  state.records.clear();
  state.byType.clear();
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

/** Adds a record to the indexes (also used when loading snapshots). */
export function addRec(state: EmulatorState, rec: Rec): void {
  state.records.set(rec.id, rec);
  let bucket = state.byType.get(rec.type);
  if (!bucket) {
    bucket = new Map();
    state.byType.set(rec.type, bucket);
  }
  bucket.set(rec.id, rec);
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
  const bucket = state.byType.get(type);
  if (!bucket) return [];
  const out: Rec[] = [];
  for (const rec of bucket.values()) if (rec.account === account && !rec.deleted) out.push(rec);
  return out.sort((a, b) => b.seq - a.seq);
}

/** Records of a type across every account scope (timers work globally). */
export function allScopes(state: EmulatorState, type: string): Rec[] {
  return [...(state.byType.get(type)?.values() ?? [])].filter((r) => !r.deleted);
}

/** Deep copy, so responses and event snapshots never alias stored objects. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
