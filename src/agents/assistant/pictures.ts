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
  const found = await withUser(deps.db, { sub: userId }, async (tx) => {
    const artwork = await getArtwork(tx, ref.id).catch(() => null);
    if (!artwork) throw notFound('Artwork');
    // An artist assistant works on its own account's works; other assistants look at what the user can see.
    if (assistant === 'artist' && artwork.accountId !== accountId) throw notFound('Artwork');
    const primary = artwork.images.find((i) => i.isPrimary) ?? artwork.images[0];
    const key = primary
      ? await tx.selectFrom('artwork_images').select('storage_key').where('id', '=', primary.id).executeTakeFirst()
      : undefined;
    return { title: artwork.title, key: key?.storage_key ?? null };
  });
  const data = found.key ? await readImageFile(deps.config, variantKey(found.key, 'web')) : null;
  if (!data) throw new AppError('invalid_state', 'This artwork has no picture yet');
  return { kind: 'artwork', id: ref.id, title: found.title, data, mediaType: 'image/webp' };
}
