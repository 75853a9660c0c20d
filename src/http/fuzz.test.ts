import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { changedTables, fingerprint } from '../../test/fingerprint.ts';
import { recordTrial } from '../../test/reliability/trials.ts';
import { testDbKind } from '../db/testing.ts';

// Every operation in the OpenAPI document gets hostile input, signed in and anonymous: none may answer 5xx.
// `npm test` sends each operation a deterministic rotating share of the inputs (every input still reaches dozens of
// operations per caller), on PGlite only: validation answers before the database is asked. GALLERIST_FUZZ=full sends
// every input to every operation, on both databases.
const FULL = process.env.GALLERIST_FUZZ === 'full';

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; $ref?: string };
type Operation = {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
};
type Spec = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

const NASTY_TEXT = ['a\u0000b', '\ud800x', 'x\u001by'];
// Just under the 1 MB body limit, so it reaches the validators instead of the size check.
const HUGE = 'x'.repeat(1_000_000);
const NASTY_SEGMENTS = ['%00', '%ED%A0%80', '%E0%A4%A', '__proto__', 'constructor', 'x'.repeat(5000), randomUUID()];

function resolve(spec: Spec, s: Schema | undefined): Schema {
  if (!s?.$ref) return s ?? {};
  return resolve(spec, spec.components?.schemas?.[s.$ref.split('/').pop() as string]);
}

/** A value of the schema's shape whose strings are `text` (only the first one when `once`): right types, bad content. */
function sample(spec: Spec, schema: Schema | undefined, text: string, depth = 0, once?: { used: boolean }): unknown {
  const s = resolve(spec, schema);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (depth > 5) return null;
  if (type === 'object' || s.properties) {
    return Object.fromEntries(
      Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(spec, v, text, depth + 1, once)]),
    );
  }
  if (type === 'array') return [sample(spec, s.items, text, depth + 1, once)];
  if (type === 'integer' || type === 'number') return 1;
  if (type === 'boolean') return true;
  if (once?.used) return 'x';
  if (once) once.used = true;
  return text;
}

/** Whether the `k`-th of `n` variants goes to the operation at rotation `turn` (always, with GALLERIST_FUZZ=full). */
const picks = (turn: number, k: number, n: number, share = 1) => FULL || (turn + k) % n < share;

function bodies(spec: Spec, op: Operation, turn: number): string[] {
  const schema = op.requestBody?.content?.['application/json']?.schema;
  if (!schema) return [];
  const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
  return [
    '{"__proto__":{"isPlatformAdmin":true},"email":"a@b.co"}',
    '{"constructor":{"prototype":{"x":1}},"name":"x"}',
    '{"prototype":1}',
    '{"email": "a@b.co",',
    ...(picks(turn, 0, 3) ? [`{"a":${deep}}`] : []),
    ...NASTY_TEXT.filter((_, k) => picks(turn, k, NASTY_TEXT.length)).map((t) =>
      JSON.stringify(sample(spec, schema, t)),
    ),
    ...(picks(turn, 1, 3) ? [JSON.stringify(sample(spec, schema, HUGE, 0, { used: false }))] : []),
  ];
}

