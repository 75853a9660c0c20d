import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient } from '../../test/http.ts';
import { ConfigError, loadConfig, parseEnv, type S3Config } from '../config.ts';
import { createApp } from '../http/app.ts';
import { mediaFile, processUploads, removeObjects } from '../shop/index.ts';
import { shopFixture, testJpeg, upload } from '../shop/testing.ts';
import { checkStorage } from './doctor.ts';
import { storageFor } from './index.ts';
import { amzDate, s3Storage, signV4 } from './s3.ts';

const ACCESS = 'AKIDTEST';
const SECRET = 'test-secret-key/with+chars';
const REGION = 'eu-test-1';
const BUCKET = 'photos';

// A tiny S3: checks every request's SigV4 signature (recomputed here from the raw request, with its own
// canonicalisation) and keeps objects in memory.
function fakeS3() {
  const objects = new Map<string, { body: Buffer; type: string }>();
  const requests: Array<{ method: string; path: string; ok: boolean }> = [];
  const hex = (d: Buffer | string) => createHash('sha256').update(d).digest('hex');
  const verify = (req: IncomingMessage, body: Buffer): boolean => {
    const auth = req.headers.authorization ?? '';
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
        auth,
      );
    if (!m || m[1] !== ACCESS || m[3] !== REGION) return false;
    const [, , day, , signed, signature] = m;
    const payloadHash = req.headers['x-amz-content-sha256'];
    if (payloadHash !== hex(body)) return false;
    const names = signed.split(';');
    if (!names.includes('host') || !names.includes('x-amz-date')) return false;
    const canonical = [
      req.method,
      new URL(req.url ?? '/', 'http://x').pathname,
      '',
      ...names.map((n) => `${n}:${String(req.headers[n] ?? '').trim()}`),
      '',
      signed,
      payloadHash,
    ].join('\n');
    const date = String(req.headers['x-amz-date']);
    const toSign = `AWS4-HMAC-SHA256\n${date}\n${day}/${REGION}/s3/aws4_request\n${hex(canonical)}`;
    let key: Buffer = createHmac('sha256', `AWS4${SECRET}`).update(day).digest();
    for (const part of [REGION, 's3', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
    return createHmac('sha256', key).update(toSign).digest('hex') === signature;
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const ok = verify(req, body);
      requests.push({ method: req.method ?? '', path, ok });
      if (!ok) {
        res.writeHead(403, { 'content-type': 'application/xml' });
        return res.end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
      }
      const prefix = `/${BUCKET}/`;
      if (!path.startsWith(prefix)) {
        res.writeHead(404);
        return res.end('<Error><Code>NoSuchBucket</Code></Error>');
      }
      const key = path.slice(prefix.length);
      if (req.method === 'PUT') {
        objects.set(key, { body, type: String(req.headers['content-type'] ?? '') });
        res.writeHead(200);
        return res.end();
      }
      if (req.method === 'GET') {
        const o = objects.get(key);
        if (!o) {
          res.writeHead(404, { 'content-type': 'application/xml' });
          return res.end('<Error><Code>NoSuchKey</Code></Error>');
        }
        res.writeHead(200, { 'content-type': o.type });
        return res.end(o.body);
      }
      if (req.method === 'DELETE') {
        objects.delete(key);
        res.writeHead(204);
        return res.end();
      }
      res.writeHead(405);
      res.end();
    });
  });
  return { server, objects, requests };
}

