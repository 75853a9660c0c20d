import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { createStripeClient } from '../../src/commerce/stripe.ts';
import type { Database } from '../../src/db/connect.ts';
import { withService } from '../../src/db/tenancy.ts';
import { createDemoTestDatabase, testDbKind } from '../../src/db/testing.ts';
import type { DB } from '../../src/db/types.ts';
import { acpAddress, grantedToken, registerTestPlatform, sptPayment } from '../fixtures/acp.ts';
import { freePort, instanceEnv, openGallery } from '../fixtures/instances.ts';
import { demoIds, onboardedArtist, publishedArtwork } from '../fixtures/marketplace-buy.ts';
import { testClient } from '../http.ts';
import { fullReliability, prng, recordTrial, reliabilitySeed } from './trials.ts';

// Four app processes on one Postgres database and one Stripe emulator: checkouts of all three offerings through
// random instances, and agents buying the same originals over ACP; payments, expiries and dashboard refunds at Stripe, then every event delivered 1–5 times,
// shuffled, 24 at a time to random instances while instances are killed (SIGKILL) and restarted. At the end the
// database must agree with Stripe: nothing lost, nothing doubled.

const INSTANCES = 4;
const CHECKOUTS = Number(process.env.CHAOS_CHECKOUTS ?? (fullReliability ? 300 : 36));
const IN_FLIGHT = 24;
const WEBHOOK_SECRET = 'whsec_chaos_shared_secret';
const seed = reliabilitySeed();

interface Instance {
  port: number;
  url: string;
  dataDir: string;
  proc: ChildProcess | null;
}

