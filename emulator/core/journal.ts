import { hash } from 'node:crypto';
import {
  close,
  closeSync,
  existsSync,
  fdatasync,
  fdatasyncSync,
  fstatSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { SnapshotSource } from './persistence.ts';
import { captureSnapshot, loadSnapshot, snapshotPieces, writePieces, writeSnapshotSync } from './persistence.ts';
import type { Chaos, DeliveryAttempt, EmulatorState, IdempotencyRecord, QueuedDelivery, Rec } from './state.ts';
import { addRec, clearRecords, nowSec, unindex } from './state.ts';

/** Tuning knobs; the defaults suit normal use, tests shrink them. */
export interface JournalOptions {
  /** Compact once the journal exceeds this many bytes and the size of the last snapshot. Default 16 MiB. */
  compactBytes?: number;
  /** Batch window for fdatasync of the journal, in ms. Default 100. */
  fsyncMs?: number;
  /** Longest a background compaction may hold the event loop per turn, in ms. Default 5. */
  sliceMs?: number;
  /** Bytes written per batch by a background compaction (the time budget is checked between batches). */
  sliceBytes?: number;
  /** Called at each compaction step (tests copy the files there to simulate a kill at that point). */
  onCompactStep?: (step: CompactStep) => void;
}

export type CompactStep = 'rotated' | 'slice' | 'written' | 'renamed' | 'cleaned';

export interface Journal {
  /** Appends what changed since the last commit (synchronous write to the OS); no-op when nothing changed. */
  commit(): void;
  /** Commits on the next turn (for changes outside a request: timers, webhook deliveries). */
  schedule(): void;
  /** Starts a background compaction (or joins the running one); resolves when it is done. */
  compact(): Promise<void>;
  /** Commits, writes a final snapshot and closes the files. */
  close(): Promise<void>;
  stats(): { gen: number; journalBytes: number; snapshotBytes: number; compactions: number };
}

/** One journal line: absolute seq/clock plus upserts and deletes, so replaying a line twice is harmless. */
interface Entry {
  s: number;
  c: number;
  /** Reset: drop everything before applying the rest. */
  x?: 1;
  ch?: Chaos;
  r?: Rec[];
  d?: string[];
  i?: Array<[string, IdempotencyRecord | null]>;
  w?: DeliveryAttempt[];
  qa?: QueuedDelivery[];
  qr?: string[];
}

// Same cap as core/webhooks.ts keeps in memory.
const DELIVERIES_KEPT = 2000;
/** Stripe keeps events for 30 days; older ones are dropped so state doesn't grow forever. */
export const EVENT_RETENTION_SEC = 30 * 86400;

const rawGet = Map.prototype.get;
const rawSet = Map.prototype.set;
const rawDelete = Map.prototype.delete;
const rawClear = Map.prototype.clear;
const rawValues = Map.prototype.values;
const rawKeys = Map.prototype.keys;
const rawEntries = Map.prototype.entries;
const rawForEach = Map.prototype.forEach;

/** What was touched since the last commit; only these are compared and written. */
interface Tracker {
  touched: Set<string>;
  deleted: Set<string>;
  /** Types iterated as a whole (all/allScopes): any of their records may have been changed. */
  scanned: Set<string>;
  idem: Set<string>;
  reset: boolean;
}

/** Instruments the state's maps in place (other code keeps using them as plain Maps). */
function track(state: EmulatorState): Tracker {
  const t: Tracker = { touched: new Set(), deleted: new Set(), scanned: new Set(), idem: new Set(), reset: false };
  // `all` reads the scope index, not the instrumented type buckets, so it reports its scans here.
  state.onScan = (type) => t.scanned.add(type);
  const records = state.records;
  records.get = (id: string) => {
    const rec = rawGet.call(records, id) as Rec | undefined;
    if (rec) t.touched.add(id);
    return rec;
  };
  records.set = (id: string, rec: Rec) => {
    t.touched.add(id);
    return rawSet.call(records, id, rec) as Map<string, Rec>;
  };
  records.delete = (id: string) => {
    t.deleted.add(id);
    return rawDelete.call(records, id) as boolean;
  };
  records.clear = () => {
    t.reset = true;
    rawClear.call(records);
  };
  const patchBucket = (type: string, bucket: Map<string, Rec>) => {
    // Marks the type and returns the raw method, so iteration itself stays Map's own.
    const scan = <F>(fn: F): F => {
      t.scanned.add(type);
      return fn;
    };
    bucket.values = () => scan(rawValues).call(bucket);
    bucket.keys = () => scan(rawKeys).call(bucket);
    bucket.entries = () => scan(rawEntries).call(bucket);
    bucket[Symbol.iterator] = () => scan(rawEntries).call(bucket);
    bucket.forEach = (cb, thisArg) => scan(rawForEach).call(bucket, cb, thisArg);
  };
  for (const [type, bucket] of rawEntries.call(state.byType) as Iterable<[string, Map<string, Rec>]>)
    patchBucket(type, bucket);
  const byType = state.byType;
  byType.set = (type: string, bucket: Map<string, Rec>) => {
    patchBucket(type, bucket);
    return rawSet.call(byType, type, bucket) as Map<string, Map<string, Rec>>;
  };
  const idem = state.idempotency;
  idem.set = (key: string, value: IdempotencyRecord) => {
    t.idem.add(key);
    return rawSet.call(idem, key, value) as Map<string, IdempotencyRecord>;
  };
  idem.delete = (key: string) => {
    t.idem.add(key);
    return rawDelete.call(idem, key) as boolean;
  };
  idem.clear = () => {
    t.reset = true;
    rawClear.call(idem);
  };
  return t;
}

const digest = (json: string) => hash('sha1', json, 'base64');

/** `state.json` → `state.json.journal.<gen>`. */
export const journalPath = (file: string, gen: number) => `${file}.journal.${gen}`;

/** Journal files next to `file`, oldest generation first. */
export function journalFiles(file: string): Array<{ gen: number; path: string }> {
  const dir = dirname(file);
  const prefix = `${basename(file)}.journal.`;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)))
    .map((n) => ({ gen: Number(n.slice(prefix.length)), path: join(dir, n) }))
    .sort((a, b) => a.gen - b.gen);
}

