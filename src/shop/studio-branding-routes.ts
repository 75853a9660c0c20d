import { etag } from 'hono/etag';
import { requireAccountKind } from '../db/account-kind.ts';
import { withService } from '../db/tenancy.ts';
import { notFound } from '../errors.ts';
import { storedFileTag } from '../http/etag.ts';
import { createRouter, jsonResponse, route, z } from '../http/openapi.ts';
import { storageFor } from '../storage/index.ts';
import * as S from './schema.ts';
import * as studio from './studio.ts';
import { singleFile, studioAdmins } from './studio-access.ts';

const AccountParam = z.object({ accountId: z.uuid('Unknown account') });
const tags = ['Print shop'];

/** Studio branding: the logo shown on client galleries (upload, remove, and the public image). */
export const studioBrandingRoutes = createRouter()
  .openapi(
    route({
      method: 'post',
      path: '/shop/studios/{accountId}/logo',
      tags,
      summary: 'Upload the studio logo (multipart field "file"; JPEG/PNG/WebP up to 5 MB; admins)',
      middleware: studioAdmins,
      request: { params: AccountParam },
      responses: { 200: jsonResponse(S.SettingsOut) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const { config } = c.get('deps');
      const { access } = c.var;
      // Role first, so strangers cannot make the server decode images (the storage calls stay outside a transaction).
      await access.tx(async () => undefined);
      const file = await singleFile(c);
      const logo = await studio.prepareLogo(accountId, new Uint8Array(await file.arrayBuffer()), file.name || 'logo');
      const storage = storageFor(config);
      await storage.put(logo.key, logo.bytes, 'image/png');
      let result: Awaited<ReturnType<typeof studio.setLogo>>;
      try {
        result = await access.tx((tx) => studio.setLogo(tx, accountId, logo.key, access.actor));
      } catch (e) {
        await storage.delete(logo.key).catch(() => {});
        throw e;
      }
      if (result.previous) await storage.delete(result.previous).catch(() => {});
      return c.json(result.settings, 200);
    },
  )
  .openapi(
    route({
      method: 'delete',
      path: '/shop/studios/{accountId}/logo',
      tags,
      summary: 'Remove the studio logo (admins)',
      middleware: studioAdmins,
      request: { params: AccountParam },
      responses: { 200: jsonResponse(S.SettingsOut) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const { access } = c.var;
      const result = await access.tx((tx) => studio.setLogo(tx, accountId, null, access.actor));
      if (result.previous)
        await storageFor(c.get('deps').config)
          .delete(result.previous)
          .catch(() => {});
      return c.json(result.settings, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/shop/studios/{accountId}/logo',
      tags,
      summary: 'The studio logo (public: it brands client galleries)',
      middleware: [etag()] as const,
      request: { params: AccountParam, query: z.object({ v: z.string().max(100).optional() }) },
      responses: { 200: { description: 'A PNG image' } },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const { db, config } = c.get('deps');
      const key = await withService(db, async (tx) => {
        await requireAccountKind(tx, accountId, 'studio');
        return (await studio.getSettings(tx, accountId)).logoKey;
      });
      const bytes = key ? await storageFor(config).get(key) : null;
      if (!key || !bytes) throw notFound('Logo');
      return c.body(new Uint8Array(bytes), 200, {
        'content-type': 'image/png',
        etag: storedFileTag(key),
        // The URL carries the key's version, so a changed logo is a new URL.
        'cache-control': 'public, max-age=86400',
        'x-content-type-options': 'nosniff',
      });
    },
  );
