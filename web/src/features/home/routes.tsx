import type { RouteObject } from 'react-router';
import type { NavItem } from '../../app/nav.ts';

export const routes: RouteObject[] = [
  { index: true, lazy: async () => ({ Component: (await import('./home-page.tsx')).HomePage }) },
];

export const nav: NavItem[] = [];
