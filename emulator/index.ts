import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { controlRoutes } from './control.ts';
import { createBaseApp } from './core/app.ts';
import { runDueWork } from './core/clock.ts';
import { createPersister, loadSnapshot } from './core/persistence.ts';
import type { EmulatorState, ResourceModule } from './core/state.ts';
import { clearState, createState } from './core/state.ts';
import { flush } from './core/webhooks.ts';
import { checkoutPage } from './hosted/checkout-page.ts';
import { dashboardPage } from './hosted/dashboard-page.ts';
import { onboardingPages } from './hosted/onboarding-page.ts';
import { receiptPage } from './hosted/receipt-page.ts';
import { resourceModules } from './resources/index.ts';

export type { EmulatorState, ResourceModule } from './core/state.ts';

export interface EmulatorOptions {
  port?: number;
  host?: string;
  /** JSON snapshot path for persistence; omit = in-memory. */
  dataFile?: string;
  /** Base URL used in hosted page links; default http://host:port. */
  publicUrl?: string;
  /** Base clock in ms (default Date.now); the emulator's own clock offset is added on top. */
  now?: () => number;
  /** Run timers (expiry, retries, maturation) on the wall clock; default true. */
  autoAdvance?: boolean;
  /** Extra resource modules (e.g. Connect) registered after the built-in ones. */
  modules?: ResourceModule[];
}

export interface RunningEmulator {
  url: string;
  port: number;
  stop(): Promise<void>;
  app: Hono;
  reset(): void;
  state: EmulatorState;
}

/** Builds the emulator as an in-process fetch handler (no socket); persistence and timers are up to the caller. */
export function createEmulatorApp(opts: EmulatorOptions = {}): { app: Hono; state: EmulatorState } {
  const host = opts.host ?? '127.0.0.1';
  const state = createState(opts.now ?? Date.now, opts.publicUrl ?? `http://${host}:${opts.port ?? 12111}`);
  const app = createBaseApp(state);
  for (const mod of [...resourceModules, ...(opts.modules ?? [])]) mod(app, state);
  checkoutPage(app, state);
  receiptPage(app, state);
  onboardingPages(app, state);
  dashboardPage(app, state);
  controlRoutes(app, state);
  return { app, state };
}

/** Starts the emulator on a socket (port 0 = random), with optional persistence and wall-clock timers. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = opts.host ?? '127.0.0.1';
  const { app, state } = createEmulatorApp(opts);
  const persister = opts.dataFile ? createPersister(state, opts.dataFile) : null;
  if (opts.dataFile) loadSnapshot(state, opts.dataFile);
  if (persister) state.persist = persister.schedule;

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: opts.port ?? 12111, hostname: host }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 12111);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  state.publicUrl = opts.publicUrl ?? url;

  const timer = opts.autoAdvance === false ? null : setInterval(() => runDueWork(state), 1000);
  timer?.unref();
  runDueWork(state);

  let stopped = false;
  return {
    url,
    port,
    app,
    state,
    reset: () => clearState(state),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      await Promise.race([flush(state), new Promise((r) => setTimeout(r, 2000))]);
      persister?.flushNow();
      await new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) (server as { closeAllConnections(): void }).closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
