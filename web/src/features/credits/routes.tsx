import type { RouteObject } from 'react-router';
import { RequireAuth } from '../../app/guards.tsx';
import type { NavItem } from '../../app/nav.ts';

export const routes: RouteObject[] = [
  {
    element: <RequireAuth />,
    children: [
      {
        path: 'expert-services',
        lazy: async () => ({ Component: (await import('./expert-services-page.tsx')).ExpertServicesPage }),
      },
      { path: 'org/:slug', lazy: async () => ({ Component: (await import('./org-credits-page.tsx')).OrgCreditsPage }) },
      {
        path: 'provider/:slug/customers',
        lazy: async () => ({ Component: (await import('./provider-customers-page.tsx')).ProviderCustomersPage }),
      },
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
