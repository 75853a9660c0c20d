import { Hono } from 'hono';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/app.ts';
import { testClient } from '../../../test/http.ts';
import { withAnon, withService, withUser } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import type { AppEnv } from '../../http/context.ts';
import { agentPlatformAuth } from './auth.ts';
import { authenticateAgentPlatform, hashAgentToken, listAgentPlatforms, registerAgentPlatform } from './platforms.ts';

let app: TestApp;
let db: DB;
const ids: Record<string, string> = {};
const client = () => testClient({ request: (path, init) => fetch(`${app.url}${path}`, init) });
let admin: ReturnType<typeof client>;
let studio: ReturnType<typeof client>;
const url = '/api/admin/agent-platforms';

beforeAll(async () => {
  app = await startTestApp();
  db = app.platform.deps.db;
  for (const u of await db.selectFrom('users').select(['id', 'email']).execute()) ids[u.email] = u.id;
  admin = client();
  await admin.signIn('admin@demo.gallerist.dev');
  studio = client();
  await studio.signIn('studio@demo.gallerist.dev');
});
afterAll(() => app?.stop());

const row = (id: string) =>
  withService(db, (tx) => tx.selectFrom('agent_platforms').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
const auditOf = (id: string) =>
  withService(db, (tx) =>
    tx.selectFrom('audit_events').select('action').where('entity_id', '=', id).orderBy('created_at').execute(),
  ).then((r) => r.map((a) => a.action));

describe('agent platforms (admin API)', () => {
  it('registers a platform, shows the token once and stores only its hash', async () => {
    const created = await admin.post(url, {
      name: 'ChatGPT',
      webhookUrl: 'https://agent.example.com/acp/order_events',
      webhookSecret: 'a-shared-secret-of-32-characters',
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^gacp_[A-Za-z0-9_-]{43}$/);
    expect(created.body.token.startsWith(created.body.tokenPrefix)).toBe(true);
    expect(created.body).toMatchObject({
      name: 'ChatGPT',
      webhookUrl: 'https://agent.example.com/acp/order_events',
      webhookSecret: 'a-shared-secret-of-32-characters',
      createdBy: ids['admin@demo.gallerist.dev'],
      lastUsedAt: null,
      revokedAt: null,
    });

    const listed = await admin.get(url);
    expect(listed.status).toBe(200);
    const mine = listed.body.data.find((p: { id: string }) => p.id === created.body.id);
    expect(mine).toMatchObject({ name: 'ChatGPT', tokenPrefix: created.body.tokenPrefix });
    expect(mine).not.toHaveProperty('token');
    expect(mine).not.toHaveProperty('webhookSecret');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token.slice(-20));
    expect(JSON.stringify(listed.body)).not.toContain('a-shared-secret');

    const stored = await row(created.body.id);
    expect(stored.token_hash).toBe(hashAgentToken(created.body.token));
    expect(JSON.stringify(stored)).not.toContain(created.body.token);
    expect(stored.webhook_secret).toBe('a-shared-secret-of-32-characters');
    expect(await auditOf(created.body.id)).toEqual(['agent_platform.registered']);
  });

  it('generates a webhook secret when a URL comes without one, and none without a URL', async () => {
    const withUrl = await admin.post(url, { name: 'Gen', webhookUrl: 'https://gen.example.com/hook' });
    expect(withUrl.status).toBe(201);
    expect(withUrl.body.webhookSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect((await row(withUrl.body.id)).webhook_secret).toBe(withUrl.body.webhookSecret);
    const bare = await admin.post(url, { name: 'No hook' });
    expect(bare.status).toBe(201);
    expect(bare.body).toMatchObject({ webhookUrl: null, webhookSecret: null });
  });

  it('refuses bad input: no name, plain http off this machine, a short secret, unknown fields', async () => {
    for (const body of [
      { name: '' },
      { name: 'X', webhookUrl: 'http://agent.example.com/hook' },
      { name: 'X', webhookUrl: 'ftp://agent.example.com/hook' },
      { name: 'X', webhookUrl: 'https://agent.example.com/hook', webhookSecret: 'short' },
      { name: 'X', role: 'admin' },
    ]) {
      const r = await admin.post(url, body);
      expect({ body, status: r.status }).toEqual({ body, status: 400 });
    }
    // http is fine on the loopback interface (a local receiver).
    expect((await admin.post(url, { name: 'Local', webhookUrl: 'http://127.0.0.1:9999/hook' })).status).toBe(201);
  });

  it('sets, keeps and removes the webhook, returning a new secret once', async () => {
    const { body: p } = await admin.post(url, { name: 'Hooked later' });
    const hook = `${url}/${p.id}/webhook`;
    const set = await admin.put(hook, { webhookUrl: 'https://later.example.com/hook' });
    expect(set.status).toBe(200);
    expect(set.body.webhookUrl).toBe('https://later.example.com/hook');
    expect(set.body.webhookSecret).toMatch(/^whsec_/);
    // A new URL keeps the stored secret.
    const moved = await admin.put(hook, { webhookUrl: 'https://moved.example.com/hook' });
    expect(moved.body).toMatchObject({ webhookUrl: 'https://moved.example.com/hook', webhookSecret: null });
    expect((await row(p.id)).webhook_secret).toBe(set.body.webhookSecret);
    const rotated = await admin.put(hook, {
      webhookUrl: 'https://moved.example.com/hook',
      webhookSecret: 'rotated-secret-0123456789',
    });
    expect(rotated.body.webhookSecret).toBe('rotated-secret-0123456789');
    const removed = await admin.put(hook, { webhookUrl: null });
    expect(removed.body).toMatchObject({ webhookUrl: null, webhookSecret: null });
    expect(await row(p.id)).toMatchObject({ webhook_url: null, webhook_secret: null });
    expect(await auditOf(p.id)).toEqual([
      'agent_platform.registered',
      'agent_platform.webhook_updated',
      'agent_platform.webhook_updated',
      'agent_platform.webhook_updated',
      'agent_platform.webhook_updated',
    ]);
    expect((await admin.put(`${url}/00000000-0000-4000-8000-000000000000/webhook`, { webhookUrl: null })).status).toBe(
      404,
    );
  });

  it('revokes a platform once: its token stops working, a second revoke changes nothing', async () => {
    const { body: p } = await admin.post(url, { name: 'Soon gone' });
    expect(await authenticateAgentPlatform(db, p.token)).toEqual({ id: p.id, name: 'Soon gone' });
    const revoked = await admin.post(`${url}/${p.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const again = await admin.post(`${url}/${p.id}/revoke`);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    expect(await authenticateAgentPlatform(db, p.token)).toBeNull();
    expect(await auditOf(p.id)).toEqual(['agent_platform.registered', 'agent_platform.revoked']);
    // A revoked platform's webhook can't be changed any more.
    expect((await admin.put(`${url}/${p.id}/webhook`, { webhookUrl: null })).status).toBe(409);
  });

  it('refuses everyone but platform admins: signed-out 401, other users 403, and writes nothing', async () => {
    const before = await withService(db, (tx) => tx.selectFrom('agent_platforms').select('id').execute());
    const anon = client();
    expect((await anon.get(url)).status).toBe(401);
    expect((await anon.post(url, { name: 'Nope' })).status).toBe(401);
    expect((await studio.get(url)).status).toBe(403);
    expect((await studio.post(url, { name: 'Nope' })).status).toBe(403);
    const target = before[0].id;
    expect((await studio.post(`${url}/${target}/revoke`)).status).toBe(403);
    expect((await studio.put(`${url}/${target}/webhook`, { webhookUrl: null })).status).toBe(403);
    const after = await withService(db, (tx) =>
      tx.selectFrom('agent_platforms').select(['id', 'revoked_at']).execute(),
    );
    expect(after.length).toBe(before.length);
    expect(after.find((p) => p.id === target)?.revoked_at).toBeNull();
  });

  it('checks platform admin in the service too, whoever the actor claims to be', async () => {
    const studioUser = ids['studio@demo.gallerist.dev'];
    const actor = { kind: 'user', userId: ids['admin@demo.gallerist.dev'] };
    await expect(
      withUser(db, { sub: studioUser }, (tx) => registerAgentPlatform(tx, actor, { name: 'Sneaky' })),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(withUser(db, { sub: studioUser }, (tx) => listAgentPlatforms(tx))).rejects.toMatchObject({
      code: 'forbidden',
    });
    // Service role is not a platform admin either: these are admin actions, never the server's own.
    await expect(withService(db, (tx) => listAgentPlatforms(tx))).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('agent platforms (RLS)', () => {
  it('shows other signed-in users and anon nothing, and admins never the token hash or webhook secret', async () => {
    const total = await withService(db, (tx) =>
      sql<{ n: number }>`select count(*)::int as n from agent_platforms`.execute(tx),
    );
    expect(total.rows[0].n).toBeGreaterThan(0);
    const studioUser = ids['studio@demo.gallerist.dev'];
    const seen = await withUser(db, { sub: studioUser }, (tx) =>
      sql<{ n: number }>`select count(*)::int as n from agent_platforms`.execute(tx),
    );
    expect(seen.rows[0].n).toBe(0);
    const deliveries = await withUser(db, { sub: studioUser }, (tx) =>
      sql<{ n: number }>`select count(*)::int as n from agent_webhook_deliveries`.execute(tx),
    );
    expect(deliveries.rows[0].n).toBe(0);
    // A non-admin cannot write either.
    await expect(
      withUser(db, { sub: studioUser }, (tx) =>
        tx
          .insertInto('agent_platforms')
          .values({ name: 'x', token_hash: 'a'.repeat(64), token_prefix: 'gacp_xxxxxxxx', created_by: studioUser })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    for (const q of [sql`select count(*) from agent_platforms`, sql`select count(*) from agent_webhook_deliveries`]) {
      await expect(withAnon(db, (tx) => q.execute(tx))).rejects.toThrow(/permission denied/);
    }
    const adminUser = ids['admin@demo.gallerist.dev'];
    const adminSees = await withUser(db, { sub: adminUser }, (tx) =>
      sql<{ n: number }>`select count(*)::int as n from agent_platforms`.execute(tx),
    );
    expect(adminSees.rows[0].n).toBe(total.rows[0].n);
    for (const q of [sql`select token_hash from agent_platforms`, sql`select webhook_secret from agent_platforms`]) {
      await expect(withUser(db, { sub: adminUser }, (tx) => q.execute(tx))).rejects.toThrow(/permission denied/);
    }
  });
});

describe('authenticateAgentPlatform and agentPlatformAuth()', () => {
  let token = '';
  let id = '';
  const acp = new Hono<AppEnv>()
    .use(async (c, next) => {
      c.set('deps', app.platform.deps);
      await next();
    })
    .get('/acp/whoami', agentPlatformAuth(), (c) => c.json(c.var.platform));
  const call = (authorization?: string) =>
    acp.request('/acp/whoami', { headers: authorization ? { authorization } : {} });

  beforeAll(async () => {
    const { body } = await admin.post(url, { name: 'Auth test' });
    token = body.token;
    id = body.id;
  });

  it('resolves a live token, records last_used_at at most once a minute, and refuses garbage', async () => {
    expect(await authenticateAgentPlatform(db, token)).toEqual({ id, name: 'Auth test' });
    const first = (await row(id)).last_used_at;
    expect(first).not.toBeNull();
    expect(await authenticateAgentPlatform(db, token)).toEqual({ id, name: 'Auth test' });
    expect((await row(id)).last_used_at).toEqual(first);
    // Older than a minute: recorded again.
    await withService(db, (tx) =>
      tx
        .updateTable('agent_platforms')
        .set({ last_used_at: sql<Date>`now() - interval '2 minutes'` })
        .where('id', '=', id)
        .execute(),
    );
    const stale = (await row(id)).last_used_at;
    await authenticateAgentPlatform(db, token);
    expect((await row(id)).last_used_at!.getTime()).toBeGreaterThan(stale!.getTime());

    for (const garbage of [
      '',
      'gacp_',
      `${token}x`,
      token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      'gk_live_x',
    ]) {
      expect(await authenticateAgentPlatform(db, garbage)).toBeNull();
    }
  });

  it('sets c.var.platform for a live token and answers 401 in the flat ACP shape otherwise', async () => {
    const ok = await call(`Bearer ${token}`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id, name: 'Auth test' });
    for (const header of [undefined, token, 'Basic abc', 'Bearer ', `Bearer gacp_${'A'.repeat(43)}`]) {
      const r = await call(header);
      expect(r.status).toBe(401);
      const body = await r.json();
      expect(body).toEqual({ type: 'invalid_request', code: 'unauthorized', message: expect.any(String) });
    }
    await admin.post(`${url}/${id}/revoke`);
    const revoked = await call(`Bearer ${token}`);
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ type: 'invalid_request', code: 'unauthorized' });
  });
});
