import type { RouteObject } from 'react-router';
import { RequireAuth, RequirePlatformAdmin } from '../../app/guards.tsx';
import type { NavItem } from '../../app/nav.ts';
import { AdminPage } from './admin-page.tsx';
import { AgentPlatformsPage } from './agent-platforms-page.tsx';
import { AssistantUsagePage } from './assistant-usage-page.tsx';
import { DisputesPage } from './disputes-page.tsx';
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
          { path: 'agent-platforms', element: <AgentPlatformsPage /> },
          { path: 'assistant-usage', element: <AssistantUsagePage /> },
          { path: 'disputes', element: <DisputesPage /> },
        ],
      },
    ],
  },
];

export const nav: NavItem[] = [
  { to: '/admin', label: 'Admin', audience: 'platform-admin', order: 90 },
  { to: '/admin/agent-platforms', label: 'Agent platforms', audience: 'platform-admin', order: 92 },
  { to: '/admin/assistant-usage', label: 'Assistant usage', audience: 'platform-admin', order: 93 },
  { to: '/admin/disputes', label: 'Disputes', audience: 'platform-admin', order: 94 },
];
