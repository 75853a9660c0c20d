import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { ApiBody, ApiResponse, Schemas } from '../../lib/api-types.ts';

/*
 * The artist's public profile: the editor on the dashboard (members read, admins save) and the public artist page.
 * Keys sit under ['marketplace'], so every marketplace invalidation refreshes them too.
 */

export type ArtistProfile = Schemas['ArtistProfile'];
export type ArtistProfilePatch = ApiBody<'/marketplace/artists/{accountId}/profile', 'patch'>;
export type PublicArtist = Schemas['PublicArtist'];
type ProfileAnswer = ApiResponse<'/marketplace/artists/{accountId}/profile', 'get'>;
type SavedProfile = ApiResponse<'/marketplace/artists/{accountId}/profile', 'patch'>;

/** The longest bio the server takes (artist_profiles.bio). */
export const BIO_MAX = 5000;

export const profileKeys = {
  profile: (accountId: string) => ['marketplace', 'artist', accountId, 'profile'] as const,
  publicArtist: (slug: string) => ['marketplace', 'public', 'artist', slug] as const,
};

export const profileApi = {
  save: (accountId: string, patch: ArtistProfilePatch) =>
    api.patch<SavedProfile>(`/api/marketplace/artists/${accountId}/profile`, patch),
};

export function useArtistProfile(accountId: string | undefined) {
  return useQuery({
    queryKey: profileKeys.profile(accountId ?? ''),
    queryFn: ({ signal }) => api.get<ProfileAnswer>(`/api/marketplace/artists/${accountId}/profile`, undefined, signal),
    select: (r) => r.profile,
    enabled: Boolean(accountId),
  });
}

/** Saves the profile; the editor, the public page and the assistant's cards all re-read it afterwards. */
export function useSaveArtistProfile(accountId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: ArtistProfilePatch) => profileApi.save(accountId, patch),
    onSuccess: (r) => {
      qc.setQueryData<ProfileAnswer>(profileKeys.profile(accountId), r);
      void qc.invalidateQueries({ queryKey: ['marketplace'] });
    },
  });
}

/** An artist's public page by slug (anyone). */
export function usePublicArtist(slug: string) {
  return useQuery({
    queryKey: profileKeys.publicArtist(slug),
    queryFn: ({ signal }) =>
      api.get<PublicArtist>(`/api/marketplace/artists/${encodeURIComponent(slug)}`, undefined, signal),
  });
}
