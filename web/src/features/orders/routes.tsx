import type { RouteObject } from 'react-router';
import { RequireAuth } from '../../app/guards.tsx';
import type { NavItem } from '../../app/nav.ts';

export const routes: RouteObject[] = [
  {
    path: 'app/orders',
    element: <RequireAuth />,
    children: [
      { index: true, lazy: async () => ({ Component: (await import('./orders-page.tsx')).OrdersPage }) },
      { path: ':orderId', lazy: async () => ({ Component: (await import('./order-page.tsx')).OrderPage }) },
    ],
  },
  // Stripe Checkout return pages: public, the buyer may be a guest.
  {
    path: 'checkout/success',
    lazy: async () => ({ Component: (await import('./checkout-pages.tsx')).CheckoutSuccessPage }),
  },
  {
    path: 'checkout/cancelled',
    lazy: async () => ({ Component: (await import('./checkout-pages.tsx')).CheckoutCancelledPage }),
  },
  // `createTestOrder` and older links use the shorter name.
  {
    path: 'checkout/cancel',
    lazy: async () => ({ Component: (await import('./checkout-pages.tsx')).CheckoutCancelledPage }),
  },
];

export const nav: NavItem[] = [
  // Organizations buy, they don't sell: their purchases are on their hours page. A provider's sales are for its
  // admins (the server refuses its members).
  {
    to: '/app/orders',
    label: 'Orders',
    audience: 'signed-in',
    order: 15,
    accountKinds: ['studio', 'artist', 'provider'],
    minRoleFor: { provider: 'admin' },
  },
];
