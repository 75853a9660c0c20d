import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { ApiBody, ApiResponse } from '../../lib/api-types.ts';
import { applySession, SESSION_KEY } from '../../lib/session.tsx';

export type SignUpInput = ApiBody<'/auth/sign-up', 'post'>;
type SignUpAnswer = ApiResponse<'/auth/sign-up', 'post', 202>;
type ResetRequestAnswer = ApiResponse<'/auth/password-reset', 'post', 202>;
/** The session a one-time link or a password reset signs in with. */
type SessionAnswer = ApiResponse<'/auth/email-link', 'post'>;
type AcceptAnswer = ApiResponse<'/invitations/accept', 'post'>;

/** Sign-up never signs in: the answer is the same for new and taken addresses, and the link arrives by email. */
export function useSignUp() {
  return useMutation({
    mutationFn: (input: SignUpInput) => api.post<SignUpAnswer>('/api/auth/sign-up', input),
  });
}

/** Opens an emailed one-time link (sign-up confirmation or lockout sign-in link) and signs in. */
export function useEmailLinkSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ApiBody<'/auth/email-link', 'post'>) => api.post<SessionAnswer>('/api/auth/email-link', input),
    onSuccess: (session) => applySession(queryClient, session),
  });
}

export function useRequestPasswordReset() {
  return useMutation({
    mutationFn: (input: ApiBody<'/auth/password-reset', 'post'>) =>
      api.post<ResetRequestAnswer>('/api/auth/password-reset', input),
  });
}

export function useConfirmPasswordReset() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ApiBody<'/auth/password-reset/confirm', 'post'>) =>
      api.post<SessionAnswer>('/api/auth/password-reset/confirm', input),
    onSuccess: (session) => applySession(queryClient, session),
  });
}

export function useAcceptInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ApiBody<'/invitations/accept', 'post'>) =>
      api.post<AcceptAnswer>('/api/invitations/accept', input),
    // The new membership arrives with the session, so wait for it before the caller navigates.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: SESSION_KEY }),
  });
}
