import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { platformModules, replaceModule, replaceOffering } from './assembly.ts';
import { systemClock } from './clock.ts';
import { notifyOrderChanged, type Order, type OrderChange } from './commerce/index.ts';
import { createStripeClient } from './commerce/stripe.ts';
import { loadConfig } from './config.ts';
import type { DB } from './db/types.ts';
import { assemble, type DomainModule, offeringOf } from './modules.ts';

const base = {
  config: loadConfig({ DATA_DIR: '/tmp/gallerist-modules-test', LOG_LEVEL: 'silent', PORT: '3000' }),
  db: {} as DB,
  clock: systemClock,
  logger: pino({ level: 'silent' }),
  stripe: createStripeClient('sk_test_unused', 'http://127.0.0.1:9'),
};
const noop = async () => {};

describe('the assembly', () => {
  it('builds the platform from its module list: every offering, job and schedule has exactly one owner', () => {
    const a = assemble(platformModules, base);
    expect([...a.commerce.offerings.keys()].sort()).toEqual(['artwork', 'credit_bundle', 'print']);
    expect([...a.jobs.keys()].sort()).toEqual([
      'accounts.prune_rate_limits',
      'agents.acp_idempotency_prune',
      'agents.acp_webhook',
      'commerce.reconcile',
      'commerce.stripe_event',
      'credits.expire',
      'jobs.prune',
      'mail.send',
      'marketplace.artwork_features',
      'marketplace.dispute_recovery',
      'marketplace.payouts',
      'marketplace.refund_duplicate',
      'marketplace.stripe_fee',
    ]);
    for (const s of a.schedules) expect(a.jobs.has(s.name)).toBe(true);
    expect(a.commerce.stripeEvents.get('account.updated')).toHaveLength(1);
    // Commerce adopts disputes that came before their payment; the marketplace recovers a lost dispute from the
    // artist; the agents module tells agent platforms of changes.
    expect(a.commerce.orderListeners).toHaveLength(3);
    expect(a.commerce.stripeEvents.get('charge.dispute.closed')).toHaveLength(1);
    expect(a.seeders.length).toBe(4);
    expect(a.doctorChecks.length).toBe(5);
    expect(a.routes.length).toBeGreaterThan(5);
    expect(a.rootRoutes.length).toBe(3);
    // The agents module (API keys; the MCP server builds on the same assembly) comes last.
    expect(a.modules.at(-1)?.name).toBe('agents');
  });

  it('refuses two modules claiming one offering, job, schedule or name, and a schedule without a job', () => {
    const m = (name: string, parts: ReturnType<DomainModule['build']>): DomainModule => ({ name, build: () => parts });
    const hooks = { onPaid: noop };
    expect(() =>
      assemble([m('a', { offerings: { print: hooks } }), m('b', { offerings: { print: hooks } })], base),
    ).toThrow(/offering "print" is contributed twice/);
    expect(() => assemble([m('a', { jobs: { x: noop } }), m('b', { jobs: { x: noop } })], base)).toThrow(/job "x"/);
    expect(() => assemble([m('a', {}), m('a', {})], base)).toThrow(/module "a"/);
    expect(() => assemble([m('a', { schedules: [{ name: 'y', intervalSeconds: 60 }] })], base)).toThrow(
      /schedule "y" of module a has no job handler/,
    );
  });

  it('keeps every handler for an event type, in module order, and two apps never share state', () => {
    const first = { type: 'account.updated', handle: async () => 'ignored' as const };
    const mine: DomainModule = { name: 'extra', build: () => ({ stripeEvents: [first] }) };
    const a = assemble([...platformModules, mine], base);
    expect(a.commerce.stripeEvents.get('account.updated')?.at(-1)).toBe(first.handle);
    const b = assemble(platformModules, base);
    expect(b.commerce.stripeEvents.get('account.updated')).toHaveLength(1);
  });

  it('runs every module’s order listeners, in module order, with the order and the change', async () => {
    const calls: string[] = [];
    const listen = (name: string) => async (_tx: DB, order: Order, change: OrderChange) => {
      calls.push(`${name}:${order.id}:${change.kind}`);
    };
    const a = assemble(
      [
        { name: 'first', build: () => ({ orderListeners: [listen('first')] }) },
        { name: 'quiet', build: () => ({}) },
        { name: 'second', build: () => ({ orderListeners: [listen('second')] }) },
      ],
      base,
    );
    const order = { id: 'o1' } as Order;
    await notifyOrderChanged({} as DB, a.commerce, order, { kind: 'shipped', trackingNumber: 'T1' });
    await notifyOrderChanged({} as DB, a.commerce, order, { kind: 'refunded', amount: 100 });
    expect(calls).toEqual(['first:o1:shipped', 'second:o1:shipped', 'first:o1:refunded', 'second:o1:refunded']);
    // A module list without listeners: notifying is a no-op (and reads nothing).
    await notifyOrderChanged({} as DB, assemble([], base).commerce, 'not-read', { kind: 'paid' });
  });

  it('swaps one offering or one module for a test without touching the shared list', () => {
    const hooks = { onPaid: noop };
    const a = assemble(replaceOffering(platformModules, 'print', hooks), base);
    expect(offeringOf(a.commerce, 'print')).toBe(hooks);
    expect(offeringOf(assemble(platformModules, base).commerce, 'print')).not.toBe(hooks);
    const bare: DomainModule = { name: 'shop', build: () => ({}) };
    const b = assemble(replaceModule(platformModules, bare), base);
    expect(() => offeringOf(b.commerce, 'print')).toThrow(/No module contributes the "print" offering/);
    expect(() => replaceModule(platformModules, { name: 'nope', build: () => ({}) })).toThrow(/No module named nope/);
  });
});
