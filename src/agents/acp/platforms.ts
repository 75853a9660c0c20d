import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { type Actor, recordAudit } from '../../audit/index.ts';
import { asService, withService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { AppError, forbidden, notFound } from '../../errors.ts';

/** An authenticated agent platform, as the ACP routes see it (`c.var.platform`). */
export interface AgentPlatform {
  id: string;
  name: string;
}

/** A platform as admin lists show it: never the token, its hash or the webhook secret. */
export interface AgentPlatformView {
  id: string;
  name: string;
  tokenPrefix: string;
  webhookUrl: string | null;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** What registering returns, once: the bearer token, and the webhook secret when this call set one. */
export interface AgentPlatformCreated extends AgentPlatformView {
  token: string;
  webhookSecret: string | null;
}

/** The caller of an admin action: a signed-in user, run under withUser. */
export type AdminActor = Actor & { userId: string };

const TOKEN_PREFIX = 'gacp_';
// `gacp_` plus 8 random characters: tells tokens apart in lists, far too little to guess the rest.
const SHOWN_CHARS = TOKEN_PREFIX.length + 8;
const TOKEN_PATTERN = /^gacp_[A-Za-z0-9_-]{43}$/;
const SECRET_PREFIX = 'whsec_';
// last_used_at is bookkeeping: one write a minute at most, not one per ACP request.
const LAST_USED_EVERY = '1 minute';

/** sha256 hex of a token: tokens are 32 random bytes, so a fast hash is enough (no dictionary to slow down). */
export const hashAgentToken = (token: string) => createHash('sha256').update(token).digest('hex');

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

const viewColumns = [
  'id',
  'name',
  'token_prefix',
  'webhook_url',
  'created_by',
  'created_at',
  'last_used_at',
  'revoked_at',
] as const;

function toView(r: {
  id: string;
  name: string;
  token_prefix: string;
  webhook_url: string | null;
  created_by: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}): AgentPlatformView {
  return {
    id: r.id,
    name: r.name,
    tokenPrefix: r.token_prefix,
    webhookUrl: r.webhook_url,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    lastUsedAt: iso(r.last_used_at),
    revokedAt: iso(r.revoked_at),
  };
}

/** 403 unless the transaction's own user (withUser claims, not a claimed actor) is an active platform admin. */
async function requirePlatformAdmin(db: DB): Promise<void> {
  const { rows } = await sql<{ ok: boolean }>`select app.is_platform_admin() as ok`.execute(db);
  if (!rows[0]?.ok) throw forbidden('Platform admins only');
}

const invalid = (field: string, message: string) =>
  new AppError('validation_failed', message, { fieldErrors: { [field]: [message] }, formErrors: [] });
const invalidUrl = (message: string) => invalid('webhookUrl', message);
const loopback = new Set(['localhost', '127.0.0.1', '[::1]']);

/** ACP requires HTTPS; plain http is accepted only on this machine (local receivers, tests). Returns the URL as parsed. */
export function checkWebhookUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidUrl('Enter a full URL, e.g. https://agent.example.com/webhooks/acp');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback.has(url.hostname))) {
    throw invalidUrl('The webhook URL must use https');
  }
  if (url.username || url.password) throw invalidUrl('Leave credentials out of the webhook URL');
  if (url.href.length > 2000) throw invalidUrl('Use a URL of at most 2000 characters');
  return url.href;
}

function checkSecret(value: string): string {
  if (value.length < 16 || value.length > 200) {
    throw invalid('webhookSecret', 'Use a webhook secret of 16 to 200 characters');
  }
  return value;
}

