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

/** Route error boundary: a crash in one page shows this instead of a blank screen. */
export function RouteErrorPage() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  const message = error instanceof Error ? error.message : isRouteErrorResponse(error) ? error.statusText : null;
  return (
    <PageContainer size="narrow" className="py-16 sm:py-24">
      <EmptyState
        as="h1"
        icon={AlertIcon}
        title="Something went wrong"
        description={
          <>
            An unexpected error stopped this page from loading. Reloading usually helps.
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
