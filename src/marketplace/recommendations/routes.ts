import { pageQuery } from '../../db/keyset.ts';
import { signedIn } from '../../http/access.ts';
import { createRouter, jsonResponse, route, z } from '../../http/openapi.ts';
import { cachedPublicRead } from '../../http/public-cache.ts';
import * as S from '../schema.ts';
import { recommendedFor, similarArtworks } from './rank.ts';
import { listSaved, recordView, saveArtwork, savedIds, unsaveArtwork } from './saves.ts';

const IdParam = z.object({ id: z.uuid('Unknown artwork') });

// The save button's two verbs share one shape.
const saveRoute = (method: 'put' | 'delete') =>
  route({
    method,
    path: '/marketplace/artworks/{id}/save',
    tags: ['Marketplace'],
    summary: method === 'put' ? 'Save (favourite) a public artwork' : 'Forget a saved artwork',
    middleware: signedIn(),
    request: { params: IdParam },
    responses: { 200: jsonResponse(S.SaveStateOut) },
  });

/** Recommendations (decision 027): similar works, "for you", and the patron's saves and views they learn from. */
export const recommendationRoutes = createRouter()
  .openapi(
    route({
      method: 'get',
      path: '/marketplace/artworks/{id}/similar',
      tags: ['Marketplace'],
      summary: 'Buyable works like this one, each with the reason it matched (public)',
      middleware: cachedPublicRead,
      request: { params: IdParam, query: S.RecommendationQuery },
      responses: { 200: jsonResponse(S.RecommendationList) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { limit } = c.req.valid('query');
      const viewerId = c.get('user')?.id ?? null;
      return c.json({ data: await similarArtworks(c.get('deps').db, id, { viewerId, limit }) }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/marketplace/recommendations',
      tags: ['Marketplace'],
      summary:
        "Works for the signed-in patron from what they saved, bought and viewed, each with why (empty until they've done any)",
      middleware: signedIn(),
      request: { query: S.RecommendationQuery },
      responses: { 200: jsonResponse(S.RecommendationList) },
    }),
    async (c) => {
      const { limit } = c.req.valid('query');
      const { db, clock } = c.get('deps');
      return c.json({ data: await recommendedFor(db, c.var.access.user.id, clock, { limit }) }, 200);
    },
  )
  .openapi(saveRoute('put'), async (c) => {
    const { id } = c.req.valid('param');
    const { db, clock } = c.get('deps');
    return c.json(await saveArtwork(db, c.var.access.user.id, id, clock), 200);
  })
  .openapi(saveRoute('delete'), async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await unsaveArtwork(c.get('deps').db, c.var.access.user.id, id), 200);
  })
  .openapi(
    route({
      method: 'get',
      path: '/marketplace/saved',
      tags: ['Marketplace'],
      summary: "The signed-in patron's saved artworks, newest first, a cursor page at a time",
      middleware: signedIn(),
      request: { query: z.object(pageQuery) },
      responses: { 200: jsonResponse(S.SavedPage) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await listSaved(c.get('deps').db, c.var.access.user.id, q), 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/marketplace/saved/ids',
      tags: ['Marketplace'],
      summary: "The ids of the signed-in patron's saved artworks (newest 1000), to mark them in lists",
      middleware: signedIn(),
      responses: { 200: jsonResponse(z.object({ ids: z.array(z.string()) })) },
    }),
    async (c) => c.json({ ids: await savedIds(c.get('deps').db, c.var.access.user.id) }, 200),
  )
  .openapi(
    route({
      method: 'post',
      path: '/marketplace/artworks/{id}/view',
      tags: ['Marketplace'],
      summary: 'Record that the signed-in patron looked at a public artwork (it informs their recommendations)',
      middleware: signedIn(),
      request: { params: IdParam },
      responses: { 204: { description: 'Recorded' } },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { db, clock } = c.get('deps');
      await recordView(db, c.var.access.user.id, id, clock);
      return c.body(null, 204);
    },
  );
