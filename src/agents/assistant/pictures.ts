import { withUser } from '../../db/tenancy.ts';
import { AppError, notFound } from '../../errors.ts';
import { getArtwork, readImageFile, variantKey } from '../../marketplace/index.ts';
import { storageFor } from '../../storage/index.ts';
import type { AttachedImage, ChatDeps } from './chat.ts';
import type { Assistant } from './conversations.ts';

/**
 * A picture the user shows an assistant, read with the user's own rights: a photo of one of the studio's galleries
 * (studio assistant), or an artwork the user may see (their own drafts, or published works). Anything else is
 * "not found", as the API answers; the web-size variant is sent (enough for a model, far fewer tokens).
 */
export async function pictureFor(
  deps: Pick<ChatDeps, 'db' | 'config'>,
  userId: string,
  accountId: string | null,
  assistant: Assistant,
  ref: { kind: 'photo' | 'artwork'; id: string },
): Promise<AttachedImage> {
  if (ref.kind === 'photo') {
    if (assistant !== 'studio' || !accountId) throw notFound('Photo');
    const photo = await withUser(deps.db, { sub: userId }, (tx) =>
      tx
        .selectFrom('gallery_photos')
        .select(['web_key', 'filename'])
        .where('id', '=', ref.id)
        .where('account_id', '=', accountId)
        .executeTakeFirst(),
    );
    if (!photo) throw notFound('Photo');
    const data = await storageFor(deps.config).get(photo.web_key);
    if (!data) throw new AppError('invalid_state', 'This photo’s file is missing');
    return { kind: 'photo', id: ref.id, title: photo.filename, data, mediaType: 'image/jpeg' };
  }
  // An artist assistant works on its own account's works; other assistants look at what the user can see.
  const { artwork, data } = await artworkPicture(deps, userId, ref.id, assistant === 'artist' ? accountId : null);
  if (!data) throw new AppError('invalid_state', 'This artwork has no picture yet');
  return { kind: 'artwork', id: ref.id, title: artwork.title, data, mediaType: 'image/webp' };
}

/**
 * An artwork the user may see (of `accountId` only, when given; otherwise "not found", as in the API) and the bytes
 * of its primary picture's web size, or null when it has none.
 */
export async function artworkPicture(
  deps: Pick<ChatDeps, 'db' | 'config'>,
  userId: string,
  artworkId: string,
  accountId: string | null,
) {
  const found = await withUser(deps.db, { sub: userId }, async (tx) => {
    const artwork = await getArtwork(tx, artworkId).catch(() => null);
    if (!artwork || (accountId && artwork.accountId !== accountId)) throw notFound('Artwork');
    const primary = artwork.images.find((i) => i.isPrimary) ?? artwork.images[0];
    const key = primary
      ? await tx.selectFrom('artwork_images').select('storage_key').where('id', '=', primary.id).executeTakeFirst()
      : undefined;
    return { artwork, key: key?.storage_key ?? null };
  });
  const data = found.key ? await readImageFile(deps.config, variantKey(found.key, 'web')) : null;
  return { artwork: found.artwork, data };
}
