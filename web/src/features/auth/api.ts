import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import { applySession, type Membership, SESSION_KEY, type SessionPayload } from '../../lib/session.tsx';

export type SignUpInput = { email: string; password: string; name: string; next?: string };

/** Sign-up never signs in: the answer is the same for new and taken addresses, and the link arrives by email. */
export function useSignUp() {
  return useMutation({
    mutationFn: (input: SignUpInput) => api.post<{ ok: true }>('/api/auth/sign-up', input),
  });
}

/** Opens an emailed one-time link (sign-up confirmation or lockout sign-in link) and signs in. */
export function useEmailLinkSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { token: string }) => api.post<SessionPayload>('/api/auth/email-link', input),
    onSuccess: (session) => applySession(queryClient, session),
  });
}

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
