import type { RouteObject } from 'react-router';
import { describe, expect, it } from 'vitest';
import { isChunkLoadError } from './error-page.tsx';
import { routes } from './routes.tsx';

/** Every route with the routes above it, outermost first. */
function walk(list: RouteObject[], above: RouteObject[] = []): Array<{ route: RouteObject; above: RouteObject[] }> {
  return list.flatMap((route) => [{ route, above }, ...walk(route.children ?? [], [...above, route])]);
}
const all = walk(routes);
const pages = all.filter(({ route }) => !route.children);
const name = (route: RouteObject) => route.path ?? (route.index ? '(index)' : '(pathless)');

describe('the route tree', () => {
  it('loads every page with its route, so the first visit downloads only the shell and that page', () => {
    const eager = pages.filter(({ route }) => !route.lazy && route.path !== '*').map(({ route }) => name(route));
    expect(eager).toEqual([]);
    expect(pages.filter(({ route }) => route.lazy).length).toBeGreaterThan(40);
  });

  it('keeps layouts and guards eager: they wrap many pages and are small', () => {
    const lazyLayouts = all.filter(({ route }) => route.children && route.lazy).map(({ route }) => name(route));
    expect(lazyLayouts).toEqual([]);
  });

  it('shows a fallback, not a blank page, while a first visit’s page code loads', () => {
    const bare = pages
      .filter(({ route, above }) => route.lazy && ![...above, route].some((r) => r.HydrateFallback))
      .map(({ route }) => name(route));
    expect(bare).toEqual([]);
  });

  it('resolves each lazy route to something to render', async () => {
    for (const { route } of pages) {
      if (typeof route.lazy !== 'function') continue;
      const loaded = await route.lazy();
      expect(loaded.Component ?? loaded.element, name(route)).toBeTruthy();
    }
  });
});

describe('isChunkLoadError', () => {
  it('recognises a page whose code could not be downloaded, in each browser’s words', () => {
    const chromium = new TypeError('Failed to fetch dynamically imported module: https://x.test/assets/a-1.js');
    expect(isChunkLoadError(chromium)).toBe(true);
    expect(isChunkLoadError(new TypeError('error loading dynamically imported module'))).toBe(true);
    expect(isChunkLoadError(new TypeError('Importing a module script failed.'))).toBe(true);
    expect(isChunkLoadError(new Error('Unable to preload CSS for /assets/a-1.css'))).toBe(true);
    expect(isChunkLoadError(new Error('Cannot read properties of undefined'))).toBe(false);
    expect(isChunkLoadError('Failed to fetch dynamically imported module')).toBe(false);
  });
});
