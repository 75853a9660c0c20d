import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient } from '../../test/http.ts';
import { bitmapPng, countObjects, truncatedPng } from '../storage/testing.ts';
import { countRows, shopFixture, testJpeg, upload } from './testing.ts';

let f: Awaited<ReturnType<typeof shopFixture>>;
let gallery: { id: string; token: string };
let photoIds: string[];

beforeAll(async () => {
  f = await shopFixture();
  const g = await f.studio.post(`/api/shop/studios/${f.lumenId}/galleries`, {
    title: 'Test wedding',
    status: 'published',
  });
  gallery = g.body;
  const up = await upload(f.app, f.studio, `/api/shop/galleries/${gallery.id}/photos`, [
    { name: 'big.jpg', bytes: await testJpeg(3000, 2000) },
    { name: 'small.jpg', bytes: await testJpeg(1000, 700, '#aa3300') },
  ]);
  expect(up.status).toBe(201);
  photoIds = up.body.data.map((p: { id: string }) => p.id);
});
afterAll(() => f.database.close());

const visitor = () => testClient(f.app);
const media = async (path: string, client = visitor()) => {
  const cookie = [...client.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await f.app.request(path, { headers: { cookie } });
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()) };
};

describe('photo upload', () => {
  it('keeps the original, renders web and thumb sizes and stores pixel dimensions', async () => {
    const g = await f.studio.get(`/api/shop/galleries/${gallery.id}`);
    expect(g.body.photos.map((p: { width: number; height: number }) => [p.width, p.height])).toEqual([
      [3000, 2000],
      [1000, 700],
    ]);
    const web = await media(`/api/shop/media/${gallery.token}/${photoIds[0]}/web`);
    expect(web.status).toBe(200);
    expect(await sharp(web.bytes).metadata()).toMatchObject({ width: 2048, height: 1365, format: 'jpeg' });
    const thumb = await media(`/api/shop/media/${gallery.token}/${photoIds[0]}/thumb`);
    expect(await sharp(thumb.bytes).metadata()).toMatchObject({ width: 400, height: 267 });
    const original = await media(`/api/shop/media/${gallery.token}/${photoIds[0]}/original`, f.studio);
    expect(await sharp(original.bytes).metadata()).toMatchObject({ width: 3000, height: 2000 });
    expect((await media(`/api/shop/media/${gallery.token}/${photoIds[0]}/original`)).status).toBe(403);
  });

  it('accepts multi-megabyte photos (past the 1 MB JSON body limit)', async () => {
    const noise = new Uint8Array(1400 * 1400 * 3).map(() => Math.floor(Math.random() * 256));
    const bytes = new Uint8Array(
      await sharp(noise, { raw: { width: 1400, height: 1400, channels: 3 } })
        .jpeg({ quality: 95 })
        .toBuffer(),
    );
    expect(bytes.length).toBeGreaterThan(1024 * 1024);
    const r = await upload(f.app, f.studio, `/api/shop/galleries/${gallery.id}/photos`, [{ name: 'noise.jpg', bytes }]);
    expect(r.status).toBe(201);
    expect(r.body.data[0]).toMatchObject({ width: 1400, height: 1400, bytes: bytes.length });
    expect((await f.studio.del(`/api/shop/galleries/${gallery.id}/photos/${r.body.data[0].id}`)).status).toBe(204);
  });

  it('rejects files that are not images, whatever they claim, and stores nothing', async () => {
    const before = await countRows(f.database, 'gallery_photos');
    const r = await upload(f.app, f.studio, `/api/shop/galleries/${gallery.id}/photos`, [
      { name: 'ok.jpg', bytes: await testJpeg(100, 100) },
      { name: 'evil.jpg', bytes: new TextEncoder().encode('<script>alert(1)</script>'), type: 'image/jpeg' },
    ]);
    expect(r.status).toBe(415);
    expect(r.body.error).toMatchObject({ code: 'unsupported_media_type', details: { file: 'evil.jpg' } });
    expect(await countRows(f.database, 'gallery_photos')).toBe(before);
  });

  it('refuses a 256-megapixel PNG from its header (413) and stores nothing from the batch', async () => {
    const rows = await countRows(f.database, 'gallery_photos');
    const objects = countObjects(f.deps.config);
    const r = await upload(f.app, f.studio, `/api/shop/galleries/${gallery.id}/photos`, [
      { name: 'ok.jpg', bytes: await testJpeg(100, 100) },
      { name: 'bomb.png', bytes: bitmapPng(16000, 16000), type: 'image/png' },
    ]);
    expect(r.status).toBe(413);
    expect(r.body.error).toMatchObject({ code: 'payload_too_large', details: { file: 'bomb.png' } });
    expect(r.body.error.message).toMatch(/^bomb\.png is 16000 × 16000 pixels.*at most 100 megapixels/);
    expect(await countRows(f.database, 'gallery_photos')).toBe(rows);
    expect(countObjects(f.deps.config)).toBe(objects);
  });

  it('answers a truncated PNG with 422 naming that file, and stores nothing from the batch', async () => {
    const rows = await countRows(f.database, 'gallery_photos');
    const objects = countObjects(f.deps.config);
    const r = await upload(f.app, f.studio, `/api/shop/galleries/${gallery.id}/photos`, [
      { name: 'ok.jpg', bytes: await testJpeg(100, 100) },
      { name: 'half.png', bytes: await truncatedPng(), type: 'image/png' },
    ]);
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'unprocessable', details: { file: 'half.png' } });
    expect(r.body.error.message).toMatch(/^half\.png could not be read/);
    expect(await countRows(f.database, 'gallery_photos')).toBe(rows);
    expect(countObjects(f.deps.config)).toBe(objects);
  });

  it("refuses uploads to another studio's gallery", async () => {
    const r = await upload(f.app, f.other, `/api/shop/galleries/${gallery.id}/photos`, [
      { name: 'x.jpg', bytes: await testJpeg(100, 100) },
    ]);
    expect(r.status).toBe(404);
  });

  it('reorders photos and rejects an incomplete order', async () => {
    const path = `/api/shop/galleries/${gallery.id}/photos/order`;
    expect((await f.studio.put(path, { ids: [photoIds[0]] })).status).toBe(400);
    expect((await f.studio.put(path, { ids: [...photoIds].reverse() })).status).toBe(204);
    const g = await visitor().get(`/api/shop/g/${gallery.token}`);
    expect(g.body.photos.map((p: { id: string }) => p.id)).toEqual([...photoIds].reverse());
    await f.studio.put(path, { ids: photoIds });
  });

  it('watermarks the web size for visitors when the gallery asks for it', async () => {
    const plain = await media(`/api/shop/media/${gallery.token}/${photoIds[0]}/web`);
    await f.studio.patch(`/api/shop/galleries/${gallery.id}`, { watermark: true });
    const marked = await media(`/api/shop/media/${gallery.token}/${photoIds[0]}/web`);
    const studioView = await media(`/api/shop/media/${gallery.token}/${photoIds[0]}/web`, f.studio);
    await f.studio.patch(`/api/shop/galleries/${gallery.id}`, { watermark: false });
    expect(Buffer.from(marked.bytes).equals(Buffer.from(plain.bytes))).toBe(false);
    expect(Buffer.from(studioView.bytes).equals(Buffer.from(plain.bytes))).toBe(true);
  });
});

