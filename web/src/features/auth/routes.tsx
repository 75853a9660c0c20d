import type { RouteObject } from 'react-router';
import { RequireGuest } from '../../app/guards.tsx';
import type { NavItem } from '../../app/nav.ts';
import { AcceptInvitePage } from './accept-invite-page.tsx';
import { EmailLinkPage } from './email-link-page.tsx';
import { ForgotPasswordPage } from './forgot-password-page.tsx';
import { ResetPasswordPage } from './reset-password-page.tsx';
import { SignInPage } from './sign-in-page.tsx';
import { SignUpPage } from './sign-up-page.tsx';

export const routes: RouteObject[] = [
  {
    element: <RequireGuest />,
    children: [
      { path: 'sign-in', element: <SignInPage /> },
      { path: 'sign-up', element: <SignUpPage /> },
      { path: 'forgot-password', element: <ForgotPasswordPage /> },
    ],
  },
  // Reachable while signed in: a reset link, emailed sign-in link or invitation may be opened in an existing session.
  { path: 'reset-password', element: <ResetPasswordPage /> },
  { path: 'confirm-email', element: <EmailLinkPage purpose="confirm_email" /> },
  { path: 'sign-in/link', element: <EmailLinkPage purpose="sign_in" /> },
  { path: 'invite', element: <AcceptInvitePage /> },
];

export const nav: NavItem[] = [];
