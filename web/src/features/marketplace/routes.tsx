import type { RouteObject } from 'react-router';
import { RequireAuth, RequirePlatformAdmin } from '../../app/guards.tsx';
import type { NavItem } from '../../app/nav.ts';

/** The artist's dashboard; `sync` re-reads their Stripe account first. */
async function artistPage(sync: boolean) {
  const { ArtistPage } = await import('./artist-page.tsx');
  return { element: <ArtistPage sync={sync} /> };
}

export const routes: RouteObject[] = [
  { path: 'art', lazy: async () => ({ Component: (await import('./browse-page.tsx')).BrowsePage }) },
  { path: 'art/:id', lazy: async () => ({ Component: (await import('./detail-page.tsx')).ArtworkDetailPage }) },
  {
    path: 'art/:id/purchased',
    lazy: async () => ({ Component: (await import('./purchased-page.tsx')).ArtworkPurchasedPage }),
  },
  // 'artists/apply' (below) is a static segment, so the router ranks it above this one.
  {
    path: 'artists/:slug',
    lazy: async () => ({ Component: (await import('./public-artist-page.tsx')).PublicArtistPage }),
  },
  {
    element: <RequireAuth />,
    children: [
      { path: 'art/for-you', lazy: async () => ({ Component: (await import('./for-you-page.tsx')).ForYouPage }) },
      { path: 'art/saved', lazy: async () => ({ Component: (await import('./for-you-page.tsx')).SavedPage }) },
      { path: 'artists/apply', lazy: async () => ({ Component: (await import('./apply-page.tsx')).ApplyPage }) },
      { path: 'artist', lazy: () => artistPage(false) },
      { path: 'marketplace/sales/:id', lazy: async () => ({ Component: (await import('./sale-page.tsx')).SalePage }) },
      // Stripe sends artists back here; re-read their account so the dashboard shows the new state.
      { path: 'artist/onboarding/return', lazy: () => artistPage(true) },
      { path: 'artist/onboarding/refresh', lazy: () => artistPage(true) },
      {
        element: <RequirePlatformAdmin />,
        children: [
          {
            path: 'admin/marketplace',
            lazy: async () => ({ Component: (await import('./admin-page.tsx')).MarketplaceAdminPage }),
          },
          {
            path: 'admin/marketplace/analytics',
            // Charts (recharts and its d3 parts) load only here, not with every page.
            lazy: async () => ({ Component: (await import('./admin-analytics-page.tsx')).AdminAnalyticsPage }),
          },
          {
            path: 'admin/marketplace/transactions',
            lazy: async () => ({ Component: (await import('./admin-transactions-page.tsx')).AdminTransactionsPage }),
          },
          {
            path: 'admin/marketplace/settings',
            lazy: async () => ({ Component: (await import('./admin-settings-page.tsx')).AdminSettingsPage }),
          },
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
