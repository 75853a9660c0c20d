import type { Context } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { withService, withUser } from '../db/tenancy.ts';
import type { AppEnv } from '../http/context.ts';
import {
  clientIp,
  ensureCsrfToken,
  requireUser,
  SESSION_COOKIE,
  setSessionCookie,
  userActor,
} from '../http/middleware.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../http/openapi.ts';
import { consumeRateLimit } from './rate-limit.ts';
import * as S from './schema.ts';
import * as svc from './service.ts';

const AccountIdParam = z.object({ accountId: z.uuid('Unknown account') });

async function sessionPayload(c: Context<AppEnv>, user: S.UserT | null) {
  const { db } = c.get('deps');
  const memberships = user ? await withUser(db, { sub: user.id }, (tx) => svc.listMemberships(tx, user.id)) : [];
  return { user, memberships, csrfToken: ensureCsrfToken(c) };
}

async function startSession(c: Context<AppEnv>, user: S.UserT) {
  const { db, clock } = c.get('deps');
  const { token, expiresAt } = await withService(db, (tx) =>
    svc.createSession(tx, user.id, clock, { userAgent: c.req.header('user-agent'), ip: clientIp(c) }),
  );
  setSessionCookie(c, token, expiresAt);
  c.set('user', user);
}

/** Sign-up, sign-in, sessions, password reset, tenants and memberships (platform admin: admin-routes.ts). */
export const accountRoutes = createRouter()
  .openapi(
    route({
      method: 'get',
      path: '/auth/session',
      tags: ['Auth'],
      summary: 'The current session, memberships and CSRF token',
      responses: { 200: jsonResponse(S.SessionPayload) },
    }),
    async (c) => c.json(await sessionPayload(c, c.get('user')), 200),
  )
  .openapi(
    route({
      method: 'post',
      path: '/auth/sign-up',
      tags: ['Auth'],
      summary: 'Create a user and sign in',
      request: { body: jsonBody(S.SignUpInput) },
      responses: { 201: jsonResponse(S.SessionPayload, 'Signed up') },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { db, clock } = c.get('deps');
      await withService(db, (tx) => consumeRateLimit(tx, `signup:${clientIp(c)}`, 20, 3600, clock));
      const user = await withService(db, (tx) => svc.signUp(tx, input));
      await startSession(c, user);
      return c.json(await sessionPayload(c, user), 201);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/auth/sign-in',
      tags: ['Auth'],
      summary: 'Sign in with email and password (rate limited)',
      request: { body: jsonBody(S.SignInInput) },
      responses: { 200: jsonResponse(S.SessionPayload) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { db, clock } = c.get('deps');
      // Limits per address and per client; committed separately so failed attempts still count.
      await withService(db, async (tx) => {
        await consumeRateLimit(tx, `signin:email:${input.email}`, 10, 900, clock);
        await consumeRateLimit(tx, `signin:ip:${clientIp(c)}`, 50, 900, clock);
      });
      const user = await withService(db, (tx) => svc.signIn(tx, input));
      await startSession(c, user);
      return c.json(await sessionPayload(c, user), 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/auth/sign-out',
      tags: ['Auth'],
      summary: 'End the current session',
      responses: { 204: { description: 'Signed out' } },
    }),
    async (c) => {
      const token = getCookie(c, SESSION_COOKIE);
      if (token) await withService(c.get('deps').db, (tx) => svc.deleteSession(tx, token));
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/auth/password-reset',
      tags: ['Auth'],
      summary: 'Email a password reset link (always 202)',
      request: { body: jsonBody(S.ResetRequestInput) },
      responses: { 202: jsonResponse(z.object({ ok: z.literal(true) }), 'Accepted') },
    }),
    async (c) => {
      const { email } = c.req.valid('json');
      const { db, clock, config } = c.get('deps');
      await withService(db, async (tx) => {
        await consumeRateLimit(tx, `reset:${email}`, 5, 3600, clock);
        await svc.requestPasswordReset(tx, email, clock, config.publicUrl);
      });
      return c.json({ ok: true as const }, 202);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/auth/password-reset/confirm',
      tags: ['Auth'],
      summary: 'Set a new password from an emailed token and sign in',
      request: { body: jsonBody(S.ResetConfirmInput) },
      responses: { 200: jsonResponse(S.SessionPayload) },
    }),
    async (c) => {
      const { token, password } = c.req.valid('json');
      const { db, clock } = c.get('deps');
      const user = await withService(db, (tx) => svc.confirmPasswordReset(tx, token, password, clock));
      await startSession(c, user);
      return c.json(await sessionPayload(c, user), 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/accounts',
      tags: ['Accounts'],
      summary: "The signed-in user's accounts",
      responses: { 200: jsonResponse(z.object({ data: z.array(S.Membership) })) },
    }),
    async (c) => {
      const user = requireUser(c);
      const data = await withUser(c.get('deps').db, { sub: user.id }, (tx) => svc.listMemberships(tx, user.id));
      return c.json({ data }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/accounts',
      tags: ['Accounts'],
      summary: 'Create an account (tenant) owned by the signed-in user',
      request: { body: jsonBody(S.CreateAccountInput) },
      responses: { 201: jsonResponse(S.Membership, 'Created') },
    }),
    async (c) => {
      const user = requireUser(c);
      const input = c.req.valid('json');
      const actor = userActor(c, user.id);
      const m = await withService(c.get('deps').db, (tx) => svc.createAccount(tx, actor, input));
      return c.json(m, 201);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/accounts/{accountId}/members',
      tags: ['Accounts'],
      summary: 'Members of an account',
      request: { params: AccountIdParam },
      responses: { 200: jsonResponse(z.object({ data: z.array(S.Member) })) },
    }),
    async (c) => {
      const user = requireUser(c);
      const { accountId } = c.req.valid('param');
      const data = await withUser(c.get('deps').db, { sub: user.id }, async (tx) => {
        await svc.requireRole(tx, accountId, user.id, 'member');
        return svc.listMembers(tx, accountId);
      });
      return c.json({ data }, 200);
    },
  )
  .openapi(
    route({
      method: 'delete',
      path: '/accounts/{accountId}/members/{userId}',
      tags: ['Accounts'],
      summary: 'Remove a member (owners and admins)',
      request: { params: AccountIdParam.extend({ userId: z.uuid('Unknown user') }) },
      responses: { 204: { description: 'Removed' } },
    }),
    async (c) => {
      const user = requireUser(c);
      const { accountId, userId } = c.req.valid('param');
      const actor = userActor(c, user.id);
      await withUser(c.get('deps').db, { sub: user.id }, (tx) => svc.removeMember(tx, actor, accountId, userId));
      return c.body(null, 204);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/accounts/{accountId}/invitations',
      tags: ['Accounts'],
      summary: 'Pending invitations (owners and admins)',
      request: { params: AccountIdParam },
      responses: { 200: jsonResponse(z.object({ data: z.array(S.Invitation) })) },
    }),
    async (c) => {
      const user = requireUser(c);
      const { accountId } = c.req.valid('param');
      const { db, clock } = c.get('deps');
      const data = await withUser(db, { sub: user.id }, async (tx) => {
        await svc.requireRole(tx, accountId, user.id, 'admin');
        return svc.listInvitations(tx, accountId, clock);
      });
      return c.json({ data }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/accounts/{accountId}/invitations',
      tags: ['Accounts'],
      summary: 'Invite someone by email (owners and admins)',
      request: { params: AccountIdParam, body: jsonBody(S.InviteInput) },
      responses: { 201: jsonResponse(S.Invitation, 'Invited') },
    }),
    async (c) => {
      const user = requireUser(c);
      const { accountId } = c.req.valid('param');
      const input = c.req.valid('json');
      const { db, clock, config } = c.get('deps');
      const actor = userActor(c, user.id);
      const inv = await withUser(db, { sub: user.id }, (tx) =>
        svc.inviteMember(tx, actor, accountId, input, clock, config.publicUrl),
      );
      return c.json(inv, 201);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/invitations/accept',
      tags: ['Accounts'],
      summary: 'Accept an invitation as the signed-in user',
      request: { body: jsonBody(S.AcceptInviteInput) },
      responses: { 200: jsonResponse(S.Membership) },
    }),
    async (c) => {
      const user = requireUser(c);
      const { token } = c.req.valid('json');
      const { db, clock } = c.get('deps');
      const actor = userActor(c, user.id);
      return c.json(await withService(db, (tx) => svc.acceptInvitation(tx, actor, token, clock)), 200);
    },
  );
