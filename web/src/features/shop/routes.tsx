import type { RouteObject } from 'react-router';
import { RequireAuth } from '../../app/guards.tsx';
import type { NavItem } from '../../app/nav.ts';
import { ClientGalleryPage } from './client-gallery-page.tsx';
import { StudioCatalogPage } from './studio-catalog-page.tsx';
import { StudioCouponsPage } from './studio-coupons-page.tsx';
import { StudioGalleriesPage } from './studio-galleries-page.tsx';
import { StudioGalleryPage } from './studio-gallery-page.tsx';
import { StudioOrderPage } from './studio-order-page.tsx';
import { StudioOrdersPage } from './studio-orders-page.tsx';
import { StudioSettingsPage } from './studio-settings-page.tsx';

export const routes: RouteObject[] = [
  { path: 'g/:token', element: <ClientGalleryPage /> },
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
