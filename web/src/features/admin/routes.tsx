import type { RouteObject } from 'react-router';
import { RequireAuth, RequirePlatformAdmin } from '../../app/guards.tsx';
import type { NavItem } from '../../app/nav.ts';
import { AdminPage } from './admin-page.tsx';
import { UserDetailPage } from './user-detail-page.tsx';

export const routes: RouteObject[] = [
  {
    path: 'admin',
    element: <RequireAuth />,
    children: [
      {
        element: <RequirePlatformAdmin />,
        children: [
          { index: true, element: <AdminPage /> },
          { path: 'users/:id', element: <UserDetailPage /> },
        ],
      },
    ],
  },
];

export const nav: NavItem[] = [{ to: '/admin', label: 'Admin', audience: 'platform-admin', order: 90 }];
