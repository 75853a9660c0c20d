import type { Logger } from 'pino';
import type Stripe from 'stripe';
import type { Clock } from './clock.ts';
import type { StripeEventHandler } from './commerce/handle-webhook.ts';
import type { OfferingHooks } from './commerce/offerings.ts';
import type { OrderListener } from './commerce/order-listeners.ts';
import type { OfferingType } from './commerce/tables.ts';
import type { Config } from './config.ts';
import type { DB } from './db/types.ts';
import type { DoctorCheck } from './doctor.ts';
import type { AppRouter } from './http/openapi.ts';
import type { JobHandler } from './jobs/queue.ts';
import { createJobSignal, type JobSignal } from './jobs/signal.ts';
import type { Seeder } from './seed.ts';

/** What every domain module is built from: the app's own connections and settings, nothing global. */
export interface ModuleDeps {
  config: Config;
  db: DB;
  clock: Clock;
  logger: Logger;
  stripe: Stripe;
  /** Filled once every module is built: read it when a handler runs, never while building a module. */
  commerce: CommerceHooks;
}

/** A recurring job, declared in code so every instance knows its payload and interval. */
export interface Schedule {
  name: string;
  intervalSeconds: number;
  payload?: unknown;
  /** Delay before the first run of a new schedule; 0 (default) runs it at once. */
  firstRunAfterSeconds?: number;
}

/** What a domain contributes once built from the app's deps. Every field is optional. */
export interface ModuleParts {
  routes?: AppRouter[];
  /** Routers mounted at the site root, outside `/api` and its CSRF and error conventions (protocols with paths of
   * their own, such as ACP's `/acp/…` and `/.well-known/acp.json`). */
  rootRoutes?: AppRouter[];
  offerings?: Partial<Record<OfferingType, OfferingHooks>>;
  /** Several handlers per event type are allowed; they all run, in module order, in the event's transaction. */
  stripeEvents?: Array<{ type: string; handle: StripeEventHandler }>;
  /** Told of order changes (paid, refunded, shipped…), all of them in module order, in the change's transaction. */
  orderListeners?: OrderListener[];
  jobs?: Record<string, JobHandler>;
  schedules?: Schedule[];
  /** Releases what the module opened (an SMTP pool…) when the app stops. */
  close?: () => Promise<void>;
}

/**
 * One domain as the app sees it. Doctor checks and demo seeders need no running app (the CLI runs them with the
 * database or Stripe down), so they are plain values; everything else is built from the app's deps.
 */
export interface DomainModule {
  name: string;
  doctorChecks?: DoctorCheck[];
  /** Idempotent demo data, run by `seedDemo` in module order. */
  seeders?: Seeder[];
  build(deps: ModuleDeps): ModuleParts;
}

/** The hooks the commerce core calls into: offerings, extra Stripe event handlers and order listeners. */
export interface CommerceHooks {
  offerings: ReadonlyMap<OfferingType, OfferingHooks>;
  stripeEvents: ReadonlyMap<string, readonly StripeEventHandler[]>;
  /** Every module's order listeners, in module order (run by `notifyOrderChanged`). */
  orderListeners: readonly OrderListener[];
}

/** The assembled app: what the modules contributed, indexed, read-only after boot. */
export interface Assembly {
  modules: readonly DomainModule[];
  routes: readonly AppRouter[];
  rootRoutes: readonly AppRouter[];
  commerce: CommerceHooks;
  jobs: ReadonlyMap<string, JobHandler>;
  schedules: readonly Schedule[];
  seeders: readonly Seeder[];
  doctorChecks: readonly DoctorCheck[];
  /** Wakes this process's job runner when a request queued work for it (the webhook inbox). */
  jobSignal: JobSignal;
  /** Runs every module's `close`, in reverse module order. */
  close(): Promise<void>;
}

/**
 * Builds every module from the same deps and indexes what they contribute; two modules claiming the same
 * offering, job or schedule is a boot error.
 */
export function assemble(modules: readonly DomainModule[], base: Omit<ModuleDeps, 'commerce'>): Assembly {
  const offerings = new Map<OfferingType, OfferingHooks>();
  const stripeEvents = new Map<string, StripeEventHandler[]>();
  const orderListeners: OrderListener[] = [];
  const commerce: CommerceHooks = { offerings, stripeEvents, orderListeners };
  const jobs = new Map<string, JobHandler>();
  const schedules = new Map<string, Schedule>();
  const claim = <K, V>(map: Map<K, V>, key: K, value: V, what: string, by: string) => {
    if (map.has(key)) throw new Error(`${what} "${String(key)}" is contributed twice (again by module ${by})`);
    map.set(key, value);
  };
  const names = new Map<string, DomainModule>();
  for (const m of modules) claim(names, m.name, m, 'module', m.name);
  const built = modules.map((m) => ({ name: m.name, ...m.build({ ...base, commerce }) }));
  for (const m of built) {
    for (const [type, hooks] of Object.entries(m.offerings ?? {}))
      if (hooks) claim(offerings, type as OfferingType, hooks, 'offering', m.name);
    for (const { type, handle } of m.stripeEvents ?? []) {
      const list = stripeEvents.get(type) ?? [];
      list.push(handle);
      stripeEvents.set(type, list);
    }
    orderListeners.push(...(m.orderListeners ?? []));
    for (const [name, handler] of Object.entries(m.jobs ?? {})) claim(jobs, name, handler, 'job', m.name);
    for (const s of m.schedules ?? []) {
      if (!built.some((o) => o.jobs?.[s.name])) {
        throw new Error(`schedule "${s.name}" of module ${m.name} has no job handler`);
      }
      claim(schedules, s.name, s, 'schedule', m.name);
    }
  }
  return {
    modules,
    routes: built.flatMap((m) => m.routes ?? []),
    rootRoutes: built.flatMap((m) => m.rootRoutes ?? []),
    commerce,
    jobs,
    schedules: [...schedules.values()],
    seeders: modules.flatMap((m) => m.seeders ?? []),
    doctorChecks: modules.flatMap((m) => m.doctorChecks ?? []),
    jobSignal: createJobSignal(),
    async close() {
      for (const m of [...built].reverse()) await m.close?.();
    },
  };
}

/** The offering hooks for a type; a type no module contributed is a deploy bug, so it throws. */
export function offeringOf(hooks: CommerceHooks, type: OfferingType): OfferingHooks {
  const h = hooks.offerings.get(type);
  if (!h) throw new Error(`No module contributes the "${type}" offering`);
  return h;
}
