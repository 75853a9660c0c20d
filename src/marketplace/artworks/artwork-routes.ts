import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { pageQuery } from '../../db/keyset.ts';
import { withAnon, withService, withUser } from '../../db/tenancy.ts';
import { notFound } from '../../errors.ts';
import { type AccountAccess, accountRole, platformAdmin } from '../../http/access.ts';
import type { AppEnv } from '../../http/context.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../../http/openapi.ts';
import { cachedPublicRead } from '../../http/public-cache.ts';
import * as connect from '../artists/connect.ts';
import * as S from '../schema.ts';
import * as art from './artworks.ts';
import * as catalog from './catalog.ts';
import { deleteImageFiles } from './images.ts';

const IdParam = z.object({ id: z.uuid('Unknown artwork') });
const AccountParam = z.object({ accountId: z.uuid('Unknown artist') });
const ArtworkRes = z.object({ artwork: S.ArtworkOut });

const artistMembers = accountRole({ kind: 'artist', min: 'member' });
/** The artist's members may change an artwork: 404 when they can't see it, 403 when it isn't theirs. */
export const artworkMembers = accountRole({ kind: 'artist', min: 'member', from: art.artworkAccount });

/**
 * `/marketplace/artists/{ref}` is an artist's id (members only) or slug (public): the member check runs for ids
 * only, so the slug stays a public read without a signed-in user.
 */
const artistMembersById = (() => {
  const members = accountRole({ kind: 'artist', min: 'member', from: 'ref' });
  return createMiddleware<AppEnv & { Variables: { access: AccountAccess } }>((c, next) =>
    z.uuid().safeParse(c.req.param('ref')).success ? members(c, next) : next(),
  );
})();

type ArtworkEnv = AppEnv & { Variables: { access: AccountAccess } };

// Submit (draft/rejected → submitted) and unpublish (submitted/published → draft) share one shape.
const lifecycleRoute = (action: 'submit' | 'unpublish') =>
  route({
    method: 'post',
    path: `/marketplace/artworks/{id}/${action}`,
    tags: ['Marketplace'],
    summary: action === 'submit' ? 'Submit a draft or rejected artwork for review' : 'Take an artwork back to draft',
    middleware: artworkMembers,
    request: { params: IdParam },
    responses: { 200: jsonResponse(ArtworkRes) },
  });

async function lifecycle(c: Context<ArtworkEnv>, action: 'submit' | 'unpublish') {
  const id = c.req.param('id') as string;
  const { clock } = c.get('deps');
  const fn = action === 'submit' ? art.submitArtwork : art.unpublishArtwork;
  const artwork = await c.var.access.tx((tx) => fn(tx, c.var.access.actor, id, clock));
  return c.json({ artwork }, 200);
}

/** Artworks: the artist's CRUD and lifecycle, admin moderation, public browse and detail. */
export const artworkRoutes = createRouter()
  .openapi(
    route({
      method: 'get',
      path: '/marketplace/artworks',
      tags: ['Marketplace'],
      summary: 'Published artworks, filterable, newest first, a cursor page at a time (public)',
      middleware: cachedPublicRead,
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
      middleware: cachedPublicRead,
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
      middleware: artistMembers,
      request: { params: AccountParam },
      responses: { 200: jsonResponse(z.object({ data: z.array(S.ArtworkOut) })) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const data = await c.var.access.tx((tx) => art.listAccountArtworks(tx, accountId));
      return c.json({ data }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/marketplace/artists/{accountId}/artworks',
      tags: ['Marketplace'],
      summary: 'Create a draft artwork (account members)',
      middleware: artistMembers,
      request: { params: AccountParam, body: jsonBody(S.ArtworkInput) },
      responses: { 201: jsonResponse(ArtworkRes, 'Created') },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const input = c.req.valid('json');
      const artwork = await c.var.access.tx((tx) => art.createArtwork(tx, c.var.access.actor, accountId, input));
      return c.json({ artwork }, 201);
    },
  )
  .openapi(
    route({
      method: 'patch',
      path: '/marketplace/artworks/{id}',
      tags: ['Marketplace'],
      summary: 'Edit a draft or rejected artwork',
      middleware: artworkMembers,
      request: { params: IdParam, body: jsonBody(S.ArtworkPatch) },
      responses: { 200: jsonResponse(ArtworkRes) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const patch = c.req.valid('json');
      const { clock } = c.get('deps');
      const artwork = await c.var.access.tx((tx) => art.updateArtwork(tx, c.var.access.actor, id, patch, clock));
      return c.json({ artwork }, 200);
    },
  )
  .openapi(
    route({
      method: 'delete',
      path: '/marketplace/artworks/{id}',
      tags: ['Marketplace'],
      summary: 'Delete a draft or rejected artwork',
      middleware: artworkMembers,
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' } },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { config } = c.get('deps');
      const keys = await c.var.access.tx((tx) => art.deleteArtwork(tx, c.var.access.actor, id));
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
      summary: 'Artwork moderation queue, least recently changed first, a cursor page at a time (platform admins)',
      middleware: platformAdmin(),
      request: {
        query: z.object({
          status: z.enum(['draft', 'submitted', 'published', 'rejected', 'reserved', 'sold']).default('submitted'),
          ...pageQuery,
        }),
      },
      responses: { 200: jsonResponse(S.ArtworkPage) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const out = await c.var.access.tx((tx) => catalog.listForModeration(tx, q));
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/admin/marketplace/artworks/{id}/approve',
      tags: ['Marketplace admin'],
      summary: 'Publish a submitted artwork (409 until the artist finished Stripe onboarding)',
      middleware: platformAdmin(),
      request: { params: IdParam },
      responses: { 200: jsonResponse(ArtworkRes) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { db, clock } = c.get('deps');
      const artwork = await withService(db, (tx) => art.approveArtwork(tx, c.var.access.actor, id, clock));
      return c.json({ artwork }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/admin/marketplace/artworks/{id}/reject',
      tags: ['Marketplace admin'],
      summary: 'Send a submitted artwork back with a reason',
      middleware: platformAdmin(),
      request: { params: IdParam, body: jsonBody(S.RejectInput) },
      responses: { 200: jsonResponse(ArtworkRes) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { reason } = c.req.valid('json');
      const { db, clock } = c.get('deps');
      const artwork = await withService(db, (tx) => art.rejectArtwork(tx, c.var.access.actor, id, reason, clock));
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
      middleware: [cachedPublicRead, artistMembersById] as const,
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
      if (c.req.valid('query').sync === 'true') {
        // The member check commits before Stripe is read: no transaction stays open across the network.
        await c.var.access.tx(async () => undefined);
        await connect.syncConnectAccount(db, stripe, ref, clock);
      }
      const status = await c.var.access.tx((tx) => connect.getArtistStatus(tx, ref));
      return c.json(status, 200);
    },
  );