describe('private links', () => {
  it('404s unknown tokens and drafts, 410s expired galleries', async () => {
    expect((await visitor().get('/api/shop/g/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    const draft = await f.studio.post(`/api/shop/studios/${f.lumenId}/galleries`, { title: 'Draft' });
    expect((await visitor().get(`/api/shop/g/${draft.body.token}`)).status).toBe(404);
    await f.studio.patch(`/api/shop/galleries/${draft.body.id}`, {
      status: 'published',
      expiresAt: '2026-10-01T00:00:00Z',
    });
    const r = await visitor().get(`/api/shop/g/${draft.body.token}`);
    expect(r.status).toBe(410);
    expect((await visitor().get(`/api/shop/media/${draft.body.token}/${photoIds[0]}/thumb`)).status).toBe(404);
  });

  it('needs the PIN; the unlock cookie is HttpOnly and opens that gallery only', async () => {
    const mk = async (title: string, pin: string) =>
      (await f.studio.post(`/api/shop/studios/${f.lumenId}/galleries`, { title, pin, status: 'published' })).body;
    const a = await mk('PIN A', '1111');
    const b = await mk('PIN B', '2222');
    await upload(f.app, f.studio, `/api/shop/galleries/${b.id}/photos`, [
      { name: 'b.jpg', bytes: await testJpeg(200, 200) },
    ]);
    const v = visitor();
    const locked = await v.get(`/api/shop/g/${a.token}`);
    expect(locked.status).toBe(403);
    expect(locked.body.error.details.pinRequired).toBe(true);
    // The PIN page names the studio that sent the link, and nothing of the gallery itself.
    expect(locked.body.error.details.studioName).toBe('Lumen Photography');
    expect(locked.body.error.details).not.toHaveProperty('title');
    expect((await v.post(`/api/shop/g/${a.token}/unlock`, { pin: '2222' })).status).toBe(401);
    const ok = await v.post(`/api/shop/g/${a.token}/unlock`, { pin: '1111' });
    expect(ok.status).toBe(204);
    expect(ok.headers.getSetCookie().join()).toMatch(/HttpOnly/);
    expect((await v.get(`/api/shop/g/${a.token}`)).status).toBe(200);
    expect((await v.get(`/api/shop/g/${b.token}`)).status).toBe(403);
    const bPhoto = (await f.studio.get(`/api/shop/galleries/${b.id}`)).body.photos[0].id;
    expect((await media(`/api/shop/media/${b.token}/${bPhoto}/thumb`, v)).status).toBe(403);
    // A's link with B's photo id finds nothing.
    expect((await media(`/api/shop/media/${a.token}/${bPhoto}/thumb`, v)).status).toBe(404);
    // Changing the PIN revokes earlier unlocks.
    await f.studio.patch(`/api/shop/galleries/${a.id}`, { pin: '3333' });
    expect((await v.get(`/api/shop/g/${a.token}`)).status).toBe(403);
  });

  it('rate limits PIN guesses', async () => {
    const g = (
      await f.studio.post(`/api/shop/studios/${f.lumenId}/galleries`, { title: 'RL', pin: '4321', status: 'published' })
    ).body;
    const v = visitor();
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push((await v.post(`/api/shop/g/${g.token}/unlock`, { pin: `000${i}` })).status);
    expect(codes.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(codes[5]).toBe(429);
    expect((await v.post(`/api/shop/g/${g.token}/unlock`, { pin: '4321' })).status).toBe(429);
  });
});
