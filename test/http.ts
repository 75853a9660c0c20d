import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type Stripe from 'stripe';
import { assemblePlatform, platformModules } from '../src/assembly.ts';
import type { Clock } from '../src/clock.ts';
import { systemClock } from '../src/clock.ts';
import { createStripeClient } from '../src/commerce/stripe.ts';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/connect.ts';
import type { Deps } from '../src/http/context.ts';
import type { DomainModule } from '../src/modules.ts';

/** A fresh temp dir for a test app's DATA_DIR. */
export function newDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'gallerist-deps-'));
}

/** Deps for an in-process app (no socket); Stripe points nowhere unless a client is given. */
export function testDeps(
  database: Database,
  opts: {
    clock?: Clock;
    stripe?: Stripe;
    emulatorUrl?: string;
    modules?: readonly DomainModule[];
    /** The config's data dir (uploads live under it); a fresh temp dir by default. */
    dataDir?: string;
    /** More environment variables (e.g. LLM_BASE_URL for a scripted model). */
    env?: Record<string, string>;
  } = {},
): Deps {
  const config = loadConfig({
    DATA_DIR: opts.dataDir ?? newDataDir(),
    LOG_LEVEL: 'silent',
    PORT: '3000',
    ...opts.env,
  });
  const base = {
    config,
    db: database.db,
    clock: opts.clock ?? systemClock,
    logger: pino({ level: 'silent' }),
    stripe: opts.stripe ?? createStripeClient('sk_test_unused', 'http://127.0.0.1:9'),
  };
  const assembly = assemblePlatform(base, opts.modules ?? platformModules);
  return { ...base, commerce: assembly.commerce, assembly, emulatorUrl: opts.emulatorUrl };
}

/** A browser-like client for app.request(): keeps cookies and sends the CSRF header. */
export function testClient(app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> }) {
  const jar = new Map<string, string>();
  const store = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const [name, value] = pair.split('=');
      const expired = attrs.some((a) => /max-age=0/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) jar.delete(name.trim());
      else jar.set(name.trim(), value);
    }
  };
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    if (!jar.has('gallerist_csrf'))
      store(await app.request('/api/auth/session', { headers: { cookie: cookieHeader() } }));
    const res = await app.request(path, {
      method,
      headers: {
        cookie: cookieHeader(),
        'x-csrf-token': jar.get('gallerist_csrf') ?? '',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    store(res);
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  }
  return {
    jar,
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => call('POST', path, body ?? {}, headers),
    put: (path: string, body?: unknown) => call('PUT', path, body ?? {}),
    patch: (path: string, body?: unknown) => call('PATCH', path, body ?? {}),
    del: (path: string) => call('DELETE', path),
    /** Signs in and returns the session payload. */
    async signIn(email: string, password = 'gallerist-demo') {
      const r = await call('POST', '/api/auth/sign-in', { email, password });
      if (r.status !== 200) throw new Error(`sign-in failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
  };
}
