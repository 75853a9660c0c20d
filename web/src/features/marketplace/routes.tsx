import type { RouteObject } from 'react-router';
import { RequireAuth, RequirePlatformAdmin } from '../../app/guards.tsx';
import type { NavItem } from '../../app/nav.ts';
import { MarketplaceAdminPage } from './admin-page.tsx';
import { AdminSettingsPage } from './admin-settings-page.tsx';
import { AdminTransactionsPage } from './admin-transactions-page.tsx';
import { ApplyPage } from './apply-page.tsx';
import { ArtistPage } from './artist-page.tsx';
import { BrowsePage } from './browse-page.tsx';
import { ArtworkDetailPage } from './detail-page.tsx';
import { ForYouPage, SavedPage } from './for-you-page.tsx';
import { PublicArtistPage } from './public-artist-page.tsx';
import { ArtworkPurchasedPage } from './purchased-page.tsx';
import { SalePage } from './sale-page.tsx';

export const routes: RouteObject[] = [
  { path: 'art', element: <BrowsePage /> },
  { path: 'art/:id', element: <ArtworkDetailPage /> },
  { path: 'art/:id/purchased', element: <ArtworkPurchasedPage /> },
  // 'artists/apply' (below) is a static segment, so the router ranks it above this one.
  { path: 'artists/:slug', element: <PublicArtistPage /> },
  {
    element: <RequireAuth />,
    children: [
      { path: 'art/for-you', element: <ForYouPage /> },
      { path: 'art/saved', element: <SavedPage /> },
      { path: 'artists/apply', element: <ApplyPage /> },
      { path: 'artist', element: <ArtistPage /> },
      { path: 'marketplace/sales/:id', element: <SalePage /> },
      // Stripe sends artists back here; re-read their account so the dashboard shows the new state.
      { path: 'artist/onboarding/return', element: <ArtistPage sync /> },
      { path: 'artist/onboarding/refresh', element: <ArtistPage sync /> },
      {
        element: <RequirePlatformAdmin />,
        children: [
          { path: 'admin/marketplace', element: <MarketplaceAdminPage /> },
          {
            path: 'admin/marketplace/analytics',
            // Charts (recharts and its d3 parts) load only here, not with every page.
            lazy: async () => ({ Component: (await import('./admin-analytics-page.tsx')).AdminAnalyticsPage }),
          },
          { path: 'admin/marketplace/transactions', element: <AdminTransactionsPage /> },
          { path: 'admin/marketplace/settings', element: <AdminSettingsPage /> },
        ],
      },
    ],
  },
];

export const nav: NavItem[] = [
  { to: '/art', label: 'Art', audience: 'everyone', order: 15 },
  { to: '/artist', label: 'Artworks', audience: 'signed-in', order: 35, accountKinds: ['artist'] },
  // Someone new, with no account yet, may be here to sell their art.
  { to: '/artists/apply', label: 'Sell your art', audience: 'no-account', order: 50 },
  { to: '/admin/marketplace', label: 'Marketplace', audience: 'platform-admin', order: 90 },
];