let s3: ReturnType<typeof fakeS3>;
let endpoint: string;
beforeAll(async () => {
  s3 = fakeS3();
  await new Promise<void>((r) => s3.server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(s3.server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => s3.server.close(() => r())));

const config = (over: Partial<S3Config> = {}): S3Config => ({
  endpoint,
  bucket: BUCKET,
  region: REGION,
  accessKeyId: ACCESS,
  secretAccessKey: SECRET,
  forcePathStyle: true,
  ...over,
});

describe('SigV4 signing', () => {
  it('matches the AWS documentation example (GET object with a Range header)', () => {
    const auth = signV4({
      method: 'GET',
      path: '/test.txt',
      headers: {
        host: 'examplebucket.s3.amazonaws.com',
        range: 'bytes=0-9',
        'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        'x-amz-date': '20130524T000000Z',
      },
      payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      region: 'us-east-1',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      amzDate: '20130524T000000Z',
    });
    expect(auth).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('formats the request date the way SigV4 wants', () => {
    expect(amzDate(new Date('2026-11-22T01:02:03.456Z'))).toBe('20261122T010203Z');
  });
});

describe('S3 storage', () => {
  it('puts, gets and deletes objects with signed requests', async () => {
    const store = s3Storage(config());
    const bytes = new Uint8Array([1, 2, 3, 250, 0, 7]);
    await store.put('shop/acct/photo-web.jpg', bytes, 'image/jpeg');
    expect(s3.objects.get('shop/acct/photo-web.jpg')?.type).toBe('image/jpeg');
    expect(await store.get('shop/acct/photo-web.jpg')).toEqual(bytes);
    await store.delete('shop/acct/photo-web.jpg');
    expect(s3.objects.has('shop/acct/photo-web.jpg')).toBe(false);
    expect(s3.requests.every((r) => r.ok)).toBe(true);
  });

  it('answers null for a missing object and tolerates deleting one', async () => {
    const store = s3Storage(config());
    expect(await store.get('shop/acct/nothing.jpg')).toBeNull();
    await expect(store.delete('shop/acct/nothing.jpg')).resolves.toBeUndefined();
  });

  it('fails loudly when the secret is wrong (the server rejects the signature)', async () => {
    const store = s3Storage(config({ secretAccessKey: 'wrong' }));
    await expect(store.put('shop/acct/x.jpg', new Uint8Array([1]), 'image/jpeg')).rejects.toThrow(
      /403 SignatureDoesNotMatch/,
    );
    expect(s3.objects.has('shop/acct/x.jpg')).toBe(false);
  });

  it('refuses keys that are not server-made paths', async () => {
    const store = s3Storage(config());
    await expect(store.put('../etc/passwd', new Uint8Array([1]), 'text/plain')).rejects.toThrow(/Invalid storage key/);
  });

  it('addresses virtual-hosted buckets when path style is off', async () => {
    const seen: string[] = [];
    const store = s3Storage(config({ endpoint: 'https://s3.example.com', forcePathStyle: false }), {
      fetch: async (url) => {
        seen.push(String(url));
        return new Response(null, { status: 204 });
      },
    });
    await store.delete('shop/a/b.jpg');
    expect(seen).toEqual(['https://photos.s3.example.com/shop/a/b.jpg']);
  });
});

describe('S3 configuration', () => {
  const env = {
    STORAGE: 's3',
    S3_ENDPOINT: 'http://127.0.0.1:9000',
    S3_BUCKET: 'photos',
    S3_ACCESS_KEY_ID: 'a',
    S3_SECRET_ACCESS_KEY: 'b',
  };

  it('names every missing variable when STORAGE=s3', () => {
    try {
      parseEnv({ STORAGE: 's3', S3_BUCKET: 'photos' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const text = (e as ConfigError).problems.join('\n');
      for (const v of ['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']) expect(text).toContain(v);
      expect(text).not.toContain('S3_BUCKET');
    }
  });

  it('rejects a bad endpoint or bucket name', () => {
    expect(() => parseEnv({ ...env, S3_ENDPOINT: 'ftp://x' })).toThrow(/S3_ENDPOINT/);
    expect(() => parseEnv({ ...env, S3_BUCKET: 'Bad_Bucket' })).toThrow(/S3_BUCKET/);
  });

  it('chooses S3 for STORAGE=s3 and local disk by default', async () => {
    const dir = (await import('node:os')).tmpdir();
    const c = loadConfig({ ...env, DATA_DIR: `${dir}/gallerist-s3cfg`, S3_ENDPOINT: endpoint });
    expect(c.s3).toMatchObject({ bucket: 'photos', region: 'us-east-1', forcePathStyle: true });
    expect(storageFor(c).kind).toBe('s3');
    expect(storageFor(c)).toBe(storageFor(c));
    expect(storageFor(loadConfig({ DATA_DIR: `${dir}/gallerist-s3cfg` })).kind).toBe('local');
  });

  it('has a doctor check that round-trips a probe object', async () => {
    const dir = (await import('node:os')).tmpdir();
    const good = loadConfig({
      ...env,
      DATA_DIR: `${dir}/gallerist-s3cfg`,
      S3_ENDPOINT: endpoint,
      S3_BUCKET: BUCKET,
      S3_REGION: REGION,
      S3_ACCESS_KEY_ID: ACCESS,
      S3_SECRET_ACCESS_KEY: SECRET,
    });
    const [ok] = await checkStorage(good);
    expect(ok).toMatchObject({ name: 'storage', ok: true });
    const [bad] = await checkStorage({ ...good, s3: { ...(good.s3 as S3Config), secretAccessKey: 'nope' } });
    expect(bad.ok).toBe(false);
    expect(bad.detail).toContain('SignatureDoesNotMatch');
  });
});

describe('print shop photos on S3', () => {
  it('stores original, web and thumb in the bucket, serves them (watermark cached there too) and removes them', async () => {
    const settings = { dataDir: '/nonexistent-local-dir', s3: config() };
    const [p] = await processUploads(settings, 'acct', [{ filename: 'a.jpg', bytes: await testJpeg(1200, 800) }]);
    for (const k of Object.values(p.keys)) expect(s3.objects.has(k)).toBe(true);
    const row = {
      original_key: p.keys.original,
      web_key: p.keys.web,
      thumb_key: p.keys.thumb,
      content_type: 'image/jpeg',
    };
    const web = await mediaFile(settings, row, 'web', { text: 'Studio' });
    expect(web.bytes?.length).toBeGreaterThan(0);
    expect(s3.objects.has(`${p.keys.web}.wm.jpg`)).toBe(true);
    await removeObjects(settings, [...Object.values(p.keys), `${p.keys.web}.wm.jpg`]);
    expect([...s3.objects.keys()].filter((k) => k.startsWith('shop/acct/'))).toEqual([]);
    expect((await mediaFile(settings, row, 'thumb', null)).bytes).toBeNull();
  });
});

describe('the app on S3 storage', () => {
  it('uploads gallery photos into the bucket, serves them over HTTP and deletes them', async () => {
    const f = await shopFixture();
    try {
      const app = createApp({ ...f.deps, config: { ...f.deps.config, s3: config() } });
      const studio = testClient(app);
      await studio.signIn('studio@demo.gallerist.dev');
      const g = await studio.post(`/api/shop/studios/${f.lumenId}/galleries`, { title: 'On S3', status: 'published' });
      const before = s3.objects.size;
      const up = await upload(app, studio, `/api/shop/galleries/${g.body.id}/photos`, [
        { name: 'cloud.jpg', bytes: await testJpeg(800, 600) },
      ]);
      expect(up.status).toBe(201);
      expect(s3.objects.size).toBe(before + 3);
      const res = await app.request(`/api/shop/media/${g.body.token}/${up.body.data[0].id}/thumb`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(100);
      // Deleting the photo removes its objects from the bucket.
      expect((await studio.del(`/api/shop/galleries/${g.body.id}/photos/${up.body.data[0].id}`)).status).toBe(204);
      expect(s3.objects.size).toBe(before);
    } finally {
      await f.database.close();
    }
  });
});