function removeRec(state: EmulatorState, id: string): void {
  const rec = state.records.get(id);
  if (!rec) return;
  state.records.delete(id);
  unindex(state, rec);
}

/** Replays one journal file; a line cut short by a kill (no newline, or unparsable) ends the replay of that file. */
function replayFile(
  state: EmulatorState,
  path: string,
  queue: Map<string, QueuedDelivery>,
  deliveryIds: Set<string>,
): { lines: number; droppedBytes: number } {
  const text = readFileSync(path, 'utf8');
  let lines = 0;
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    let entry: Entry | null = null;
    if (nl >= 0) {
      try {
        entry = JSON.parse(text.slice(pos, nl));
      } catch {
        entry = null;
      }
    }
    if (!entry) return { lines, droppedBytes: Buffer.byteLength(text.slice(pos)) };
    pos = nl + 1;
    lines++;
    applyEntry(state, entry, queue, deliveryIds);
  }
  return { lines, droppedBytes: 0 };
}

function applyEntry(
  state: EmulatorState,
  e: Entry,
  queue: Map<string, QueuedDelivery>,
  deliveryIds: Set<string>,
): void {
  if (e.x) {
    clearRecords(state);
    state.idempotency.clear();
    state.deliveries = [];
    deliveryIds.clear();
    queue.clear();
    state.chaos = { duplicate_rate: 0, reorder_rate: 0, failure_rate: 0 };
    for (const hook of state.hooks.reset) hook(state);
  }
  state.seq = e.s;
  state.clockOffsetMs = e.c;
  if (e.ch) state.chaos = e.ch;
  for (const rec of e.r ?? []) {
    const old = state.records.get(rec.id);
    if (old && old.type !== rec.type) state.byType.get(old.type)?.delete(rec.id);
    addRec(state, rec);
  }
  for (const id of e.d ?? []) removeRec(state, id);
  for (const [key, value] of e.i ?? []) {
    // Deleted first, so a reused key moves to the end as it did live (purging relies on insertion order).
    state.idempotency.delete(key);
    if (value) state.idempotency.set(key, value);
  }
  for (const w of e.w ?? []) {
    if (deliveryIds.has(w.id)) continue;
    deliveryIds.add(w.id);
    state.deliveries.push(w);
  }
  for (const q of e.qa ?? []) if (!queue.has(q.id)) queue.set(q.id, q);
  for (const id of e.qr ?? []) queue.delete(id);
}

