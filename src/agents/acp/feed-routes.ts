import type { Context } from 'hono';
import { Hono } from 'hono';
import type { AppEnv } from '../../http/context.ts';
import { type AgentPlatformEnv, agentPlatformAuth } from './auth.ts';
import { ACP_BASE_PATH, acpApiBaseUrl } from './discovery.ts';
import { ACP_FEED_ID, FEED_MAX_PAGE_SIZE, feedMetadata, feedPage, requireFeed } from './feed.ts';
import { acpError, acpErrorHandler, acpHeaders } from './http.ts';

/*
 * The marketplace's product feed for registered agent platforms, in the shapes of the ACP Feed API (2026-04-17,
 * `openapi.feed.yaml`), read-only:
 *
 *   GET /acp/feeds/feed_marketplace           → FeedMetadata {id, updated_at?}
 *   GET /acp/feeds/feed_marketplace/products  → ProductsResponse {products: Product[]}, one page:
 *       ?limit=1..100 (default 100) &cursor=<opaque>; the next page's URL is in `Link: <…>; rel="next"` (RFC 8288),
 *       absent on the last page. The body stays exactly `ProductsResponse` (the schema allows no other property).
 *
 * Same conventions as the checkout endpoints: `API-Version` required, flat ACP errors, `Authorization: Bearer` of a
 * registered agent platform. Feed creation and product upserts (POST /feeds, PATCH /feeds/{id}/products) are the
 * agent-hosted side of the spec; we answer them 405.
 */

const FEEDS_PATH = `${ACP_BASE_PATH}/feeds`;

function pageLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > FEED_MAX_PAGE_SIZE) {
    throw acpError('invalid_request', 'invalid', `limit must be an integer from 1 to ${FEED_MAX_PAGE_SIZE}`, 'limit');
  }
  return n;
}

const readOnly = () => {
  throw acpError(
    'invalid_request',
    'method_not_allowed',
    'This feed is read-only: use GET /feeds/{id} and GET /feeds/{id}/products',
    undefined,
    405,
    { headers: { Allow: 'GET' } },
  );
};

function feedDeps(c: Context<AgentPlatformEnv>) {
  const deps = c.get('deps');
  return { db: deps.db, clock: deps.clock, publicUrl: deps.config.publicUrl };
}

/** Mount before `acpRoutes`: its catch-all answers every other `/acp/*` path with 404. */
export const acpFeedRoutes = new Hono<AppEnv>().route(
  FEEDS_PATH,
  new Hono<AgentPlatformEnv>()
    .onError(acpErrorHandler)
    .use(acpHeaders(), agentPlatformAuth())
    .get('/:id', async (c) => {
      requireFeed(c.req.param('id'));
      return c.json(await feedMetadata(feedDeps(c)), 200);
    })
    .get('/:id/products', async (c) => {
      requireFeed(c.req.param('id'));
      const limit = pageLimit(c.req.query('limit'));
      const cursor = c.req.query('cursor') || undefined;
      const page = await feedPage(feedDeps(c), { limit, cursor });
      if (page.nextCursor) {
        const next = new URLSearchParams();
        if (limit !== undefined) next.set('limit', String(limit));
        next.set('cursor', page.nextCursor);
        const base = acpApiBaseUrl(c.get('deps').config);
        c.header('Link', `<${base}/feeds/${ACP_FEED_ID}/products?${next}>; rel="next"`);
      }
      return c.json({ products: page.products }, 200);
    })
    .on(['POST', 'PUT', 'PATCH', 'DELETE'], ['/', '/:id', '/:id/products'], readOnly)
    .all('*', () => {
      throw acpError('invalid_request', 'not_found', 'No such ACP endpoint', undefined, 404);
    }),
);