describe.skipIf(testDbKind() !== 'postgres')(
  'chaos: four instances, one database, duplicated shuffled webhooks',
  () => {
    let database: Database;
    let db: DB;
    let emulator: RunningEmulator;
    let stripe: Stripe;
    let env: Record<string, string>;
    const instances: Instance[] = [];

    const start = async (inst: Instance) => {
      inst.proc = spawn(process.execPath, ['bin/gallerist.js', 'serve'], {
        env: { ...env, PORT: String(inst.port), DATA_DIR: inst.dataDir },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      for (let i = 0; i < 600; i++) {
        const ok = await fetch(`${inst.url}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
        if (inst.proc.exitCode !== null) throw new Error(`instance on ${inst.port} exited with ${inst.proc.exitCode}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`instance on ${inst.port} did not start`);
    };
    const killedPids: number[] = [];
    const kill = (inst: Instance) => {
      const p = inst.proc;
      inst.proc = null;
      if (p?.pid) killedPids.push(p.pid);
      p?.kill('SIGKILL');
      return p ? new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r))) : Promise.resolve();
    };
    const live = () => instances.filter((i) => i.proc);

    // The phases below run in order and hand their results on through these.
    const rnd = prng(seed);
    const at = () => rnd.pick(live()).url;
    // One client whose every request goes to a random instance: sessions and carts live in the shared database.
    const roaming = () => testClient({ request: (path, init) => fetch(`${at()}${path}`, init) });
    const orderIds: string[] = [];
    const paidIntents: string[] = [];
    const disputedIntents: string[] = [];
    const tried = {
      refused: 0,
      agentOrders: 0,
      paid: 0,
      expired: 0,
      refunds: 0,
      disputed: 0,
      disputesClosed: 0,
      events: 0,
      deliveries: 0,
      retried: 0,
      kills: 0,
    };

    beforeAll(async () => {
      database = await createDemoTestDatabase();
      db = database.db;
      emulator = await startEmulator({ port: 0 });
      stripe = createStripeClient('sk_test_chaos', emulator.url);
      // Each instance registers its own endpoint; the emulator's own deliveries are switched off so the test's
      // shuffled, duplicated ones (replayable from the seed) are the only ones.
      env = {
        ...(await instanceEnv(database, emulator, {
          stripeKey: 'sk_test_chaos',
          webhookSecret: WEBHOOK_SECRET,
          sessionSecret: 'chaos-session-secret-shared-by-every-instance',
        })),
        DATABASE_POOL_SIZE: '6',
        GALLERIST_TEST_SCRYPT_N: '16384',
      };
      for (let i = 0; i < INSTANCES; i++) {
        const port = await freePort();
        instances.push({
          port,
          url: `http://127.0.0.1:${port}`,
          dataDir: mkdtempSync(join(tmpdir(), 'chaos-')),
          proc: null,
        });
      }
      await Promise.all(instances.map(start));
    }, 180_000);

    afterAll(async () => {
      await Promise.all(instances.map(kill));
      for (const i of instances) rmSync(i.dataDir, { recursive: true, force: true });
      await emulator?.stop();
      await database?.close();
    });

    it(`takes ${CHECKOUTS} checkouts of the three offerings and agents’ ACP orders through random instances`, async () => {
      console.log(`chaos seed ${seed} (GALLERIST_SEED=${seed} replays it)`);
      const ids = await demoIds(db);

      // Artists with onboarded Connect accounts and originals to sell; buyers race for some of them.
      const artists = ['mira-okafor', 'jonas-berg'];
      const artworks: string[] = [];
      for (const slug of artists) {
        await onboardedArtist(db, stripe, emulator.url, ids[slug]);
        for (let i = 0; i < Math.ceil(CHECKOUTS / 6); i++)
          artworks.push(
            await publishedArtwork(db, ids[slug], { price: 20_000 + i * 100, title: `Chaos ${slug} ${i}` }),
          );
      }
      const gallery = await openGallery(db);
      const org = roaming();
      await org.signIn('org@demo.gallerist.dev');
      const bundles = (await org.get(`/api/credits/bundles?providerId=${ids['skywalker-digital']}`)).body
        .data as Array<{
        id: string;
      }>;
      const catalog = (await roaming().get(`/api/shop/g/${gallery.token}/catalog?photoId=${gallery.photoId}`)).body
        .data as Array<{ id: string; groups: Array<{ values: Array<{ id: string }> }> }>;
      // An agent platform buying originals over ACP (create, address, complete with a Shared Payment Token), racing
      // the web buyers; the payment happens in the completing request, at a random instance.
      const { token: agentToken } = await registerTestPlatform(db, ids['admin@demo.gallerist.dev'], {
        name: 'Chaos agent',
      });
      const acp = async (path: string, body: unknown, key: string) => {
        const res = await fetch(`${at()}${path}`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${agentToken}`,
            'API-Version': '2026-04-17',
            'Idempotency-Key': key,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as Record<string, any> };
      };
      const agentCheckout = async (n: number, artworkId: string) => {
        const key = `chaos-${seed}-${n}`;
        const created = await acp(
          '/acp/checkout_sessions',
          {
            line_items: [{ id: `artwork_${artworkId}` }],
            currency: 'eur',
            capabilities: {},
            buyer: { email: `agent-${seed}-${n}@example.com`, first_name: 'Ada', last_name: 'Agent' },
          },
          `${key}-create`,
        );
        if (created.status !== 201 || created.body.status === 'canceled') return { status: 409, body: created.body };
        const id = String(created.body.id);
        const ready = await acp(
          `/acp/checkout_sessions/${id}`,
          { fulfillment_details: { name: 'Ada Agent', email: `agent-${seed}-${n}@example.com`, address: acpAddress } },
          `${key}-update`,
        );
        if (ready.body.status !== 'ready_for_payment') return { status: 409, body: ready.body };
        const done = await acp(
          `/acp/checkout_sessions/${id}/complete`,
          { payment_data: sptPayment(await grantedToken(stripe)) },
          `${key}-complete`,
        );
        if (done.body.status !== 'completed') return { status: 409, body: done.body };
        const row = await withService(db, (tx) =>
          tx.selectFrom('acp_checkout_sessions').select('order_id').where('id', '=', id).executeTakeFirstOrThrow(),
        );
        tried.agentOrders++;
        return { status: 201, body: { orderId: row.order_id } };
      };

      // Checkouts, 8 at a time: each a print cart, a credit bundle, or one of several buyers racing for an original.
      const tasks = Array.from({ length: CHECKOUTS }, (_, n) => async () => {
        const kind = rnd.pick(['print', 'credits', 'artwork', 'acp'] as const);
        let r: { status: number; body: any };
        if (kind === 'credits') {
          r = await org.post('/api/credits/checkout', {
            bundleId: rnd.pick(bundles).id,
            organizationId: ids['acme-corp'],
          });
        } else if (kind === 'print') {
          const buyer = roaming();
          const product = rnd.pick(catalog);
          await buyer.post(`/api/shop/g/${gallery.token}/cart/items`, {
            photoId: gallery.photoId,
            productId: product.id,
            optionValueIds: product.groups.map((g) => rnd.pick(g.values).id),
            quantity: rnd.int(1, 3),
          });
          r = await buyer.post(`/api/shop/g/${gallery.token}/checkout`, { email: `print-${seed}-${n}@example.com` });
        } else if (kind === 'acp') {
          r = await agentCheckout(n, rnd.pick(artworks));
        } else {
          r = await roaming().post(`/api/marketplace/artworks/${rnd.pick(artworks)}/checkout`, {
            email: `art-${seed}-${n}@example.com`,
          });
        }
        if (r.status === 201) orderIds.push(r.body.orderId);
        else if (r.status === 409) tried.refused++;
        else throw new Error(`${kind} checkout: ${r.status} ${JSON.stringify(r.body)}`);
      });
      await pool(tasks, 8);
      expect(orderIds.length).toBeGreaterThan(0);
    }, 300_000);

    it('pays, expires, refunds and disputes them at Stripe', async () => {
      // Stripe's side: most sessions paid, some expired, some left open; then dashboard refunds, full and partial.
      const orders = await withService(db, (tx) =>
        tx
          .selectFrom('orders')
          .select(['id', 'offering_type', 'stripe_checkout_session_id', 'stripe_payment_intent_id', 'total'])
          .where('id', 'in', orderIds)
          .execute(),
      );
      await pool(
        orders.map((o, i) => async () => {
          const fate = rnd.next();
          // An agent's order was paid in its completing request: only refunds remain to draw for it.
          if (!o.stripe_checkout_session_id) {
            if (o.stripe_payment_intent_id) paidIntents.push(o.stripe_payment_intent_id);
            return;
          }
          const session = o.stripe_checkout_session_id;
          if (fate < 0.75) {
            // A few pay with Stripe's fraudulent-dispute test card: the dispute opens right after the payment. The
            // first orders always do, so even a small run checks disputes.
            const dispute = fate < 0.05 || i < 3;
            const res = await fetch(`${emulator.url}/_emulator/checkout/sessions/${session}/complete`, {
              method: 'POST',
              body: new URLSearchParams({ card_number: dispute ? '4000000000000259' : '4242424242424242' }),
            });
            if (!res.ok) throw new Error(`pay ${session}: ${res.status} ${await res.text()}`);
            tried.paid++;
            const s = await stripe.checkout.sessions.retrieve(session);
            // Stripe refuses refunds of a disputed charge, so those stay out of the refund draw.
            if (dispute) {
              tried.disputed++;
              disputedIntents.push(s.payment_intent as string);
            } else paidIntents.push(s.payment_intent as string);
          } else if (fate < 0.85) {
            await stripe.checkout.sessions.expire(session);
            tried.expired++;
          }
        }),
        8,
      );
      for (const pi of paidIntents) {
        const f = rnd.next();
        if (f < 0.1) {
          await stripe.refunds.create({ payment_intent: pi });
          tried.refunds++;
        } else if (f < 0.2) {
          const intent = await stripe.paymentIntents.retrieve(pi);
          await stripe.refunds.create({ payment_intent: pi, amount: Math.max(1, Math.floor(intent.amount / 3)) });
          tried.refunds++;
        }
      }

      // Disputes end at Stripe before any event is delivered: a third lost (the seller accepts), a third won by
      // evidence, the rest left open, so their created, updated and closed events all arrive shuffled.
      for (const pi of disputedIntents) {
        const f = rnd.next();
        const [d] = (await stripe.disputes.list({ payment_intent: pi })).data;
        if (!d || f >= 2 / 3) continue;
        if (f < 1 / 3) await stripe.disputes.close(d.id);
        else await stripe.disputes.update(d.id, { evidence: { uncategorized_text: 'winning_evidence' } });
        tried.disputesClosed++;
      }
      expect(tried.paid).toBeGreaterThan(0);
    }, 300_000);

    it('takes every event 1–5 times, shuffled, at random instances while two are killed and restarted', async () => {
      // Every event Stripe has, 1–5 copies each, shuffled, 24 in flight to random live instances; a delivery that
      // finds its instance dead is retried elsewhere, as Stripe retries.
      const events = await stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
      const deliveries = rnd.shuffle(events.flatMap((e) => Array.from({ length: rnd.int(1, 5) }, () => e)));
      const total = deliveries.length;
      tried.events = events.length;
      tried.deliveries = total;
      let sent = 0;
      const plan = [
        { at: Math.floor(total * 0.25), kill: 1 },
        { at: Math.floor(total * 0.45), restart: 1 },
        { at: Math.floor(total * 0.55), kill: 2 },
        { at: Math.floor(total * 0.8), restart: 2 },
      ];
      const restarts: Promise<void>[] = [];
      const deliver = async (event: Stripe.Event) => {
        const payload = JSON.stringify(event);
        for (;;) {
          const inst = rnd.pick(live());
          const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
          const ok = await fetch(`${inst.url}/api/webhooks/stripe`, {
            method: 'POST',
            body: payload,
            headers: { 'content-type': 'application/json', 'stripe-signature': signature },
          }).then(
            (r) => r.ok,
            () => false,
          );
          if (ok) return;
          tried.retried++;
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      await pool(
        deliveries.map((event) => async () => {
          const n = sent++;
          for (const step of plan) {
            if (step.at !== n) continue;
            if (step.kill !== undefined) {
              tried.kills++;
              await kill(instances[step.kill]);
            } else restarts.push(start(instances[step.restart!]));
          }
          await deliver(event);
        }),
        IN_FLIGHT,
      );
      await Promise.all(restarts);
      expect(tried.kills).toBe(2);
    }, 300_000);

    it('converges with Stripe: nothing lost or duplicated', async () => {
      // A killed worker's job waits out its lease; the operator's catch-up applies what it held.
      await settle(db, 60_000, killedPids, false);
      await promisify(execFile)(process.execPath, ['bin/gallerist.js', 'reconcile'], {
        env: { ...env, DATA_DIR: instances[0].dataDir },
      });
      await settle(db, 60_000, killedPids, true);

      const result = await invariants(db, stripe, orderIds);
      const trial = {
        test: 'chaos: 4 instances, web and ACP orders, shuffled duplicated webhooks, SIGKILL and restart',
        database: 'postgres',
        seed,
        tried: {
          checkouts: orderIds.length,
          agent_orders: tried.agentOrders,
          refused_checkouts: tried.refused,
          paid: tried.paid,
          expired: tried.expired,
          dashboard_refunds: tried.refunds,
          disputes: tried.disputed,
          disputes_closed: tried.disputesClosed,
          events: tried.events,
          deliveries: tried.deliveries,
          redelivered_after_failure: tried.retried,
          instances_killed: tried.kills,
        },
        lost: result.lost.length,
        duplicated: result.duplicated.length,
        leaked: 0,
        notes: [...result.lost.map((l) => `lost: ${l}`), ...result.duplicated.map((d) => `duplicated: ${d}`)],
      };
      recordTrial(trial);
      console.log(JSON.stringify(trial.tried));
      expect(result.lost).toEqual([]);
      expect(result.duplicated).toEqual([]);
    }, 300_000);
  },
);

/** Runs the tasks with at most `n` at once, in order of start. */
async function pool(tasks: Array<() => Promise<void>>, n: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < tasks.length) await tasks[next++]();
    }),
  );
}

/**
 * Waits until no job is due or running, leaving out jobs whose worker was killed (their lease runs for minutes;
 * reconcile applies their events meanwhile); with `events`, also until no webhook is stored unapplied, or throws.
 */
async function settle(db: DB, timeoutMs: number, deadPids: number[], events: boolean): Promise<void> {
  const end = Date.now() + timeoutMs;
  const dead = deadPids.length ? deadPids.map((p) => `%:${p}:%`) : ['-'];
  for (;;) {
    const { rows } = await sql<{ events: number; jobs: number }>`
      select (select count(*)::int from stripe_events where status in ('received', 'failed')) as events,
             (select count(*)::int from jobs where status = 'queued' and run_at <= now()
                 or status = 'running' and not (locked_by like any (${dead}))) as jobs`.execute(db);
    if ((!events || rows[0].events === 0) && rows[0].jobs === 0) return;
    if (Date.now() > end) throw new Error(`not settled: ${JSON.stringify(rows[0])}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Compares the database with Stripe, order by order; returns what was lost and what was doubled. */
async function invariants(db: DB, stripe: Stripe, orderIds: string[]) {
  const lost: string[] = [];
  const duplicated: string[] = [];
  const rows = await withService(db, (tx) =>
    tx
      .selectFrom('orders as o')
      .select([
        'o.id',
        'o.status',
        'o.offering_type',
        'o.stripe_checkout_session_id as session',
        'o.stripe_payment_intent_id as intent',
        (eb) =>
          eb
            .selectFrom('invoices')
            .select(eb.fn.countAll<number>().as('n'))
            .whereRef('order_id', '=', 'o.id')
            .as('invoices'),
        (eb) =>
          eb
            .selectFrom('credit_lots')
            .select(eb.fn.countAll<number>().as('n'))
            .whereRef('order_id', '=', 'o.id')
            .as('lots'),
        (eb) =>
          eb
            .selectFrom('marketplace_sales')
            .select(eb.fn.countAll<number>().as('n'))
            .whereRef('order_id', '=', 'o.id')
            .as('sales'),
        (eb) =>
          eb
            .selectFrom('refunds')
            .select(sql<string>`coalesce(sum(amount), 0)`.as('n'))
            .whereRef('order_id', '=', 'o.id')
            .where('status', '=', 'succeeded')
            .as('refunded'),
        sql<Array<{ id: string; status: string }>>`(select coalesce(jsonb_agg(jsonb_build_object(
            'id', d.stripe_dispute_id, 'status', d.status)), '[]'::jsonb) from disputes d where d.order_id = o.id)`.as(
          'disputes',
        ),
        sql<
          Array<{ to: string; n: number }>
        >`(select coalesce(jsonb_agg(jsonb_build_object('to', m.to_address, 'n', m.n)),
            '[]'::jsonb) from (select to_address, count(*)::int as n from mail_outbox
            where template = 'orders.dispute_opened' and position(upper(substr(o.id::text, 1, 8)) in subject) > 0
            group by to_address) m)`.as('opened_mails'),
      ])
      .where('o.id', 'in', orderIds)
      .execute(),
  );
  const paidStatuses = new Set(['paid', 'fulfilled', 'partially_refunded', 'refunded']);
  for (const o of rows) {
    // A web order is paid when its Checkout Session is; an agent's (ACP) order when its PaymentIntent succeeded.
    const intent = o.session
      ? ((await stripe.checkout.sessions.retrieve(o.session, { expand: ['payment_intent.latest_charge'] }))
          .payment_intent as Stripe.PaymentIntent | null)
      : o.intent
        ? await stripe.paymentIntents.retrieve(o.intent, { expand: ['latest_charge'] })
        : null;
    const paidAtStripe = intent?.status === 'succeeded';
    const paidHere = paidStatuses.has(o.status);
    if (paidAtStripe && !paidHere) lost.push(`order ${o.id} paid at Stripe, ${o.status} here`);
    if (!paidAtStripe && paidHere)
      duplicated.push(`order ${o.id} ${o.status} here, ${intent?.status ?? 'no payment'} at Stripe`);
    if (!paidAtStripe || !intent) continue;
    const n = (v: unknown) => Number(v ?? 0);
    if (n(o.invoices) !== 1) (n(o.invoices) > 1 ? duplicated : lost).push(`order ${o.id}: ${o.invoices} invoices`);
    if (o.offering_type === 'credit_bundle' && n(o.lots) !== 1)
      (n(o.lots) > 1 ? duplicated : lost).push(`order ${o.id}: ${o.lots} credit lots`);
    if (o.offering_type === 'artwork' && n(o.sales) !== 1)
      (n(o.sales) > 1 ? duplicated : lost).push(`order ${o.id}: ${o.sales} sales`);
    const charge = intent.latest_charge as Stripe.Charge;
    // Every disputed charge has exactly one dispute row with Stripe's status, and its seller one "opened" mail each.
    const atStripe = charge.disputed ? (await stripe.disputes.list({ charge: charge.id })).data : [];
    const here = o.disputes as Array<{ id: string; status: string }>;
    for (const d of atStripe) {
      const mine = here.filter((h) => h.id === d.id);
      if (mine.length !== 1)
        (mine.length > 1 ? duplicated : lost).push(`order ${o.id}: ${mine.length} rows of ${d.id}`);
      else if (mine[0].status !== d.status)
        lost.push(`order ${o.id}: dispute ${d.id} ${mine[0].status} here, ${d.status} at Stripe`);
    }
    for (const h of here)
      if (!atStripe.some((d) => d.id === h.id)) duplicated.push(`order ${o.id}: dispute ${h.id} unknown to Stripe`);
    const opened = o.opened_mails as Array<{ to: string; n: number }>;
    if (atStripe.length && !opened.length) lost.push(`order ${o.id}: disputed, no "dispute opened" mail`);
    if (!atStripe.length && opened.length) duplicated.push(`order ${o.id}: "dispute opened" mail, no dispute`);
    for (const m of opened)
      if (m.n !== atStripe.length) duplicated.push(`order ${o.id}: ${m.n} "dispute opened" mails to ${m.to}`);
    if (n(o.refunded) !== charge.amount_refunded)
      (n(o.refunded) > charge.amount_refunded ? duplicated : lost).push(
        `order ${o.id}: refunded ${o.refunded} here, ${charge.amount_refunded} at Stripe`,
      );
  }
  const once = await withService(db, async (tx) => {
    const soldTwice = await sql<{ artwork_id: string; n: number }>`
      select artwork_id, count(*)::int as n from marketplace_sales group by artwork_id having count(*) > 1`.execute(tx);
    const mails = await sql<{ to_address: string; subject: string; n: number }>`
      select to_address, subject, count(*)::int as n from mail_outbox
      group by to_address, template, subject, text having count(*) > 1`.execute(tx);
    const unbalanced = await sql<{ id: string; n: string }>`
      select posting_id as id, sum(amount_minutes) as n from ledger_entries group by posting_id
      having sum(amount_minutes) <> 0`.execute(tx);
    return { soldTwice: soldTwice.rows, mails: mails.rows, unbalanced: unbalanced.rows };
  });
  for (const s of once.soldTwice) duplicated.push(`artwork ${s.artwork_id} sold ${s.n} times`);
  for (const m of once.mails) duplicated.push(`mail "${m.subject}" to ${m.to_address} ${m.n} times`);
  for (const u of once.unbalanced) lost.push(`ledger posting ${u.id} sums to ${u.n}`);
  return { lost, duplicated };
}
