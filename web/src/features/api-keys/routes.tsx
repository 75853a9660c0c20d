import type { RouteObject } from 'react-router';
import { RequireAuth } from '../../app/guards.tsx';
import type { NavItem } from '../../app/nav.ts';

export const routes: RouteObject[] = [
  {
    path: 'app/api-keys',
    element: <RequireAuth />,
    children: [{ index: true, lazy: async () => ({ Component: (await import('./api-keys-page.tsx')).ApiKeysPage }) }],
  },
];

export const nav: NavItem[] = [
  { to: '/app/api-keys', label: 'API keys', audience: 'signed-in', order: 65, accountKinds: 'any', minRole: 'admin' },
];
