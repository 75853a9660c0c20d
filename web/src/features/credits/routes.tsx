import type { RouteObject } from 'react-router';
import { RequireAuth } from '../../app/guards.tsx';
import type { NavItem } from '../../app/nav.ts';
import { ExpertServicesPage } from './expert-services-page.tsx';
import { OrgCreditsPage } from './org-credits-page.tsx';
import { ProviderCustomersPage } from './provider-customers-page.tsx';

export const routes: RouteObject[] = [
  {
    element: <RequireAuth />,
    children: [
      { path: 'expert-services', element: <ExpertServicesPage /> },
      { path: 'org/:slug', element: <OrgCreditsPage /> },
      { path: 'provider/:slug/customers', element: <ProviderCustomersPage /> },
    ],
  },
];

export const nav: NavItem[] = [{ to: '/expert-services', label: 'Expert services', audience: 'signed-in', order: 30 }];
