import type { RouteObject } from 'react-router';
import { RequireAuth } from '../../app/guards.tsx';
import type { NavItem } from '../../app/nav.ts';
import { CheckoutCancelledPage, CheckoutSuccessPage } from './checkout-pages.tsx';
import { OrderPage } from './order-page.tsx';
import { OrdersPage } from './orders-page.tsx';

export const routes: RouteObject[] = [
  {
    path: 'app/orders',
    element: <RequireAuth />,
    children: [
      { index: true, element: <OrdersPage /> },
      { path: ':orderId', element: <OrderPage /> },
    ],
  },
  // Stripe Checkout return pages: public, the buyer may be a guest.
  { path: 'checkout/success', element: <CheckoutSuccessPage /> },
  { path: 'checkout/cancelled', element: <CheckoutCancelledPage /> },
  // `createTestOrder` and older links use the shorter name.
  { path: 'checkout/cancel', element: <CheckoutCancelledPage /> },
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
