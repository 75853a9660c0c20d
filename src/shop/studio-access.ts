import type { Context } from 'hono';
import { requireRole } from '../accounts/service.ts';
import { recordAudit } from '../audit/service.ts';
import { requireAccountKind } from '../db/account-kind.ts';
import { withUser } from '../db/tenancy.ts';
import type { DB, Tx } from '../db/types.ts';
import { AppError } from '../errors.ts';
import type { AppEnv } from '../http/context.ts';
import { requireUser, userActor } from '../http/middleware.ts';
import * as catalog from './catalog.ts';
import * as galleries from './galleries.ts';

// Shared by the studio route files: every studio request runs as the signed-in user under RLS, after a role check.

/** 404 unless the account is a studio the user belongs to, 403 below `min`: the one studio permission check. */
export async function requireStudioRole(db: DB, accountId: string, userId: string, min: 'member' | 'admin') {
  await requireAccountKind(db, accountId, 'studio');
  return requireRole(db, accountId, userId, min);
}

/** Runs `fn` as the signed-in user after checking their role in the studio. */
export async function asMember<T>(
  c: Context<AppEnv>,
  accountId: string,
  min: 'member' | 'admin',
  fn: (tx: Tx, actor: { kind: string; userId: string; requestId: string }) => Promise<T>,
) {
  const user = requireUser(c);
  const actor = userActor(c, user.id);
  return withUser(c.get('deps').db, { sub: user.id }, async (tx) => {
    await requireStudioRole(tx, accountId, user.id, min);
    return fn(tx, actor);
  });
}

/** Runs `fn` on a gallery the signed-in user is a studio member of (RLS hides others: 404). */
export async function asGalleryMember<T>(
  c: Context<AppEnv>,
  galleryId: string,
  fn: (tx: Tx, g: Awaited<ReturnType<typeof galleries.getGallery>>) => Promise<T>,
) {
  const user = requireUser(c);
  return withUser(c.get('deps').db, { sub: user.id }, async (tx) => {
    const g = await galleries.getGallery(tx, galleryId);
    await requireStudioRole(tx, g.accountId, user.id, 'member');
    return fn(tx, g);
  });
}

/** Audits a studio change in the caller's transaction, as the signed-in user. */
export function audit(
  c: Context<AppEnv>,
  tx: Tx,
  e: { accountId: string; action: string; entityType: string; entityId: string; before?: unknown; after?: unknown },
) {
  const user = requireUser(c);
  return recordAudit(tx, userActor(c, user.id), e);
}

/** Runs `fn` on a product the signed-in user is a studio member of (RLS hides others: 404). */
export async function asProductMember<T>(
  c: Context<AppEnv>,
  productId: string,
  fn: (tx: Tx, accountId: string, actor: { kind: string; userId: string; requestId: string }) => Promise<T>,
) {
  const user = requireUser(c);
  const actor = userActor(c, user.id);
  return withUser(c.get('deps').db, { sub: user.id }, async (tx) => {
    const accountId = await catalog.productAccount(tx, productId);
    await requireStudioRole(tx, accountId, user.id, 'member');
    return fn(tx, accountId, actor);
  });
}

/** The single file of a multipart upload (field "file"), or a 400. */
export async function singleFile(c: Context<AppEnv>): Promise<File> {
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
