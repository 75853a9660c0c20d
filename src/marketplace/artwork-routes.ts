import type { Context } from 'hono';
import { roleIn } from '../accounts/service.ts';
import { requireAccountKind } from '../db/account-kind.ts';
import { withAnon, withService, withUser } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { forbidden, notFound } from '../errors.ts';
import type { AppEnv } from '../http/context.ts';
import { requirePlatformAdmin, requireUser, userActor } from '../http/middleware.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../http/openapi.ts';
import { requireArtistRole } from './artist-access.ts';
import * as art from './artworks.ts';
import * as catalog from './catalog.ts';
import * as connect from './connect.ts';
import { deleteImageFiles } from './images.ts';
import * as S from './schema.ts';

const IdParam = z.object({ id: z.uuid('Unknown artwork') });
const AccountParam = z.object({ accountId: z.uuid('Unknown artist') });
const ArtworkRes = z.object({ artwork: S.ArtworkOut });

/** Throws unless the user may change the artwork: 404 when they can't see it, 403 when it isn't theirs. */
export async function requireArtworkMember(tx: DB, id: string, userId: string): Promise<string> {
  const row = await tx.selectFrom('artworks').select('account_id').where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Artwork');
  if (!(await roleIn(tx, row.account_id, userId))) throw forbidden('Only the artist can change this artwork');
  await requireAccountKind(tx, row.account_id, 'artist');
  return row.account_id;
}

// Submit (draft/rejected → submitted) and unpublish (submitted/published → draft) share one shape.
const lifecycleRoute = (action: 'submit' | 'unpublish') =>
  route({
    method: 'post',
    path: `/marketplace/artworks/{id}/${action}`,
    tags: ['Marketplace'],
    summary: action === 'submit' ? 'Submit a draft or rejected artwork for review' : 'Take an artwork back to draft',
    request: { params: IdParam },
    responses: { 200: jsonResponse(ArtworkRes) },
  });

async function lifecycle(c: Context<AppEnv>, action: 'submit' | 'unpublish') {
  const user = requireUser(c);
  const id = c.req.param('id') as string;
  const { db, clock } = c.get('deps');
  const fn = action === 'submit' ? art.submitArtwork : art.unpublishArtwork;
  const artwork = await withUser(db, { sub: user.id }, async (tx) => {
    await requireArtworkMember(tx, id, user.id);
    return fn(tx, userActor(c, user.id), id, clock);
  });
  return c.json({ artwork }, 200);
}

