import type { RouteObject } from 'react-router';
import { RequireAuth } from '../../app/guards.tsx';
import type { NavItem } from '../../app/nav.ts';
import { ClientGalleryLayout } from './client-gallery-layout.tsx';
import { ClientGalleryPage } from './client-gallery-page.tsx';
import { StudioCatalogPage } from './studio-catalog-page.tsx';
import { StudioCouponsPage } from './studio-coupons-page.tsx';
import { StudioGalleriesPage } from './studio-galleries-page.tsx';
import { StudioGalleryPage } from './studio-gallery-page.tsx';
import { StudioOrderPage } from './studio-order-page.tsx';
import { StudioOrdersPage } from './studio-orders-page.tsx';
import { StudioSettingsPage } from './studio-settings-page.tsx';

/** Routes in their own frame: a client's gallery shows the studio, not the platform's header and footer. */
export const standaloneRoutes: RouteObject[] = [
  { path: 'g/:token', element: <ClientGalleryLayout />, children: [{ index: true, element: <ClientGalleryPage /> }] },
];

export const routes: RouteObject[] = [
  {
    element: <RequireAuth />,
    children: [
      { path: 'studio/galleries', element: <StudioGalleriesPage /> },
      { path: 'studio/galleries/:galleryId', element: <StudioGalleryPage /> },
      { path: 'studio/catalog', element: <StudioCatalogPage /> },
      { path: 'studio/coupons', element: <StudioCouponsPage /> },
      { path: 'studio/orders', element: <StudioOrdersPage /> },
      { path: 'studio/orders/:orderId', element: <StudioOrderPage /> },
      { path: 'studio/shop-settings', element: <StudioSettingsPage /> },
    ],
  },
];

export const nav: NavItem[] = [
  { to: '/studio/galleries', label: 'Galleries', audience: 'signed-in', order: 40, accountKinds: ['studio'] },
  { to: '/studio/orders', label: 'Print orders', audience: 'signed-in', order: 41, accountKinds: ['studio'] },
];
