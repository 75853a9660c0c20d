import { afterAll, beforeEach } from 'vitest';
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
  const receiver = async (respond?: (n: number, event: any) => number) => {
    const r = await startReceiver(respond);
    receivers.push(r);
    return r;
  };
  return { ...t, receiver };
}
