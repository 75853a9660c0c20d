import { afterAll, afterEach, beforeEach, expect } from 'vitest';
import type { EmulatorState } from '../core/state.ts';
import type { EmulatorOptions } from '../index.ts';
import type { TestEmulator } from './helpers.ts';
import { setupEmulator, startReceiver } from './helpers.ts';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** A test file's emulator plus webhook receivers that are closed with it. */
export interface FileEmulator extends TestEmulator {
  /** Starts a webhook receiver (see `startReceiver`) that is closed after the file's tests. */
  receiver(respond?: (n: number, event: any) => number): Promise<Receiver>;
}

/** One emulator per test file (await it at top level): reset before each test, stopped after the last one. */
export async function emulatorForFile(opts: EmulatorOptions = {}): Promise<FileEmulator> {
  const t = await setupEmulator(opts);
  const receivers: Receiver[] = [];
  afterAll(async () => {
    await t.emu.stop();
    await Promise.all(receivers.map((r) => r.close()));
  });
  beforeEach(() => t.emu.reset());
  // Every test of every file also checks the balance running totals against a scan of the ledger.
  afterEach(() => expect(runningTotals(t.emu.state)).toEqual(scannedTotals(t.emu.state)));
  const receiver = async (respond?: (n: number, event: any) => number) => {
    const r = await startReceiver(respond);
    receivers.push(r);
    return r;
  };
  return { ...t, receiver };
}

type Totals = Record<string, { available: number; pending: number }>;

// Zero sums are left out on both sides: a currency whose transactions net to nothing is the same balance.
const nonZero = (totals: Totals): Totals =>
  Object.fromEntries(Object.entries(totals).filter(([, t]) => t.available !== 0 || t.pending !== 0));

function runningTotals(state: EmulatorState): Totals {
  const out: Totals = {};
  for (const [account, scope] of state.balances.totals)
    for (const [currency, t] of scope) out[`${account}/${currency}`] = { ...t };
  return nonZero(out);
}

function scannedTotals(state: EmulatorState): Totals {
  const out: Totals = {};
  for (const rec of state.byType.get('balance_transaction')?.values() ?? []) {
    const key = `${rec.account ?? ''}/${rec.obj.currency}`;
    out[key] ??= { available: 0, pending: 0 };
    const t = out[key];
    if (rec.obj.status === 'available') t.available += rec.obj.net;
    else t.pending += rec.obj.net;
  }
  return nonZero(out);
}
