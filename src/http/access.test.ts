import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDeps } from '../../test/http.ts';
import type { Database } from '../db/connect.ts';
import { createDemoTestDatabase } from '../db/testing.ts';
import type { Tx } from '../db/types.ts';
import { accountRole, platformAdmin, signedIn } from './access.ts';
import type { AppEnv, AuthUser } from './context.ts';
import { errorHandler } from './middleware.ts';

let database: Database;
const users: Record<string, AuthUser> = {};
const accounts: Record<string, string> = {};

// A bare app: the access middlewares on their own, with the caller named by a header instead of a session.
function app() {
  const deps = testDeps(database);
  const who = createMiddleware<AppEnv>(async (c, next) => {
    c.set('deps', deps);
    c.set('requestId', 'req-1');
    c.set('log', deps.logger);
    c.set('user', users[c.req.header('x-as') ?? ''] ?? null);
    await next();
  });
  return new Hono<AppEnv>()
    .use(who)
    .onError(errorHandler)
    .get('/me', signedIn(), async (c) => c.json(await c.var.access.tx(async (tx) => currentSub(tx))))
    .get('/admin', platformAdmin(), (c) => c.json({ id: c.var.access.user.id }))
    .get('/studios/:accountId', accountRole({ kind: 'studio', min: 'admin' }), async (c) =>
      c.json(await c.var.access.tx(async (tx, account) => ({ ...account, sub: await currentSub(tx) }))),
    )
    .get('/read/:accountId', accountRole({ min: 'member', platformAdmins: true }), async (c) =>
      c.json(await c.var.access.tx(async (_tx, account) => account)),
    )
    .get('/forgot/:accountId', accountRole({ min: 'member' }), (c) => c.json({ leaked: true }));
}

async function currentSub(tx: Tx) {
  const { rows } = await sql<{ sub: string | null; role: string }>`
    select current_setting('request.jwt.claims', true)::jsonb ->> 'sub' as sub, current_user as role`.execute(tx);
  return rows[0];
}

beforeAll(async () => {
  database = await createDemoTestDatabase();
  for (const u of await database.db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'is_platform_admin'])
    .execute()) {
    users[u.email.split('@')[0]] = { id: u.id, email: u.email, name: u.name, isPlatformAdmin: u.is_platform_admin };
  }
  for (const a of await database.db.selectFrom('accounts').select(['id', 'slug']).execute()) accounts[a.slug] = a.id;
});
afterAll(() => database.close());

const get = async (path: string, as?: string) => {
  const res = await app().request(path, { headers: as ? { 'x-as': as } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

describe('route access middlewares', () => {
  it('signedIn: 401 for strangers; the work runs as the caller under RLS', async () => {
    expect((await get('/me')).status).toBe(401);
    const r = await get('/me', 'studio');
    expect(r.body).toEqual({ sub: users.studio.id, role: 'authenticated' });
  });

  it('platformAdmin: 401 for strangers, 403 for other users', async () => {
    expect((await get('/admin')).status).toBe(401);
    expect((await get('/admin', 'studio')).status).toBe(403);
    expect((await get('/admin', 'admin')).body).toEqual({ id: users.admin.id });
  });

  it('accountRole: checks kind and role inside the one transaction the work runs in', async () => {
    const studio = accounts['lumen-photography'];
    const ok = await get(`/studios/${studio}`, 'studio');
    expect(ok.body).toEqual({ id: studio, role: 'owner', sub: { sub: users.studio.id, role: 'authenticated' } });
    // Outsiders, wrong kinds, malformed ids and unknown ids all read as a missing studio: nothing to probe.
    for (const [id, as] of [
      [studio, 'artist'],
      [accounts['mira-okafor'], 'artist'],
      ['not-a-uuid', 'studio'],
      ['00000000-0000-4000-8000-000000000000', 'studio'],
    ]) {
      const r = await get(`/studios/${id}`, as);
      expect(r.status, `${as} on ${id}`).toBe(404);
      expect(r.body.error).toMatchObject({ code: 'not_found', message: 'Studio not found' });
    }
    // A platform admin isn't a member: 404 unless the route lets admins read.
    expect((await get(`/studios/${studio}`, 'admin')).status).toBe(404);
    expect((await get('/studios/x')).status).toBe(401);
  });

  it('accountRole: 403 below the route’s role, and platform admins only where the route says so', async () => {
    const acme = accounts['acme-corp'];
    const member = await get(`/read/${acme}`, 'member');
    expect(member.body).toEqual({ id: acme, role: 'member' });
    expect((await get(`/read/${acme}`, 'admin')).body).toEqual({ id: acme, role: null });
    expect((await get(`/read/${acme}`, 'studio')).status).toBe(404);
    const lumen = accounts['lumen-photography'];
    await database.db
      .insertInto('memberships')
      .values({ account_id: lumen, user_id: users.member.id, role: 'member' })
      .execute();
    const low = await get(`/studios/${lumen}`, 'member');
    expect(low.status).toBe(403);
    expect(low.body.error.message).toBe('Only account admins can do this');
  });

  it('fails closed: a handler that never runs its work through access.tx is a 500, never a success', async () => {
    const r = await get(`/forgot/${accounts['acme-corp']}`, 'member');
    expect(r.status).toBe(500);
    expect(r.body).not.toHaveProperty('leaked');
  });
});
