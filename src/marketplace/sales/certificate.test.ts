import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaidSale, type FixtureCtx, startSalesEnv } from '../../../test/fixtures/marketplace-sales.ts';
import { withService } from '../../db/tenancy.ts';
import { type MarketplaceTestEnv, signUpClient } from '../testing.ts';

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

const pdfOf = async (c: Client, saleId: string) => {
  const r = await c.get(`/api/marketplace/sales/${saleId}/certificate.pdf`);
  return { ...r, text: typeof r.body === 'string' ? r.body : JSON.stringify(r.body) };
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
    expect(first.text.startsWith('%PDF-')).toBe(true);
    expect(first.text).toContain('Certificate of Authenticity');
    expect(first.text).toContain('Harbour at Dusk');
    expect(first.text).toContain('Mira Okafor');
    expect(first.text).toContain('Ada Collector');
    expect(first.text).toContain('Signature: ____');
    expect(first.text).toContain('50 x 70 cm');

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
});
