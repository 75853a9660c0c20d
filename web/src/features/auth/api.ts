import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import { applySession, type Membership, SESSION_KEY, type SessionPayload } from '../../lib/session.tsx';

export function useRequestPasswordReset() {
  return useMutation({
    mutationFn: (input: { email: string }) => api.post<{ ok: true }>('/api/auth/password-reset', input),
  });
}

export function useConfirmPasswordReset() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { token: string; password: string }) =>
      api.post<SessionPayload>('/api/auth/password-reset/confirm', input),
    onSuccess: (session) => applySession(queryClient, session),
  });
}

export function useAcceptInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { token: string }) => api.post<Membership>('/api/invitations/accept', input),
    // The new membership arrives with the session, so wait for it before the caller navigates.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: SESSION_KEY }),
  });
}
