import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { controlRoutes } from './control.ts';
import { createBaseApp } from './core/app.ts';
import { runDueWork } from './core/clock.ts';
import type { Journal, JournalOptions } from './core/journal.ts';
import { openJournal, pruneOldEvents } from './core/journal.ts';
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
  /** Snapshot path for persistence (journals live next to it as `<file>.journal.<n>`); omit = in-memory. */
  dataFile?: string;
  /** Journal tuning (compaction threshold, fsync batch window); only with `dataFile`. */
  journal?: JournalOptions;
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
  /** The persistence journal (null when in-memory). */
  journal: Journal | null;
}

/** Builds the emulator as an in-process fetch handler (no socket); persistence and timers are up to the caller. */
export function createEmulatorApp(opts: EmulatorOptions = {}): { app: Hono; state: EmulatorState } {
  const host = opts.host ?? '127.0.0.1';
  const state = createState(opts.now ?? Date.now, opts.publicUrl ?? `http://${host}:${opts.port ?? 12111}`);
  const app = createBaseApp(state);
  for (const mod of [...resourceModules, ...(opts.modules ?? [])]) mod(app, state);
  state.hooks.tick.push(pruneOldEvents);
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
  const journal = opts.dataFile ? openJournal(state, opts.dataFile, opts.journal) : null;
  if (journal) state.persist = journal.schedule;
  // The journal line for a request is written before its response is handed to the socket.
  const fetch: typeof app.fetch = journal
    ? async (req, env, ctx) => {
        const res = await app.fetch(req, env, ctx);
        try {
          journal.commit();
        } catch (err) {
          console.error('[stripe-emulator] journal write failed', err);
          const error = { type: 'api_error', message: 'Emulator could not persist the change' };
          return Response.json({ error }, { status: 500 });
        }
        return res;
      }
    : app.fetch;

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch, port: opts.port ?? 12111, hostname: host }, () => resolve(s));
    s.once('error', reject);
  }).catch(async (err) => {
    // Port taken: release the data files so a retry (say, on another port) can open them.
    await journal?.close();
    throw err;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 12111);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  state.publicUrl = opts.publicUrl ?? url;

  const tick = () => {
    runDueWork(state);
    journal?.commit();
  };
  const timer = opts.autoAdvance === false ? null : setInterval(tick, 1000);
  timer?.unref();
  tick();

  let stopped = false;
  return {
    url,
    port,
    app,
    state,
    journal,
    reset: () => clearState(state),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      await Promise.race([flush(state), new Promise((r) => setTimeout(r, 2000))]);
      await new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) (server as { closeAllConnections(): void }).closeAllConnections();
        server.close(() => resolve());
      });
      // After the socket closed, so no request can change state once the final snapshot is written.
      await journal?.close();
    },
  };
}
