import type { RouteObject } from 'react-router';
import { RequireAuth } from '../../app/guards.tsx';
import type { NavItem } from '../../app/nav.ts';
import { ApiKeysPage } from './api-keys-page.tsx';

export const routes: RouteObject[] = [
  { path: 'app/api-keys', element: <RequireAuth />, children: [{ index: true, element: <ApiKeysPage /> }] },
];

export const nav: NavItem[] = [
  { to: '/app/api-keys', label: 'API keys', audience: 'signed-in', order: 65, accountKinds: 'any', minRole: 'admin' },
];
