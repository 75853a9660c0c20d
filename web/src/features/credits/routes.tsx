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

export const nav: NavItem[] = [
  // The catalog: organizations buy hours there (admins), providers see what they offer.
  {
    to: '/expert-services',
    label: 'Expert services',
    audience: 'signed-in',
    order: 30,
    accountKinds: ['organization', 'provider'],
  },
  // Every member of an organization may see its hours; a provider's customers are for its admins.
  { to: '/org/:slug', label: 'Hours', audience: 'signed-in', order: 31, accountKinds: ['organization'] },
  {
    to: '/provider/:slug/customers',
    label: 'Customers',
    audience: 'signed-in',
    order: 31,
    accountKinds: ['provider'],
    minRole: 'admin',
  },
];
