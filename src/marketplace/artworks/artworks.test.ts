import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withService, withUser } from '../../db/tenancy.ts';
import { bitmapPng, countObjects, truncatedPng } from '../../storage/testing.ts';
import { approvedArtist, type MarketplaceTestEnv, onboard, startMarketplaceEnv } from '../testing.ts';

let env: MarketplaceTestEnv;
let artist: Awaited<ReturnType<typeof approvedArtist>>;
let rival: Awaited<ReturnType<typeof approvedArtist>>;

const work = {
  title: 'River Study',
  description: 'Cyanotype on cotton rag',
  medium: 'photography',
  widthMm: 500,
  heightMm: 700,
  year: 2025,
  priceAmount: 150_000,
  currency: 'EUR',
};

beforeAll(async () => {
  env = await startMarketplaceEnv();
  artist = await approvedArtist(env, 'works@example.com', 'Wendy Works');
  rival = await approvedArtist(env, 'rival@example.com', 'Rita Rival');
});
afterAll(() => env.stop());

async function upload(c: typeof artist.c, artworkId: string, bytes: Uint8Array, type = 'image/png') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), 'upload.png');
  const res = await env.app.request(`/api/marketplace/artworks/${artworkId}/images`, {
    method: 'POST',
    body: form,
    headers: {
      cookie: [...c.jar].map(([k, v]) => `${k}=${v}`).join('; '),
      'x-csrf-token': c.jar.get('gallerist_csrf') ?? '',
    },
  });
  return { status: res.status, body: await res.json() };
}

