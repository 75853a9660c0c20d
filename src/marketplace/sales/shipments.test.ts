import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaidSale, type FixtureCtx, startSalesEnv } from '../../../test/fixtures/marketplace-sales.ts';
import { withService } from '../../db/tenancy.ts';
import type { MarketplaceTestEnv } from '../testing.ts';

let env: MarketplaceTestEnv;
let ctx: FixtureCtx;
let miraId: string;
let artist: ReturnType<MarketplaceTestEnv['client']>;
let admin: ReturnType<MarketplaceTestEnv['client']>;
let other: ReturnType<MarketplaceTestEnv['client']>;

beforeAll(async () => {
  ({ env, ctx, miraId, artist, admin, other } = await startSalesEnv('other.artist@example.com'));
}, 60_000);
afterAll(() => env?.stop());

const saleRow = (id: string) =>
  withService(env.database.db, (tx) =>
    tx.selectFrom('marketplace_sales').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
  );
const mails = (to: string, template: string) =>
  withService(env.database.db, (tx) =>
    tx.selectFrom('mail_outbox').selectAll().where('to_address', '=', to).where('template', '=', template).execute(),
  );
const audits = (id: string, action: string) =>
  withService(env.database.db, (tx) =>
    tx
      .selectFrom('audit_events')
      .select('actor_user_id')
      .where('entity_id', '=', id)
      .where('action', '=', action)
      .execute(),
  );

const tracking = { carrier: 'DHL', trackingNumber: 'JD0146000123456789', trackingUrl: 'https://track.example/JD01' };

describe('shipping and delivery', () => {
  it('ships with tracking, emails the buyer, then delivery starts the return window', async () => {
    const { saleId } = await createPaidSale(ctx, {
      accountId: miraId,
      buyerEmail: 'ship.buyer@example.com',
      title: 'Lagoon at Noon',
    });
    const shipped = await artist.post(`/api/marketplace/sales/${saleId}/ship`, tracking);
    expect(shipped.status).toBe(200);
    expect(shipped.body.sale).toMatchObject({
      status: 'shipped',
      carrier: 'DHL',
      trackingNumber: 'JD0146000123456789',
      trackingUrl: 'https://track.example/JD01',
      deliveredAt: null,
      returnWindowEndsAt: null,
    });
    expect(shipped.body.sale.shippedAt).toBeTruthy();

    const sent = await mails('ship.buyer@example.com', 'marketplace.sale_shipped');
    expect(sent).toHaveLength(1);
    expect(sent[0].text).toContain('JD0146000123456789');
    expect(sent[0].text).toContain('Lagoon at Noon');
    expect(sent[0].html).toContain('https://track.example/JD01');
    expect(await audits(saleId, 'marketplace_sale.shipped')).toHaveLength(1);

    const delivered = await artist.post(`/api/marketplace/sales/${saleId}/deliver`);
    expect(delivered.status).toBe(200);
    expect(delivered.body.sale.status).toBe('delivered');
    const row = await saleRow(saleId);
    expect(row.delivered_at).toBeTruthy();
    expect(row.return_window_ends_at!.getTime() - row.delivered_at!.getTime()).toBe(7 * 86_400_000);
    expect(await audits(saleId, 'marketplace_sale.delivered')).toHaveLength(1);
  });

  it('uses the platform return window setting and lets an admin mark delivery', async () => {
    await withService(env.database.db, (tx) =>
      tx.updateTable('marketplace_settings').set({ return_window_days: 14 }).execute(),
    );
    try {
      const { saleId } = await createPaidSale(ctx, { accountId: miraId });
      expect((await artist.post(`/api/marketplace/sales/${saleId}/ship`, tracking)).status).toBe(200);
      const r = await admin.post(`/api/marketplace/sales/${saleId}/deliver`);
      expect(r.status).toBe(200);
      const row = await saleRow(saleId);
      expect(row.return_window_ends_at!.getTime() - row.delivered_at!.getTime()).toBe(14 * 86_400_000);
      const by = await audits(saleId, 'marketplace_sale.delivered');
      expect(by[0].actor_user_id).toBeTruthy();
    } finally {
      await withService(env.database.db, (tx) =>
        tx.updateTable('marketplace_settings').set({ return_window_days: 7 }).execute(),
      );
    }
  });

  it('refuses moves out of order with 409 and changes nothing', async () => {
    const { saleId } = await createPaidSale(ctx, { accountId: miraId });
    const early = await artist.post(`/api/marketplace/sales/${saleId}/deliver`);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('invalid_state');
    expect((await saleRow(saleId)).status).toBe('paid');

    expect((await artist.post(`/api/marketplace/sales/${saleId}/ship`, tracking)).status).toBe(200);
    const again = await artist.post(`/api/marketplace/sales/${saleId}/ship`, { ...tracking, trackingNumber: 'X2' });
    expect(again.status).toBe(409);
    expect((await saleRow(saleId)).tracking_number).toBe(tracking.trackingNumber);

    expect((await artist.post(`/api/marketplace/sales/${saleId}/deliver`)).status).toBe(200);
    expect((await artist.post(`/api/marketplace/sales/${saleId}/deliver`)).status).toBe(409);

    const refunded = await createPaidSale(ctx, { accountId: miraId });
    await withService(env.database.db, (tx) =>
      tx.updateTable('marketplace_sales').set({ status: 'refunded' }).where('id', '=', refunded.saleId).execute(),
    );
    const r = await artist.post(`/api/marketplace/sales/${refunded.saleId}/ship`, tracking);
    expect(r.status).toBe(409);
    expect((await saleRow(refunded.saleId)).shipped_at).toBeNull();
  });

  it('validates input and writes nothing on bad input', async () => {
    const { saleId } = await createPaidSale(ctx, { accountId: miraId });
    for (const bad of [
      { carrier: '', trackingNumber: 'T1' },
      { carrier: 'DHL', trackingNumber: '' },
      { carrier: 'DHL', trackingNumber: 'T1', trackingUrl: 'javascript:alert(1)' },
      { carrier: 'DHL', trackingNumber: 'x'.repeat(101) },
      { carrier: 'DHL', trackingNumber: 'T1', extra: true },
    ]) {
      const r = await artist.post(`/api/marketplace/sales/${saleId}/ship`, bad);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
    expect((await artist.post('/api/marketplace/sales/not-a-uuid/ship', tracking)).status).toBe(400);
    expect((await saleRow(saleId)).status).toBe('paid');
  });

  it('hides a sale from another artist (404) and keeps shipping to the artist (admin 403)', async () => {
    const { saleId } = await createPaidSale(ctx, { accountId: miraId });
    expect((await other.post(`/api/marketplace/sales/${saleId}/ship`, tracking)).status).toBe(404);
    expect((await other.post(`/api/marketplace/sales/${saleId}/deliver`)).status).toBe(404);
    expect((await admin.post(`/api/marketplace/sales/${saleId}/ship`, tracking)).status).toBe(403);
    expect((await env.client().post(`/api/marketplace/sales/${saleId}/ship`, tracking)).status).toBe(401);
    expect((await saleRow(saleId)).status).toBe('paid');
  });
});
