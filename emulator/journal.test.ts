import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { journalFiles, recover } from './core/journal.ts';
import type { EmulatorState, Rec } from './core/state.ts';
import { createEmulatorApp, startEmulator } from './index.ts';
import { client, startReceiver } from './testing/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'stripe-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const dataFile = () => join(dir, `case-${++n}`, 'state.json');

const values = <V>(m: Map<string, V>) => [...(Map.prototype.values.call(m) as Iterable<V>)];

/** Everything persistence must restore, in a comparable form. */
function dump(state: EmulatorState) {
  return {
    seq: state.seq,
    clockOffsetMs: state.clockOffsetMs,
    chaos: state.chaos,
    records: values(state.records)
      .sort((a: Rec, b: Rec) => a.id.localeCompare(b.id))
      .map((r) => JSON.stringify(r)),
    idempotency: [...(Map.prototype.entries.call(state.idempotency) as Iterable<[string, { inFlight?: boolean }]>)]
      .filter(([, v]) => !v.inFlight)
      .sort(([a], [b]) => a.localeCompare(b))
      .map((e) => JSON.stringify(e)),
    deliveries: state.deliveries.map((d) => d.id),
    queue: state.queue.map((q) => q.id).sort(),
    // Derived, not stored: the running totals rebuilt by replay must be the live ones.
    balances: [...state.balances.totals].flatMap(([account, scope]) =>
      [...scope].map(([currency, t]) => `${account}/${currency}: ${t.available}/${t.pending}`),
    ),
  };
}

/** What a process started on these files would load (read-only: nothing is compacted or deleted). */
function recovered(file: string) {
  const { state } = createEmulatorApp();
  recover(state, file);
  return dump(state);
}

const form = (fields: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(fields) });