describe('artworks', () => {
  it('lets the artist create, edit and submit; moderation publishes only after onboarding', async () => {
    const { c, accountId, admin } = artist;
    const created = await c.post(`/api/marketplace/artists/${accountId}/artworks`, work);
    expect(created.status).toBe(201);
    const id = created.body.artwork.id;
    expect(created.body.artwork).toMatchObject({ status: 'draft', currency: 'eur', priceAmount: 150_000 });
    const edited = await c.patch(`/api/marketplace/artworks/${id}`, { title: 'River Study I' });
    expect(edited.body.artwork.title).toBe('River Study I');
    expect((await c.post(`/api/marketplace/artworks/${id}/submit`)).body.artwork.status).toBe('submitted');
    expect((await c.patch(`/api/marketplace/artworks/${id}`, { title: 'x' })).status).toBe(409);

    const queue = await admin.get('/api/admin/marketplace/artworks?status=submitted');
    expect(queue.body.data.map((a: { id: string }) => a.id)).toContain(id);
    const blocked = await admin.post(`/api/admin/marketplace/artworks/${id}/approve`);
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('invalid_state');
    expect(blocked.body.error.message).toMatch(/onboarding/);

    await onboard(env, artist.approve.artist.stripeAccountId);
    await c.get(`/api/marketplace/artists/${accountId}?sync=true`);
    const ok = await admin.post(`/api/admin/marketplace/artworks/${id}/approve`);
    expect(ok.status).toBe(200);
    expect(ok.body.artwork.status).toBe('published');
    expect(ok.body.artwork.publishedAt).not.toBeNull();

    // Public detail with the platform default fee (50%), and browse with filters.
    const pub = await env.client().get(`/api/marketplace/artworks/${id}`);
    expect(pub.status).toBe(200);
    expect(pub.body.price).toEqual({
      price: 150_000,
      platformFee: 75_000,
      artistShare: 75_000,
      feeBps: 5000,
      currency: 'eur',
    });
    // The page follows the platform setting checkout charges (admins change it at runtime), then the override.
    await withService(env.database.db, (tx) => tx.updateTable('marketplace_settings').set({ fee_bps: 4000 }).execute());
    expect((await env.client().get(`/api/marketplace/artworks/${id}`)).body.price).toMatchObject({
      platformFee: 60_000,
      artistShare: 90_000,
      feeBps: 4000,
    });
    await withService(env.database.db, (tx) => tx.updateTable('marketplace_settings').set({ fee_bps: 5000 }).execute());
    await withService(env.database.db, (tx) =>
      tx.updateTable('artist_profiles').set({ fee_bps: 1500 }).where('account_id', '=', accountId).execute(),
    );
    expect((await env.client().get(`/api/marketplace/artworks/${id}`)).body.price).toMatchObject({
      platformFee: 22_500,
      artistShare: 127_500,
    });
    const browse = await env
      .client()
      .get('/api/marketplace/artworks?medium=photography&minPrice=100000&maxPrice=200000');
    expect(browse.body.data.map((a: { id: string }) => a.id)).toEqual([id]);
    expect((await env.client().get('/api/marketplace/artworks?medium=photography&maxPrice=1000')).body.data).toEqual(
      [],
    );
    const slug = created.body.artwork.artist.slug;
    const profile = await env.client().get(`/api/marketplace/artists/${slug}`);
    expect(profile.body).toMatchObject({ slug, name: 'Wendy Works' });
    expect(profile.body.artworks.map((a: { id: string }) => a.id)).toEqual([id]);

    expect((await c.post(`/api/marketplace/artworks/${id}/unpublish`)).body.artwork.status).toBe('draft');
    expect((await env.client().get(`/api/marketplace/artworks/${id}`)).status).toBe(404);
  });

  it('rejects with a reason; the artist can fix and resubmit', async () => {
    const { c, accountId, admin } = artist;
    const id = (await c.post(`/api/marketplace/artists/${accountId}/artworks`, { ...work, title: 'Too Blurry' })).body
      .artwork.id;
    await c.post(`/api/marketplace/artworks/${id}/submit`);
    const r = await admin.post(`/api/admin/marketplace/artworks/${id}/reject`, { reason: 'Photos are out of focus' });
    expect(r.body.artwork).toMatchObject({ status: 'rejected', rejectionReason: 'Photos are out of focus' });
    expect((await c.post(`/api/marketplace/artworks/${id}/submit`)).body.artwork.status).toBe('submitted');
  });

  it('validates input with 400s and writes nothing', async () => {
    const { c, accountId } = artist;
    const count = async () =>
      (await withService(env.database.db, (tx) => tx.selectFrom('artworks').select('id').execute())).length;
    const before = await count();
    for (const body of [
      { ...work, priceAmount: 0 },
      { ...work, medium: 'oil' },
      { ...work, editionType: 'edition' },
      { ...work, editionSize: 5 },
      { ...work, status: 'published' },
    ]) {
      const r = await c.post(`/api/marketplace/artists/${accountId}/artworks`, body);
      expect(r.status).toBe(400);
    }
    expect(await count()).toBe(before);
    const ed = await c.post(`/api/marketplace/artists/${accountId}/artworks`, {
      ...work,
      editionType: 'edition',
      editionSize: 25,
    });
    expect(ed.status).toBe(201);
  });

  it("never shows one artist's drafts to another, via the API or the database", async () => {
    const { c, accountId } = artist;
    const draft = (await c.post(`/api/marketplace/artists/${accountId}/artworks`, { ...work, title: 'Secret Draft' }))
      .body.artwork.id;
    expect((await rival.c.get(`/api/marketplace/artworks/${draft}`)).status).toBe(404);
    expect((await rival.c.patch(`/api/marketplace/artworks/${draft}`, { title: 'mine' })).status).toBe(404);
    expect((await rival.c.del(`/api/marketplace/artworks/${draft}`)).status).toBe(404);
    expect((await rival.c.get(`/api/marketplace/artists/${accountId}/artworks`)).status).toBe(404);
    expect((await rival.c.post(`/api/marketplace/artists/${accountId}/artworks`, work)).status).toBe(404);
    expect((await env.client().get(`/api/marketplace/artworks/${draft}`)).status).toBe(404);
    expect((await c.get(`/api/marketplace/artworks/${draft}`)).status).toBe(200);

    const seen = await withUser(env.database.db, { sub: rival.userId }, (tx) =>
      tx.selectFrom('artworks').select('id').where('account_id', '=', accountId).execute(),
    );
    expect(seen.map((r) => r.id)).not.toContain(draft);
    // Even a direct write can't put work into someone else's account or self-publish.
    await expect(
      withUser(env.database.db, { sub: rival.userId }, (tx) =>
        tx
          .insertInto('artworks')
          .values({ account_id: accountId, title: 'x', medium: 'other', price_amount: 1, currency: 'eur' })
          .execute(),
      ),
    ).rejects.toThrow();
    await expect(
      withUser(env.database.db, { sub: artist.userId }, (tx) =>
        tx.updateTable('artworks').set({ status: 'published' }).where('id', '=', draft).execute(),
      ),
    ).rejects.toThrow();
  });

  it('uploads an image (resized to web + thumb), serves it, and refuses a non-image', async () => {
    const { c, accountId } = artist;
    const id = (await c.post(`/api/marketplace/artists/${accountId}/artworks`, { ...work, title: 'With Image' })).body
      .artwork.id;
    const png = await sharp({ create: { width: 2400, height: 1200, channels: 3, background: '#3060a0' } })
      .png()
      .toBuffer();
    const up = await upload(c, id, png);
    expect(up.status).toBe(201);
    const detail = await c.get(`/api/marketplace/artworks/${id}`);
    expect(detail.body.artwork.images).toHaveLength(1);
    expect(detail.body.artwork.images[0]).toMatchObject({ isPrimary: true, width: 1600, height: 800 });
    const res = await env.app.request(detail.body.artwork.images[0].thumbUrl, {
      headers: { cookie: [...c.jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect(meta.width).toBe(400);
    // A draft's image is not public: not to a stranger, nor to another signed-in tenant (who sees the public view).
    expect((await env.app.request(detail.body.artwork.images[0].url)).status).toBe(404);
    expect((await rival.c.get(detail.body.artwork.images[0].url)).status).toBe(404);

    const second = await upload(c, id, png);
    await c.post(`/api/marketplace/artworks/${id}/images/${second.body.id}/primary`);
    await c.put(`/api/marketplace/artworks/${id}/images/order`, { ids: [second.body.id, up.body.id] });
    const after = (await c.get(`/api/marketplace/artworks/${id}`)).body.artwork.images;
    expect(after.map((i: { id: string; isPrimary: boolean }) => [i.id, i.isPrimary])).toEqual([
      [second.body.id, true],
      [up.body.id, false],
    ]);
    expect((await c.del(`/api/marketplace/artworks/${id}/images/${second.body.id}`)).status).toBe(204);

    const fake = await upload(c, id, new TextEncoder().encode('<svg onload="alert(1)"></svg>'), 'image/png');
    expect(fake.status).toBe(415);
    expect(fake.body.error.code).toBe('unsupported_media_type');
    expect((await upload(rival.c, id, png)).status).toBe(404);
    expect((await c.get(`/api/marketplace/artworks/${id}`)).body.artwork.images).toHaveLength(1);

    // Once published, the image is public.
    await c.post(`/api/marketplace/artworks/${id}/submit`);
    expect((await artist.admin.post(`/api/admin/marketplace/artworks/${id}/approve`)).status).toBe(200);
    const pubRes = await env.app.request(`/api/marketplace/media/${up.body.id}/web`);
    expect(pubRes.status).toBe(200);
    expect(pubRes.headers.get('cache-control')).toMatch(/^public/);
  });
});

describe('image decoding limits', () => {
  it('refuses a 256-megapixel image (413) and a truncated one (422), storing nothing', async () => {
    const { c, accountId } = artist;
    const id = (await c.post(`/api/marketplace/artists/${accountId}/artworks`, { ...work, title: 'Bombs' })).body
      .artwork.id;
    const objects = countObjects(env.deps.config);
    const huge = await upload(c, id, bitmapPng(16000, 16000));
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatchObject({ code: 'payload_too_large', details: { file: expect.any(String) } });
    expect(huge.body.error.message).toMatch(/16000 × 16000 pixels.*at most 100 megapixels/);
    const broken = await upload(c, id, await truncatedPng());
    expect(broken.status).toBe(422);
    expect(broken.body.error).toMatchObject({ code: 'unprocessable', details: { file: expect.any(String) } });
    expect((await c.get(`/api/marketplace/artworks/${id}`)).body.artwork.images).toHaveLength(0);
    expect(countObjects(env.deps.config)).toBe(objects);
  });
});

describe('demo seed', () => {
  it('seeds Mira Okafor as an approved artist with public and draft work, idempotently', async () => {
    const { seedMarketplace } = await import('../seed.ts');
    await withService(env.database.db, (tx) => seedMarketplace(tx));
    const rows = await withService(env.database.db, (tx) =>
      tx
        .selectFrom('artworks as w')
        .innerJoin('accounts as a', 'a.id', 'w.account_id')
        .select(['w.status'])
        .where('a.slug', '=', 'mira-okafor')
        .execute(),
    );
    expect(rows.map((r) => r.status).sort()).toEqual(['draft', 'draft', 'published', 'published']);
    const profile = await env.client().get('/api/marketplace/artists/mira-okafor');
    expect(profile.body.artworks).toHaveLength(2);
    const me = env.client();
    await me.signIn('artist@demo.gallerist.dev');
    expect((await me.get('/api/marketplace/application')).body.application.status).toBe('approved');
  });
});
