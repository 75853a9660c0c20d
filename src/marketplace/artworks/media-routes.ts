import { etag } from 'hono/etag';
import { asAnon, withAnon, withUser } from '../../db/tenancy.ts';
import { AppError, notFound } from '../../errors.ts';
import { storedFileTag } from '../../http/etag.ts';
import { createRouter, jsonBody, route, z } from '../../http/openapi.ts';
import { artworkMembers } from './artwork-routes.ts';
import * as img from './images.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ImageParams = z.object({ id: z.uuid('Unknown artwork'), imageId: z.uuid('Unknown image') });

/** Artwork image upload (multipart), primary/order/delete, and serving the stored sizes. */
export const mediaRoutes = createRouter()
  .openapi(
    route({
      method: 'post',
      path: '/marketplace/artworks/{id}/images/{imageId}/primary',
      tags: ['Marketplace'],
      summary: "Make an image the artwork's cover",
      middleware: artworkMembers,
      request: { params: ImageParams },
      responses: { 204: { description: 'Done' } },
    }),
    async (c) => {
      const { id, imageId } = c.req.valid('param');
      await c.var.access.tx((tx) => img.setPrimaryImage(tx, id, imageId));
      return c.body(null, 204);
    },
  )
  .openapi(
    route({
      method: 'put',
      path: '/marketplace/artworks/{id}/images/order',
      tags: ['Marketplace'],
      summary: 'Reorder the images (every image id, in the new order)',
      middleware: artworkMembers,
      request: {
        params: z.object({ id: z.uuid('Unknown artwork') }),
        body: jsonBody(z.strictObject({ ids: z.array(z.uuid()).max(50) })),
      },
      responses: { 204: { description: 'Done' } },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { ids } = c.req.valid('json');
      await c.var.access.tx((tx) => img.reorderImages(tx, id, ids));
      return c.body(null, 204);
    },
  )
  .openapi(
    route({
      method: 'delete',
      path: '/marketplace/artworks/{id}/images/{imageId}',
      tags: ['Marketplace'],
      summary: 'Remove an image',
      middleware: artworkMembers,
      request: { params: ImageParams },
      responses: { 204: { description: 'Deleted' } },
    }),
    async (c) => {
      const { id, imageId } = c.req.valid('param');
      const { config } = c.get('deps');
      const key = await c.var.access.tx((tx) => img.deleteImage(tx, id, imageId));
      await img.deleteImageFiles(config, key);
      return c.body(null, 204);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/marketplace/media/{imageId}/{variant}',
      tags: ['Marketplace'],
      summary: 'An artwork image (web ≤1600px or thumbnail 400px, WebP); drafts only for the artist',
      // A browser revalidating an image it holds gets a bodiless 304.
      middleware: [etag()] as const,
      request: { params: z.object({ imageId: z.uuid('Unknown image'), variant: z.enum(['web', 'thumb']) }) },
      responses: { 200: { description: 'The image', content: { 'image/webp': { schema: z.string() } } } },
    }),
    async (c) => {
      const { imageId, variant } = c.req.valid('param');
      const { db } = c.get('deps');
      const user = c.get('user');
      // One transaction: a signed-in caller sees their own drafts through RLS and anything else only when public.
      const found = user
        ? await withUser(db, { sub: user.id }, async (tx) => {
            const own = await img.visibleImageKey(tx, imageId);
            if (own) return { key: own, own: true };
            const key = await asAnon(tx, (t) => img.publicImageKey(t, imageId));
            return key ? { key, own: false } : null;
          })
        : await withAnon(db, async (tx) => {
            const key = await img.publicImageKey(tx, imageId);
            return key ? { key, own: false } : null;
          });
      const key = found ? img.variantKey(found.key, variant) : null;
      const data = key ? await img.readImageFile(c.get('deps').config, key) : null;
      if (!key || !data) throw notFound('Image');
      const own = found?.own;
      return c.body(new Uint8Array(data), 200, {
        'content-type': 'image/webp',
        etag: storedFileTag(key),
        // Files never change (new uploads get new ids); drafts must not sit in shared caches.
        'cache-control': own ? 'private, max-age=3600' : 'public, max-age=86400',
        'x-content-type-options': 'nosniff',
      });
    },
  )
  // Multipart is handled by hand: the body is a file, not JSON the OpenAPI validator understands.
  .post('/marketplace/artworks/:id/images', artworkMembers, async (c) => {
    const id = c.req.param('id');
    if (!uuid.test(id)) throw notFound('Artwork');
    const { config } = c.get('deps');
    if (!(c.req.header('content-type') ?? '').startsWith('multipart/form-data')) {
      throw new AppError('unsupported_media_type', 'Upload the image as multipart/form-data in the "file" field');
    }
    const body = await c.req.parseBody().catch(() => {
      throw new AppError('bad_request', 'The upload could not be read');
    });
    const file = body.file;
    if (!(file instanceof File)) {
      throw new AppError('validation_failed', 'Attach an image in the "file" field', {
        fieldErrors: { file: ['Attach an image'] },
        formErrors: [],
      });
    }
    if (file.size > img.MAX_IMAGE_BYTES) throw new AppError('payload_too_large', 'Images can be at most 15 MB');
    const buf = Buffer.from(await file.arrayBuffer());
    const { actor } = c.var.access;
    const imageId = await img.addArtworkImage(c.var.access.tx, actor, config, id, buf, file.name || 'image');
    return c.json(
      {
        id: imageId,
        url: `/api/marketplace/media/${imageId}/web`,
        thumbUrl: `/api/marketplace/media/${imageId}/thumb`,
      },
      201,
    );
  });