/** Loads the snapshot, then replays every journal of its generation or later, in order. */
export function recover(
  state: EmulatorState,
  file: string,
): { gen: number; found: boolean; lines: number; droppedBytes: number } {
  const snap = loadSnapshot(state, file);
  const queue = new Map(state.queue.map((q) => [q.id, q]));
  const deliveryIds = new Set(state.deliveries.map((d) => d.id));
  let gen = snap.gen;
  let found = snap.found;
  let lines = 0;
  let droppedBytes = 0;
  for (const j of journalFiles(file)) {
    // Older generations are already in the snapshot (left behind by a kill before their cleanup).
    if (j.gen < snap.gen) continue;
    found = true;
    gen = Math.max(gen, j.gen);
    const r = replayFile(state, j.path, queue, deliveryIds);
    lines += r.lines;
    if (r.droppedBytes) {
      droppedBytes += r.droppedBytes;
      console.warn(`[stripe-emulator] ignored ${r.droppedBytes} bytes of a torn write at the end of ${j.path}`);
    }
  }
  state.queue = [...queue.values()];
  if (state.deliveries.length > DELIVERIES_KEPT) state.deliveries.splice(0, state.deliveries.length - DELIVERIES_KEPT);
  return { gen, found, lines, droppedBytes };
}

function fsyncDir(file: string): void {
  // Makes the rename itself durable; some platforms can't open a directory, which only weakens power-loss safety.
  try {
    const fd = openSync(dirname(file), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {}
}

function removeJournalsBelow(file: string, gen: number): void {
  for (const j of journalFiles(file)) if (j.gen < gen) rmSync(j.path, { force: true });
}

/** Drops events older than Stripe's 30-day retention (insertion order is creation order, so it stops early). */
export function pruneOldEvents(state: EmulatorState): void {
  const bucket = state.byType.get('event');
  if (!bucket) return;
  const cutoff = nowSec(state) - EVENT_RETENTION_SEC;
  const old: Rec[] = [];
  // Raw iteration: going through the journal's instrumented `values()` would mark every event for comparison.
  for (const rec of rawValues.call(bucket) as Iterable<Rec>) {
    if (rec.obj.created >= cutoff) break;
    old.push(rec);
  }
  if (!old.length) return;
  for (const rec of old) {
    unindex(state, rec);
    state.records.delete(rec.id);
  }
  state.onChange();
}

/**
 * Opens `file` (snapshot) plus its journals: recovers the state into `state` (which must be empty), compacts what
 * was replayed, then journals every change. Call `commit()` before acknowledging a request.
 */
export function openJournal(state: EmulatorState, file: string, opts: JournalOptions = {}): Journal {
  const compactBytes = opts.compactBytes ?? 16 * 1024 * 1024;
  const fsyncMs = opts.fsyncMs ?? 100;
  const sliceMs = opts.sliceMs ?? 5;
  const sliceBytes = opts.sliceBytes ?? 256 * 1024;
  const step = opts.onCompactStep ?? (() => {});
  mkdirSync(dirname(file), { recursive: true });
  // Leftovers of a compaction that was killed; the files they were meant to replace are still intact.
  const tmpPrefix = `${basename(file)}.tmp-`;
  for (const n of readdirSync(dirname(file)))
    if (n.startsWith(tmpPrefix)) rmSync(join(dirname(file), n), { force: true });

  const recovered = recover(state, file);
  const t = track(state);
  // sha1 of each record's last journaled JSON: a touched record is written only when it really changed.
  const hashes = new Map<string, string>();
  let gen = recovered.gen;
  let snapshotBytes = existsSync(file) ? statSync(file).size : 0;
  let journalBytes = 0;
  let compactions = 0;
  let failedAt = 0;
  let closed = false;
  let compaction: { promise: Promise<void>; aborted: boolean } | null = null;
  let lastChanges = state.changes;
  let lastChaos = JSON.stringify(state.chaos);
  let lastDelivery: DeliveryAttempt | null = state.deliveries.at(-1) ?? null;
  let lastQueue = new Set(state.queue.map((q) => q.id));
  let syncTimer: NodeJS.Timeout | null = null;
  let commitScheduled = false;

  const source = (g: number): SnapshotSource =>
    captureSnapshot(state, g, [...(rawValues.call(state.records) as Iterable<Rec>)]);

  // Only safe with nothing in flight (start and close): the hashes must match what is on disk.
  const compactSync = () => {
    gen += 1;
    writeSnapshotSync(file, source(gen), (rec, json) => hashes.set(rec.id, digest(json)));
    fsyncDir(file);
    snapshotBytes = statSync(file).size;
    removeJournalsBelow(file, gen);
  };

  // Recovered data is rewritten as one snapshot at start, which also drops a torn tail before anything is appended.
  if (recovered.found) compactSync();
  let fd = openSync(journalPath(file, gen), 'a');
  journalBytes = fstatSync(fd).size;

  const scheduleFsync = () => {
    if (syncTimer) return;
    syncTimer = setTimeout(() => {
      syncTimer = null;
      if (!closed) fdatasync(fd, () => {});
    }, fsyncMs);
    syncTimer.unref();
  };

  const commit = () => {
    if (closed) return;
    if (state.changes === lastChanges && !t.reset) {
      t.touched.clear();
      t.scanned.clear();
      t.deleted.clear();
      return;
    }
    lastChanges = state.changes;
    const parts = [`"s":${state.seq}`, `"c":${state.clockOffsetMs}`];
    let candidates: Iterable<string> = t.touched;
    let idemKeys: Iterable<string> = t.idem;
    if (t.reset) {
      parts.push('"x":1');
      hashes.clear();
      lastChaos = '';
      lastDelivery = null;
      lastQueue = new Set();
      candidates = [...(rawKeys.call(state.records) as Iterable<string>)];
      idemKeys = [...(rawKeys.call(state.idempotency) as Iterable<string>), ...t.idem];
      t.reset = false;
    }
    const chaos = JSON.stringify(state.chaos);
    if (chaos !== lastChaos) parts.push(`"ch":${chaos}`);
    lastChaos = chaos;

    // New delivery attempts (the log is capped from the front, so find the last one written from the end).
    const ds = state.deliveries;
    let from = 0;
    for (let i = ds.length - 1; lastDelivery && i >= 0; i--) {
      if (ds[i] !== lastDelivery) continue;
      from = i + 1;
      break;
    }
    if (from < ds.length) {
      const added = ds.slice(from);
      parts.push(`"w":${JSON.stringify(added)}`);
      // A delivery updates its event's pending_webhooks after an await, when the event is no longer "touched".
      for (const a of added) t.touched.add(a.event);
      lastDelivery = ds[ds.length - 1];
    }

    const ids = new Set(candidates);
    for (const type of t.scanned) {
      const bucket = rawGet.call(state.byType, type) as Map<string, Rec> | undefined;
      if (bucket) for (const id of rawKeys.call(bucket) as Iterable<string>) ids.add(id);
    }
    const recs: string[] = [];
    for (const id of ids) {
      const rec = rawGet.call(state.records, id) as Rec | undefined;
      if (!rec) continue;
      const json = JSON.stringify(rec);
      const h = digest(json);
      if (hashes.get(id) === h) continue;
      hashes.set(id, h);
      recs.push(json);
    }
    if (recs.length) parts.push(`"r":[${recs.join(',')}]`);
    const gone = [...t.deleted].filter((id) => !rawGet.call(state.records, id));
    for (const id of gone) hashes.delete(id);
    if (gone.length) parts.push(`"d":${JSON.stringify(gone)}`);

    const idem: Array<[string, IdempotencyRecord | null]> = [];
    const carry = new Set<string>();
    for (const key of new Set(idemKeys)) {
      const value = rawGet.call(state.idempotency, key) as IdempotencyRecord | undefined;
      // A request still running saves its result later: keep the key for a later commit.
      if (value?.inFlight) carry.add(key);
      else idem.push([key, value ?? null]);
    }
    if (idem.length) parts.push(`"i":${JSON.stringify(idem)}`);

    const queueIds = new Set<string>();
    const qa: QueuedDelivery[] = [];
    for (const q of state.queue) {
      queueIds.add(q.id);
      if (!lastQueue.has(q.id)) qa.push(q);
    }
    const qr = [...lastQueue].filter((id) => !queueIds.has(id));
    lastQueue = queueIds;
    if (qa.length) parts.push(`"qa":${JSON.stringify(qa)}`);
    if (qr.length) parts.push(`"qr":${JSON.stringify(qr)}`);

    t.touched.clear();
    t.scanned.clear();
    t.deleted.clear();
    t.idem = carry;

    const line = Buffer.from(`{${parts.join(',')}}\n`);
    // Synchronous write: once it returns the bytes are in the OS page cache and survive a kill of this process.
    try {
      for (let done = 0; done < line.length; ) done += writeSync(fd, line, done);
    } catch (err) {
      // Cut a partial line (disk full…) so later lines never follow a torn one, which would hide them at replay.
      ftruncateSync(fd, journalBytes);
      throw err;
    }
    journalBytes += line.length;
    scheduleFsync();
    // After a failure (disk full…) wait a minute rather than rotating journals on every commit.
    const due = !compaction && Date.now() - failedAt > 60_000;
    if (due && journalBytes > Math.max(compactBytes, snapshotBytes)) void compact();
  };

  const schedule = () => {
    if (commitScheduled || closed) return;
    commitScheduled = true;
    setImmediate(() => {
      commitScheduled = false;
      commit();
    });
  };

  /** Rotates to a new journal now, then writes the snapshot in slices over later turns. */
  const compact = (): Promise<void> => {
    if (compaction) return compaction.promise;
    if (closed) return Promise.resolve();
    commit();
    // That commit may itself have started one (journal over the threshold).
    if (compaction) return (compaction as { promise: Promise<void> }).promise;
    const newGen = gen + 1;
    const oldFd = fd;
    fd = openSync(journalPath(file, newGen), 'a');
    gen = newGen;
    journalBytes = 0;
    // The old journal stays on disk until the new snapshot is in place: until then it is needed for recovery.
    fdatasync(oldFd, () => close(oldFd, () => {}));
    step('rotated');
    // Records changed after this point are serialised as they are when reached; the new journal has those changes
    // too, and replaying full-record upserts over them is idempotent.
    const src = source(newGen);
    const tmp = `${file}.tmp-${process.pid}-${newGen}`;
    const out = openSync(tmp, 'w');
    let outOpen = true;
    const closeOut = () => {
      // Once only: a second close could hit an fd number the process has reused since.
      if (!outOpen) return;
      outOpen = false;
      closeSync(out);
    };
    const pieces = snapshotPieces(src);
    const job = { promise: Promise.resolve(), aborted: false };
    const fail = (err: unknown) => {
      console.error('[stripe-emulator] journal compaction failed (the journal still holds everything)', err);
      failedAt = Date.now();
      try {
        closeOut();
      } catch {}
      rmSync(tmp, { force: true });
    };
    job.promise = new Promise<void>((resolve) => {
      const finish = () => {
        compaction = null;
        resolve();
      };
      const turn = () => {
        try {
          if (job.aborted) {
            closeOut();
            rmSync(tmp, { force: true });
            return finish();
          }
          if (!writePieces(out, pieces, sliceMs, sliceBytes)) {
            step('slice');
            setImmediate(turn);
            return;
          }
        } catch (err) {
          fail(err);
          return finish();
        }
        // fsync off the event loop: a large snapshot can take a while to reach the disk.
        fsync(out, (syncErr) => {
          try {
            if (syncErr) throw syncErr;
            closeOut();
            if (job.aborted) {
              rmSync(tmp, { force: true });
              return finish();
            }
            step('written');
            renameSync(tmp, file);
            fsyncDir(file);
            step('renamed');
            snapshotBytes = statSync(file).size;
            removeJournalsBelow(file, newGen);
            compactions++;
            step('cleaned');
          } catch (err) {
            fail(err);
          }
          finish();
        });
      };
      setImmediate(turn);
    });
    compaction = job;
    return job.promise;
  };

  const closeJournal = async () => {
    if (closed) return;
    commit();
    if (compaction) {
      compaction.aborted = true;
      await compaction.promise;
    }
    closed = true;
    if (syncTimer) clearTimeout(syncTimer);
    fdatasyncSync(fd);
    closeSync(fd);
    compactSync();
  };

  return {
    commit,
    schedule,
    compact,
    close: closeJournal,
    stats: () => ({ gen, journalBytes, snapshotBytes, compactions }),
  };
}
