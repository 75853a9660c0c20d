import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { recordAudit } from '../audit/index.ts';
import { withService, withUser } from '../db/tenancy.ts';
import { AppError, isAppError } from '../errors.ts';
import { accountRole, signedIn } from '../http/access.ts';
import type { AppEnv } from '../http/context.ts';
import { clearSessionCookie, clientIp, ensureCsrfToken, SESSION_COOKIE, setSessionCookie } from '../http/middleware.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../http/openapi.ts';
import { consumeEmailLink, resendConfirmation } from './email-links.ts';
import { KNOWN_DEVICE_DAYS, knownDeviceCookieName, signKnownDevice, verifyKnownDevice } from './known-device.ts';
import { readLegalDetails, updateLegalDetails } from './legal-details.ts';
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
      middleware: signedIn(),
      responses: { 200: jsonResponse(z.object({ data: z.array(S.Membership) })) },
    }),
    async (c) => {
      const { access } = c.var;
      const data = await access.tx((tx) => svc.listMemberships(tx, access.user.id));
      return c.json({ data }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/accounts',
      tags: ['Accounts'],
      summary: 'Create an account (tenant) owned by the signed-in user',
      middleware: signedIn(),
      request: { body: jsonBody(S.CreateAccountInput) },
      responses: { 201: jsonResponse(S.Membership, 'Created') },
    }),
    async (c) => {
      const input = c.req.valid('json');
      // The account doesn't exist yet, so nothing under RLS could let the user write it: the service creates it.
      const m = await withService(c.get('deps').db, (tx) => svc.createAccount(tx, c.var.access.actor, input));
      return c.json(m, 201);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/accounts/{accountId}/members',
      tags: ['Accounts'],
      summary: 'Members of an account',
      middleware: accountRole({ min: 'member' }),
      request: { params: AccountIdParam },
      responses: { 200: jsonResponse(z.object({ data: z.array(S.Member) })) },
    }),
    async (c) => {
      const data = await c.var.access.tx((tx, account) => svc.listMembers(tx, account.id));
      return c.json({ data }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/accounts/{accountId}/legal-details',
      tags: ['Accounts'],
      summary: 'The tax id and billing address invoices print for this seller (members; owners and admins edit)',
      middleware: accountRole({ min: 'member' }),
      request: { params: AccountIdParam },
      responses: { 200: jsonResponse(S.LegalDetails) },
    }),
    async (c) => c.json(await c.var.access.tx((tx, account) => readLegalDetails(tx, account)), 200),
  )
  .openapi(
    route({
      method: 'patch',
      path: '/accounts/{accountId}/legal-details',
      tags: ['Accounts'],
      summary:
        'Change the tax id and/or billing address on future invoices (owners and admins; issued ones keep theirs)',
      middleware: accountRole({ min: 'admin', forbidden: 'Only account owners and admins can change invoice details' }),
      request: { params: AccountIdParam, body: jsonBody(S.LegalDetailsInput) },
      responses: { 200: jsonResponse(S.LegalDetails) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { access } = c.var;
      const { clock } = c.get('deps');
      const out = await access.tx((tx, account) => updateLegalDetails(tx, access.actor, account, input, clock.now()));
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'delete',
      path: '/accounts/{accountId}/members/{userId}',
      tags: ['Accounts'],
      summary: 'Remove a member (owners and admins)',
      middleware: signedIn(),
      request: { params: AccountIdParam.extend({ userId: z.uuid('Unknown user') }) },
      responses: { 204: { description: 'Removed' } },
    }),
    async (c) => {
      const { accountId, userId } = c.req.valid('param');
      const { access } = c.var;
      // The service decides (owners and admins; the last owner stays), since it depends on who is removed.
      await access.tx((tx) => svc.removeMember(tx, access.actor, accountId, userId));
      return c.body(null, 204);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/accounts/{accountId}/invitations',
      tags: ['Accounts'],
      summary: 'Pending invitations (owners and admins)',
      middleware: accountRole({ min: 'admin' }),
      request: { params: AccountIdParam },
      responses: { 200: jsonResponse(z.object({ data: z.array(S.Invitation) })) },
    }),
    async (c) => {
      const { clock } = c.get('deps');
      const data = await c.var.access.tx((tx, account) => svc.listInvitations(tx, account.id, clock));
      return c.json({ data }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/accounts/{accountId}/invitations',
      tags: ['Accounts'],
      summary: 'Invite someone by email (owners and admins)',
      middleware: signedIn(),
      request: { params: AccountIdParam, body: jsonBody(S.InviteInput) },
      responses: { 201: jsonResponse(S.Invitation, 'Invited') },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const input = c.req.valid('json');
      const { clock, config } = c.get('deps');
      const { access } = c.var;
      // The service checks the inviter's role: an admin may not invite an owner.
      const inv = await access.tx((tx) =>
        svc.inviteMember(tx, access.actor, accountId, input, clock, config.publicUrl),
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
      middleware: signedIn(),
      request: { body: jsonBody(S.AcceptInviteInput) },
      responses: { 200: jsonResponse(S.Membership) },
    }),
    async (c) => {
      const { token } = c.req.valid('json');
      const { db, clock } = c.get('deps');
      // The invitation token is the credential; the invitee can't see the account until they join it.
      return c.json(await withService(db, (tx) => svc.acceptInvitation(tx, c.var.access.actor, token, clock)), 200);
    },
  );
