import type { HonoRequest } from 'hono';
import { type Actor, recordAudit } from '../audit/index.ts';
import type { Tx } from '../db/types.ts';
import { AppError } from '../errors.ts';
import { accountRole } from '../http/access.ts';
import { productParamAccount } from './catalog.ts';
import { galleryAccount } from './galleries.ts';

// Shared by the studio route files: who may call a studio route, declared on the route (`middleware: studioMembers`);
// the handler runs its work in `c.var.access.tx`, as the signed-in user under RLS after the check.

/** Members of the studio in `{accountId}` (404 to anyone else and for other kinds of account). */
export const studioMembers = accountRole({ kind: 'studio', min: 'member' });
/** Admins of the studio in `{accountId}` (403 to its plain members). */
export const studioAdmins = accountRole({ kind: 'studio', min: 'admin' });
/** Members of the studio that owns the gallery in `{galleryId}` (RLS hides other studios' galleries: 404). */
export const galleryMembers = accountRole({ kind: 'studio', min: 'member', from: galleryAccount });
/** Members of the studio that owns the product in `{productId}` (RLS hides other studios' products: 404). */
export const productMembers = accountRole({ kind: 'studio', min: 'member', from: productParamAccount });

/** Audits a studio change in the caller's transaction, as `actor` (`c.var.access.actor`). */
export function audit(
  actor: Actor,
  tx: Tx,
  e: { accountId: string; action: string; entityType: string; entityId: string; before?: unknown; after?: unknown },
) {
  return recordAudit(tx, actor, e);
}

/** The single file of a multipart upload (field "file"), or a 400. */
export async function singleFile(c: { req: HonoRequest }): Promise<File> {
  if (!c.req.header('content-type')?.startsWith('multipart/form-data')) {
    throw new AppError('unsupported_media_type', 'Send the image as multipart/form-data');
  }
  const form = await c.req.parseBody();
  const f = form.file;
  if (!(f instanceof File)) {
    throw new AppError('validation_failed', 'Choose an image', {
      fieldErrors: { file: ['Choose an image'] },
      formErrors: [],
    });
  }
  return f;
}
