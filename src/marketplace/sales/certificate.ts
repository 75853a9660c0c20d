import { roleIn } from '../../accounts/index.ts';
import { renderTextPdf } from '../../commerce/index.ts';
import type { DB } from '../../db/types.ts';
import { AppError, notFound } from '../../errors.ts';

// "50 × 70 cm" (with depth when given), or null when the artist left the size out.
function formatSize(w: number | null, h: number | null, d: number | null): string | null {
  if (!w || !h) return null;
  return `${[w, h, d]
    .filter((v): v is number => Boolean(v))
    .map((mm) => String(Math.round(mm / 10)))
    .join(' x ')} cm`;
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

/** Renders the certificate as a one-page PDF with a signature line. */
export function renderCertificatePdf(c: Certificate): Buffer {
  const date = c.saleDate.toISOString().slice(0, 10);
  return renderTextPdf([
    { text: 'Certificate of Authenticity', size: 22, bold: true },
    { text: `Certificate no. ${c.number}`, size: 10 },
    { text: '' },
    { text: 'This certifies that the work described below is an original by the artist named.' },
    { text: '' },
    { text: `Title: ${c.title}`, bold: true },
    { text: `Artist: ${c.artist}` },
    { text: `Medium: ${c.medium}` },
    { text: `Dimensions: ${c.dimensions ?? 'not recorded'}` },
    { text: `Year: ${c.year ?? 'not recorded'}` },
    { text: '' },
    { text: `Acquired by: ${c.buyer}` },
    { text: `Date of sale: ${date}` },
    { text: '' },
    { text: '' },
    { text: 'Signature: ______________________________' },
    { text: `${c.artist}`, size: 10 },
    { text: '' },
    { text: 'Issued through the Gallerist marketplace.', size: 9 },
  ]);
}
