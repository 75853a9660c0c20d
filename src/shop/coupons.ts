import { sql } from 'kysely';
import { type Actor, recordAudit } from '../audit/index.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { iso } from '../db/sql.ts';
import type { DB } from '../db/types.ts';
import { AppError, notFound } from '../errors.ts';
import type { CouponRule } from './pricing.ts';
import type { CouponInputT } from './schema.ts';

type CouponRow = {
  id: string;
  code: string;
  kind: 'percent' | 'fixed' | 'free_shipping';
  value: string;
  min_order_amount: string;
  max_redemptions: number | null;
  redemptions: number;
  starts_at: Date | null;
  ends_at: Date | null;
  active: boolean;
};

/** A coupon row as the API shows it. */
export const couponOut = (c: CouponRow) => ({
  id: c.id,
  code: c.code,
  kind: c.kind,
  value: Number(c.value),
  minOrderAmount: Number(c.min_order_amount),
  maxRedemptions: c.max_redemptions,
  redemptions: c.redemptions,
  startsAt: iso(c.starts_at),
  endsAt: iso(c.ends_at),
  active: c.active,
});

/** The rule view validateCoupon takes. */
export const couponRule = (c: CouponRow): CouponRule => ({
  kind: c.kind,
  value: Number(c.value),
  minOrderAmount: Number(c.min_order_amount),
  maxRedemptions: c.max_redemptions,
  redemptions: c.redemptions,
  startsAt: c.starts_at ? new Date(c.starts_at) : null,
  endsAt: c.ends_at ? new Date(c.ends_at) : null,
  active: c.active,
});

/** A studio's coupons, newest first. */
export async function listCoupons(db: DB, accountId: string) {
  const rows = await db
    .selectFrom('shop_coupons')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(couponOut);
}

/** Creates a coupon; codes are unique per studio ignoring case. */
export async function createCoupon(db: DB, accountId: string, input: CouponInputT, actor?: Actor) {
  const taken = () =>
    new AppError('conflict', 'This code exists', { fieldErrors: { code: ['Taken'] }, formErrors: [] });
  if (await findCoupon(db, accountId, input.code)) throw taken();
  // A concurrent create with the same code hits the unique index; answer 409 for that too, not 500.
  const r = await db
    .insertInto('shop_coupons')
    .values({
      account_id: accountId,
      code: input.code,
      kind: input.kind,
      value: input.kind === 'free_shipping' ? 0 : input.value,
      min_order_amount: input.minOrderAmount,
      max_redemptions: input.maxRedemptions,
      starts_at: input.startsAt ? new Date(input.startsAt) : null,
      ends_at: input.endsAt ? new Date(input.endsAt) : null,
      active: input.active,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((e: unknown) => {
      throw isUniqueViolation(e, 'shop_coupons_code_key') ? taken() : e;
    });
  const out = couponOut(r);
  if (actor) {
    await recordAudit(db, actor, {
      accountId,
      action: 'shop.coupon.create',
      entityType: 'coupon',
      entityId: out.id,
      after: out,
    });
  }
  return out;
}

/** A studio's coupon by code (case-insensitive). */
export async function findCoupon(db: DB, accountId: string, code: string) {
  return db
    .selectFrom('shop_coupons')
    .selectAll()
    .where('account_id', '=', accountId)
    .where(sql`lower(code)`, '=', code.toLowerCase())
    .executeTakeFirst();
}

/** A coupon by id within a studio. */
export async function couponById(db: DB, accountId: string, id: string) {
  return db
    .selectFrom('shop_coupons')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Turns a coupon on or off, or changes its end and limit; 404 when it is not the studio's. */
export async function updateCoupon(
  db: DB,
  accountId: string,
  id: string,
  patch: { active?: boolean; endsAt?: string | null; maxRedemptions?: number | null },
  actor?: Actor,
) {
  const before = await couponById(db, accountId, id);
  if (!before) throw notFound('Coupon');
  const startsAt = before.starts_at ? new Date(before.starts_at) : null;
  if (patch.endsAt && startsAt && new Date(patch.endsAt) <= startsAt) {
    throw new AppError('validation_failed', 'The end must be after the start', {
      fieldErrors: { endsAt: ['The end must be after the start'] },
      formErrors: [],
    });
  }
  const set = {
    ...(patch.active !== undefined ? { active: patch.active } : {}),
    ...(patch.endsAt !== undefined ? { ends_at: patch.endsAt ? new Date(patch.endsAt) : null } : {}),
    ...(patch.maxRedemptions !== undefined ? { max_redemptions: patch.maxRedemptions } : {}),
  };
  const q = Object.keys(set).length
    ? db.updateTable('shop_coupons').set(set).where('id', '=', id).where('account_id', '=', accountId).returningAll()
    : null;
  const r = q ? await q.executeTakeFirst() : before;
  if (!r) throw notFound('Coupon');
  const out = couponOut(r);
  if (actor && q) {
    await recordAudit(db, actor, {
      accountId,
      action: 'shop.coupon.update',
      entityType: 'coupon',
      entityId: id,
      before: couponOut(before),
      after: out,
    });
  }
  return out;
}
