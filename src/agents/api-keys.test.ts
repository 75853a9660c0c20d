import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { testClient } from '../../test/http.ts';
import { withAnon, withService, withUser } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { authenticateApiKey, createApiKey, hashApiKey } from './api-keys.ts';

let app: TestApp;
let db: DB;
const ids: Record<string, string> = {};
const client = () => testClient({ request: (path, init) => fetch(`${app.url}${path}`, init) });
let studio: ReturnType<typeof client>;

beforeAll(async () => {
  app = await startTestApp();
  db = app.platform.deps.db;
  for (const a of await db.selectFrom('accounts').select(['id', 'slug']).execute()) ids[a.slug] = a.id;
  for (const u of await db.selectFrom('users').select(['id', 'email']).execute()) ids[u.email] = u.id;
  studio = client();
  await studio.signIn('studio@demo.gallerist.dev');
});
afterAll(() => app?.stop());

const keysUrl = (slug: string) => `/api/accounts/${ids[slug]}/api-keys`;

describe('API keys', () => {
  it('lets an owner create a key, returns the secret once, lists it without the secret, and authenticates it', async () => {
    const created = await studio.post(keysUrl('lumen-photography'), { name: 'Claude Desktop', role: 'admin' });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^gk_live_[A-Za-z0-9_-]{43}$/);
    expect(created.body).toMatchObject({ name: 'Claude Desktop', role: 'admin', revokedAt: null, lastUsedAt: null });
    expect(created.body.secret.startsWith(created.body.prefix)).toBe(true);

    const listed = await studio.get(keysUrl('lumen-photography'));
    expect(listed.status).toBe(200);
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.data[0]).not.toHaveProperty('secret');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret.slice(-20));

    const principal = await authenticateApiKey(db, created.body.secret);
    expect(principal).toEqual({
      keyId: created.body.id,
      accountId: ids['lumen-photography'],
      accountKind: 'studio',
      role: 'admin',
      userId: ids['studio@demo.gallerist.dev'],
    });
    const row = await withService(db, (tx) =>
      tx.selectFrom('api_keys').selectAll().where('id', '=', created.body.id).executeTakeFirstOrThrow(),
    );
    expect(row.secret_hash).toBe(hashApiKey(created.body.secret));
    expect(row.last_used_at).not.toBeNull();
    const audit = await withService(db, (tx) =>
      tx.selectFrom('audit_events').select('action').where('entity_id', '=', created.body.id).execute(),
    );
    expect(audit.map((a) => a.action)).toEqual(['api_key.created']);
  });

  it('refuses revoked, unknown and malformed keys, and audits the revocation', async () => {
    const created = await studio.post(keysUrl('lumen-photography'), { name: 'Short-lived' });
    expect(created.body.role).toBe('member');
    await authenticateApiKey(db, created.body.secret);
    const del = await studio.del(`${keysUrl('lumen-photography')}/${created.body.id}`);
    expect(del.status).toBe(204);
    await expect(authenticateApiKey(db, created.body.secret)).rejects.toMatchObject({ code: 'unauthenticated' });
    // A second revoke is a no-op, not an error.
    expect((await studio.del(`${keysUrl('lumen-photography')}/${created.body.id}`)).status).toBe(204);
    const listed = await studio.get(keysUrl('lumen-photography'));
    expect(listed.body.data.find((k: { id: string }) => k.id === created.body.id).revokedAt).not.toBeNull();
    const wrong = `${created.body.secret.slice(0, -4)}AAAA`;
    for (const bad of [wrong, 'gk_live_short', '', `${created.body.secret}x`]) {
      await expect(authenticateApiKey(db, bad)).rejects.toMatchObject({ code: 'unauthenticated' });
    }
    const audit = await withService(db, (tx) =>
      tx
        .selectFrom('audit_events')
        .select(['action', 'actor_user_id'])
        .where('entity_id', '=', created.body.id)
        .orderBy('created_at')
        .execute(),
    );
    expect(audit.map((a) => a.action)).toEqual(['api_key.created', 'api_key.revoked']);
    expect(audit[1].actor_user_id).toBe(ids['studio@demo.gallerist.dev']);
  });

  it('refuses plain members (403), non-members (404) and signed-out callers (401), writing nothing', async () => {
    const before = await withService(db, (tx) => tx.selectFrom('api_keys').select('id').execute());
    const member = client();
    await member.signIn('member@demo.gallerist.dev');
    expect((await member.post(keysUrl('acme-corp'), { name: 'Mine' })).status).toBe(403);
    expect((await member.get(keysUrl('acme-corp'))).status).toBe(403);
    const stranger = client();
    const anon = await stranger.post(keysUrl('acme-corp'), { name: 'Nope' });
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe('unauthenticated');
    expect((await stranger.get(keysUrl('acme-corp'))).status).toBe(401);
    // The studio's owner is no member of Acme: 404, as if it did not exist.
    expect((await studio.post(keysUrl('acme-corp'), { name: 'Nope' })).status).toBe(404);
    expect((await studio.get(keysUrl('acme-corp'))).status).toBe(404);
    const admin = client();
    await admin.signIn('admin@demo.gallerist.dev');
    expect((await admin.get(keysUrl('acme-corp'))).status).toBe(404);
    const after = await withService(db, (tx) => tx.selectFrom('api_keys').select('id').execute());
    expect(after.length).toBe(before.length);
  });

  it('answers bad input with a 4xx error body, never a 500', async () => {
    const url = keysUrl('lumen-photography');
    const cases: Array<[string, Promise<{ status: number; body: { error?: { code: string } } }>]> = [
      ['empty name', studio.post(url, { name: '  ' })],
      ['owner role', studio.post(url, { name: 'X', role: 'owner' })],
      ['unknown field', studio.post(url, { name: 'X', secret: 'mine' })],
      ['long name', studio.post(url, { name: 'x'.repeat(101) })],
      ['not json', studio.post(url, '{nope')],
      ['bad account id', studio.get('/api/accounts/not-a-uuid/api-keys')],
      ['bad key id', studio.del(`${url}/not-a-uuid`)],
      ['unknown key', studio.del(`${url}/00000000-0000-4000-8000-000000000000`)],
    ];
    for (const [name, call] of cases) {
      const r = await call;
      expect({ name, status: r.status >= 400 && r.status < 500, code: typeof r.body?.error?.code }).toEqual({
        name,
        status: true,
        code: 'string',
      });
    }
  });

  it("never acts above its creator's current role, and dies with the creator's membership", async () => {
    const org = ids['org@demo.gallerist.dev'];
    const acme = ids['acme-corp'];
    const key = await withUser(db, { sub: org }, (tx) =>
      createApiKey(tx, { kind: 'test', userId: org }, acme, { name: 'Org admin key', role: 'admin' }),
    );
    expect((await authenticateApiKey(db, key.secret)).role).toBe('admin');
    await withService(db, (tx) =>
      tx
        .updateTable('memberships')
        .set({ role: 'member' })
        .where('account_id', '=', acme)
        .where('user_id', '=', org)
        .execute(),
    );
    expect((await authenticateApiKey(db, key.secret)).role).toBe('member');
    await withService(db, (tx) =>
      tx.deleteFrom('memberships').where('account_id', '=', acme).where('user_id', '=', org).execute(),
    );
    await expect(authenticateApiKey(db, key.secret)).rejects.toMatchObject({ code: 'unauthenticated' });
    await withService(db, (tx) =>
      tx.insertInto('memberships').values({ account_id: acme, user_id: org, role: 'admin' }).execute(),
    );
  });

  it('RLS: admins read their own account’s keys but never the hash; members, other tenants and anon read nothing', async () => {
    const lumen = ids['lumen-photography'];
    const owner = await withUser(db, { sub: ids['studio@demo.gallerist.dev'] }, (tx) =>
      tx.selectFrom('api_keys').select(['id', 'account_id']).execute(),
    );
    expect(owner.length).toBeGreaterThan(0);
    expect(owner.every((k) => k.account_id === lumen)).toBe(true);
    await expect(
      withUser(db, { sub: ids['studio@demo.gallerist.dev'] }, (tx) =>
        sql`select secret_hash from api_keys`.execute(tx),
      ),
    ).rejects.toThrow(/permission denied/);
    // Acme's member sees none of Acme's keys (one exists from the test above), the artist none of Lumen's.
    for (const email of ['member@demo.gallerist.dev', 'artist@demo.gallerist.dev']) {
      const seen = await withUser(db, { sub: ids[email] }, (tx) => tx.selectFrom('api_keys').select('id').execute());
      expect(seen).toEqual([]);
    }
    await expect(withAnon(db, (tx) => sql`select id from api_keys`.execute(tx))).rejects.toThrow(/permission denied/);
    await expect(
      withUser(db, { sub: ids['studio@demo.gallerist.dev'] }, (tx) =>
        tx.updateTable('api_keys').set({ revoked_at: null }).where('account_id', '=', lumen).execute(),
      ),
    ).rejects.toThrow(/permission denied/);
  });
});
