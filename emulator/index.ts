import { createServer, type RequestListener, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { controlRoutes } from './control.ts';
import type { ApiRequest } from './core/api.ts';
import { handleApi } from './core/api.ts';
import { createBaseApp } from './core/app.ts';
import { runDueWork } from './core/clock.ts';
import { routerOf } from './core/context.ts';
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
  const persisted = (): boolean => {
    if (!journal) return true;
    try {
      journal.commit();
      return true;
    } catch (err) {
      console.error('[stripe-emulator] journal write failed', err);
      return false;
    }
  };
  const notPersisted = { type: 'api_error', message: 'Emulator could not persist the change' };
  const fetch: typeof app.fetch = async (req, env, ctx) => {
    const res = await app.fetch(req, env, ctx);
    return persisted() ? res : Response.json({ error: notPersisted }, { status: 500 });
  };
  const pages = getRequestListener(fetch);
  const router = routerOf(app);
  // `/v1` is answered straight from Node's request and response objects (core/api.ts), without building
  // Request/Response objects for it: most of an API call's cost was that plumbing. Pages go through Hono.
  const listener: RequestListener = (req, res) => {
    const url = req.url ?? '/';
    if (!url.startsWith('/v1/')) return void pages(req, res);
    const q = url.indexOf('?');
    const apiReq: ApiRequest = {
      method: req.method ?? 'GET',
      path: q < 0 ? url : url.slice(0, q),
      query: q < 0 ? '' : url.slice(q + 1),
      header: (name) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v.join(', ') : v;
      },
      body: () =>
        new Promise<string>((resolve, reject) => {
          const chunks: Buffer[] = [];
          req.on('data', (c: Buffer) => chunks.push(c));
          req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          req.on('error', reject);
        }),
    };
    handleApi(state, router, apiReq).then((out) => {
      if (!persisted()) {
        out = {
          status: 500,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ error: notPersisted }),
        };
      }
      // A length, so Node sends head and body in one write instead of chunked framing's several.
      res.writeHead(out.status, { ...out.headers, 'content-length': Buffer.byteLength(out.body) });
      res.end(req.method === 'HEAD' ? undefined : out.body);
    });
  };

  const server = await new Promise<Server>((resolve, reject) => {
    const s = createServer(listener);
    s.once('error', reject);
    s.listen(opts.port ?? 12111, host, () => resolve(s));
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
        server.closeAllConnections();
        server.close(() => resolve());
      });
      // After the socket closed, so no request can change state once the final snapshot is written.
      await journal?.close();
    },
  };
}
