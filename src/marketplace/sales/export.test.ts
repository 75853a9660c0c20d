import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertArtistAccount, insertArtwork, insertSale } from '../../../test/fixtures/marketplace-admin.ts';
import { testClient, testDeps } from '../../../test/http.ts';
import { signUpAndConfirm } from '../../accounts/testing.ts';
import { fixedClock } from '../../clock.ts';
import type { Database } from '../../db/connect.ts';
import { withService } from '../../db/tenancy.ts';
import { createDemoTestDatabase } from '../../db/testing.ts';
import { createApp } from '../../http/app.ts';
import { csvCell, decimalAmount, toCsv } from './export.ts';

/** A small RFC 4180 reader, so the tests check what a spreadsheet would actually see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && s[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

describe('CSV cells and amounts', () => {
  it('formats minor units with the currency exponent', () => {
    expect(decimalAmount(12_345, 'eur')).toBe('123.45');
    expect(decimalAmount(5, 'usd')).toBe('0.05');
    expect(decimalAmount(0, 'eur')).toBe('0.00');
    expect(decimalAmount(500, 'jpy')).toBe('500');
    expect(decimalAmount(1_234, 'kwd')).toBe('1.234');
    expect(decimalAmount(-150, 'eur')).toBe('-1.50');
  });

  it('round-trips any amount exactly through the decimal string', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom('eur', 'jpy', 'kwd'),
        (n, c) => {
          const s = decimalAmount(n, c);
          const [int, frac = ''] = s.split('.');
          expect(BigInt(int + frac)).toBe(BigInt(n));
          expect(frac.length).toBe(c === 'jpy' ? 0 : c === 'kwd' ? 3 : 2);
        },
      ),
    );
  });

  it('quotes commas, quotes and line breaks, and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+49 30')).toBe("'+49 30");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=cmd')).toBe("'\t=cmd");
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(-150)).toBe('-150');
  });

  it('never lets any text start a formula or break the row structure', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), (cells) => {
        const rows = parseCsv(toCsv(['h'], [cells]));
        expect(rows).toHaveLength(2);
        expect(rows[1]).toHaveLength(cells.length);
        rows[1].forEach((got, i) => {
          expect(/^[=+\-@\t\r]/.test(got)).toBe(false);
          expect(got).toBe(/^[=+\-@\t\r]/.test(cells[i]) ? `'${cells[i]}` : cells[i]);
        });
      }),
    );
  });
});

let database: Database;
let app: ReturnType<typeof createApp>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  database = await createDemoTestDatabase();
  app = createApp(testDeps(database, { clock: fixedClock('2026-04-01T09:00:00Z') }));
  const db = database.db;
  ids.A = (
    await withService(db, (tx) =>
      tx.selectFrom('accounts').select('id').where('slug', '=', 'mira-okafor').executeTakeFirstOrThrow(),
    )
  ).id;
  const r = await signUpAndConfirm(testClient(app), db, { email: 'other-artist@example.com', name: 'Other' });
  ids.B = await insertArtistAccount(db, r.user.id, 'other-artist', 'Other Artist');
  const evil = await insertArtwork(db, ids.A, '=HYPERLINK("http://evil.example","click")');
  const yen = await insertArtwork(db, ids.A, 'Kyoto, at night', 'jpy');
  const theirs = await insertArtwork(db, ids.B, 'Not Yours');
  await insertSale(db, {
    accountId: ids.A,
    artworkId: evil,
    currency: 'eur',
    amount: 123_456,
    fee: 61_728,
    at: '2026-03-01T10:00:00Z',
    buyerName: 'Jo "JJ", Smith',
    buyerEmail: '@buyer@example.com',
    stripeFee: null,
  });
  await insertSale(db, {
    accountId: ids.A,
    artworkId: yen,
    currency: 'jpy',
    amount: 5_001,
    fee: 2_500,
    at: '2026-03-02T10:00:00Z',
  });
  await insertSale(db, {
    accountId: ids.B,
    artworkId: theirs,
    currency: 'eur',
    amount: 999,
    fee: 499,
    at: '2026-03-03T10:00:00Z',
  });
});
afterAll(() => database.close());

describe('artist sales CSV', () => {
  it('downloads the artist’s own sales with a header row, exact decimals, quoting and the formula guard', async () => {
    const artist = testClient(app);
    await artist.signIn('artist@demo.gallerist.dev');
    const r = await artist.get(`/api/marketplace/accounts/${ids.A}/sales.csv`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="sales-mira-okafor-2026-04-01.csv"');
    const rows = parseCsv(r.body as string);
    const [header, ...data] = rows;
    expect(header.slice(0, 4)).toEqual(['Date', 'Sale ID', 'Order ID', 'Artwork']);
    expect(data).toHaveLength(2);
    const col = (name: string) => header.indexOf(name);
    const [yen, evil] = data; // newest first
    expect(yen[col('Artwork')]).toBe('Kyoto, at night');
    expect(yen[col('Currency')]).toBe('JPY');
    expect(yen[col('Amount paid')]).toBe('5001');
    expect(yen[col('Platform fee')]).toBe('2500');
    expect(yen[col('Artist amount')]).toBe('2501');
    expect(evil[col('Artwork')]).toBe('\'=HYPERLINK("http://evil.example","click")');
    expect(evil[col('Buyer name')]).toBe('Jo "JJ", Smith');
    expect(evil[col('Buyer email')]).toBe("'@buyer@example.com");
    expect(evil[col('Amount paid')]).toBe('1234.56');
    expect(evil[col('Platform fee')]).toBe('617.28');
    expect(evil[col('Artist amount')]).toBe('617.28');
    expect(evil[col('Stripe fee')]).toBe('');
    expect(evil[col('Date')]).toBe('2026-03-01T10:00:00.000Z');
    expect((r.body as string).includes('Not Yours')).toBe(false);
  });

  it('answers 404 to another artist, 401 to visitors and 200 to platform admins', async () => {
    const other = testClient(app);
    await other.signIn('other-artist@example.com', 'long enough pw');
    const r = await other.get(`/api/marketplace/accounts/${ids.A}/sales.csv`);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
    expect((await other.get(`/api/marketplace/accounts/${ids.B}/sales.csv`)).status).toBe(200);
    expect((await testClient(app).get(`/api/marketplace/accounts/${ids.A}/sales.csv`)).status).toBe(401);
    const admin = testClient(app);
    await admin.signIn('admin@demo.gallerist.dev');
    expect((await admin.get(`/api/marketplace/accounts/${ids.A}/sales.csv`)).status).toBe(200);
    const missing = await admin.get('/api/marketplace/accounts/00000000-0000-4000-8000-000000000000/sales.csv');
    expect(missing.status).toBe(404);
    expect((await admin.get('/api/marketplace/accounts/nope/sales.csv')).status).toBe(400);
  });
});

describe('admin transactions CSV', () => {
  it('exports every artist’s transactions with the list filters, admins only', async () => {
    const admin = testClient(app);
    await admin.signIn('admin@demo.gallerist.dev');
    const r = await admin.get('/api/admin/marketplace/transactions.csv');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="marketplace-transactions-2026-04-01.csv"');
    const rows = parseCsv(r.body as string);
    expect(rows[0].slice(0, 3)).toEqual(['Artist', 'Artist URL name', 'Date']);
    expect(rows.slice(1).map((x) => x[1])).toEqual(['other-artist', 'mira-okafor', 'mira-okafor']);
    const filtered = parseCsv((await admin.get(`/api/admin/marketplace/transactions.csv?accountId=${ids.B}`)).body);
    expect(filtered).toHaveLength(2);
    const artist = testClient(app);
    await artist.signIn('artist@demo.gallerist.dev');
    expect((await artist.get('/api/admin/marketplace/transactions.csv')).status).toBe(403);
  });
});
