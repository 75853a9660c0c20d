import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPaidSale,
  type FixtureCtx,
  onboardedArtist,
  startSalesEnv,
} from '../../../test/fixtures/marketplace-sales.ts';
import { pdfPages } from '../../../test/fixtures/pdf-text.ts';
import { withService } from '../../db/tenancy.ts';
import { approvedArtist, type MarketplaceTestEnv, signUpClient } from '../testing.ts';
import { type Certificate, renderCertificatePdf } from './certificate.ts';

let env: MarketplaceTestEnv;
let ctx: FixtureCtx;
let miraId: string;
type Client = ReturnType<MarketplaceTestEnv['client']>;
let artist: Client;
let admin: Client;
let other: Client;
let buyer: Client;
let buyerId: string;
let stranger: Client;

beforeAll(async () => {
  ({ env, ctx, miraId, artist, admin, other } = await startSalesEnv('cert.other@example.com'));
  ({ c: buyer, userId: buyerId } = await signUpClient(env, 'ada.collector@example.com', 'Ada Collector'));
  ({ c: stranger } = await signUpClient(env, 'stranger@example.com', 'Stranger'));
}, 60_000);
afterAll(() => env?.stop());

// Fetches with a signed-in client's cookies (testClient reads bodies as text; the PDF needs its bytes).
const pdfOf = async (c: Client, saleId: string) => {
  const res = await env.app.request(`/api/marketplace/sales/${saleId}/certificate.pdf`, {
    headers: { cookie: [...c.jar].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const ok = res.status === 200;
  return { status: res.status, headers: res.headers, bytes, text: ok ? (await pdfPages(bytes)).join('\n') : '' };
};

describe('certificate of authenticity', () => {
  it('renders a PDF with the artwork, artist, buyer and a stable certificate number', async () => {
    const { saleId } = await createPaidSale(ctx, {
      accountId: miraId,
      buyerUserId: buyerId,
      buyerEmail: 'ada.collector@example.com',
      buyerName: 'Ada Collector',
      title: 'Harbour at Dusk',
    });
    const first = await pdfOf(artist, saleId);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('application/pdf');
    expect(Buffer.from(first.bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    expect(first.text).toContain('Certificate of Authenticity');
    expect(first.text).toContain('Harbour at Dusk');
    expect(first.text).toContain('Mira Okafor');
    expect(first.text).toContain('Ada Collector');
    expect(first.text).toContain('Painting');
    expect(first.text).toContain('50 × 70 cm');
    expect(first.text).toContain('2025');
    expect(first.text).toContain('Unique original');
    expect(first.text).toContain('Signature of the artist');
    expect(first.text).toContain('Mira Okafor, through the Gallerist marketplace');

    const row = await withService(env.database.db, (tx) =>
      tx
        .selectFrom('marketplace_sales')
        .select('certificate_number')
        .where('id', '=', saleId)
        .executeTakeFirstOrThrow(),
    );
    expect(row.certificate_number).toMatch(/^COA-\d{4}-[0-9A-F]{12}$/);
    expect(first.text).toContain(row.certificate_number!);

    // The buyer and an admin get the same certificate; the number never changes.
    const again = await pdfOf(buyer, saleId);
    expect(again.status).toBe(200);
    expect(again.text).toContain(row.certificate_number!);
    const byAdmin = await pdfOf(admin, saleId);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.text).toContain(row.certificate_number!);
  });

  it('is 404 for anyone else and 401 when signed out', async () => {
    const { saleId } = await createPaidSale(ctx, { accountId: miraId, buyerUserId: buyerId });
    expect((await other.get(`/api/marketplace/sales/${saleId}/certificate.pdf`)).status).toBe(404);
    expect((await stranger.get(`/api/marketplace/sales/${saleId}/certificate.pdf`)).status).toBe(404);
    expect((await env.client().get(`/api/marketplace/sales/${saleId}/certificate.pdf`)).status).toBe(401);
    expect(
      (await artist.get('/api/marketplace/sales/00000000-0000-4000-8000-000000000000/certificate.pdf')).status,
    ).toBe(404);
    // Nobody who was refused caused a number to be assigned.
    const row = await withService(env.database.db, (tx) =>
      tx
        .selectFrom('marketplace_sales')
        .select('certificate_number')
        .where('id', '=', saleId)
        .executeTakeFirstOrThrow(),
    );
    expect(row.certificate_number).toBeNull();
  });

  it('explains that editions and refunded sales have no certificate (409)', async () => {
    const edition = await createPaidSale(ctx, { accountId: miraId, editionType: 'edition' });
    const r = await artist.get(`/api/marketplace/sales/${edition.saleId}/certificate.pdf`);
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(/originals only/);

    const refunded = await createPaidSale(ctx, { accountId: miraId });
    await withService(env.database.db, (tx) =>
      tx.updateTable('marketplace_sales').set({ status: 'refunded' }).where('id', '=', refunded.saleId).execute(),
    );
    expect((await artist.get(`/api/marketplace/sales/${refunded.saleId}/certificate.pdf`)).status).toBe(409);
  });

  it('prints non-Latin artist, buyer and title exactly, with number and sale date', async () => {
    const yamada = await approvedArtist(env, 'yamada.artist@example.com', '山田太郎');
    await withService(env.database.db, (tx) =>
      tx.updateTable('accounts').set({ name: '山田太郎' }).where('id', '=', yamada.accountId).execute(),
    );
    await onboardedArtist(ctx, yamada.accountId);
    const { c: zoe, userId: zoeId } = await signUpClient(env, 'zoe.collector@example.com', 'Zoë Łukasiewicz');
    const { saleId } = await createPaidSale(ctx, {
      accountId: yamada.accountId,
      buyerUserId: zoeId,
      buyerEmail: 'zoe.collector@example.com',
      buyerName: 'Zoë Łukasiewicz',
      title: '富士山の朝 — Morning',
    });
    const r = await pdfOf(zoe, saleId);
    expect(r.status).toBe(200);
    expect(r.text).toContain('山田太郎');
    expect(r.text).toContain('Zoë Łukasiewicz');
    expect(r.text).toContain('富士山の朝 — Morning');
    expect(r.text).not.toContain('?');

    const sale = await withService(env.database.db, (tx) =>
      tx
        .selectFrom('marketplace_sales')
        .select(['certificate_number', 'created_at'])
        .where('id', '=', saleId)
        .executeTakeFirstOrThrow(),
    );
    expect(r.text).toContain(sale.certificate_number!);
    const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(sale.created_at);
    expect(r.text).toContain(date);
    expect(r.text).toMatch(/\d{1,2} [A-Z][a-z]+ \d{4}/);
  });
});

describe('renderCertificatePdf', () => {
  const cert: Certificate = {
    number: 'COA-2026-0123456789AB',
    saleId: '7d4f3c1e-9a55-4a57-8f2a-0c6b8f0e2a11',
    title: 'Ветер над рекой',
    medium: 'mixed media',
    dimensions: '50 × 70 × 4 cm',
    year: null,
    artist: 'Zoë Łukasiewicz',
    buyer: '山田 花子',
    saleDate: new Date('2026-11-20T23:30:00Z'),
  };

  it('draws one A4 page with the work, the sale and the date in UTC, en-GB', async () => {
    const bytes = await renderCertificatePdf(cert);
    const pages = await pdfPages(bytes);
    expect(pages).toHaveLength(1);
    const [page] = pages;
    for (const s of [
      'Certificate of Authenticity',
      'COA-2026-0123456789AB',
      'Ветер над рекой',
      'Mixed media',
      '50 × 70 × 4 cm',
      'Not recorded',
      'Zoë Łukasiewicz',
      '山田 花子',
      '20 November 2026',
    ]) {
      expect(page).toContain(s);
    }
    // Subset fonts keep the page small even with CJK text in it.
    expect(bytes.length).toBeLessThan(60_000);
  });

  it('wraps a very long title onto more lines instead of running off the page', async () => {
    const title = 'A very long title about the river, the harbour and the people who live along them '.repeat(3).trim();
    const [page] = await pdfPages(await renderCertificatePdf({ ...cert, title }));
    expect(page.replace(/\s+/g, ' ')).toContain(title);
  });
});