describe('journal', () => {
  it('replays a mixed workload exactly: updates, deletes, idempotency, deliveries, retries, clock, chaos, reset', async () => {
    const file = dataFile();
    const emu = await startEmulator({ port: 0, dataFile: file, autoAdvance: false });
    const stripe = client(emu.port);
    const hooks = await startReceiver((count) => (count === 1 ? 500 : 200));
    try {
      await stripe.webhookEndpoints.create({ url: hooks.url, enabled_events: ['*'] });
      const c1 = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'j-1' });
      await stripe.customers.update(c1.id, { metadata: { tier: 'gold' } });
      const c2 = await stripe.customers.create({ email: 'gone@example.com' });
      await stripe.customers.del(c2.id);
      const pi = await stripe.paymentIntents.create({
        amount: 2000,
        currency: 'usd',
        confirm: true,
        payment_method: 'pm_card_visa',
        allowed_payment_method_types: ['card'],
      });
      await stripe.refunds.create({ payment_intent: pi.id, amount: 500 });
      // A validation error is not saved under its key.
      await stripe.customers
        .create({ email: 'x', metadata: 'bad' as never }, { idempotencyKey: 'j-2' })
        .catch(() => {});
      await fetch(`${emu.url}/_emulator/chaos`, form({ reorder_rate: '0.5' }));
      await fetch(`${emu.url}/_emulator/webhooks/flush`, { method: 'POST' });
      // Past the charge's available_on: maturation changes a balance transaction in place.
      await fetch(`${emu.url}/_emulator/clock/advance`, form({ seconds: String(3 * 86_400) }));
      expect(emu.state.deliveries.length).toBeGreaterThan(1);
      expect((await stripe.balance.retrieve()).available[0].amount).toBeGreaterThan(0);
      emu.journal!.commit();
      expect(recovered(file)).toEqual(dump(emu.state));

      emu.reset();
      await stripe.customers.create({ email: 'after-reset@example.com' });
      emu.journal!.commit();
      const afterReset = dump(emu.state);
      expect(afterReset.records.length).toBeLessThan(5);
      expect(recovered(file)).toEqual(afterReset);
    } finally {
      await emu.stop();
      await hooks.close();
    }
    const again = await startEmulator({ port: 0, dataFile: file, autoAdvance: false });
    const { records, seq, idempotency } = dump(again.state);
    expect(records.length).toBeGreaterThan(0);
    await again.stop();
    expect(recovered(file)).toMatchObject({ records, seq, idempotency });
  });

  it('ignores a torn last line and keeps appending safely after it', async () => {
    const file = dataFile();
    const emu = await startEmulator({ port: 0, dataFile: file, autoAdvance: false });
    const kept = await client(emu.port).customers.create({ email: 'kept@example.com' });
    const before = dump(emu.state);
    // A kill in the middle of an append leaves a partial line with no newline.
    const crashed = join(dir, `crashed-${n}`, 'state.json');
    cpSync(dirname(file), dirname(crashed), { recursive: true });
    await emu.stop();
    const journal = journalFiles(crashed).at(-1)!.path;
    appendFileSync(journal, '{"s":99,"c":0,"r":[{"id":"cus_torn","type":"customer","acc');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(recovered(crashed)).toEqual(before);
      const second = await startEmulator({ port: 0, dataFile: crashed, autoAdvance: false });
      const s2 = client(second.port);
      expect((await s2.customers.retrieve(kept.id)) as { email: string }).toMatchObject({ email: 'kept@example.com' });
      const added = await s2.customers.create({ email: 'added@example.com' });
      second.journal!.commit();
      const live = dump(second.state);
      // The torn bytes were compacted away at start, so the new line is not glued to them.
      expect(recovered(crashed)).toEqual(live);
      expect(live.records.some((r) => r.includes('cus_torn'))).toBe(false);
      await second.stop();
      const third = await startEmulator({ port: 0, dataFile: crashed, autoAdvance: false });
      expect(third.state.records.get(added.id)?.obj.email).toBe('added@example.com');
      await third.stop();
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('torn write'));
    } finally {
      warn.mockRestore();
    }
  });

  it('compacts in the background past the threshold, and a kill at any compaction step loses nothing', async () => {
    const file = dataFile();
    const steps: Array<{ step: string; copy: string; expected: ReturnType<typeof dump> }> = [];
    let emu: Awaited<ReturnType<typeof startEmulator>> | null = null;
    emu = await startEmulator({
      port: 0,
      dataFile: file,
      autoAdvance: false,
      journal: {
        compactBytes: 20_000,
        sliceMs: 0,
        sliceBytes: 4096,
        // Simulates a kill at this point: copy the files as they are and remember the committed state.
        onCompactStep: (step) => {
          if (!emu || (step === 'slice' && steps.filter((s) => s.step === 'slice').length >= 5)) return;
          emu.journal!.commit();
          const copy = join(dir, `step-${n}-${steps.length}`, 'state.json');
          cpSync(dirname(file), dirname(copy), { recursive: true });
          steps.push({ step, copy, expected: dump(emu.state) });
        },
      },
    });
    const stripe = client(emu.port);
    const ids: string[] = [];
    // Concurrent writes, so requests land while a compaction is writing its slices.
    for (let round = 0; round < 6; round++) {
      const made = await Promise.all(
        Array.from({ length: 10 }, (_, i) => stripe.customers.create({ email: `c${round}-${i}@example.com` })),
      );
      ids.push(...made.map((c) => c.id));
      await stripe.customers.update(made[0].id, { name: `round ${round}` });
    }
    await emu.journal!.compact();
    const stats = emu.journal!.stats();
    expect(stats.compactions).toBeGreaterThanOrEqual(1);
    expect(journalFiles(file).length).toBe(1);
    expect(new Set(steps.map((s) => s.step))).toEqual(new Set(['rotated', 'slice', 'written', 'renamed', 'cleaned']));
    for (const s of steps) expect(recovered(s.copy), s.step).toEqual(s.expected);
    emu.journal!.commit();
    expect(recovered(file)).toEqual(dump(emu.state));
    for (const id of ids) expect(emu.state.records.has(id)).toBe(true);
    await emu.stop();
  });

  it('prunes events past 30 days and idempotency keys past 24 h, and journals the pruning', async () => {
    const file = dataFile();
    const emu = await startEmulator({ port: 0, dataFile: file, autoAdvance: false });
    const stripe = client(emu.port);
    await stripe.customers.create({ email: 'old@example.com' }, { idempotencyKey: 'old-key' });
    expect((await stripe.events.list()).data).toHaveLength(1);
    await fetch(`${emu.url}/_emulator/clock/advance`, form({ seconds: String(31 * 86400) }));
    expect((await stripe.events.list()).data).toHaveLength(0);
    expect(emu.state.idempotency.size).toBe(0);
    const reused = await stripe.customers.create({ email: 'new@example.com' }, { idempotencyKey: 'old-key' });
    expect(reused.email).toBe('new@example.com');
    emu.journal!.commit();
    expect(recovered(file)).toEqual(dump(emu.state));
    await emu.stop();
  });
});

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Starts `gallerist emulator` (the bundled standalone) as its own process; resolves with its port once it listens. */
async function spawnCli(file: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['bin/gallerist.js', 'emulator', '--port', '0', '--data', file], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`emulator exited early (${code}): ${out}`)));
  });
  return { child, port };
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });

