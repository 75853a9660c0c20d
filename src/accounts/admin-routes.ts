import type { Clock } from '../clock.ts';
import { countMeta, pageMeta } from '../db/keyset.ts';
import type { Tx } from '../db/types.ts';
import { platformAdmin, type UserAccess } from '../http/access.ts';
import type { Deps } from '../http/context.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../http/openapi.ts';
import * as svc from './admin-users.ts';
import { AccountKind, AdminAccount as AdminAccountOut, AdminUser as AdminUserOut, Page, Role } from './schema.ts';

// Query flags arrive as strings; only the literal words count, anything else is a 400.
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const UserQuery = Page.extend({ admin: flag.optional(), suspended: flag.optional() });
const AccountQuery = Page.extend({ suspended: flag.optional(), kind: AccountKind.optional() });
const UserParam = z.object({ userId: z.uuid('Unknown user') });
const AccountParam = z.object({ accountId: z.uuid('Unknown account') });
const Reason = z.string().trim().max(1000, 'Use at most 1000 characters');
const RequiredReason = z.strictObject({ reason: Reason.min(1, 'Give a reason') });
const OptionalReason = z.strictObject({ reason: Reason.optional() });

const pageOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), ...pageMeta, ...countMeta });
const UserDetailOut = z
  .object({
    user: AdminUserOut,
    memberships: z.array(
      z.object({
        accountId: z.uuid(),
        slug: z.string(),
        name: z.string(),
        kind: AccountKind,
        role: Role,
        accountSuspendedAt: z.string().nullable(),
      }),
    ),
    audit: z.array(
      z.object({
        id: z.string(),
        action: z.string(),
        actor: z.string(),
        actorUserId: z.string().nullable(),
        actorEmail: z.string().nullable(),
        after: z.unknown(),
        createdAt: z.string(),
      }),
    ),
  })
  .openapi('AdminUserDetail');

const admin = platformAdmin();

/** Runs one audited change as the signed-in platform admin, under their RLS, and returns its result. */
function asAdmin<T>(
  c: { var: { access: UserAccess; deps: Deps } },
  fn: (tx: Tx, actor: UserAccess['actor'], clock: Clock) => Promise<T>,
) {
  const { access, deps } = c.var;
  return access.tx((tx) => fn(tx, access.actor, deps.clock));
}

const userAction = (path: string, summary: string, body: z.ZodType) =>
  route({
    method: 'post',
    path: `/admin/users/{userId}/${path}`,
    tags: ['Admin'],
    middleware: admin,
    summary,
    request: { params: UserParam, body: jsonBody(body) },
    responses: { 200: jsonResponse(z.object({ user: AdminUserOut })) },
  });

/** Platform-admin user and tenant management: search, detail, admin rights, suspension. */
export const adminAccountRoutes = createRouter()
  .openapi(
    route({
      method: 'get',
      path: '/admin/users',
      tags: ['Admin'],
      middleware: admin,
      summary: 'Search users, filter by admin and suspended; newest first, a cursor page at a time (platform admins)',
      request: { query: UserQuery },
      responses: { 200: jsonResponse(pageOf(AdminUserOut)) },
    }),
    async (c) => {
      const f = c.req.valid('query');
      return c.json(await c.var.access.tx((tx) => svc.searchUsers(tx, f)), 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/admin/users/{userId}',
      tags: ['Admin'],
      middleware: admin,
      summary: 'One user with memberships and recent audit events (platform admins)',
      request: { params: UserParam },
      responses: { 200: jsonResponse(UserDetailOut) },
    }),
    async (c) => {
      const { userId } = c.req.valid('param');
      return c.json(await c.var.access.tx((tx) => svc.getUserDetail(tx, userId)), 200);
    },
  )
  .openapi(userAction('grant-admin', 'Grant platform admin', OptionalReason), async (c) => {
    const { userId } = c.req.valid('param');
    const { reason } = c.req.valid('json') as { reason?: string };
    const user = await asAdmin(c, (tx, actor, clock) => svc.setPlatformAdmin(tx, actor, userId, true, reason, clock));
    return c.json({ user }, 200);
  })
  .openapi(
    userAction('revoke-admin', 'Revoke platform admin (not yourself, not the last one)', OptionalReason),
    async (c) => {
      const { userId } = c.req.valid('param');
      const { reason } = c.req.valid('json') as { reason?: string };
      const user = await asAdmin(c, (tx, actor, clock) =>
        svc.setPlatformAdmin(tx, actor, userId, false, reason, clock),
      );
      return c.json({ user }, 200);
    },
  )
  .openapi(userAction('suspend', 'Suspend a user: ends sessions, blocks sign-in', RequiredReason), async (c) => {
    const { userId } = c.req.valid('param');
    const { reason } = c.req.valid('json') as { reason: string };
    const user = await asAdmin(c, (tx, actor, clock) => svc.suspendUser(tx, actor, userId, reason, clock));
    return c.json({ user }, 200);
  })
  .openapi(userAction('unsuspend', 'Lift a user suspension', OptionalReason), async (c) => {
    const { userId } = c.req.valid('param');
    const { reason } = c.req.valid('json') as { reason?: string };
    const user = await asAdmin(c, (tx, actor, clock) => svc.unsuspendUser(tx, actor, userId, reason, clock));
    return c.json({ user }, 200);
  })
  .openapi(
    route({
      method: 'get',
      path: '/admin/accounts',
      tags: ['Admin'],
      middleware: admin,
      summary: 'Search accounts, filter by suspended and kind; newest first, a cursor page at a time (platform admins)',
      request: { query: AccountQuery },
      responses: { 200: jsonResponse(pageOf(AdminAccountOut)) },
    }),
    async (c) => {
      const f = c.req.valid('query');
      return c.json(await c.var.access.tx((tx) => svc.searchAccounts(tx, f)), 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/admin/accounts/{accountId}/suspend',
      tags: ['Admin'],
      middleware: admin,
      summary: 'Suspend an account: hidden from the marketplace, no new sales',
      request: { params: AccountParam, body: jsonBody(RequiredReason) },
      responses: { 200: jsonResponse(z.object({ id: z.uuid(), suspendedAt: z.string().nullable() })) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const { reason } = c.req.valid('json');
      const r = await asAdmin(c, (tx, actor, clock) =>
        svc.setAccountSuspended(tx, actor, accountId, true, reason, clock),
      );
      return c.json(r, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/admin/accounts/{accountId}/unsuspend',
      tags: ['Admin'],
      middleware: admin,
      summary: 'Lift an account suspension',
      request: { params: AccountParam, body: jsonBody(OptionalReason) },
      responses: { 200: jsonResponse(z.object({ id: z.uuid(), suspendedAt: z.string().nullable() })) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const { reason } = c.req.valid('json');
      const r = await asAdmin(c, (tx, actor, clock) =>
        svc.setAccountSuspended(tx, actor, accountId, false, reason, clock),
      );
      return c.json(r, 200);
    },
  );
