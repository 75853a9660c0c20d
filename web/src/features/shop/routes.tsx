import type { RouteObject } from 'react-router';
import { RequireAuth } from '../../app/guards.tsx';
import type { NavItem } from '../../app/nav.ts';
import { PageSpinner } from '../../components/ui/index.ts';
import { ClientGalleryLayout } from './client-gallery-layout.tsx';

/** Routes in their own frame: a client's gallery shows the studio, not the platform's header and footer. */
export const standaloneRoutes: RouteObject[] = [
  {
    path: 'g/:token',
    element: <ClientGalleryLayout />,
    children: [
      {
        index: true,
        // While the page's code loads on a first visit, the studio's frame stays and a spinner fills it.
        HydrateFallback: PageSpinner,
        lazy: async () => ({ Component: (await import('./client-gallery-page.tsx')).ClientGalleryPage }),
      },
    ],
  },
];

export const routes: RouteObject[] = [
  {
    element: <RequireAuth />,
    children: [
      {
        path: 'studio/galleries',
        lazy: async () => ({ Component: (await import('./studio-galleries-page.tsx')).StudioGalleriesPage }),
      },
      {
        path: 'studio/galleries/:galleryId',
        lazy: async () => ({ Component: (await import('./studio-gallery-page.tsx')).StudioGalleryPage }),
      },
      {
        path: 'studio/catalog',
        lazy: async () => ({ Component: (await import('./studio-catalog-page.tsx')).StudioCatalogPage }),
      },
      {
        path: 'studio/coupons',
        lazy: async () => ({ Component: (await import('./studio-coupons-page.tsx')).StudioCouponsPage }),
      },
      {
        path: 'studio/orders',
        lazy: async () => ({ Component: (await import('./studio-orders-page.tsx')).StudioOrdersPage }),
      },
      {
        path: 'studio/orders/:orderId',
        lazy: async () => ({ Component: (await import('./studio-order-page.tsx')).StudioOrderPage }),
      },
      {
        path: 'studio/shop-settings',
        lazy: async () => ({ Component: (await import('./studio-settings-page.tsx')).StudioSettingsPage }),
      },
    ],
  },
];

export const nav: NavItem[] = [
  { to: '/studio/galleries', label: 'Galleries', audience: 'signed-in', order: 40, accountKinds: ['studio'] },
  { to: '/studio/orders', label: 'Print orders', audience: 'signed-in', order: 41, accountKinds: ['studio'] },
];
