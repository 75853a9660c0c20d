import { roleIn } from '../../accounts/index.ts';
import { A4, createPdfCanvas, type PdfCanvas, type TextStyle } from '../../commerce/index.ts';
import type { DB } from '../../db/types.ts';
import { AppError, notFound } from '../../errors.ts';

// "50 × 70 cm" (with depth when given), or null when the artist left the size out.
function formatSize(w: number | null, h: number | null, d: number | null): string | null {
  if (!w || !h) return null;
  return `${[w, h, d]
    .filter((v): v is number => Boolean(v))
    .map((mm) => String(Math.round(mm / 10)))
    .join(' × ')} cm`;
}

/** Everything printed on a certificate of authenticity. */
export interface Certificate {
  number: string;
  saleId: string;
  title: string;
  medium: string;
  dimensions: string | null;
  year: number | null;
  artist: string;
  buyer: string;
  saleDate: Date;
}

/**
 * True when the user may download the sale's certificate: the buyer, the artist's members or a platform admin.
 * Run as service role (the buyer can't read the sale under RLS).
 */
export async function canReadCertificate(
  db: DB,
  saleId: string,
  user: { id: string; isPlatformAdmin: boolean },
): Promise<boolean> {
  const sale = await db
    .selectFrom('marketplace_sales')
    .select(['account_id', 'buyer_user_id'])
    .where('id', '=', saleId)
    .executeTakeFirst();
  if (!sale) return false;
  if (user.isPlatformAdmin || sale.buyer_user_id === user.id) return true;
  return Boolean(await roleIn(db, sale.account_id, user.id));
}

/**
 * Loads the certificate for an original's sale, assigning its number on first use (stored, so every download
 * shows the same number). Editions and refunded sales get 409. Run as service role after `canReadCertificate`.
 */
export async function issueCertificate(db: DB, saleId: string): Promise<Certificate> {
  const row = await db
    .selectFrom('marketplace_sales as s')
    .innerJoin('artworks as w', 'w.id', 's.artwork_id')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .leftJoin('users as u', 'u.id', 's.buyer_user_id')
    .select([
      's.id',
      's.status',
      's.certificate_number',
      's.buyer_name',
      's.buyer_email',
      's.created_at',
      'w.title',
      'w.medium',
      'w.width_mm',
      'w.height_mm',
      'w.depth_mm',
      'w.year',
      'w.edition_type',
      'a.name as artist',
      'u.name as buyer_user_name',
    ])
    .where('s.id', '=', saleId)
    .executeTakeFirst();
  if (!row) throw notFound('Sale');
  if (row.edition_type !== 'original') {
    throw new AppError('invalid_state', 'Certificates of authenticity are issued for originals only, not editions');
  }
  if (row.status === 'refunded' || row.status === 'duplicate_refunded') {
    throw new AppError('invalid_state', 'This sale was refunded, so it has no certificate', { status: row.status });
  }
  let number = row.certificate_number;
  if (!number) {
    // Derived from the sale id, so it is unique without a sequence and the same in any retry.
    number = `COA-${row.created_at.getUTCFullYear()}-${row.id.replace(/-/g, '').slice(0, 12).toUpperCase()}`;
    await db
      .updateTable('marketplace_sales')
      .set({ certificate_number: number })
      .where('id', '=', saleId)
      .where('certificate_number', 'is', null)
      .execute();
    const stored = await db
      .selectFrom('marketplace_sales')
      .select('certificate_number')
      .where('id', '=', saleId)
      .executeTakeFirstOrThrow();
    number = stored.certificate_number ?? number;
  }
  return {
    number,
    saleId: row.id,
    title: row.title,
    medium: row.medium.replace(/_/g, ' '),
    dimensions: formatSize(row.width_mm, row.height_mm, row.depth_mm),
    year: row.year,
    artist: row.artist,
    buyer: row.buyer_name || row.buyer_user_name || row.buyer_email,
    saleDate: row.created_at,
  };
}

const M = 56; // page margin
const LABEL_X = M + 36;
const VALUE_X = M + 170;
const VALUE_WIDTH = A4.width - M - 36 - VALUE_X;
const MARKETPLACE = 'Gallerist';
// Same convention as invoices: English labels, so dates in en-GB ("5 December 2026"), in UTC.
const DATE_FORMAT = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });

const body: TextStyle = { size: 11 };
const label: TextStyle = { size: 9, muted: true };
const small: TextStyle = { size: 8.5, muted: true };

function centred(c: PdfCanvas, text: string, y: number, style: TextStyle): void {
  c.text(text, (A4.width - c.width(text, style)) / 2, y, style);
}

