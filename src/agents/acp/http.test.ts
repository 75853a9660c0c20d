import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDeps } from '../../../test/http.ts';
import { fixedClock } from '../../clock.ts';
import type { Database } from '../../db/connect.ts';
import { withService } from '../../db/tenancy.ts';
import { createTestDatabase } from '../../db/testing.ts';
import type { AppEnv } from '../../http/context.ts';
import {
  ACP_API_VERSION,
  acpError,
  acpErrorHandler,
  acpHeaders,
  acpIdempotency,
  jsonPath,
  parseAcpBody,
  pruneAcpIdempotencyKeys,
  requestFingerprint,
} from './http.ts';
import { CheckoutSessionUpdateRequest } from './schema.ts';
import { validateAcp } from './schema-validate.ts';

let database: Database;
const clock = fixedClock('2026-04-20T10:00:00Z');
let calls: Record<string, number>;
let gate: { wait: Promise<void>; open: () => void; entered: Promise<void>; enter: () => void };
let failNext: 'status' | 'throw' | null;

function newGate() {
  let open!: () => void;
  let enter!: () => void;
  const wait = new Promise<void>((r) => {
    open = r;
  });
  const entered = new Promise<void>((r) => {
    enter = r;
  });
  return { wait, open, entered, enter };
}

type Env = AppEnv & { Variables: { platform?: { id: string; name: string } } };

// A bare ACP sub-app: the platform is named by a header (the real auth middleware sets c.var.platform the same way).
function buildApp() {
  const deps = testDeps(database, { clock });
  const who = createMiddleware<Env>(async (c, next) => {
    c.set('deps', deps);
    c.set('requestId', 'req-1');
    c.set('log', deps.logger);
    const p = c.req.header('x-platform');
    if (p) c.set('platform', { id: p, name: p });
    await next();
  });
  const count = (name: string) => {
    calls[name] = (calls[name] ?? 0) + 1;
    return calls[name];
  };
  return new Hono<Env>()
    .onError(acpErrorHandler)
    .use(who, acpHeaders(), acpIdempotency({ allowAnonymous: true }))
    .post('/checkout_sessions', async (c) => {
      const n = count('create');
      return c.json({ id: `cs_${n}`, n, body: await c.req.json() }, 201, { Location: `/checkout_sessions/cs_${n}` });
    })
    .post('/checkout_sessions/:id', async (c) => {
      const n = count(c.req.param('id'));
      const body = parseAcpBody(CheckoutSessionUpdateRequest, await c.req.json());
      if (c.req.param('id') === 'missing')
        throw acpError('invalid_request', 'not_found', 'No such session', undefined, 404);
      return c.json({ id: c.req.param('id'), n, body });
    })
    .post('/slow', async (c) => {
      count('slow');
      gate.enter();
      await gate.wait;
      return c.json({ ok: true });
    })
    .post('/flaky', async (c) => {
      const n = count('flaky');
      const mode = failNext;
      failNext = null;
      if (mode === 'status') return c.json({ type: 'service_unavailable', code: 'down', message: 'Down' }, 503);
      if (mode === 'throw') throw new Error('secret internals');
      return c.json({ n });
    })
    .get('/checkout_sessions/:id', (c) => c.json({ id: c.req.param('id') }));
}