describe('journal durability', () => {
  it('keeps every acknowledged write after kill -9 of the emulator process', async () => {
    const file = dataFile();
    const first = await spawnCli(file);
    const ack: { customers: string[]; intents: string[]; platform: string; refund: string } = {
      customers: [],
      intents: [],
      platform: '',
      refund: '',
    };
    try {
      const s1 = client(first.port);
      ack.platform = (await s1.accounts.retrieveCurrent()).id;
      const customers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          s1.customers.create({ email: `k${i}@example.com` }, { idempotencyKey: `kill-${i}` }),
        ),
      );
      ack.customers = customers.map((c) => c.id);
      const intents = await Promise.all(
        Array.from({ length: 4 }, () =>
          s1.paymentIntents.create({
            amount: 1500,
            currency: 'usd',
            confirm: true,
            payment_method: 'pm_card_visa',
            allowed_payment_method_types: ['card'],
          }),
        ),
      );
      ack.intents = intents.map((p) => p.id);
      ack.refund = (await s1.refunds.create({ payment_intent: ack.intents[0] })).id;
      ack.customers.push((await s1.customers.create({ email: 'last@example.com' })).id);
    } finally {
      // Right after the last acknowledged response: no graceful shutdown, no chance to flush anything.
      await killed(first.child);
    }

    const second = await spawnCli(file);
    try {
      const s2 = client(second.port);
      for (const id of ack.customers) expect((await s2.customers.retrieve(id)).id).toBe(id);
      for (const id of ack.intents) expect((await s2.paymentIntents.retrieve(id)).status).toBe('succeeded');
      expect((await s2.refunds.retrieve(ack.refund)).status).toBe('succeeded');
      expect((await s2.accounts.retrieveCurrent()).id).toBe(ack.platform);
      const replay = await s2.customers.create({ email: 'k3@example.com' }, { idempotencyKey: 'kill-3' });
      expect(replay.id).toBe(ack.customers[3]);
      expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');
    } finally {
      await killed(second.child);
    }
    expect(existsSync(file)).toBe(true);
    expect(readdirSync(dirname(file)).some((f) => f.includes('.tmp-'))).toBe(false);
    expect(readFileSync(file, 'utf8')).toContain(ack.platform);
  });
});

describe('journal bench (smoke)', () => {
  // Checks the harness only (bench/run.ts picks it up): both sides measured without errors. Timings never asserted.
  it('measures PaymentIntent create+confirm in memory and with the journal', async () => {
    const { benchEmulatorJournal } = await import('../bench/emulator.ts');
    const results = await benchEmulatorJournal({ durationSec: 0.2, connections: 2 });
    expect(results.map((r) => r.name)).toEqual([
      'POST /v1/payment_intents confirm=true (in-memory)',
      'POST /v1/payment_intents confirm=true (journal)',
    ]);
    for (const r of results) expect([r.errors, r.requests > 0]).toEqual([0, true]);
  });
});
