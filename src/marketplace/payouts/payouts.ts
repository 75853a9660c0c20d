import { randomUUID } from 'node:crypto';
import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import type Stripe from 'stripe';
import { type Actor, recordAudit } from '../../audit/index.ts';
import type { Clock } from '../../clock.ts';
import { crashPoint } from '../../crash-points.ts';
import { afterCursor, cappedCount, cursorAt, decodeCursor, keysetPage } from '../../db/keyset.ts';
import { iso } from '../../db/sql.ts';
import { withService } from '../../db/tenancy.ts';
import type { Database, DB } from '../../db/types.ts';
import { AppError } from '../../errors.ts';
import { claimRunLease } from '../../jobs/index.ts';
import { queueMail, renderEmail } from '../../mail/index.ts';
import { formatMoney } from '../../money.ts';
import type { PayoutStatus } from '../tables.ts';

type PayoutRow = Selectable<Database['marketplace_payouts']>;

/** A payout as the artist dashboard shows it. */
export interface Payout {
  id: string;
  stripePayoutId: string | null;
  amount: number;
  currency: string;
  status: PayoutStatus;
  arrivalDate: string | null;
  failureMessage: string | null;
  salesCount: number;
  createdAt: string;
}

/** Counts from one payout run. */
export interface PayoutRunResult {
  skipped: boolean;
  artists: number;
  created: number;
  resubmitted: number;
  failed: number;
  /** Artists whose run hit an unexpected error (Stripe unreachable…); their rows are retried next run. */
  errors: number;
  amount: number;
}

// A row inserted before Stripe is called holds this placeholder until the payout id is known.
const UNSUBMITTED = 'unsubmitted:';
const LEASE_NAME = 'marketplace_payouts';
const closedSale = ['refunded', 'duplicate_refunded'] as const;
// Dispute statuses that leave a sale payable: won (or an inquiry closed) gave the money back to the platform.
const settledDispute = ['won', 'warning_closed', 'prevented'];

// A disputed sale waits for the outcome, and a lost one is never paid out: the chargeback took its money.
function undisputed(orderId: 'marketplace_sales.order_id' | 's.order_id') {
  return (eb: ExpressionBuilder<any, any>) =>
    eb.not(
      eb.exists(
        eb
          .selectFrom('disputes as d')
          .select('d.id')
          .whereRef('d.order_id', '=', orderId)
          .where('d.status', 'not in', settledDispute),
      ),
    );
}

/** Maps a payouts row for the API; placeholders show no Stripe id. */
export function toPayout(r: PayoutRow & { sales_count?: number | string | null }): Payout {
  return {
    id: r.id,
    stripePayoutId: r.stripe_payout_id.startsWith(UNSUBMITTED) ? null : r.stripe_payout_id,
    amount: Number(r.amount),
    currency: r.currency.trim(),
    status: r.status,
    arrivalDate: iso(r.arrival_date),
    failureMessage: r.failure_message,
    salesCount: Number(r.sales_count ?? 0),
    createdAt: r.created_at.toISOString(),
  };
}

// Stripe said no for good (4xx): the payout will never exist, so its sales go back into the next run.
function isDefinitive(err: unknown): boolean {
  const e = err as { type?: string; statusCode?: number };
  return e?.type === 'StripeInvalidRequestError' || (typeof e?.statusCode === 'number' && e.statusCode < 500);
}

async function notifyArtist(db: DB, accountId: string, subject: string, heading: string, paragraphs: string[]) {
  const people = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('users.email')
    .where('memberships.account_id', '=', accountId)
    .where('memberships.role', 'in', ['owner', 'admin'])
    .execute();
  const mail = renderEmail({ heading, paragraphs });
  for (const p of people) {
    await queueMail(db, { to: p.email, subject, ...mail, template: 'marketplace.payout_failed', accountId });
  }
}

