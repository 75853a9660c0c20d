import type { RouteObject } from 'react-router';
import { RequireAuth } from '../../app/guards.tsx';
import type { NavItem } from '../../app/nav.ts';

export const routes: RouteObject[] = [
  {
    path: 'app',
    element: <RequireAuth />,
    children: [
      { index: true, lazy: async () => ({ Component: (await import('./dashboard-page.tsx')).DashboardPage }) },
      {
        path: 'accounts/new',
        lazy: async () => ({ Component: (await import('./new-account-page.tsx')).NewAccountPage }),
      },
      { path: 'members', lazy: async () => ({ Component: (await import('./members-page.tsx')).MembersPage }) },
      {
        path: 'invoice-details',
        lazy: async () => ({ Component: (await import('./invoice-details-page.tsx')).InvoiceDetailsPage }),
      },
    ],
  },
];

export const nav: NavItem[] = [
  { to: '/app', label: 'Dashboard', audience: 'signed-in', order: 10, end: true },
  // Every role: members see the team read-only, owners and admins also invite and remove.
  { to: '/app/members', label: 'Members', audience: 'signed-in', order: 60, accountKinds: 'any' },
];
