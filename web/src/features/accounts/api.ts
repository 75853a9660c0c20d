import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { ApiBody, ApiResponse, Schemas } from '../../lib/api-types.ts';
import { SESSION_KEY } from '../../lib/session.tsx';

export type Member = Schemas['Member'];
export type Invitation = Schemas['Invitation'];
/** The creator's membership of the new account (its id is `accountId`). */
export type CreatedAccount = ApiResponse<'/accounts', 'post', 201>;
type MemberList = ApiResponse<'/accounts/{accountId}/members', 'get'>;
type InvitationList = ApiResponse<'/accounts/{accountId}/invitations', 'get'>;
export type LegalDetails = Schemas['AccountLegalDetails'];
export type LegalDetailsInput = ApiBody<'/accounts/{accountId}/legal-details', 'patch'>;

export const accountKeys = {
  members: (accountId: string) => ['accounts', accountId, 'members'] as const,
  invitations: (accountId: string) => ['accounts', accountId, 'invitations'] as const,
  legalDetails: (accountId: string) => ['accounts', accountId, 'legal-details'] as const,
};

export function useMembers(accountId: string) {
  return useQuery({
    queryKey: accountKeys.members(accountId),
    queryFn: ({ signal }) =>
      api.get<MemberList>(`/api/accounts/${encodeURIComponent(accountId)}/members`, undefined, signal),
    select: (res) => res.data,
  });
}

export function useInvitations(accountId: string, enabled = true) {
  return useQuery({
    queryKey: accountKeys.invitations(accountId),
    queryFn: ({ signal }) =>
      api.get<InvitationList>(`/api/accounts/${encodeURIComponent(accountId)}/invitations`, undefined, signal),
    select: (res) => res.data,
    enabled,
  });
}

export function useCreateAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ApiBody<'/accounts', 'post'>) => api.post<CreatedAccount>('/api/accounts', input),
    // Memberships live in the session payload; refetch it so the switcher knows the new account before we navigate.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: SESSION_KEY }),
  });
}

export function useInviteMember(accountId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ApiBody<'/accounts/{accountId}/invitations', 'post'>) =>
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

/** The tax id and billing address the account's invoices print (members read; owners and admins edit). */
export function useLegalDetails(accountId: string) {
  return useQuery({
    queryKey: accountKeys.legalDetails(accountId),
    queryFn: ({ signal }) =>
      api.get<LegalDetails>(`/api/accounts/${encodeURIComponent(accountId)}/legal-details`, undefined, signal),
  });
}

export function useSaveLegalDetails(accountId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: LegalDetailsInput) =>
      api.patch<LegalDetails>(`/api/accounts/${encodeURIComponent(accountId)}/legal-details`, input),
    onSuccess: (saved) => queryClient.setQueryData(accountKeys.legalDetails(accountId), saved),
  });
}
