import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { Chaos, DeliveryAttempt, EmulatorState, IdempotencyRecord, QueuedDelivery, Rec } from './state.ts';
import { addRec } from './state.ts';

const SNAPSHOT_VERSION = 1;

/** What a snapshot holds, captured at one moment (records are serialised later, as they are then). */
export interface SnapshotSource {
  gen: number;
  seq: number;
  clockOffsetMs: number;
  chaos: Chaos;
  deliveries: DeliveryAttempt[];
  queue: QueuedDelivery[];
  idempotency: Array<[string, IdempotencyRecord]>;
  records: Rec[];
}

/** Captures references to everything that must survive a restart; cheap (no serialisation). */
export function captureSnapshot(state: EmulatorState, gen: number, records: Rec[]): SnapshotSource {
  return {
    gen,
    seq: state.seq,
    clockOffsetMs: state.clockOffsetMs,
    chaos: { ...state.chaos },
    deliveries: state.deliveries.slice(),
    queue: state.queue.slice(),
    idempotency: [...state.idempotency.entries()],
    records,
  };
}

/** The snapshot JSON in small pieces, so a writer can spread a large state over several event-loop turns. */
export function* snapshotPieces(src: SnapshotSource, onRecord?: (rec: Rec, json: string) => void): Generator<string> {
  yield `{"version":${SNAPSHOT_VERSION},"gen":${src.gen},"seq":${src.seq},"clockOffsetMs":${src.clockOffsetMs},"chaos":${JSON.stringify(src.chaos)},"deliveries":${JSON.stringify(src.deliveries)},"queue":${JSON.stringify(src.queue)},"idempotency":[`;
  let first = true;
  for (const entry of src.idempotency) {
    if (entry[1].inFlight) continue;
    yield (first ? '' : ',') + JSON.stringify(entry);
    first = false;
  }
  yield '],"records":[';
  first = true;
  for (const rec of src.records) {
    const json = JSON.stringify(rec);
    onRecord?.(rec, json);
    yield (first ? '' : ',') + json;
    first = false;
  }
  yield ']}\n';
}

/** Whole snapshot as one string (tests and small states). */
export function snapshot(state: EmulatorState): string {
  return [...snapshotPieces(captureSnapshot(state, 0, [...state.records.values()]))].join('');
}

/** Writes pieces to `fd` in batches of ~`batchBytes`; returns false when `budgetMs` ran out before the end. */
export function writePieces(
  fd: number,
  pieces: Iterator<string>,
  budgetMs = Number.POSITIVE_INFINITY,
  batchBytes = 256 * 1024,
): boolean {
  const deadline = performance.now() + budgetMs;
  let batch: string[] = [];
  let size = 0;
  for (let next = pieces.next(); !next.done; next = pieces.next()) {
    batch.push(next.value);
    size += next.value.length;
    if (size < batchBytes) continue;
    writeSync(fd, batch.join(''));
    batch = [];
    size = 0;
    if (performance.now() > deadline) return false;
  }
  if (batch.length) writeSync(fd, batch.join(''));
  return true;
}

/** Writes a snapshot synchronously and durably: temp file, fsync, rename (a crash leaves the old file intact). */
export function writeSnapshotSync(file: string, src: SnapshotSource, onRecord?: (rec: Rec, json: string) => void) {
  const tmp = `${file}.tmp-${process.pid}-${src.gen}`;
  const fd = openSync(tmp, 'w');
  try {
    writePieces(fd, snapshotPieces(src, onRecord));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Loads a snapshot file into an empty state; returns its generation (0 when missing or written before journals). */
export function loadSnapshot(state: EmulatorState, file: string): { gen: number; found: boolean } {
  if (!existsSync(file)) return { gen: 0, found: false };
  const data = JSON.parse(readFileSync(file, 'utf8'));
  if (data.version !== SNAPSHOT_VERSION) throw new Error(`Unsupported emulator snapshot version in ${file}`);
  state.seq = data.seq;
  state.clockOffsetMs = data.clockOffsetMs;
  for (const rec of data.records as Rec[]) addRec(state, rec);
  state.idempotency = new Map(data.idempotency);
  state.deliveries = data.deliveries;
  state.queue = data.queue;
  state.chaos = data.chaos;
  return { gen: data.gen ?? 0, found: true };
}
