import type { RouteObject } from 'react-router';
import { RequireAuth, RequirePlatformAdmin } from '../../app/guards.tsx';
import type { NavItem } from '../../app/nav.ts';

export const routes: RouteObject[] = [
  {
    path: 'admin',
    element: <RequireAuth />,
    children: [
      {
        element: <RequirePlatformAdmin />,
        children: [
          { index: true, lazy: async () => ({ Component: (await import('./admin-page.tsx')).AdminPage }) },
          {
            path: 'users/:id',
            lazy: async () => ({ Component: (await import('./user-detail-page.tsx')).UserDetailPage }),
          },
          {
            path: 'agent-platforms',
            lazy: async () => ({ Component: (await import('./agent-platforms-page.tsx')).AgentPlatformsPage }),
          },
          {
            path: 'assistant-usage',
            lazy: async () => ({ Component: (await import('./assistant-usage-page.tsx')).AssistantUsagePage }),
          },
          { path: 'disputes', lazy: async () => ({ Component: (await import('./disputes-page.tsx')).DisputesPage }) },
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
