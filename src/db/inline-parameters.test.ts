import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './connect.ts';
import { inlineParameters, parameterText } from './inline-parameters.ts';
import { serviceStatement, withService } from './tenancy.ts';
import { createTestDatabase } from './testing.ts';

let database: Database;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

// Postgres text can hold any character but NUL, for a parameter as for a literal.
const pgText = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replace(/\0/g, ''));

describe('parameters inlined as literals (serviceStatement)', () => {
  it('replaces placeholders only outside quotes, identifiers, dollar quotes and comments', () => {
    const q = {
      sql: `select $1, '$2 it''s', "a$2", $tag$ $2 $tag$, E'\\' $2', x$2 -- $2\n, /* $2 */ $2`,
      parameters: ['one', 'two'],
    };
    expect(inlineParameters(q)).toBe(
      `select $p$one$p$, '$2 it''s', "a$2", $tag$ $2 $tag$, E'\\' $2', x$2 -- $2\n, /* $2 */ $p$two$p$`,
    );
  });

  it('never lets a value close its own quote', () => {
    expect(inlineParameters({ sql: 'select $1', parameters: ['a$p$b'] })).toBe('select $p0$a$p$b$p0$');
    // A value ending in part of the tag would close early with it.
    expect(inlineParameters({ sql: 'select $1', parameters: ['a$p'] })).toBe('select $p0$a$p$p0$');
    expect(() => inlineParameters({ sql: 'select $2', parameters: ['a'] })).toThrow(/\$2 of 1/);
  });

  it('writes values as the pg driver sends them', () => {
    expect(parameterText(null)).toBeNull();
    expect(parameterText(undefined)).toBeNull();
    expect(parameterText(12n)).toBe('12');
    expect(parameterText(false)).toBe('false');
    expect(parameterText(new Date('2026-12-07T10:00:00Z'))).toBe('2026-12-07T10:00:00.000Z');
    expect(parameterText(Buffer.from([0, 255]))).toBe('\\x00ff');
    expect(parameterText({ a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
    expect(parameterText(['a', null, 'b"c\\d', [1, 2]])).toBe('{"a",NULL,"b\\"c\\\\d",{"1","2"}}');
  });

  it('reads back every value exactly as the same statement with parameters does', async () => {
    await fc.assert(
      fc.asyncProperty(
        pgText,
        fc.option(fc.integer()),
        fc.array(fc.option(pgText), { maxLength: 4 }),
        fc.dictionary(pgText, fc.oneof(pgText, fc.integer(), fc.boolean()), { maxKeys: 3 }),
        async (text, n, list, json) => {
          const q = (db: typeof database.db) =>
            db.selectNoFrom([
              sql<string>`${text}::text`.as('text'),
              sql<number | null>`${n}::int`.as('n'),
              sql<Array<string | null>>`${list}::text[]`.as('list'),
              sql<unknown>`${JSON.stringify(json)}::jsonb`.as('json'),
              sql<boolean>`${text} = ${text}`.as('same'),
            ]);
          const [inlined] = await serviceStatement(database.db, q(database.db));
          const [bound] = await withService(database.db, (tx) => q(tx).execute());
          expect(inlined).toEqual(bound);
          expect(inlined.text).toBe(text);
          expect(inlined.list).toEqual(list);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('runs as service_role, and a failing statement leaves nothing behind', async () => {
    const [who] = await serviceStatement(database.db, sql<{ r: string }>`select current_user as r, ${'x'} as x`);
    expect(who.r).toBe('service_role');
    const key = `inline-test-${Date.now()}`;
    const insert = database.db
      .insertInto('jobs')
      .values({ name: 'inline.test', payload: JSON.stringify({ key }), unique_key: key })
      .returning('id');
    await expect(
      serviceStatement(database.db, sql`with j as (${insert}) select 1 / (select count(*) - 1 from j) as boom`),
    ).rejects.toThrow(/division by zero/);
    const left = await withService(database.db, (tx) =>
      tx.selectFrom('jobs').select('id').where('unique_key', '=', key).execute(),
    );
    expect(left).toEqual([]);
  });
});
