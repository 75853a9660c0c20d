import type { RouteObject } from 'react-router';
import { PageSpinner } from '../components/ui/index.ts';
import * as accounts from '../features/accounts/routes.tsx';
import * as admin from '../features/admin/routes.tsx';
import * as apiKeys from '../features/api-keys/routes.tsx';
import * as auth from '../features/auth/routes.tsx';
import * as credits from '../features/credits/routes.tsx';
import * as home from '../features/home/routes.tsx';
import * as marketplace from '../features/marketplace/routes.tsx';
import * as orders from '../features/orders/routes.tsx';
import * as shop from '../features/shop/routes.tsx';
import { NotFoundPage, RouteErrorPage } from './error-page.tsx';
import { AppLayout } from './layout.tsx';
import type { NavItem } from './nav.ts';

/**
 * Each feature area contributes `routes` (rendered inside the app layout) and `nav` (header links), and may add
 * `standaloneRoutes` that bring their own layout. To add a feature: create `features/<area>/routes.tsx` exporting
 * them, then list it here. Pages load with their route (`lazy`), so a first visit downloads only the shell and
 * that page's code; layouts and guards stay eager.
 */
const features: Array<{ routes: RouteObject[]; nav: NavItem[]; standaloneRoutes?: RouteObject[] }> = [
  home,
  auth,
  accounts,
  apiKeys,
  credits,
  admin,
  orders,
  marketplace,
  shop,
];

export const navItems: NavItem[] = features.flatMap((feature) => feature.nav);

export const routes: RouteObject[] = [
  {
    errorElement: <RouteErrorPage />,
    // What a first visit shows while its lazy page loads, unless a route nearer the page has its own fallback.
    HydrateFallback: PageSpinner,
    children: features.flatMap((feature) => feature.standaloneRoutes ?? []),
  },
  {
    element: <AppLayout navItems={navItems} />,
    errorElement: <RouteErrorPage />,
    children: [
      {
        // Pathless boundary so a crashing page keeps the header and footer around its error message, and a first
        // visit shows them around a spinner while the page's code loads.
        errorElement: <RouteErrorPage />,
        HydrateFallback: PageSpinner,
        children: [...features.flatMap((feature) => feature.routes), { path: '*', element: <NotFoundPage /> }],
      },
    ],
  },
];
