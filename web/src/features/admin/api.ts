import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { AccountKind } from '../../lib/session.tsx';

export type Page<T> = { data: T[]; page: number; pageSize: number; total: number };
export type AdminUser = {
  id: string;
  email: string;
  name: string;
  isPlatformAdmin: boolean;
  suspendedAt: string | null;
  createdAt: string;
};
export type AdminAccount = {
  id: string;
  slug: string;
  name: string;
  kind: AccountKind;
  suspendedAt: string | null;
  createdAt: string;
  memberCount: number;
};
export type AdminUserDetail = {
  user: AdminUser;
  memberships: {
    accountId: string;
    slug: string;
    name: string;
    kind: AccountKind;
    role: 'owner' | 'admin' | 'member';
    accountSuspendedAt: string | null;
  }[];
  audit: {
    id: string;
    action: string;
    actor: string;
    actorUserId: string | null;
    actorEmail: string | null;
    after: unknown;
    createdAt: string;
  }[];
};
/** `''` means "any"; the server takes the literal words true/false. */
export type Flag = '' | 'true' | 'false';
export type ListParams = { q: string; page: number; pageSize: number; admin?: Flag; suspended?: Flag };

export const PAGE_SIZE = 20;

function useAdminList<T>(resource: 'users' | 'accounts', params: ListParams) {
  return useQuery({
    queryKey: ['admin', resource, params],
    queryFn: ({ signal }) => api.get<Page<T>>(`/api/admin/${resource}`, params, signal),
    // Keep the current page on screen while the next page or search result loads.
    placeholderData: keepPreviousData,
  });
}

export const useAdminUsers = (params: ListParams) => useAdminList<AdminUser>('users', params);
export const useAdminAccounts = (params: ListParams) => useAdminList<AdminAccount>('accounts', params);

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