describe.skipIf(testDbKind() === 'postgres' && !FULL)('fuzzing every operation', () => {
  let app: TestApp;
  let spec: Spec;
  const clients: Array<{ name: string; cookie: string; csrf: string }> = [];

  async function browser(name: string, email?: string) {
    const first = await fetch(`${app.url}/api/auth/session`);
    const csrf = /gallerist_csrf=([^;]+)/.exec(first.headers.get('set-cookie') ?? '')?.[1] ?? '';
    let cookie = `gallerist_csrf=${csrf}`;
    if (email) {
      const res = await fetch(`${app.url}/api/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, cookie },
        body: JSON.stringify({ email, password: 'gallerist-demo' }),
      });
      expect(res.status).toBe(200);
      const set = res.headers.getSetCookie();
      const pick = (n: string) => set.map((c) => c.split(';')[0]).findLast((c) => c.startsWith(`${n}=`)) ?? '';
      cookie = [pick('gallerist_session'), pick('gallerist_csrf')].join('; ');
      clients.push({ name, cookie, csrf: pick('gallerist_csrf').split('=')[1] });
      return;
    }
    clients.push({ name, cookie, csrf });
  }

  beforeAll(async () => {
    app = await startTestApp();
    spec = (await (await fetch(`${app.url}/api/openapi.json`)).json()) as Spec;
    await browser('anonymous');
    await browser('platform admin', 'admin@demo.gallerist.dev');
    await browser('studio owner', 'studio@demo.gallerist.dev');
  });
  afterAll(() => app?.stop());

  // One test per kind of caller, so each stays short and a failure names who hit it.
  it.each(['anonymous', 'platform admin', 'studio owner'])(
    'answers %s no 5xx to prototype keys, control characters, lone surrogates, huge strings and deep nesting',
    async (who) => {
      const client = clients.find((c) => c.name === who);
      if (!client) throw new Error(`no client ${who}`);
      const failures: string[] = [];
      let sent = 0;
      const ops = Object.entries(spec.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
      );
      expect(ops.length).toBeGreaterThan(100);
      // Callers start the rotation at different points, so together they cover more pairs of input and operation.
      let turn = ['anonymous', 'platform admin', 'studio owner'].indexOf(who);
      // A rejected request writes nothing: the tables are compared before and after, unless some write succeeded.
      await app.settle();
      const before = await fingerprint(app.platform.deps.db);
      let acceptedWrites = 0;
      for (const { path, method, op } of ops) {
        // Webhooks are signature-checked; signing out would end the clients' sessions halfway through.
        if (path.startsWith('/webhooks/') || path === '/auth/sign-out') continue;
        const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        turn++;
        const urls = new Set<string>();
        NASTY_SEGMENTS.forEach((seg, k) => {
          if (picks(turn, k, NASTY_SEGMENTS.length, 2)) {
            urls.add(pathParams.reduce((p, name) => p.replace(`{${name}}`, seg), path));
          }
        });
        const uuidPath = pathParams.reduce((p, name) => p.replace(`{${name}}`, randomUUID()), path);
        [...queryParams, '__proto__', 'constructor'].forEach((q, k) => {
          if (picks(turn, k, 2)) urls.add(`${uuidPath}?${q}=%00`);
          if (picks(turn, k + 1, 2)) urls.add(`${uuidPath}?${q}=%ED%A0%80`);
        });
        const requests: Array<{ url: string; body?: string }> = [...urls].map((url) => ({ url }));
        for (const body of bodies(spec, op, turn)) requests.push({ url: uuidPath, body });
        for (const r of requests) {
          const res = await fetch(`${app.url}/api${r.url}`, {
            method,
            headers: {
              cookie: client.cookie,
              'x-csrf-token': client.csrf,
              ...(r.body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            body: method === 'GET' || method === 'HEAD' ? undefined : (r.body ?? '{}'),
          });
          sent++;
          if (res.status >= 500) {
            failures.push(
              `${client.name} ${method} ${r.url.slice(0, 80)} ${(r.body ?? '').slice(0, 60)} → ${res.status}`,
            );
          } else if (res.status >= 400) {
            const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
            if (!body?.error?.code) failures.push(`${client.name} ${method} ${r.url.slice(0, 80)}: no error shape`);
          } else {
            if (method !== 'GET' && method !== 'HEAD') acceptedWrites++;
            await res.body?.cancel();
          }
        }
      }
      await app.settle();
      const changed = acceptedWrites ? [] : changedTables(before, await fingerprint(app.platform.deps.db));
      recordTrial({
        test: `fuzzing every OpenAPI operation as ${who}`,
        database: testDbKind(),
        seed: 0,
        tried: { operations: ops.length, requests: sent, accepted_writes: acceptedWrites },
        lost: 0,
        duplicated: 0,
        leaked: 0,
        notes: [
          ...(failures.length ? [`${failures.length} responses outside the contract`, ...failures.slice(0, 5)] : []),
          ...changed.map((t) => `table ${t} changed by rejected requests`),
        ],
      });
      expect(failures).toEqual([]);
      expect(changed).toEqual([]);
      expect(sent).toBeGreaterThan(FULL ? 2000 : 1000);
    },
    FULL ? 300_000 : undefined,
  );
});
