import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { recordAudit } from '../audit/service.ts';
import { withService, withUser } from '../db/tenancy.ts';
import { AppError, isAppError } from '../errors.ts';
import type { AppEnv } from '../http/context.ts';
import {
  clearSessionCookie,
  clientIp,
  ensureCsrfToken,
  requireUser,
  SESSION_COOKIE,
  setSessionCookie,
  userActor,
} from '../http/middleware.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../http/openapi.ts';
import { consumeEmailLink, resendConfirmation } from './email-links.ts';
import { KNOWN_DEVICE_DAYS, knownDeviceCookieName, signKnownDevice, verifyKnownDevice } from './known-device.ts';
import { consumeRateLimit, rateLimited } from './rate-limit.ts';
import * as S from './schema.ts';
import * as svc from './service.ts';
import { checkClientLimits, passEmailLimit, recordClientFailure, refundEmailAttempt } from './sign-in-guard.ts';

const AccountIdParam = z.object({ accountId: z.uuid('Unknown account') });

async function sessionPayload(c: Context<AppEnv>, user: S.UserT | null) {
  const { db } = c.get('deps');
  const memberships = user ? await withUser(db, { sub: user.id }, (tx) => svc.listMemberships(tx, user.id)) : [];
  return { user, memberships, csrfToken: ensureCsrfToken(c) };
}

async function startSession(c: Context<AppEnv>, user: S.UserT) {
  const { db, clock, config } = c.get('deps');
  const { token, expiresAt } = await withService(db, (tx) =>
    svc.createSession(tx, user.id, clock, { userAgent: c.req.header('user-agent'), ip: clientIp(c) }),
  );
  setSessionCookie(c, token, expiresAt);
  // Remembers that this browser got in, so a lock on the address (someone else guessing) doesn't stop it.
  setCookie(c, knownDeviceCookieName(user.id), signKnownDevice(config.sessionSecret, user.id, clock.now().getTime()), {
    path: '/api/auth',
    httpOnly: true,
    sameSite: 'Lax',
    secure: config.secureCookies,
    maxAge: KNOWN_DEVICE_DAYS * 86_400,
  });
  c.set('user', user);
}

/** The issue time of this browser's valid known-device cookie for `userId`, or null. */
function knownDevice(c: Context<AppEnv>, userId: string): number | null {
  const { config, clock } = c.get('deps');
  const value = getCookie(c, knownDeviceCookieName(userId));
  return verifyKnownDevice(config.sessionSecret, userId, value, clock.now()) ? Number(value?.split('.')[0]) : null;
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
      summary: 'Create a user and email a confirmation link (always 202, whether or not the address is registered)',
      request: { body: jsonBody(S.SignUpInput) },
      responses: { 202: jsonResponse(S.SignUpAccepted, 'Accepted: check your email') },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { db, clock, config } = c.get('deps');
      await withService(db, (tx) => consumeRateLimit(tx, `signup:${clientIp(c)}`, 20, 3600, clock));
      await withService(db, (tx) => svc.signUp(tx, input, clock, config.publicUrl, c.get('requestId')));
      return c.json({ ok: true as const }, 202);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/auth/email-link',
      tags: ['Auth'],
      summary: 'Sign in with a one-time emailed link (sign-up confirmation or lockout sign-in link)',
      request: { body: jsonBody(S.EmailLinkInput) },
      responses: { 200: jsonResponse(S.SessionPayload) },
    }),
    async (c) => {
      const { token } = c.req.valid('json');
      const { db, clock } = c.get('deps');
      await withService(db, (tx) => consumeRateLimit(tx, `email-link:ip:${clientIp(c)}`, 30, 900, clock));
      const user = await withService(db, (tx) => consumeEmailLink(tx, token, clock, c.get('requestId')));
      await startSession(c, user);
      return c.json(await sessionPayload(c, user), 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/auth/sign-in',
      tags: ['Auth'],
      summary: 'Sign in with email and password (rate limited per address and per client)',
      request: { body: jsonBody(S.SignInInput) },
      responses: { 200: jsonResponse(S.SessionPayload) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { db, clock, config } = c.get('deps');
      const ip = clientIp(c);
      const requestId = c.get('requestId');
      // Each step commits on its own so refused and failed attempts still count.
      await withService(db, (tx) => checkClientLimits(tx, ip, clock));
      const gate = await withService(db, (tx) =>
        passEmailLimit(tx, input.email, {
          knownDevice: (userId) => knownDevice(c, userId),
          clock,
          publicUrl: config.publicUrl,
          requestId,
        }),
      );
      if (!gate.allowed) throw rateLimited(gate.retryAfterSeconds, gate.message);
      let result: Awaited<ReturnType<typeof svc.signIn>>;
      try {
        result = await withService(db, (tx) => svc.signIn(tx, input));
      } catch (err) {
        if (isAppError(err) && err.code === 'invalid_credentials') {
          await withService(db, (tx) => recordClientFailure(tx, ip, clock));
        }
        throw err;
      }
      const { user, emailConfirmed } = result;
      await withService(db, (tx) => refundEmailAttempt(tx, input.email));
      if (!emailConfirmed) {
        await withService(db, (tx) => resendConfirmation(tx, user, clock, config.publicUrl));
        throw new AppError('forbidden', 'Confirm your email address first: we’ve emailed you a new link.', {
          emailUnconfirmed: true,
        });
      }
      if (gate.pastLock) {
        await withService(db, (tx) =>
          recordAudit(
            tx,
            { kind: 'user', userId: user.id, requestId },
            {
              action: 'user.signed_in_past_lock',
              entityType: 'user',
              entityId: user.id,
              after: { via: 'known_device' },
            },
          ),
        );
      }
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
      clearSessionCookie(c);
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
        await consumeRateLimit(tx, `reset:ip:${clientIp(c)}`, 20, 3600, clock);
        await consumeRateLimit(tx, `reset:${email}`, 5, 3600, clock);
        await svc.requestPasswordReset(tx, email, clock, config.publicUrl, c.get('requestId'));
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
