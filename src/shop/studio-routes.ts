import { AppError } from '../errors.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../http/openapi.ts';
import * as catalog from './catalog.ts';
import * as coupons from './coupons.ts';
import * as galleries from './galleries.ts';
import * as photos from './photos.ts';
import * as S from './schema.ts';
import { sendGallery } from './send-gallery.ts';
import * as studio from './studio.ts';
import { audit, galleryMembers, productMembers, studioAdmins, studioMembers } from './studio-access.ts';
import { studioBrandingRoutes } from './studio-branding-routes.ts';
import { studioCatalogRoutes } from './studio-catalog-routes.ts';

const AccountParam = z.object({ accountId: z.uuid('Unknown account') });
const GalleryParam = z.object({ galleryId: z.uuid('Unknown gallery') });
const ProductParam = z.object({ productId: z.uuid('Unknown product') });
const noContent = { 204: { description: 'Done' } } as const;
const tags = ['Print shop'];
/** Studio side of the print shop: settings, clients, galleries, photos, catalog, price sheets, coupons. */
export const shopStudioRoutes = createRouter()
  .openapi(
    route({
      method: 'get',
      path: '/shop/studios/{accountId}/settings',
      tags,
      summary: 'Studio shop settings (members)',
      middleware: studioMembers,
      request: { params: AccountParam },
      responses: { 200: jsonResponse(S.SettingsOut) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      return c.json(await c.var.access.tx((tx) => studio.getSettings(tx, accountId)), 200);
    },
  )
  .openapi(
    route({
      method: 'put',
      path: '/shop/studios/{accountId}/settings',
      tags,
      summary: 'Replace studio shop settings (admins)',
      middleware: studioAdmins,
      request: { params: AccountParam, body: jsonBody(S.SettingsInput) },
      responses: { 200: jsonResponse(S.SettingsOut) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const input = c.req.valid('json');
      const { access } = c.var;
      const out = await access.tx((tx) => studio.saveSettings(tx, accountId, input, access.actor));
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/shop/studios/{accountId}/clients',
      tags,
      summary: 'Search the studio clients, by name, a cursor page at a time',
      middleware: studioMembers,
      request: { params: AccountParam, query: S.ClientListQuery },
      responses: { 200: jsonResponse(S.ClientPage) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const q = c.req.valid('query');
      return c.json(await c.var.access.tx((tx) => studio.listClients(tx, accountId, q)), 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/shop/studios/{accountId}/clients',
      tags,
      summary: 'Add a client',
      middleware: studioMembers,
      request: { params: AccountParam, body: jsonBody(S.ClientInput) },
      responses: { 201: jsonResponse(S.ClientOut, 'Created') },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const input = c.req.valid('json');
      const { access } = c.var;
      const out = await access.tx((tx) => studio.createClient(tx, accountId, input, access.actor));
      return c.json(out, 201);
    },
  )
  .openapi(
    route({
      method: 'patch',
      path: '/shop/studios/{accountId}/clients/{clientId}',
      tags,
      summary: 'Change a client',
      middleware: studioMembers,
      request: { params: AccountParam.extend({ clientId: z.uuid('Unknown client') }), body: jsonBody(S.ClientPatch) },
      responses: { 200: jsonResponse(S.ClientOut) },
    }),
    async (c) => {
      const { accountId, clientId } = c.req.valid('param');
      const patch = c.req.valid('json');
      const { access } = c.var;
      const out = await access.tx((tx) => studio.updateClient(tx, accountId, clientId, patch, access.actor));
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'delete',
      path: '/shop/studios/{accountId}/clients/{clientId}',
      tags,
      summary: 'Delete a client',
      middleware: studioMembers,
      request: { params: AccountParam.extend({ clientId: z.uuid('Unknown client') }) },
      responses: noContent,
    }),
    async (c) => {
      const { accountId, clientId } = c.req.valid('param');
      const { access } = c.var;
      await access.tx((tx) => studio.deleteClient(tx, accountId, clientId, access.actor));
      return c.body(null, 204);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/shop/studios/{accountId}/galleries',
      tags,
      summary: 'The studio galleries, newest first, a cursor page at a time',
      middleware: studioMembers,
      request: { params: AccountParam, query: S.ListQuery },
      responses: { 200: jsonResponse(S.GalleryPage) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const q = c.req.valid('query');
      return c.json(await c.var.access.tx((tx) => galleries.listGalleries(tx, accountId, q)), 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/shop/studios/{accountId}/galleries',
      tags,
      summary: 'Create a gallery with a private link',
      middleware: studioMembers,
      request: { params: AccountParam, body: jsonBody(S.GalleryInput) },
      responses: { 201: jsonResponse(S.GalleryOut, 'Created') },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const input = c.req.valid('json');
      const { access } = c.var;
      const out = await access.tx(async (tx) => {
        const g = await galleries.createGallery(tx, accountId, input);
        await audit(access.actor, tx, {
          accountId,
          action: 'shop.gallery.create',
          entityType: 'gallery',
          entityId: g.id,
          after: g,
        });
        return g;
      });
      return c.json(out, 201);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/shop/studios/{accountId}/galleries/{galleryId}/send',
      tags,
      summary: 'Email a published gallery link to a client (members; 10 per gallery per hour)',
      middleware: studioMembers,
      request: { params: AccountParam.extend(GalleryParam.shape), body: jsonBody(S.SendGalleryInput) },
      responses: { 200: jsonResponse(S.GallerySent, 'Queued') },
    }),
    async (c) => {
      const { accountId, galleryId } = c.req.valid('param');
      const input = c.req.valid('json');
      const { clock, config } = c.get('deps');
      const { access } = c.var;
      const out = await access.tx(async (tx) => {
        const { sent } = await sendGallery(tx, accountId, galleryId, input, { clock, publicUrl: config.publicUrl });
        const e = { accountId, entityType: 'gallery', entityId: galleryId, after: sent };
        await audit(access.actor, tx, { ...e, action: 'shop.gallery.send' });
        return sent;
      });
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/shop/galleries/{galleryId}',
      tags,
      summary: 'A gallery with its photos (studio members)',
      middleware: galleryMembers,
      request: { params: GalleryParam },
      responses: { 200: jsonResponse(S.GalleryOut.extend({ photos: z.array(S.PhotoOut) })) },
    }),
    async (c) => {
      const { galleryId } = c.req.valid('param');
      const out = await c.var.access.tx(async (tx) => {
        const g = await galleries.getGallery(tx, galleryId);
        return { ...g, photos: (await photos.listPhotos(tx, g.id)).map((p) => photos.photoOut(g.token, p)) };
      });
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'patch',
      path: '/shop/galleries/{galleryId}',
      tags,
      summary: 'Change a gallery (PIN, expiry, store, watermark, status…)',
      middleware: galleryMembers,
      request: { params: GalleryParam, body: jsonBody(S.GalleryPatch) },
      responses: { 200: jsonResponse(S.GalleryOut) },
    }),
    async (c) => {
      const { galleryId } = c.req.valid('param');
      const patch = c.req.valid('json');
      const { access } = c.var;
      const out = await access.tx(async (tx) => {
        const before = await galleries.getGallery(tx, galleryId);
        const after = await galleries.updateGallery(tx, galleryId, patch);
        const e = { accountId: after.accountId, entityType: 'gallery', entityId: galleryId, before, after };
        await audit(access.actor, tx, { ...e, action: 'shop.gallery.update' });
        return after;
      });
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'delete',
      path: '/shop/galleries/{galleryId}',
      tags,
      summary: 'Delete a gallery and its photos',
      middleware: galleryMembers,
      request: { params: GalleryParam },
      responses: noContent,
    }),
    async (c) => {
      const { galleryId } = c.req.valid('param');
      const { access } = c.var;
      const keys = await access.tx(async (tx) => {
        const g = await galleries.getGallery(tx, galleryId);
        const removed = await galleries.deleteGallery(tx, galleryId);
        const e = { accountId: g.accountId, entityType: 'gallery', entityId: galleryId, before: g };
        await audit(access.actor, tx, { ...e, action: 'shop.gallery.delete' });
        return removed;
      });
      await photos.removeObjects(c.get('deps').config, keys);
      return c.body(null, 204);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/shop/galleries/{galleryId}/photos',
      tags,
      summary: 'Upload photos (multipart field "files", JPEG/PNG/WebP up to 40 MB each)',
      middleware: galleryMembers,
      request: { params: GalleryParam },
      responses: { 201: jsonResponse(z.object({ data: z.array(S.PhotoOut) }), 'Uploaded') },
    }),
    async (c) => {
      const { galleryId } = c.req.valid('param');
      const { config } = c.get('deps');
      if (!c.req.header('content-type')?.startsWith('multipart/form-data')) {
        throw new AppError('unsupported_media_type', 'Send the photos as multipart/form-data');
      }
      const { access } = c.var;
      // Membership first, so strangers cannot make the server decode images.
      const g = await access.tx((tx) => galleries.getGallery(tx, galleryId));
      const form = await c.req.parseBody({ all: true });
      const raw = form.files ?? form['files[]'];
      const files = (Array.isArray(raw) ? raw : raw ? [raw] : []).filter((f): f is File => f instanceof File);
      if (files.length > 50) throw new AppError('validation_failed', 'Upload at most 50 photos at once');
      const uploads = await Promise.all(
        files.map(async (f) => ({ filename: f.name || 'photo', bytes: new Uint8Array(await f.arrayBuffer()) })),
      );
      const prepared = await photos.processUploads(config, g.accountId, uploads);
      let data: Awaited<ReturnType<typeof photos.listPhotos>>;
      try {
        // The check runs again: the gallery or the membership may have gone while the images were processed.
        data = await access.tx(async (tx) => {
          await photos.insertPhotos(tx, g, prepared);
          const after = { photos: prepared.map((p) => ({ id: p.id, filename: p.filename, bytes: p.bytes.length })) };
          const e = { accountId: g.accountId, entityType: 'gallery', entityId: galleryId, after };
          await audit(access.actor, tx, { ...e, action: 'shop.photos.upload' });
          return photos.listPhotos(tx, galleryId);
        });
      } catch (e) {
        await photos.removeObjects(
          config,
          prepared.flatMap((p) => Object.values(p.keys)),
        );
        throw e;
      }
      const ids = new Set<string>(prepared.map((p) => p.id));
      return c.json({ data: data.filter((p) => ids.has(p.id)).map((p) => photos.photoOut(g.token, p)) }, 201);
    },
  )
  .openapi(
    route({
      method: 'put',
      path: '/shop/galleries/{galleryId}/photos/order',
      tags,
      summary: 'Set the photo order (every photo id once)',
      middleware: galleryMembers,
      request: { params: GalleryParam, body: jsonBody(S.OrderInput) },
      responses: noContent,
    }),
    async (c) => {
      const { galleryId } = c.req.valid('param');
      const { ids } = c.req.valid('json');
      await c.var.access.tx((tx) => photos.reorderPhotos(tx, galleryId, ids));
      return c.body(null, 204);
    },
  )
  .openapi(
    route({
      method: 'delete',
      path: '/shop/galleries/{galleryId}/photos/{photoId}',
      tags,
      summary: 'Delete a photo',
      middleware: galleryMembers,
      request: { params: GalleryParam.extend({ photoId: z.uuid('Unknown photo') }) },
      responses: noContent,
    }),
    async (c) => {
      const { galleryId, photoId } = c.req.valid('param');
      const { access } = c.var;
      const keys = await access.tx(async (tx, account) => {
        const removed = await photos.deletePhoto(tx, galleryId, photoId);
        const e = { accountId: account.id, entityType: 'gallery_photo', entityId: photoId, before: { galleryId } };
        await audit(access.actor, tx, { ...e, action: 'shop.photo.delete' });
        return removed;
      });
      await photos.removeObjects(c.get('deps').config, keys);
      return c.body(null, 204);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/shop/studios/{accountId}/products',
      tags,
      summary: 'The studio print catalog',
      middleware: studioMembers,
      request: { params: AccountParam },
      responses: { 200: jsonResponse(z.object({ data: z.array(S.ProductOut) })) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const data = await c.var.access.tx((tx) => catalog.loadProducts(tx, accountId));
      return c.json({ data }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/shop/studios/{accountId}/products',
      tags,
      summary: 'Add a print product with option groups',
      middleware: studioMembers,
      request: { params: AccountParam, body: jsonBody(S.ProductInput) },
      responses: { 201: jsonResponse(S.ProductOut, 'Created') },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const input = c.req.valid('json');
      const { access } = c.var;
      const out = await access.tx(async (tx) => {
        const p = await catalog.createProduct(tx, accountId, input);
        await audit(access.actor, tx, {
          accountId,
          action: 'shop.product.create',
          entityType: 'print_product',
          entityId: p.id,
          after: p,
        });
        return p;
      });
      return c.json(out, 201);
    },
  )
  .openapi(
    route({
      method: 'patch',
      path: '/shop/products/{productId}',
      tags,
      summary: 'Change a product (name, description, base price, active)',
      middleware: productMembers,
      request: { params: ProductParam, body: jsonBody(S.ProductPatch) },
      responses: { 200: jsonResponse(S.ProductOut) },
    }),
    async (c) => {
      const { productId } = c.req.valid('param');
      const patch = c.req.valid('json');
      const { access } = c.var;
      const out = await access.tx(async (tx, { id: accountId }) => {
        const before = await catalog.getProduct(tx, accountId, productId);
        const after = await catalog.updateProduct(tx, accountId, productId, patch);
        const e = { accountId, entityType: 'print_product', entityId: productId, before, after };
        await audit(access.actor, tx, { ...e, action: 'shop.product.update' });
        return after;
      });
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'delete',
      path: '/shop/products/{productId}',
      tags,
      summary: 'Delete a product',
      middleware: productMembers,
      request: { params: ProductParam },
      responses: noContent,
    }),
    async (c) => {
      const { productId } = c.req.valid('param');
      const { access } = c.var;
      await access.tx(async (tx, { id: accountId }) => {
        const before = await catalog.getProduct(tx, accountId, productId);
        await catalog.deleteProduct(tx, accountId, productId);
        const e = { accountId, entityType: 'print_product', entityId: productId, before };
        await audit(access.actor, tx, { ...e, action: 'shop.product.delete' });
      });
      return c.body(null, 204);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/shop/studios/{accountId}/price-sheets',
      tags,
      summary: 'Price sheets (which products a gallery sells)',
      middleware: studioMembers,
      request: { params: AccountParam },
      responses: { 200: jsonResponse(z.object({ data: z.array(S.PriceSheetOut) })) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const data = await c.var.access.tx((tx) => catalog.listPriceSheets(tx, accountId));
      return c.json({ data }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/shop/studios/{accountId}/price-sheets',
      tags,
      summary: 'Create a price sheet',
      middleware: studioMembers,
      request: { params: AccountParam, body: jsonBody(S.PriceSheetInput) },
      responses: { 201: jsonResponse(S.PriceSheetOut, 'Created') },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const input = c.req.valid('json');
      const { access } = c.var;
      const out = await access.tx(async (tx) => {
        const sheet = await catalog.createPriceSheet(tx, accountId, input);
        const e = { accountId, entityType: 'price_sheet', entityId: sheet.id, after: sheet };
        await audit(access.actor, tx, { ...e, action: 'shop.price_sheet.create' });
        return sheet;
      });
      return c.json(out, 201);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/shop/studios/{accountId}/coupons',
      tags,
      summary: 'Coupons',
      middleware: studioMembers,
      request: { params: AccountParam },
      responses: { 200: jsonResponse(z.object({ data: z.array(S.CouponOut) })) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const data = await c.var.access.tx((tx) => coupons.listCoupons(tx, accountId));
      return c.json({ data }, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/shop/studios/{accountId}/coupons',
      tags,
      summary: 'Create a coupon (codes are unique per studio, ignoring case)',
      middleware: studioMembers,
      request: { params: AccountParam, body: jsonBody(S.CouponInput) },
      responses: { 201: jsonResponse(S.CouponOut, 'Created') },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const input = c.req.valid('json');
      const { access } = c.var;
      const out = await access.tx((tx) => coupons.createCoupon(tx, accountId, input, access.actor));
      return c.json(out, 201);
    },
  )
  .openapi(
    route({
      method: 'patch',
      path: '/shop/studios/{accountId}/coupons/{couponId}',
      tags,
      summary: 'Turn a coupon on or off, or change its end date and redemption limit',
      middleware: studioMembers,
      request: { params: AccountParam.extend({ couponId: z.uuid('Unknown coupon') }), body: jsonBody(S.CouponPatch) },
      responses: { 200: jsonResponse(S.CouponOut) },
    }),
    async (c) => {
      const { accountId, couponId } = c.req.valid('param');
      const patch = c.req.valid('json');
      const { access } = c.var;
      const out = await access.tx((tx) => coupons.updateCoupon(tx, accountId, couponId, patch, access.actor));
      return c.json(out, 200);
    },
  );

// Branding (logo) and catalog editing live in their own files to keep each one readable.
shopStudioRoutes.route('/', studioBrandingRoutes);
shopStudioRoutes.route('/', studioCatalogRoutes);
