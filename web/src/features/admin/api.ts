import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { ApiResponse, Schemas } from '../../lib/api-types.ts';

export type AdminUser = Schemas['AdminUser'];
export type AdminAccount = Schemas['AdminAccount'];
export type AdminUserDetail = Schemas['AdminUserDetail'];
/** A page of each admin list, as the server answers it. */
type AdminPages = {
  users: ApiResponse<'/admin/users', 'get'>;
  accounts: ApiResponse<'/admin/accounts', 'get'>;
};
/** `''` means "any"; the server takes the literal words true/false. */
export type Flag = '' | 'true' | 'false';
/** A directory's filters and the cursor of the page shown (undefined for the first). */
export type ListParams = { q: string; cursor?: string; limit: number; admin?: Flag; suspended?: Flag };

export const PAGE_SIZE = 20;

function useAdminList<R extends keyof AdminPages>(resource: R, params: ListParams) {
  return useQuery({
    queryKey: ['admin', resource, params],
    queryFn: ({ signal }) => api.get<AdminPages[R]>(`/api/admin/${resource}`, params, signal),
    // Keep the current page on screen while the next page or search result loads.
    placeholderData: keepPreviousData,
  });
}

export const useAdminUsers = (params: ListParams) => useAdminList('users', params);
export const useAdminAccounts = (params: ListParams) => useAdminList('accounts', params);

export function useAdminUser(id: string) {
  return useQuery({
    queryKey: ['admin', 'user', id],
    queryFn: ({ signal }) => api.get<AdminUserDetail>(`/api/admin/users/${id}`, undefined, signal),
  });
}

export type UserAction = 'grant-admin' | 'revoke-admin' | 'suspend' | 'unsuspend';

/** Any user or account action; refreshes every admin list and detail afterwards. */
export function useAdminAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (a: { kind: 'users' | 'accounts'; id: string; action: string; reason?: string }) =>
      api.post(`/api/admin/${a.kind}/${a.id}/${a.action}`, a.reason ? { reason: a.reason } : {}),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['admin'] }),
  });
}
