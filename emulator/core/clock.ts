import { purgeIdempotency } from './api.ts';
import type { EmulatorState } from './state.ts';
import { nowSec } from './state.ts';
import { flush, pump } from './webhooks.ts';

/** Runs everything that is due on the emulator clock: tick hooks (expiry, maturation…) then webhook retries. */
export function runDueWork(state: EmulatorState): void {
  for (const hook of state.hooks.tick) hook(state);
  purgeIdempotency(state);
  pump(state);
}

/** Moves the emulator clock forward, runs due work and waits for the resulting deliveries. */
export async function advanceClock(state: EmulatorState, seconds: number): Promise<number> {
  state.clockOffsetMs += seconds * 1000;
  state.onChange();
  runDueWork(state);
  await flush(state);
  return nowSec(state);
}