async function markSubmitFailed(db: DB, row: PayoutRow, err: Error & { code?: string }, actor: Actor, clock: Clock) {
  await withService(db, async (tx) => {
    const updated = await tx
      .updateTable('marketplace_payouts')
      .set({
        status: 'failed',
        failure_code: err.code ?? 'payout_rejected',
        failure_message: err.message.slice(0, 500),
        updated_at: clock.now(),
      })
      .where('id', '=', row.id)
      .where('stripe_payout_id', 'like', `${UNSUBMITTED}%`)
      .executeTakeFirst();
    if (!Number(updated.numUpdatedRows)) return;
    await tx.updateTable('marketplace_sales').set({ payout_id: null }).where('payout_id', '=', row.id).execute();
    await recordAudit(tx, actor, {
      accountId: row.account_id,
      action: 'marketplace_payout.rejected',
      entityType: 'marketplace_payout',
      entityId: row.id,
      after: { code: err.code ?? null, message: err.message },
    });
  });
}

// Calls Stripe for a row already stored; the key from our row id makes a retry after a crash return the same payout.
async function submit(
  db: DB,
  stripe: Stripe,
  row: PayoutRow,
  actor: Actor,
  clock: Clock,
  opts: { retry?: boolean } = {},
): Promise<boolean> {
  let po: Stripe.Payout | undefined;
  if (opts.retry) {
    // Idempotency keys expire after 24 h: look for a payout that did reach Stripe before creating one.
    const recent = await stripe.payouts.list({ limit: 100 }, { stripeAccount: row.stripe_account_id });
    po = recent.data.find((p) => p.metadata?.payout_row_id === row.id);
  }
  try {
    po ??= await stripe.payouts.create(
      {
        amount: Number(row.amount),
        currency: row.currency.trim(),
        metadata: { payout_row_id: row.id, account_id: row.account_id },
      },
      { stripeAccount: row.stripe_account_id, idempotencyKey: `marketplace-payout:${row.id}` },
    );
  } catch (err) {
    if (!isDefinitive(err)) throw err;
    await markSubmitFailed(db, row, err as Error & { code?: string }, actor, clock);
    return false;
  }
  crashPoint('payout.after_stripe_call');
  await withService(db, async (tx) => {
    await tx
      .updateTable('marketplace_payouts')
      .set({ stripe_payout_id: po.id, arrival_date: new Date(po.arrival_date * 1000), updated_at: clock.now() })
      .where('id', '=', row.id)
      .execute();
    // A webhook may already have applied newer state; only an untouched row takes the create response's status.
    await tx
      .updateTable('marketplace_payouts')
      .set({ status: po.status as PayoutStatus, stripe_state_at: new Date(po.created * 1000) })
      .where('id', '=', row.id)
      .where('stripe_state_at', 'is', null)
      .execute();
  });
  return true;
}

interface Eligible {
  id: string;
  net: number;
}

/** Sales of one artist and currency whose return window has passed and that no payout holds yet, locked. */
async function lockEligibleSales(tx: DB, accountId: string, currency: string, now: Date): Promise<Eligible[]> {
  const sales = await tx
    .selectFrom('marketplace_sales')
    .select(['id', 'artist_amount'])
    .where('account_id', '=', accountId)
    .where('currency', '=', currency)
    .where('payout_id', 'is', null)
    .where('status', 'not in', closedSale)
    .where('return_window_ends_at', '<=', now)
    .where(undisputed('marketplace_sales.order_id'))
    .orderBy('return_window_ends_at')
    .forUpdate()
    .execute();
  if (!sales.length) return [];
  const reversed = await tx
    .selectFrom('marketplace_refunds')
    .select(['sale_id', (eb) => eb.fn.sum<string>('transfer_reversed').as('reversed')])
    .where(
      'sale_id',
      'in',
      sales.map((s) => s.id),
    )
    .groupBy('sale_id')
    .execute();
  const back = new Map(reversed.map((r) => [r.sale_id, Number(r.reversed)]));
  return sales.map((s) => ({ id: s.id, net: Number(s.artist_amount) - (back.get(s.id) ?? 0) }));
}

/**
 * Pays out every artist's sales that are past their return window: per artist and currency, at most the connected
 * account's available balance (a reversal the artist still owes has already lowered it, so it is recovered first).
 * The payouts row and its sales links are stored before Stripe is called; a crash leaves a placeholder that the
 * next run resubmits with the same idempotency key, so nothing is ever paid twice. Concurrent runs are skipped.
 */
