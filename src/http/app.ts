import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { compress } from 'hono/compress';
import { sql } from 'kysely';
import { invoicePages } from '../commerce/index.ts';
import { AppError } from '../errors.ts';
import { mailboxRoutes } from '../mail/index.ts';
import type { AppEnv, Deps } from './context.ts';
import { renderApiDocs } from './docs.ts';
import { inputGuard } from './input-guard.ts';
import { csrfProtection, errorHandler, loopbackOnly, requestContext, sessionLoader } from './middleware.ts';
import { type AppRouter, createRouter } from './openapi.ts';
import { openApiInfo } from './openapi-info.ts';
import { platformRoutes, stripeMode } from './platform-routes.ts';
import { securityHeaders } from './security-headers.ts';

/**
 * Hono's body limit, answering from Content-Length when the request has one: reading `c.req.raw.body` makes the
 * Node adapter build a full web Request, which cost about a tenth of a webhook acknowledgement (issue 16).
 */
function sizeLimit(maxSize: number, message: string): MiddlewareHandler<AppEnv> {
  const streamed = bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError('payload_too_large', message);
    },
  });
  return (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined) {
      // A GET over HTTP with neither header has no body (RFC 9112 §6.3); in-process requests (app.request) carry
      // bodies without either header, so any other method is measured as it streams.
      const bodiless = (c.req.method === 'GET' || c.req.method === 'HEAD') && !c.req.header('transfer-encoding');
      return bodiless ? next() : streamed(c, next);
    }
    if (c.req.header('transfer-encoding') !== undefined) return streamed(c, next);
    if (!/^\d+$/.test(length)) throw new AppError('bad_request', 'Content-Length is not a number');
    if (Number(length) > maxSize) throw new AppError('payload_too_large', message);
    return next();
  };
}

export const webDist = join(process.cwd(), 'web', 'dist');

// Paths authenticated by something other than the browser session (Stripe signatures, MCP bearer API keys).
const csrfExempt = (path: string) => path.startsWith('/api/webhooks/') || path === '/api/mcp';

/** The JSON API: the assembled modules' routes and the platform's own, one OpenAPI document. */
export function createApi(routes: readonly AppRouter[]) {
  const api = createRouter();
  for (const r of routes) api.route('/', r);
  api.route('/', platformRoutes);
  api.doc31('/openapi.json', { openapi: '3.1.0', info: openApiInfo });
  return api;
}

/** Builds the whole HTTP app: API, health, docs, dev mailbox and the web SPA. */
export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.onError(errorHandler);
  app.use('*', requestContext(deps));
  app.use('*', securityHeaders({ https: deps.config.publicUrl.startsWith('https://') }));
  // JSON bodies are small; only the multipart upload routes accept large bodies (photos, artwork images, logos).
  const jsonLimit = sizeLimit(1024 * 1024, 'The request body is larger than 1 MB');
  const uploadLimit = sizeLimit(200 * 1024 * 1024, 'The upload is larger than 200 MB; upload fewer files at once');
  app.use('/api/*', (c, next) =>
    /\/(images|photos|logo)$/.test(c.req.path) && c.req.method === 'POST' ? uploadLimit(c, next) : jsonLimit(c, next),
  );
  // Webhooks are signed by Stripe and verified against their raw bytes; the guard is for what users send.
  const guard = inputGuard();
  app.use('/api/*', (c, next) => (csrfExempt(c.req.path) ? next() : guard(c, next)));
  app.use('/api/*', sessionLoader());
  app.use('/api/*', csrfProtection(csrfExempt));

  let stripeHealth: { ok: boolean; at: number; error?: string } | undefined;
  app.get('/healthz', async (c) => {
    const db = await sql`select 1 as ok`
      .execute(deps.db)
      .then(() => ({ ok: true }))
      .catch((e: Error) => ({ ok: false, error: e.message }));
    // Cache the Stripe probe: health checks must not hammer the payment provider.
    if (!stripeHealth || Date.now() - stripeHealth.at > 30_000) {
      stripeHealth = await deps.stripe.balance
        .retrieve()
        .then(() => ({ ok: true, at: Date.now() }))
        .catch((e: Error) => ({ ok: false, at: Date.now(), error: e.message }));
    }
    const stripe = {
      ok: stripeHealth.ok,
      mode: stripeMode(deps),
      ...(stripeHealth.error ? { error: stripeHealth.error } : {}),
    };
    const ok = db.ok && stripe.ok;
    return c.json({ status: ok ? 'ok' : 'degraded', database: db, stripe }, ok ? 200 : 503);
  });

  const api = createApi(deps.assembly.routes);
  app.route('/api', api);
  let docsHtml: string | undefined;
  app.get('/api/docs', (c) => {
    docsHtml ??= renderApiDocs(api.getOpenAPI31Document({ openapi: '3.1.0', info: openApiInfo }));
    return c.html(docsHtml);
  });
  app.all('/api/*', () => {
    throw new AppError('not_found', 'No such API route');
  });

  // Development only: the mailbox holds reset links, so it exists only where it was enabled, and only for loopback.
  if (deps.devMailbox) {
    app.use('/dev/*', loopbackOnly());
    app.route(
      '/dev',
      mailboxRoutes(() => deps.db),
    );
  }
  app.all('/dev/*', (c) => c.text('Not found', 404));
  for (const r of deps.assembly.rootRoutes) app.route('/', r);
  // Invoice pages live outside /api (printable, linkable), so they load the session themselves.
  app.use('/invoices/*', sessionLoader());
  app.route('/', invoicePages);

  // The SPA: static assets, then index.html for client-side routes.
  // Hashed build assets never change under their name: cache them for a year, and send them compressed.
  app.use('/assets/*', compress(), async (c, next) => {
    await next();
    if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=31536000, immutable');
  });
  app.use('/*', serveStatic({ root: webDist.replace(`${process.cwd()}/`, '') }));
  // A missing asset (an old tab after a deploy) is a 404, never the SPA's HTML served as JavaScript.
  app.get('/assets/*', (c) => c.text('Not found', 404));
  let indexHtml: string | undefined;
  app.get('*', (c) => {
    const file = join(webDist, 'index.html');
    if (!existsSync(file)) {
      return c.text('The web app is not built yet. Run `npm run build:web` (npm start does this for you).', 503);
    }
    indexHtml ??= readFileSync(file, 'utf8');
    // The page names this build's assets: browsers must revalidate it to pick up a new deploy.
    c.header('Cache-Control', 'no-cache');
    return c.html(indexHtml);
  });
  return app;
}