// A label and its wrapped value; returns the y below it.
function row(c: PdfCanvas, name: string, value: string, y: number, style: TextStyle = body): number {
  c.text(name, LABEL_X, y, label);
  const lines = c.wrap(value, VALUE_WIDTH, style);
  lines.forEach((l, i) => {
    c.text(l, VALUE_X, y - i * (style.size + 4), style);
  });
  return y - lines.length * (style.size + 4) - 10;
}

/** The certificate's rows as printed (label, value), in order. */
function details(c: Certificate): { work: Array<[string, string]>; sale: Array<[string, string]> } {
  return {
    work: [
      ['Artist', c.artist],
      ['Medium', c.medium.charAt(0).toUpperCase() + c.medium.slice(1)],
      ['Dimensions', c.dimensions ?? 'Not recorded'],
      ['Year', c.year ? String(c.year) : 'Not recorded'],
      // Certificates are only issued for originals (issueCertificate refuses editions).
      ['Edition', 'Unique original'],
    ],
    sale: [
      ['Certificate no.', c.number],
      ['Date of sale', DATE_FORMAT.format(c.saleDate)],
      ['Acquired by', c.buyer],
      ['Sold by', `${c.artist}, through the ${MARKETPLACE} marketplace`],
    ],
  };
}

/**
 * Renders the certificate as a framed A4 page with embedded Noto fonts, so any Latin, Greek, Cyrillic or CJK name
 * prints as written: title, the work, the sale, an authenticity statement and a signature line.
 */
export async function renderCertificatePdf(cert: Certificate): Promise<Uint8Array> {
  const rows = details(cert);
  const statement =
    `This certifies that the work described below is an original, unique work created by ${cert.artist}, ` +
    `and that it was acquired by ${cert.buyer} through the ${MARKETPLACE} marketplace. ` +
    'It is not a reproduction, and no other certificate has been issued for it.';
  const c = await createPdfCanvas({ title: `Certificate of Authenticity ${cert.number}`, author: cert.artist });
  await c.prepare([cert.title, statement, ...[...rows.work, ...rows.sale].flat()]);
  const page = c.doc.getPage(0);

  // A double frame, as on a printed certificate.
  const { rgb } = await import('pdf-lib');
  const frame = rgb(0.55, 0.47, 0.33);
  for (const [inset, borderWidth] of [
    [20, 1.5],
    [14, 0.5],
  ]) {
    const m = M - inset;
    page.drawRectangle({
      x: m,
      y: m,
      width: A4.width - 2 * m,
      height: A4.height - 2 * m,
      borderColor: frame,
      borderWidth,
    });
  }

  let y = A4.height - M - 40;
  centred(c, MARKETPLACE.toUpperCase(), y, { size: 10, muted: true, bold: true });
  y -= 44;
  centred(c, 'Certificate of Authenticity', y, { size: 28, bold: true });
  y -= 24;
  centred(c, `No. ${cert.number}`, y, { size: 10, muted: true });
  y -= 36;

  for (const l of c.wrap(statement, A4.width - 2 * (M + 36), body)) {
    centred(c, l, y, body);
    y -= 16;
  }
  y -= 18;
  c.rule(M + 36, A4.width - M - 36, y + 8);
  y -= 20;

  y = row(c, 'Title', cert.title, y, { size: 15, bold: true });
  for (const [name, value] of rows.work) y = row(c, name, value, y);
  y -= 6;
  c.rule(M + 36, A4.width - M - 36, y + 8);
  y -= 20;
  for (const [name, value] of rows.sale) y = row(c, name, value, y);

  // Signature and date lines near the bottom, whatever the length of the rows above.
  const sy = Math.min(y - 40, M + 130);
  const ink = { thickness: 0.75, color: rgb(0.3, 0.3, 0.32) }; // darker than c.rule: these are written on
  page.drawLine({ start: { x: LABEL_X, y: sy }, end: { x: LABEL_X + 200, y: sy }, ...ink });
  c.text('Signature of the artist', LABEL_X, sy - 14, label);
  for (const [i, l] of c.wrap(cert.artist, 200, body).entries()) c.text(l, LABEL_X, sy - 30 - i * 15, body);
  page.drawLine({ start: { x: A4.width - LABEL_X - 150, y: sy }, end: { x: A4.width - LABEL_X, y: sy }, ...ink });
  c.text('Date', A4.width - LABEL_X - 150, sy - 14, label);

  centred(c, `Issued through the ${MARKETPLACE} marketplace · ${cert.number}`, M, small);
  return c.save();
}