export async function runPayouts(
  db: DB,
  stripe: Stripe,
  clock: Clock,
  opts: { actor?: Actor } = {},
): Promise<PayoutRunResult> {
  const actor = opts.actor ?? { kind: 'job:marketplace_payouts' };
  const result: PayoutRunResult = {
    skipped: false,
    artists: 0,
    created: 0,
    resubmitted: 0,
    failed: 0,
    errors: 0,
    amount: 0,
  };
  // One run at a time across instances and callers (job, admin button); a run whose process died frees it within
  // a minute (claimRunLease).
  const lease = await claimRunLease(db, clock, { name: LEASE_NAME, lockKey: 'gallerist:marketplace:payouts' });
  if (!lease) return { ...result, skipped: true };
  try {
    const stuck = await withService(db, (tx) =>
      tx
        .selectFrom('marketplace_payouts')
        .selectAll()
        .where('stripe_payout_id', 'like', `${UNSUBMITTED}%`)
        .where('status', '=', 'pending')
        .execute(),
    );
    for (const row of stuck) {
      try {
        if (await submit(db, stripe, row, actor, clock, { retry: true })) result.resubmitted++;
        else result.failed++;
      } catch {
        result.errors++;
      }
    }

    const now = clock.now();
    const due = await withService(db, (tx) =>
      tx
        .selectFrom('marketplace_sales as s')
        .innerJoin('artist_profiles as p', 'p.account_id', 's.account_id')
        .select(['s.account_id', 's.currency', 'p.stripe_account_id'])
        .distinct()
        .where('p.payouts_enabled', '=', true)
        .where('p.stripe_account_id', 'is not', null)
        .where('s.payout_id', 'is', null)
        .where('s.status', 'not in', closedSale)
        .where('s.return_window_ends_at', '<=', now)
        .where(undisputed('s.order_id'))
        .execute(),
    );
    for (const d of due) {
      result.artists++;
      try {
        const currency = d.currency.trim();
        const balance = await stripe.balance.retrieve({}, { stripeAccount: d.stripe_account_id! });
        const available = balance.available.find((b) => b.currency === currency)?.amount ?? 0;
        const row = await withService(db, async (tx) => {
          // One artist at a time, whoever else is paying out: the profile lock orders competing transactions.
          await tx
            .selectFrom('artist_profiles')
            .select('account_id')
            .where('account_id', '=', d.account_id)
            .forUpdate()
            .execute();
          const sales = await lockEligibleSales(tx, d.account_id, currency, now);
          const net = sales.reduce((a, s) => a + s.net, 0);
          const amount = Math.min(net, available);
          if (!sales.length || amount <= 0) return null;
          const id = randomUUID();
          const inserted = await tx
            .insertInto('marketplace_payouts')
            .values({
              id,
              account_id: d.account_id,
              stripe_account_id: d.stripe_account_id!,
              stripe_payout_id: `${UNSUBMITTED}${id}`,
              amount,
              currency,
              status: 'pending',
              created_at: now,
              updated_at: now,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          await tx
            .updateTable('marketplace_sales')
            .set({ payout_id: id, updated_at: now })
            .where(
              'id',
              'in',
              sales.map((s) => s.id),
            )
            .execute();
          await recordAudit(tx, actor, {
            accountId: d.account_id,
            action: 'marketplace_payout.created',
            entityType: 'marketplace_payout',
            entityId: id,
            after: { amount, currency, net, available, sales: sales.map((s) => s.id) },
          });
          return inserted;
        });
        if (!row) continue;
        if (await submit(db, stripe, row, actor, clock)) {
          result.created++;
          result.amount += Number(row.amount);
        } else result.failed++;
      } catch {
        // One artist's trouble never blocks the others; a stored row is resubmitted by the next run.
        result.errors++;
      }
    }
  } finally {
    await lease.release();
  }
  return result;
}

const statusRank: Record<PayoutStatus, number> = { pending: 0, in_transit: 1, paid: 2, failed: 2, canceled: 2 };

/**
 * Applies a `payout.*` event from a connected account to the payouts table (found by Stripe id, or by the row id we
 * put in its metadata when the event beats our own update). An older event never overwrites newer state; on a tie
 * only a later status wins. A failed or canceled payout releases its sales into the next run and a failure emails
 * the artist. Returns whether anything changed. Run as service role in the event's transaction.
 */
export async function applyPayoutEvent(
  db: DB,
  payout: Pick<Stripe.Payout, 'id' | 'status' | 'amount' | 'currency' | 'arrival_date' | 'metadata'> & {
    failure_code?: string | null;
    failure_message?: string | null;
  },
  stripeAccountId: string,
  eventCreated: number,
  actor: Actor,
): Promise<boolean> {
  const at = new Date(eventCreated * 1000);
  const status = payout.status as PayoutStatus;
  if (!(status in statusRank)) return false;
  let row = await db
    .selectFrom('marketplace_payouts')
    .selectAll()
    .where('stripe_payout_id', '=', payout.id)
    .forUpdate()
    .executeTakeFirst();
  const rowId = payout.metadata?.payout_row_id;
  if (!row && rowId && /^[0-9a-f-]{36}$/i.test(rowId)) {
    row = await db
      .selectFrom('marketplace_payouts')
      .selectAll()
      .where('id', '=', rowId)
      .where('stripe_account_id', '=', stripeAccountId)
      .forUpdate()
      .executeTakeFirst();
  }
  const fields = {
    stripe_payout_id: payout.id,
    status,
    arrival_date: payout.arrival_date ? new Date(payout.arrival_date * 1000) : null,
    failure_code: payout.failure_code ?? null,
    failure_message: payout.failure_message ?? null,
    stripe_state_at: at,
    updated_at: sql<Date>`now()`,
  };
  if (!row) {
    // A payout we did not start (e.g. from the Express dashboard): record it so the artist sees it.
    const profile = await db
      .selectFrom('artist_profiles')
      .select('account_id')
      .where('stripe_account_id', '=', stripeAccountId)
      .executeTakeFirst();
    if (!profile) return false;
    await db
      .insertInto('marketplace_payouts')
      .values({
        ...fields,
        account_id: profile.account_id,
        stripe_account_id: stripeAccountId,
        amount: payout.amount,
        currency: payout.currency,
      })
      .onConflict((oc) => oc.column('stripe_payout_id').doNothing())
      .execute();
    return true;
  }
  if (row.stripe_state_at) {
    const prev = row.stripe_state_at.getTime();
    if (prev > at.getTime()) return false;
    if (prev === at.getTime() && statusRank[status] <= statusRank[row.status]) return false;
  }
  await db.updateTable('marketplace_payouts').set(fields).where('id', '=', row.id).execute();
  const ended = status === 'failed' || status === 'canceled';
  if (ended && row.status !== status) {
    await db.updateTable('marketplace_sales').set({ payout_id: null }).where('payout_id', '=', row.id).execute();
    await recordAudit(db, actor, {
      accountId: row.account_id,
      action: `marketplace_payout.${status}`,
      entityType: 'marketplace_payout',
      entityId: row.id,
      before: { status: row.status },
      after: { status, failureCode: payout.failure_code ?? null },
    });
    if (status === 'failed') {
      const money = formatMoney(Number(row.amount), row.currency);
      await notifyArtist(db, row.account_id, `Your payout of ${money} failed`, 'A payout could not be delivered', [
        `Your bank returned the payout of ${money}: ${payout.failure_message ?? 'no reason given'}.`,
        'Check your bank details in the Stripe dashboard. The sales go into your next payout automatically.',
      ]);
    }
  }
  return true;
}

/** An artist's payouts, newest first, a keyset page at a time, with how many sales each one covers (caller's RLS). */
export async function listPayouts(db: DB, accountId: string, q: { cursor?: string; limit: number }) {
  const cursor = decodeCursor(q.cursor);
  const base = db.selectFrom('marketplace_payouts as p').where('p.account_id', '=', accountId);
  const found = await (cursor ? base.where(afterCursor('p.created_at', 'p.id', cursor, 'desc')) : base)
    .selectAll('p')
    .select(cursorAt('p.created_at').as('cursor_at'))
    .select((eb) =>
      eb
        .selectFrom('marketplace_sales as s')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('s.payout_id', '=', 'p.id')
        .as('sales_count'),
    )
    .orderBy('p.created_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const { rows, nextCursor } = keysetPage(found, q.limit);
  const count = await cappedCount(db, base);
  return { data: rows.map(toPayout), nextCursor, limit: q.limit, ...count };
}

/** What the balance cards show: Stripe's live balance plus what our sales still hold back. */
export interface ArtistBalance {
  currency: string;
  available: number;
  pending: number;
  /** A reversal the balance could not cover: Stripe nets it against incoming funds before any payout. */
  amountOwed: number;
  /** Artist share of sales not paid out yet (in transit, inside the return window, or waiting for a payout). */
  awaitingPayout: number;
  /** When the next sale leaves its return window (or now, when one already has); null with nothing waiting. */
  nextPayoutAt: string | null;
  returnWindowDays: number;
}

/** Reads the connected account's balance from Stripe and our unpaid sales. The caller checks membership. */
export async function getArtistBalance(
  db: DB,
  stripe: Stripe,
  accountId: string,
  clock: Clock,
): Promise<ArtistBalance> {
  const now = clock.now();
  const { profile, sales, settings } = await withService(db, async (tx) => ({
    profile: await tx
      .selectFrom('artist_profiles')
      .select(['stripe_account_id'])
      .where('account_id', '=', accountId)
      .executeTakeFirst(),
    sales: await tx
      .selectFrom('marketplace_sales as s')
      .select([
        's.currency',
        's.return_window_ends_at',
        (eb) =>
          sql<string>`${eb.ref('s.artist_amount')} - coalesce((select sum(r.transfer_reversed) from marketplace_refunds r where r.sale_id = ${eb.ref('s.id')}), 0)`.as(
            'net',
          ),
      ])
      .where('s.account_id', '=', accountId)
      .where('s.payout_id', 'is', null)
      .where('s.status', 'not in', closedSale)
      // A sale lost to a dispute will not be paid out, so it is not awaiting payout either.
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('disputes as d')
              .select('d.id')
              .whereRef('d.order_id', '=', 's.order_id')
              .where('d.status', '=', 'lost'),
          ),
        ),
      )
      .execute(),
    settings: await tx.selectFrom('marketplace_settings').select('return_window_days').executeTakeFirst(),
  }));
  let currency = sales[0]?.currency.trim() ?? 'eur';
  let available = 0;
  let pending = 0;
  if (profile?.stripe_account_id) {
    const b = await stripe.balance.retrieve({}, { stripeAccount: profile.stripe_account_id }).catch((err: Error) => {
      throw new AppError('upstream_error', `Stripe is unavailable: ${err.message}`);
    });
    currency = sales[0]?.currency.trim() ?? b.available[0]?.currency ?? currency;
    available = b.available.filter((x) => x.currency === currency).reduce((a, x) => a + x.amount, 0);
    pending = b.pending.filter((x) => x.currency === currency).reduce((a, x) => a + x.amount, 0);
  }
  const mine = sales.filter((s) => s.currency.trim() === currency);
  const windows = mine.map((s) => s.return_window_ends_at).filter((d): d is Date => Boolean(d));
  const first = windows.length ? Math.min(...windows.map((d) => d.getTime())) : null;
  return {
    currency,
    available: Math.max(0, available),
    pending: Math.max(0, pending),
    // Stripe lets a reversal take the balance negative; that shortfall is what the artist still owes.
    amountOwed: Math.max(0, -(available + pending)),
    awaitingPayout: mine.reduce((a, s) => a + Number(s.net), 0),
    nextPayoutAt: first === null ? null : new Date(Math.max(first, now.getTime())).toISOString(),
    returnWindowDays: settings?.return_window_days ?? 7,
  };
}

export const payoutJob = 'marketplace.payouts';
