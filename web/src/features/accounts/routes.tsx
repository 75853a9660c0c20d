import type { RouteObject } from 'react-router';
import { RequireAuth } from '../../app/guards.tsx';
import type { NavItem } from '../../app/nav.ts';
import { DashboardPage } from './dashboard-page.tsx';
import { InvoiceDetailsPage } from './invoice-details-page.tsx';
import { MembersPage } from './members-page.tsx';
import { NewAccountPage } from './new-account-page.tsx';

export const routes: RouteObject[] = [
  {
    path: 'app',
    element: <RequireAuth />,
    children: [
      { index: true, element: <DashboardPage /> },
      { path: 'accounts/new', element: <NewAccountPage /> },
      { path: 'members', element: <MembersPage /> },
      { path: 'invoice-details', element: <InvoiceDetailsPage /> },
    ],
  },
];

export const nav: NavItem[] = [
  { to: '/app', label: 'Dashboard', audience: 'signed-in', order: 10, end: true },
  // Every role: members see the team read-only, owners and admins also invite and remove.
  { to: '/app/members', label: 'Members', audience: 'signed-in', order: 60, accountKinds: 'any' },
];
