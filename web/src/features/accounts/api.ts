import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import { type AccountKind, type Role, SESSION_KEY } from '../../lib/session.tsx';

export type Member = { userId: string; email: string; name: string; role: Role; joinedAt: string };
export type Invitation = {
  id: string;
  email: string;
  role: Exclude<Role, 'owner'>;
  createdAt: string;
  expiresAt: string;
};
export type CreatedAccount = { id: string; slug: string; name: string; kind: AccountKind; role: 'owner' };

export const accountKeys = {
  members: (accountId: string) => ['accounts', accountId, 'members'] as const,
  invitations: (accountId: string) => ['accounts', accountId, 'invitations'] as const,
};

export function useMembers(accountId: string) {
  return useQuery({
    queryKey: accountKeys.members(accountId),
    queryFn: ({ signal }) =>
      api.get<{ data: Member[] }>(`/api/accounts/${encodeURIComponent(accountId)}/members`, undefined, signal),
    select: (res) => res.data,
  });
}

export function useInvitations(accountId: string, enabled = true) {
  return useQuery({
    queryKey: accountKeys.invitations(accountId),
    queryFn: ({ signal }) =>
      api.get<{ data: Invitation[] }>(`/api/accounts/${encodeURIComponent(accountId)}/invitations`, undefined, signal),
    select: (res) => res.data,
    enabled,
  });
}

export function useCreateAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; slug: string; kind: AccountKind }) =>
      api.post<CreatedAccount>('/api/accounts', input),
    // Memberships live in the session payload; refetch it so the switcher knows the new account before we navigate.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: SESSION_KEY }),
  });
}

export function useInviteMember(accountId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; role: Invitation['role'] }) =>
      api.post<Invitation>(`/api/accounts/${encodeURIComponent(accountId)}/invitations`, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accountKeys.invitations(accountId) }),
  });
}

export function useRemoveMember(accountId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      api.delete(`/api/accounts/${encodeURIComponent(accountId)}/members/${encodeURIComponent(userId)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accountKeys.members(accountId) }),
  });
}