/** Artworks: the artist's CRUD and lifecycle, admin moderation, public browse and detail. */
export const artworkRoutes = createRouter()
  .openapi(
    route({
      method: 'get',
      path: '/marketplace/artworks',
      tags: ['Marketplace'],
      summary: 'Published artworks, filterable (public)',
      request: { query: S.PublicArtworkQuery },
      responses: { 200: jsonResponse(S.ArtworkPage) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await withAnon(c.get('deps').db, (tx) => catalog.listPublicArtworks(tx, q)), 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/marketplace/artworks/{id}',
      tags: ['Marketplace'],
      summary: 'One artwork with its price breakdown (drafts only for the artist and admins)',
      request: { params: IdParam },
      responses: { 200: jsonResponse(z.object({ artwork: S.ArtworkOut, price: S.PriceBreakdown })) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { db } = c.get('deps');
      const user = c.get('user');
      // Members and platform admins read drafts through their own RLS; everyone else (signed in or not) as anon.
      const own = user
        ? await withUser(db, { sub: user.id }, async (tx) => {
            if (!(await art.canSeeArtwork(tx, id))) return null;
            const artwork = await art.getArtwork(tx, id);
            return { artwork, price: await catalog.priceBreakdown(tx, artwork) };
          })
        : null;
      const out =
        own ??
        (await withAnon(db, async (tx) => {
          const artwork = await catalog.publicArtwork(tx, id);
          if (!artwork) throw notFound('Artwork');
          return { artwork, price: await catalog.priceBreakdown(tx, artwork) };
        }));
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/marketplace/artists/{accountId}/artworks',
      tags: ['Marketplace'],
      summary: "All of an artist's artworks, drafts included (account members)",
      request: { params: AccountParam },
      responses: { 200: jsonResponse(z.object({ data: z.array(S.ArtworkOut) })) },
    }),
    async (c) => {
      const user = requireUser(c);
      const { accountId } = c.req.valid('param');
      const data = await withUser(c.get('deps').db, { sub: user.id }, async (tx) => {
        await requireArtistRole(tx, accountId, user.id, 'member');
        return art.listAccountArtworks(tx, accountId);
      });
      return c.json({ data }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/marketplace/artists/{accountId}/artworks',
      tags: ['Marketplace'],
      summary: 'Create a draft artwork (account members)',
      request: { params: AccountParam, body: jsonBody(S.ArtworkInput) },
      responses: { 201: jsonResponse(ArtworkRes, 'Created') },
    }),
    async (c) => {
      const user = requireUser(c);
      const { accountId } = c.req.valid('param');
      const input = c.req.valid('json');
      const artwork = await withUser(c.get('deps').db, { sub: user.id }, async (tx) => {
        await requireArtistRole(tx, accountId, user.id, 'member');
        return art.createArtwork(tx, userActor(c, user.id), accountId, input);
      });
      return c.json({ artwork }, 201);
    },
  )
  .openapi(
    route({
      method: 'patch',
      path: '/marketplace/artworks/{id}',
      tags: ['Marketplace'],
      summary: 'Edit a draft or rejected artwork',
      request: { params: IdParam, body: jsonBody(S.ArtworkPatch) },
      responses: { 200: jsonResponse(ArtworkRes) },
    }),
    async (c) => {
      const user = requireUser(c);
      const { id } = c.req.valid('param');
      const patch = c.req.valid('json');
      const { db, clock } = c.get('deps');
      const artwork = await withUser(db, { sub: user.id }, async (tx) => {
        await requireArtworkMember(tx, id, user.id);
        return art.updateArtwork(tx, userActor(c, user.id), id, patch, clock);
      });
      return c.json({ artwork }, 200);
    },
  )
  .openapi(
    route({
      method: 'delete',
      path: '/marketplace/artworks/{id}',
      tags: ['Marketplace'],
      summary: 'Delete a draft or rejected artwork',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' } },
    }),
    async (c) => {
      const user = requireUser(c);
      const { id } = c.req.valid('param');
      const { db, config } = c.get('deps');
      const keys = await withUser(db, { sub: user.id }, async (tx) => {
        await requireArtworkMember(tx, id, user.id);
        return art.deleteArtwork(tx, userActor(c, user.id), id);
      });
      for (const k of keys) await deleteImageFiles(config, k);
      return c.body(null, 204);
    },
  )
  .openapi(lifecycleRoute('submit'), (c) => lifecycle(c, 'submit'))
  .openapi(lifecycleRoute('unpublish'), (c) => lifecycle(c, 'unpublish'))
  .openapi(
    route({
      method: 'get',
      path: '/admin/marketplace/artworks',
      tags: ['Marketplace admin'],
      summary: 'Artwork moderation queue (platform admins)',
      request: {
        query: S.PageQuery.extend({
          status: z.enum(['draft', 'submitted', 'published', 'rejected', 'reserved', 'sold']).default('submitted'),
        }),
      },
      responses: { 200: jsonResponse(S.ArtworkPage) },
    }),
    async (c) => {
      const admin = requirePlatformAdmin(c);
      const { status, page } = c.req.valid('query');
      const out = await withUser(c.get('deps').db, { sub: admin.id }, (tx) =>
        catalog.listForModeration(tx, status, page),
      );
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/admin/marketplace/artworks/{id}/approve',
      tags: ['Marketplace admin'],
      summary: 'Publish a submitted artwork (409 until the artist finished Stripe onboarding)',
      request: { params: IdParam },
      responses: { 200: jsonResponse(ArtworkRes) },
    }),
    async (c) => {
      const admin = requirePlatformAdmin(c);
      const { id } = c.req.valid('param');
      const { db, clock } = c.get('deps');
      const artwork = await withService(db, (tx) => art.approveArtwork(tx, userActor(c, admin.id), id, clock));
      return c.json({ artwork }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/admin/marketplace/artworks/{id}/reject',
      tags: ['Marketplace admin'],
      summary: 'Send a submitted artwork back with a reason',
      request: { params: IdParam, body: jsonBody(S.RejectInput) },
      responses: { 200: jsonResponse(ArtworkRes) },
    }),
    async (c) => {
      const admin = requirePlatformAdmin(c);
      const { id } = c.req.valid('param');
      const { reason } = c.req.valid('json');
      const { db, clock } = c.get('deps');
      const artwork = await withService(db, (tx) => art.rejectArtwork(tx, userActor(c, admin.id), id, reason, clock));
      return c.json({ artwork }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/marketplace/artists/{ref}',
      tags: ['Marketplace'],
      summary:
        "By account id: the artist's payouts onboarding status (members; `sync=true` re-reads Stripe). By slug: the public artist profile.",
      request: {
        params: z.object({ ref: z.string().min(1).max(60) }),
        query: z.object({ sync: z.enum(['true', 'false']).optional() }),
      },
      responses: { 200: jsonResponse(z.union([S.ArtistStatusOut, S.PublicArtistOut])) },
    }),
    async (c) => {
      const { ref } = c.req.valid('param');
      const { db, stripe, clock } = c.get('deps');
      if (!z.uuid().safeParse(ref).success) {
        return c.json(await withAnon(db, (tx) => catalog.publicArtistProfile(tx, ref)), 200);
      }
      const user = requireUser(c);
      await withUser(db, { sub: user.id }, (tx) => requireArtistRole(tx, ref, user.id, 'member'));
      if (c.req.valid('query').sync === 'true') await connect.syncConnectAccount(db, stripe, ref, clock);
      const status = await withUser(db, { sub: user.id }, (tx) => connect.getArtistStatus(tx, ref));
      return c.json(status, 200);
    },
  );
