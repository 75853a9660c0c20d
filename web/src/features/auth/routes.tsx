import type { RouteObject } from 'react-router';
import { RequireGuest } from '../../app/guards.tsx';
import type { NavItem } from '../../app/nav.ts';

export const routes: RouteObject[] = [
  {
    element: <RequireGuest />,
    children: [
      { path: 'sign-in', lazy: async () => ({ Component: (await import('./sign-in-page.tsx')).SignInPage }) },
      { path: 'sign-up', lazy: async () => ({ Component: (await import('./sign-up-page.tsx')).SignUpPage }) },
      {
        path: 'forgot-password',
        lazy: async () => ({ Component: (await import('./forgot-password-page.tsx')).ForgotPasswordPage }),
      },
    ],
  },
  // Reachable while signed in: a reset link, emailed sign-in link or invitation may be opened in an existing session.
  {
    path: 'reset-password',
    lazy: async () => ({ Component: (await import('./reset-password-page.tsx')).ResetPasswordPage }),
  },
  {
    path: 'confirm-email',
    lazy: async () => {
      const { EmailLinkPage } = await import('./email-link-page.tsx');
      return { element: <EmailLinkPage purpose="confirm_email" /> };
    },
  },
  {
    path: 'sign-in/link',
    lazy: async () => {
      const { EmailLinkPage } = await import('./email-link-page.tsx');
      return { element: <EmailLinkPage purpose="sign_in" /> };
    },
  },
  { path: 'invite', lazy: async () => ({ Component: (await import('./accept-invite-page.tsx')).AcceptInvitePage }) },
];

export const nav: NavItem[] = [];