const newSecret = () => `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;

/**
 * Registers an agent platform (platform admins, under withUser) and returns its bearer token once: only the hash is
 * stored. With a webhook URL and no secret, a secret is generated; either way the secret in effect is returned once.
 */
export async function registerAgentPlatform(
  db: DB,
  actor: AdminActor,
  input: { name: string; webhookUrl?: string | null; webhookSecret?: string | null },
): Promise<AgentPlatformCreated> {
  await requirePlatformAdmin(db);
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100) {
    throw invalid('name', 'Name the platform (at most 100 characters)');
  }
  const webhookUrl = input.webhookUrl ? checkWebhookUrl(input.webhookUrl) : null;
  const webhookSecret = input.webhookSecret ? checkSecret(input.webhookSecret) : webhookUrl ? newSecret() : null;
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const row = await db
    .insertInto('agent_platforms')
    .values({
      name,
      token_hash: hashAgentToken(token),
      token_prefix: token.slice(0, SHOWN_CHARS),
      webhook_url: webhookUrl,
      webhook_secret: webhookSecret,
      created_by: actor.userId,
    })
    .returning(viewColumns)
    .executeTakeFirstOrThrow();
  const view = toView(row);
  await recordAudit(db, actor, {
    action: 'agent_platform.registered',
    entityType: 'agent_platform',
    entityId: view.id,
    after: { name: view.name, tokenPrefix: view.tokenPrefix, webhookUrl: view.webhookUrl },
  });
  return { ...view, token, webhookSecret };
}

/** Every registered platform, newest first, revoked ones included (platform admins, under withUser). */
export async function listAgentPlatforms(db: DB): Promise<AgentPlatformView[]> {
  await requirePlatformAdmin(db);
  const rows = await db
    .selectFrom('agent_platforms')
    .select(viewColumns)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toView);
}

async function findPlatform(db: DB, id: string) {
  const row = await db.selectFrom('agent_platforms').select(viewColumns).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Agent platform');
  return row;
}

/** Revokes a platform's token at once (platform admins, under withUser); revoking twice is a no-op. */
export async function revokeAgentPlatform(db: DB, actor: AdminActor, id: string): Promise<AgentPlatformView> {
  await requirePlatformAdmin(db);
  const row = await findPlatform(db, id);
  if (row.revoked_at) return toView(row);
  const updated = await db
    .updateTable('agent_platforms')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returning(viewColumns)
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, { action: 'agent_platform.revoked', entityType: 'agent_platform', entityId: id });
  return toView(updated);
}

/**
 * Sets or clears a platform's webhook (platform admins, under withUser). `webhookUrl: null` removes the URL and the
 * secret; a URL keeps the stored secret unless a new one is given, and gets a generated one if there is none. The
 * secret this call set (given or generated) is returned once; `null` when it kept or cleared it.
 */
export async function updateAgentPlatformWebhook(
  db: DB,
  actor: AdminActor,
  id: string,
  input: { webhookUrl: string | null; webhookSecret?: string | null },
): Promise<AgentPlatformView & { webhookSecret: string | null }> {
  await requirePlatformAdmin(db);
  const before = await findPlatform(db, id);
  if (before.revoked_at) throw new AppError('invalid_state', 'This platform has been revoked');
  const webhookUrl = input.webhookUrl ? checkWebhookUrl(input.webhookUrl) : null;
  let secret: string | null = null;
  if (webhookUrl) {
    if (input.webhookSecret) secret = checkSecret(input.webhookSecret);
    else {
      // Admins never read a stored secret back (column grants), so whether there is one is the server's to say.
      const stored = await asService(db, (tx) =>
        tx.selectFrom('agent_platforms').select('webhook_secret').where('id', '=', id).executeTakeFirstOrThrow(),
      );
      if (!stored.webhook_secret) secret = newSecret();
    }
  }
  const row = await db
    .updateTable('agent_platforms')
    .set({
      webhook_url: webhookUrl,
      ...(webhookUrl === null ? { webhook_secret: null } : secret ? { webhook_secret: secret } : {}),
    })
    .where('id', '=', id)
    .returning(viewColumns)
    .executeTakeFirstOrThrow();
  const view = toView(row);
  await recordAudit(db, actor, {
    action: 'agent_platform.webhook_updated',
    entityType: 'agent_platform',
    entityId: id,
    before: { webhookUrl: before.webhook_url },
    after: { webhookUrl: view.webhookUrl, secretChanged: secret !== null || webhookUrl === null },
  });
  return { ...view, webhookSecret: secret };
}

/**
 * The platform a bearer token belongs to, or null: unknown, malformed and revoked tokens all read the same. Finds the
 * row by the token's sha256 (the secret itself is never compared byte by byte) and records last_used_at at most once
 * a minute. Runs as service in its own transaction (or the caller's).
 */
export async function authenticateAgentPlatform(db: DB, bearerToken: string): Promise<AgentPlatform | null> {
  if (!TOKEN_PATTERN.test(bearerToken)) return null;
  const hash = hashAgentToken(bearerToken);
  return withService(db, async (tx) => {
    const row = await tx
      .selectFrom('agent_platforms')
      .select(['id', 'name', 'token_hash', 'revoked_at'])
      .where('token_hash', '=', hash)
      .executeTakeFirst();
    if (!row || row.revoked_at) return null;
    if (!timingSafeEqual(Buffer.from(row.token_hash, 'hex'), Buffer.from(hash, 'hex'))) return null;
    await tx
      .updateTable('agent_platforms')
      .set({ last_used_at: sql<Date>`now()` })
      .where('id', '=', row.id)
      .where((eb) =>
        eb.or([
          eb('last_used_at', 'is', null),
          eb('last_used_at', '<', sql<Date>`now() - ${sql.lit(LAST_USED_EVERY)}::interval`),
        ]),
      )
      .execute();
    return { id: row.id, name: row.name };
  });
}
