import type { RouteObject } from 'react-router';
import type { NavItem } from '../../app/nav.ts';
import { HomePage } from './home-page.tsx';

export const routes: RouteObject[] = [{ index: true, element: <HomePage /> }];

export const nav: NavItem[] = [];
