import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { AlertIcon, CompassIcon } from '../components/icons.tsx';
import { PageContainer } from '../components/page-container.tsx';
import { Button, EmptyState } from '../components/ui/index.ts';

export function NotFoundPage() {
  return (
    <PageContainer size="narrow" className="py-16 sm:py-24">
      <p className="mb-3 text-center font-mono text-sm text-muted">404</p>
      <EmptyState
        as="h1"
        icon={CompassIcon}
        title={<span className="font-display text-2xl">This page doesn’t exist</span>}
        description="The link may be broken, or the page may have moved. Check the address, or head back to somewhere familiar."
        action={
          <>
            <Button asChild>
              <Link to="/">Go to the home page</Link>
            </Button>
            <Button asChild variant="secondary">
              <Link to="/app">Open your dashboard</Link>
            </Button>
          </>
        }
      />
    </PageContainer>
  );
}

/**
 * Whether a lazily loaded page's code failed to download: after a deploy its old file is gone, or the network
 * dropped. Chromium, Firefox and Safari each word it differently.
 */
export function isChunkLoadError(error: unknown): boolean {
  return (
    error instanceof Error &&
    /dynamically imported module|Importing a module script failed|Unable to preload CSS/i.test(error.message)
  );
}

/** Route error boundary: a crash in one page shows this instead of a blank screen. */
export function RouteErrorPage() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  const message = error instanceof Error ? error.message : isRouteErrorResponse(error) ? error.statusText : null;
  const stale = isChunkLoadError(error);
  return (
    <PageContainer size="narrow" className="py-16 sm:py-24">
      <EmptyState
        as="h1"
        icon={AlertIcon}
        title={stale ? 'This page couldn’t be loaded' : 'Something went wrong'}
        description={
          <>
            {stale
              ? 'Gallerist may have been updated since you opened it, or the connection dropped. Reload to get the latest version.'
              : 'An unexpected error stopped this page from loading. Reloading usually helps.'}
            {message ? <span className="mt-2 block font-mono text-xs text-stone-500">{message}</span> : null}
          </>
        }
        action={
          <>
            <Button onClick={() => window.location.reload()}>Reload the page</Button>
            <Button asChild variant="secondary">
              <a href="/">Go home</a>
            </Button>
          </>
        }
      />
    </PageContainer>
  );
}