const base = { 'API-Version': ACP_API_VERSION, 'Content-Type': 'application/json' };

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await app().request(path, {
    method: 'POST',
    headers: { ...base, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
}
const create = (body: unknown, key: string, headers: Record<string, string> = {}) =>
  post('/checkout_sessions', body, { 'Idempotency-Key': key, ...headers });

let theApp: ReturnType<typeof buildApp>;
const app = () => theApp;

beforeAll(async () => {
  database = await createTestDatabase();
  theApp = buildApp();
});
afterAll(() => database.close());
beforeEach(() => {
  calls = {};
  failNext = null;
  gate = newGate();
});

describe('acpHeaders', () => {
  it('requires a supported API-Version, listing the supported ones', async () => {
    const missing = await app().request('/checkout_sessions/cs_1');
    expect(missing.status).toBe(400);
    const body = await missing.json();
    expect(body).toEqual({
      type: 'invalid_request',
      code: 'missing_api_version',
      message: expect.any(String),
      supported_versions: ['2026-04-17'],
    });
    expect(validateAcp('Error', body)).toEqual([]);
    const old = await app().request('/checkout_sessions/cs_1', { headers: { 'API-Version': '2026-01-16' } });
    expect(old.status).toBe(400);
    expect(await old.json()).toMatchObject({ code: 'unsupported_api_version', supported_versions: ['2026-04-17'] });
    expect(old.headers.get('API-Version')).toBe(ACP_API_VERSION);
  });

  it('echoes Request-Id, sets API-Version and passes GETs without an idempotency key', async () => {
    const res = await app().request('/checkout_sessions/cs_1', {
      headers: { 'API-Version': ACP_API_VERSION, 'Request-Id': 'r-42' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('Request-Id')).toBe('r-42');
    expect(res.headers.get('API-Version')).toBe(ACP_API_VERSION);
  });

  it('415 for a POST body that is not declared as JSON', async () => {
    const r = await post('/checkout_sessions', '{"a":1}', { 'Content-Type': 'text/plain', 'Idempotency-Key': 'k' });
    expect(r.status).toBe(415);
    expect(r.body).toMatchObject({ type: 'invalid_request', code: 'unsupported_media_type' });
    const utf8 = await create({ a: 1 }, 'k-415', { 'Content-Type': 'application/json; charset=utf-8' });
    expect(utf8.status).toBe(201);
  });
});

describe('acpErrorHandler', () => {
  it('renders zod failures as 400 invalid with a JSONPath param', async () => {
    const r = await post(
      '/checkout_sessions/cs_1',
      { line_items: [{ id: 'x', quantity: 2 }] },
      { 'Idempotency-Key': 'v1' },
    );
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      type: 'invalid_request',
      code: 'invalid',
      message: expect.any(String),
      param: '$.line_items[0].quantity',
    });
    const wrongType = await post('/checkout_sessions/cs_1', { order_notes: 5 }, { 'Idempotency-Key': 'v2' });
    expect(wrongType.body.param).toBe('$.order_notes');
  });

  it('renders bad JSON as 400 invalid_json and unexpected errors as an opaque 500', async () => {
    const bad = await post('/checkout_sessions', '{"a":', { 'Idempotency-Key': 'j1' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ type: 'invalid_request', code: 'invalid_json' });
    failNext = 'throw';
    const boom = await post('/flaky', {}, { 'Idempotency-Key': 'boom' });
    expect(boom.status).toBe(500);
    expect(boom.body).toEqual({ type: 'processing_error', code: 'internal_error', message: expect.any(String) });
    expect(boom.text).not.toContain('secret');
  });

  it('writes JSONPath per RFC 9535', () => {
    expect(jsonPath([])).toBe('$');
    expect(jsonPath(['line_items', 0, 'quantity'])).toBe('$.line_items[0].quantity');
    expect(jsonPath(['metadata', "it's", 'a-b'])).toBe("$.metadata['it\\'s']['a-b']");
  });
});

describe('acpIdempotency (RFC §6)', () => {
  it('400 idempotency_key_required without a key; keys over 255 characters are refused', async () => {
    const r = await post('/checkout_sessions', { a: 1 });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      type: 'invalid_request',
      code: 'idempotency_key_required',
      message: 'Idempotency-Key header is required on all POST requests',
    });
    expect((await create({ a: 1 }, 'k'.repeat(256))).status).toBe(400);
    expect((await create({ a: 1 }, 'k'.repeat(255))).status).toBe(201);
    expect(calls.create).toBe(1);
  });

  it('replays the stored status, body and headers for the same key and body', async () => {
    const first = await create({ line_items: [{ id: 'a' }] }, 'replay-1', { 'Request-Id': 'r1' });
    expect(first.status).toBe(201);
    expect(first.headers.get('Idempotency-Key')).toBe('replay-1');
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    const again = await create({ line_items: [{ id: 'a' }] }, 'replay-1', { 'Request-Id': 'r2' });
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.headers.get('Idempotency-Key')).toBe('replay-1');
    expect(again.headers.get('Location')).toBe('/checkout_sessions/cs_1');
    expect(again.headers.get('Content-Type')).toMatch(/application\/json/);
    expect(again.headers.get('Request-Id')).toBe('r2');
    expect(again.headers.get('API-Version')).toBe(ACP_API_VERSION);
    expect(calls.create).toBe(1);
  });

  it('replays 4xx responses too (thrown protocol errors and validation failures)', async () => {
    const a = await post('/checkout_sessions/missing', {}, { 'Idempotency-Key': 'nf' });
    expect(a.status).toBe(404);
    const b = await post('/checkout_sessions/missing', {}, { 'Idempotency-Key': 'nf' });
    expect(b.status).toBe(404);
    expect(b.text).toBe(a.text);
    expect(b.headers.get('Idempotent-Replayed')).toBe('true');
    expect(calls.missing).toBe(1);
  });

  it('422 idempotency_conflict for the same key with another body', async () => {
    await create({ line_items: [{ id: 'a' }] }, 'conflict-1');
    const r = await create({ line_items: [{ id: 'b' }] }, 'conflict-1');
    expect(r.status).toBe(422);
    expect(r.body).toEqual({
      type: 'invalid_request',
      code: 'idempotency_conflict',
      message: 'Idempotency-Key has already been used with a different request body',
    });
    expect(r.headers.get('Idempotency-Key')).toBe('conflict-1');
    // Arrays are order-sensitive.
    await create({ line_items: [{ id: 'a' }, { id: 'b' }] }, 'order-1');
    expect((await create({ line_items: [{ id: 'b' }, { id: 'a' }] }, 'order-1')).status).toBe(422);
    expect(calls.create).toBe(2);
  });

  it('treats key order and 1.0 vs 1 as the same body', async () => {
    const first = await create({ a: 1, b: { c: 2.5, d: [1, 2] } }, 'equiv-1');
    const reordered = await create('{"b":{"d":[1.0,2e0],"c":2.50},"a":1.0}', 'equiv-1');
    expect(reordered.status).toBe(201);
    expect(reordered.headers.get('Idempotent-Replayed')).toBe('true');
    expect(reordered.text).toBe(first.text);
    expect(calls.create).toBe(1);
    expect(requestFingerprint({ b: 1, a: [1.0] })).toBe(requestFingerprint(JSON.parse('{"a":[1.0],"b":1}')));
  });

  it('null and an absent key are different bodies', async () => {
    await create({ a: 1 }, 'null-1');
    expect((await create({ a: 1, b: null }, 'null-1')).status).toBe(422);
    expect(requestFingerprint({})).not.toBe(requestFingerprint(undefined));
  });

  it('409 idempotency_in_flight with Retry-After while the first request runs', async () => {
    const first = app().request('/slow', {
      method: 'POST',
      headers: { ...base, 'Idempotency-Key': 'slow-1' },
      body: '{}',
    });
    await gate.entered;
    const second = await post('/slow', {}, { 'Idempotency-Key': 'slow-1' });
    expect(second.status).toBe(409);
    expect(second.headers.get('Retry-After')).toBe('1');
    expect(second.body).toEqual({
      type: 'invalid_request',
      code: 'idempotency_in_flight',
      message: 'A request with this Idempotency-Key is currently being processed',
    });
    // Another body while in flight is still a conflict.
    expect((await post('/slow', { x: 1 }, { 'Idempotency-Key': 'slow-1' })).status).toBe(422);
    gate.open();
    expect((await first).status).toBe(200);
    const replay = await post('/slow', {}, { 'Idempotency-Key': 'slow-1' });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(calls.slow).toBe(1);
  });

  it('does not cache a 5xx or a thrown error: the retry runs the handler again', async () => {
    failNext = 'status';
    expect((await post('/flaky', { a: 1 }, { 'Idempotency-Key': 'flaky-1' })).status).toBe(503);
    const retry = await post('/flaky', { a: 1 }, { 'Idempotency-Key': 'flaky-1' });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('Idempotent-Replayed')).toBeNull();
    expect(calls.flaky).toBe(2);
    failNext = 'throw';
    expect((await post('/flaky', { a: 2 }, { 'Idempotency-Key': 'flaky-2' })).status).toBe(500);
    expect((await post('/flaky', { a: 2 }, { 'Idempotency-Key': 'flaky-2' })).body).toEqual({ n: 4 });
    expect(calls.flaky).toBe(4);
  });

  it('scopes keys per path and per platform', async () => {
    await create({ a: 1 }, 'scope-1', { 'x-platform': 'p1' });
    // Same key and body, other platform: a new request.
    const other = await create({ a: 1 }, 'scope-1', { 'x-platform': 'p2' });
    expect(other.headers.get('Idempotent-Replayed')).toBeNull();
    // Same key, other path (and another body): independent.
    const update = await post(
      '/checkout_sessions/cs_9',
      { order_notes: 'x' },
      { 'Idempotency-Key': 'scope-1', 'x-platform': 'p1' },
    );
    expect(update.status).toBe(200);
    expect(update.headers.get('Idempotent-Replayed')).toBeNull();
    expect(calls).toEqual({ create: 2, cs_9: 1 });
    expect((await create({ a: 1 }, 'scope-1', { 'x-platform': 'p1' })).headers.get('Idempotent-Replayed')).toBe('true');
  });

  it('forgets keys after 24 hours; the daily prune deletes them', async () => {
    await create({ a: 1 }, 'expiry-1');
    clock.advance(23 * 3600_000);
    expect((await create({ a: 2 }, 'expiry-1')).status).toBe(422);
    clock.advance(3600_000 + 1000);
    // A reused key after retention is a new request, with any body.
    const fresh = await create({ a: 2 }, 'expiry-1');
    expect(fresh.status).toBe(201);
    expect(fresh.headers.get('Idempotent-Replayed')).toBeNull();
    expect(calls.create).toBe(2);

    const count = () =>
      withService(database.db, async (tx) =>
        Number(
          (
            await tx
              .selectFrom('acp_idempotency_keys')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ),
      );
    const before = await count();
    clock.advance(25 * 3600_000);
    await create({ a: 3 }, 'expiry-2');
    expect(await pruneAcpIdempotencyKeys(database.db, clock.now())).toBe(before);
    expect(await count()).toBe(1);
  });

  it('takes over a claim left in flight by a request that died', async () => {
    await withService(database.db, (tx) =>
      tx
        .insertInto('acp_idempotency_keys')
        .values({
          scope: 'anonymous',
          path: '/checkout_sessions',
          idempotency_key: 'dead-1',
          fingerprint: requestFingerprint({ a: 1 }),
          created_at: new Date(clock.now().getTime() - 10 * 60_000),
        })
        .execute(),
    );
    const r = await create({ a: 1 }, 'dead-1');
    expect(r.status).toBe(201);
    expect(calls.create).toBe(1);
  });

  it('the table is server-only: RLS on, no grants for anon or authenticated', async () => {
    const { rows } = await sql<{ rls: boolean; anon: boolean; auth: boolean }>`
      select c.relrowsecurity as rls,
        has_table_privilege('anon', 'acp_idempotency_keys', 'select') as anon,
        has_table_privilege('authenticated', 'acp_idempotency_keys', 'select,insert,update,delete') as auth
      from pg_class c where c.relname = 'acp_idempotency_keys'`.execute(database.db);
    expect(rows[0]).toEqual({ rls: true, anon: false, auth: false });
  });
});
