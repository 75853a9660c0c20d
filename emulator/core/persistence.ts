import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EmulatorState, Rec } from './state.ts';
import { addRec } from './state.ts';

const SNAPSHOT_VERSION = 1;

/** Serialises everything that must survive a restart. */
export function snapshot(state: EmulatorState): string {
  return JSON.stringify({
    version: SNAPSHOT_VERSION,
    seq: state.seq,
    clockOffsetMs: state.clockOffsetMs,
    records: [...state.records.values()],
    idempotency: [...state.idempotency.entries()].filter(([, r]) => !r.inFlight),
    deliveries: state.deliveries,
    queue: state.queue,
    chaos: state.chaos,
  });
}

/** Loads a snapshot file into an empty state; missing file means a fresh start. */
export function loadSnapshot(state: EmulatorState, file: string): void {
  if (!existsSync(file)) return;
  const data = JSON.parse(readFileSync(file, 'utf8'));
  if (data.version !== SNAPSHOT_VERSION) throw new Error(`Unsupported emulator snapshot version in ${file}`);
  state.seq = data.seq;
  state.clockOffsetMs = data.clockOffsetMs;
  for (const rec of data.records as Rec[]) addRec(state, rec);
  state.idempotency = new Map(data.idempotency);
  state.deliveries = data.deliveries;
  state.queue = data.queue;
  state.chaos = data.chaos;
}

/** Writes atomically: temp file then rename, so a crash never leaves a half-written snapshot. */
export function writeSnapshot(state: EmulatorState, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, snapshot(state));
  renameSync(tmp, file);
}

/** Debounced writer: `schedule()` after changes, `flushNow()` on stop. */
export function createPersister(state: EmulatorState, file: string, delayMs = 100) {
  let timer: NodeJS.Timeout | null = null;
  const flushNow = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    writeSnapshot(state, file);
  };
  const schedule = () => {
    if (timer) return;
    timer = setTimeout(flushNow, delayMs);
    timer.unref();
  };
  return { schedule, flushNow };
}
