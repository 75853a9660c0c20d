import { countMeta, pageMeta, pageQuery } from '../../db/keyset.ts';
import { withService } from '../../db/tenancy.ts';
import { AppError } from '../../errors.ts';
import { accountRole, platformAdmin, signedIn } from '../../http/access.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../../http/openapi.ts';
import * as S from '../schema.ts';
import * as apps from './applications.ts';
import * as connect from './connect.ts';
import * as profile from './profile.ts';

const IdParam = z.object({ id: z.uuid('Unknown application') });
const AccountParam = z.object({ accountId: z.uuid('Unknown artist') });
const UrlOut = z.object({ url: z.string() });
const ApplicationPage = z.object({ data: z.array(S.ApplicationOut), ...pageMeta, ...countMeta });

const artistAdmins = accountRole({ kind: 'artist', min: 'admin' });
const artistMembers = accountRole({ kind: 'artist', min: 'member' });
const ProfileRes = z.object({ profile: profile.ArtistProfileOut });

/** Artist applications (applicant + admin review) and Stripe Connect onboarding for approved artists. */
export const applicationRoutes = createRouter()
  .openapi(
    route({
      method: 'get',
      path: '/marketplace/application',
      tags: ['Marketplace'],
      summary: "The signed-in user's artist application (active, else latest rejected), or null",
      middleware: signedIn(),
      // A union rather than `.nullable()`, which would make the named schema itself nullable in the document.
      responses: { 200: jsonResponse(z.object({ application: z.union([S.ApplicationOut, z.null()]) })) },
    }),
    async (c) => {
      const { user } = c.var.access;
      const application = await c.var.access.tx((tx) => apps.getMyApplication(tx, user.id));
      return c.json({ application }, 200);
    },
  )
  .openapi(
    route({
      method: 'put',
      path: '/marketplace/application',
      tags: ['Marketplace'],
      summary: 'Create or update the draft application (autosave)',
      middleware: signedIn(),
      request: { body: jsonBody(S.ApplicationDraftInput) },
      responses: { 200: jsonResponse(z.object({ application: S.ApplicationOut })) },
    }),
    async (c) => {
      const { user } = c.var.access;
      const { clock } = c.get('deps');
      const input = c.req.valid('json');
      const application = await c.var.access.tx((tx) => apps.saveDraft(tx, user.id, input, clock));
      return c.json({ application }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/marketplace/application/submit',
      tags: ['Marketplace'],
      summary: 'Submit the complete draft for review',
      middleware: signedIn(),
      responses: { 200: jsonResponse(z.object({ application: S.ApplicationOut })) },
    }),
    async (c) => {
      const { user } = c.var.access;
      const { clock } = c.get('deps');
      const application = await c.var.access.tx((tx) => apps.submitApplication(tx, user, clock));
      return c.json({ application }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/admin/marketplace/applications',
      tags: ['Marketplace admin'],
      summary: 'Application review queue, oldest first, a cursor page at a time (platform admins)',
      middleware: platformAdmin(),
      request: {
        query: z.object({
          status: z.enum(['draft', 'pending', 'approved', 'rejected']).default('pending'),
          ...pageQuery,
        }),
      },
      responses: { 200: jsonResponse(ApplicationPage) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const out = await c.var.access.tx((tx) => apps.listApplications(tx, q));
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/admin/marketplace/applications/{id}',
      tags: ['Marketplace admin'],
      summary: 'One application (platform admins)',
      middleware: platformAdmin(),
      request: { params: IdParam },
      responses: { 200: jsonResponse(z.object({ application: S.ApplicationOut })) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const application = await c.var.access.tx((tx) => apps.getApplication(tx, id));
      return c.json({ application }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/admin/marketplace/applications/{id}/approve',
      tags: ['Marketplace admin'],
      summary: 'Approve: creates the artist account and its Stripe Connect Express account',
      middleware: platformAdmin(),
      request: { params: IdParam },
      responses: {
        200: jsonResponse(z.object({ application: S.ApplicationOut, artist: z.union([S.ArtistStatusOut, z.null()]) })),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { db, clock, config, stripe, logger } = c.get('deps');
      const { actor } = c.var.access;
      const r = await withService(db, (tx) => apps.approveApplication(tx, actor, id, clock, config.publicUrl));
      // After commit: if Stripe is down the approval stands and onboarding creates the account later.
      let artist: connect.ArtistStatus | null = null;
      try {
        await connect.ensureConnectAccount(db, stripe, r.accountId, actor);
        artist = await withService(db, (tx) => connect.getArtistStatus(tx, r.accountId));
      } catch (err) {
        logger.warn({ err, accountId: r.accountId }, 'connect account creation deferred');
      }
      return c.json({ application: r.application, artist }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/admin/marketplace/applications/{id}/reject',
      tags: ['Marketplace admin'],
      summary: 'Reject with a reason the applicant receives by email',
      middleware: platformAdmin(),
      request: { params: IdParam, body: jsonBody(S.RejectInput) },
      responses: { 200: jsonResponse(z.object({ application: S.ApplicationOut })) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { reason } = c.req.valid('json');
      const { db, clock } = c.get('deps');
      const application = await withService(db, (tx) =>
        apps.rejectApplication(tx, c.var.access.actor, id, reason, clock),
      );
      return c.json({ application }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/marketplace/artists/{accountId}/onboarding-link',
      tags: ['Marketplace'],
      summary: 'A Stripe hosted onboarding link for the artist (account admins)',
      middleware: artistAdmins,
      request: { params: AccountParam },
      responses: { 200: jsonResponse(UrlOut) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const { db, stripe, config } = c.get('deps');
      // The role check commits before Stripe is called: no transaction stays open across the network.
      await c.var.access.tx(async () => undefined);
      const acct = await connect.ensureConnectAccount(db, stripe, accountId, c.var.access.actor);
      return c.json({ url: await connect.createOnboardingLink(stripe, acct, config.publicUrl) }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/marketplace/artists/{accountId}/login-link',
      tags: ['Marketplace'],
      summary: 'A login link to the Stripe Express dashboard (account admins, after onboarding)',
      middleware: artistAdmins,
      request: { params: AccountParam },
      responses: { 200: jsonResponse(UrlOut) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const { stripe } = c.get('deps');
      const status = await c.var.access.tx((tx) => connect.getArtistStatus(tx, accountId));
      if (!status.stripeAccountId || !status.detailsSubmitted) {
        throw new AppError('invalid_state', 'Finish payouts onboarding first; the Stripe dashboard opens after that');
      }
      return c.json({ url: await connect.createDashboardLink(stripe, status.stripeAccountId) }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/marketplace/artists/{accountId}/profile',
      tags: ['Marketplace'],
      summary: "The artist's editable public profile (members)",
      middleware: artistMembers,
      request: { params: AccountParam },
      responses: { 200: jsonResponse(ProfileRes) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const p = await c.var.access.tx((tx) => profile.getArtistProfile(tx, accountId));
      return c.json({ profile: p }, 200);
    },
  )
  .openapi(
    route({
      method: 'patch',
      path: '/marketplace/artists/{accountId}/profile',
      tags: ['Marketplace'],
      summary: "Edit the artist's public profile: the bio on the public artist page (account admins)",
      middleware: accountRole({
        kind: 'artist',
        min: 'admin',
        forbidden: 'Only admins of the artist edit its profile',
      }),
      request: { params: AccountParam, body: jsonBody(profile.ArtistProfilePatch) },
      responses: { 200: jsonResponse(ProfileRes) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const patch = c.req.valid('json');
      const { clock } = c.get('deps');
      const p = await c.var.access.tx((tx) =>
        profile.updateArtistProfile(tx, c.var.access.actor, accountId, patch, clock),
      );
      return c.json({ profile: p }, 200);
    },
  );
