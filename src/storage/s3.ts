import { createHash, createHmac } from 'node:crypto';
import type { S3Config } from '../config.ts';
import type { Storage } from './index.ts';
import { assertKey } from './local.ts';

const sha256Hex = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Uint8Array | string, data: string) => createHmac('sha256', key).update(data).digest();

// RFC 3986 unreserved characters stay, everything else is %XX (what SigV4 means by "URI-encode").
const uriEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** What one request needs to be signed. Header names must be lower case. */
export interface SignInput {
  method: string;
  /** The encoded path, e.g. `/bucket/shop/a.jpg`. */
  path: string;
  query?: Record<string, string>;
  headers: Record<string, string>;
  payloadHash: string;
  region: string;
  service?: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `YYYYMMDDTHHMMSSZ`. */
  amzDate: string;
}

/** The SigV4 canonical request, exposed so the in-test S3 server can check signatures independently of fetch. */
export function canonicalRequest(i: Pick<SignInput, 'method' | 'path' | 'query' | 'headers' | 'payloadHash'>) {
  const names = Object.keys(i.headers)
    .map((h) => h.toLowerCase())
    .sort();
  const lower = Object.fromEntries(Object.entries(i.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const query = Object.entries(i.query ?? {})
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headers = names.map((n) => `${n}:${String(lower[n]).trim().replace(/\s+/g, ' ')}\n`).join('');
  return {
    text: [i.method, i.path, query, headers, names.join(';'), i.payloadHash].join('\n'),
    signedHeaders: names.join(';'),
  };
}

/** The Authorization header value for a request (AWS Signature Version 4, header variant). */
export function signV4(i: SignInput): string {
  const service = i.service ?? 's3';
  const day = i.amzDate.slice(0, 8);
  const scope = `${day}/${i.region}/${service}/aws4_request`;
  const canonical = canonicalRequest(i);
  const toSign = ['AWS4-HMAC-SHA256', i.amzDate, scope, sha256Hex(canonical.text)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${i.secretAccessKey}`, day), i.region), service), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${i.accessKeyId}/${scope}, SignedHeaders=${canonical.signedHeaders}, Signature=${signature}`;
}

/** `Date` → the compact ISO form SigV4 uses. */
export const amzDate = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/**
 * Object storage on any S3-compatible service (AWS, MinIO, R2, B2…) with plain fetch and SigV4, so no SDK is
 * needed. `now` is injectable for tests; signatures only need the wall clock to be roughly right.
 */
export function s3Storage(config: S3Config, opts: { fetch?: typeof fetch; now?: () => Date } = {}): Storage {
  const doFetch = opts.fetch ?? fetch;
  const now = opts.now ?? (() => new Date());
  const base = new URL(config.endpoint);
  const urlFor = (key: string) => {
    const encodedKey = key.split('/').map(uriEncode).join('/');
    if (config.forcePathStyle) {
      const prefix = base.pathname.replace(/\/$/, '');
      return new URL(`${base.protocol}//${base.host}${prefix}/${config.bucket}/${encodedKey}`);
    }
    return new URL(`${base.protocol}//${config.bucket}.${base.host}${base.pathname.replace(/\/$/, '')}/${encodedKey}`);
  };
  async function send(method: 'PUT' | 'GET' | 'DELETE', key: string, body?: Uint8Array, contentType?: string) {
    assertKey(key);
    const url = urlFor(key);
    const payloadHash = sha256Hex(body ?? '');
    const headers: Record<string, string> = {
      host: url.host,
      'x-amz-content-sha256': payloadHash,
      'x-amz-date': amzDate(now()),
      ...(contentType ? { 'content-type': contentType } : {}),
    };
    headers.authorization = signV4({
      method,
      path: url.pathname,
      headers,
      payloadHash,
      region: config.region,
      accessKeyId: config.accessKeyId,
      secretAccessKey: config.secretAccessKey,
      amzDate: headers['x-amz-date'],
    });
    // fetch sets Host itself from the URL (the same value that was signed).
    const { host: _host, ...sendHeaders } = headers;
    return doFetch(url, { method, headers: sendHeaders, body: body as BodyInit | undefined });
  }
  const fail = async (what: string, key: string, res: Response) => {
    const text = await res.text().catch(() => '');
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
    return new Error(`S3 ${what} ${key} failed: ${res.status}${code ? ` ${code}` : ''}`);
  };
  return {
    kind: 's3',
    async put(key, bytes, contentType) {
      const res = await send('PUT', key, bytes, contentType);
      if (!res.ok) throw await fail('put', key, res);
      await res.arrayBuffer().catch(() => null);
    },
    async get(key) {
      const res = await send('GET', key);
      if (res.status === 404) {
        await res.arrayBuffer().catch(() => null);
        return null;
      }
      if (!res.ok) throw await fail('get', key, res);
      return new Uint8Array(await res.arrayBuffer());
    },
    async delete(key) {
      const res = await send('DELETE', key);
      await res.arrayBuffer().catch(() => null);
      // S3 answers 204 for missing keys too; some compatible stores say 404, which is just as deleted.
      if (!res.ok && res.status !== 404) throw new Error(`S3 delete ${key} failed: ${res.status}`);
    },
  };
}
