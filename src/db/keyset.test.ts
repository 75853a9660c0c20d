import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import type { Database } from './connect.ts';
import { afterCursor, cappedCount, cursorAt, decodeCursor, encodeCursor, keysetPage, pageQuery } from './keyset.ts';
import { withService } from './tenancy.ts';
import { createTestDatabase } from './testing.ts';
import type { DB } from './types.ts';

const ID = '0b9d3f52-5d2c-4f51-9a43-7f4a1c2e8d10';

function badRequest(raw: string) {
  try {
    decodeCursor(raw);
  } catch (err) {
    return isAppError(err) ? err.code : `not an AppError: ${String(err)}`;
  }
  return 'accepted';
}

describe('cursor encoding', () => {
  it('round-trips the sort key and is opaque base64url', () => {
    const c = encodeCursor({ at: '2026-12-06T07:18:08.123456Z', id: ID });
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c)).toEqual({ at: '2026-12-06T07:18:08.123456Z', id: ID });
    expect(decodeCursor(undefined)).toBeNull();
    expect(decodeCursor('')).toBeNull();
  });

  it('refuses garbage and tampered cursors with bad_request, never a crash', () => {
    const good = encodeCursor({ at: '2026-12-06T07:18:08.123456Z', id: ID });
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const raw of [
      'garbage',
      '!!!',
      `${good.slice(0, -3)}x`,
      good.slice(1),
      b64({ at: '2026-12-06T07:18:08.123456Z', id: ID }),
      b64(['2026-12-06T07:18:08.123456Z']),
      b64(['2026-12-06T07:18:08Z', ID]),
      b64(['2026-13-45T99:99:99.000000Z', ID]),
      b64(["2026-12-06T07:18:08.123456Z'; drop table orders; --", ID]),
      b64(['2026-12-06T07:18:08.123456Z', 'not-a-uuid']),
      b64(null),
      b64(42),
    ]) {
      expect(badRequest(raw), raw).toBe('bad_request');
    }
  });

  it('takes limits from 1 to 100, 20 by default', () => {
    expect(pageQuery.limit.parse(undefined)).toBe(20);
    expect(pageQuery.limit.parse('100')).toBe(100);
    expect(pageQuery.limit.parse('1')).toBe(1);
    for (const bad of ['0', '101', '-1', '2.5', 'ten']) expect(pageQuery.limit.safeParse(bad).success, bad).toBe(false);
  });

  it('cuts limit + 1 rows to a page and points past its last row', () => {
    const rows = [1, 2, 3].map((i) => ({ id: `${ID.slice(0, -1)}${i}`, cursor_at: `2026-12-06T07:18:0${i}.000000Z` }));
    const more = keysetPage(rows, 2);
    expect(more.rows).toHaveLength(2);
    expect(decodeCursor(more.nextCursor ?? '')).toEqual({ at: rows[1].cursor_at, id: rows[1].id });
    expect(keysetPage(rows, 3).nextCursor).toBeNull();
  });
});

describe('keyset queries', () => {
  let d: Database;
  let db: DB;
  let account = '';

  beforeAll(async () => {
    d = await createTestDatabase();
    db = d.db;
    account = await withService(db, async (tx) => {
      const a = await tx
        .insertInto('accounts')
        .values({ slug: 'keyset-studio', name: 'Keyset studio', kind: 'studio' })
        .returning('id')
        .executeTakeFirstOrThrow();
      return a.id;
    });
  });

  afterAll(async () => {
    await d?.close();
  });

  // Rows in groups that share one created_at (one statement's now()), microseconds apart between groups.
  async function insertOrders(n: number, at: string) {
    await withService(db, (tx) =>
      sql`insert into orders (account_id, buyer_email, offering_type, currency, subtotal, total, status, created_at)
        select ${account}::uuid, 'k' || i || '@x.co', 'print', 'eur', 100, 100, 'paid',
          ${at}::timestamptz + ((i / 3) * interval '1 microsecond')
        from generate_series(1, ${n}) i`.execute(tx),
    );
  }

  async function page(cursor: string | undefined, limit: number) {
    const c = decodeCursor(cursor);
    return withService(db, async (tx) => {
      let q = tx.selectFrom('orders').where('account_id', '=', account);
      if (c) q = q.where(afterCursor('created_at', 'id', c, 'desc'));
      const rows = await q
        .select(['id'])
        .select(cursorAt('created_at').as('cursor_at'))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      return keysetPage(rows, limit);
    });
  }

  it('keeps microseconds in the cursor, so rows a microsecond apart are neither repeated nor skipped', async () => {
    await insertOrders(50, '2026-01-01T00:00:00.000001Z');
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 20; i++) {
      const p = await page(cursor, 4);
      seen.push(...p.rows.map((r) => r.id));
      // Newer rows arriving between pages sort before the cursor and never shift the walk.
      await insertOrders(2, '2026-06-01T00:00:00Z');
      if (!p.nextCursor) break;
      cursor = p.nextCursor;
    }
    expect(seen).toHaveLength(50);
    expect(new Set(seen).size).toBe(50);
    const old = await withService(db, (tx) =>
      tx
        .selectFrom('orders')
        .select('id')
        .where('account_id', '=', account)
        .where('created_at', '<', new Date('2026-02-01'))
        .execute(),
    );
    expect(new Set(seen)).toEqual(new Set(old.map((o) => o.id)));
  });

  it('counts up to the cap and says when there are more', async () => {
    const base = (tx: DB, email: string) =>
      tx.selectFrom('orders').where('account_id', '=', account).where('buyer_email', 'like', email);
    await withService(db, async (tx) => {
      expect(await cappedCount(tx, base(tx, 'nobody'))).toEqual({ total: 0, totalCapped: false });
      expect(await cappedCount(tx, base(tx, 'k50@%'))).toEqual({ total: 1, totalCapped: false });
      await sql`insert into orders (account_id, buyer_email, offering_type, currency, subtotal, total)
        select ${account}::uuid, 'many@x.co', 'print', 'eur', 100, 100 from generate_series(1, 1001)`.execute(tx);
      expect(await cappedCount(tx, base(tx, 'many@%'), 1001)).toEqual({ total: 1001, totalCapped: false });
      expect(await cappedCount(tx, base(tx, 'many@%'))).toEqual({ total: 1000, totalCapped: true });
      expect(await cappedCount(tx, base(tx, 'many@%'), 10)).toEqual({ total: 10, totalCapped: true });
    });
  });
});
