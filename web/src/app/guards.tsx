import type { ReactNode } from 'react';
import { Link, Navigate, Outlet, useLocation, useSearchParams } from 'react-router';
import { LockIcon } from '../components/icons.tsx';
import { PageContainer } from '../components/page-container.tsx';
import { Button, EmptyState, ErrorAlert, PageSpinner } from '../components/ui/index.ts';
import { safeNext } from '../lib/safe-next.ts';
import { justSignedOut, useSession } from '../lib/session.tsx';

/** Shared states while the session is unknown: spinner on first load, retryable error if it fails. */
function SessionGate({ children }: { children: ReactNode }) {
  const session = useSession();
  if (session.status === 'pending') return <PageSpinner label="Loading your session" />;
  if (session.status === 'error') {
    return (
      <div className="mx-auto max-w-lg py-12">
        <ErrorAlert error={session.error} onRetry={session.refetch} title="Could not check your session" />
      </div>
    );
  }
  return <>{children}</>;
}

/** Layout route: renders children for signed-in users, otherwise sends them to sign in and back. */
export function RequireAuth() {
  const { user, status } = useSession();
  const location = useLocation();
  if (status === 'success' && !user) {
    // Route changes run in a transition, so this guard can still render once after sign-out.
    if (justSignedOut()) return <Navigate to="/" replace />;
    const next = `${location.pathname}${location.search}${location.hash}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return (
    <SessionGate>
      <Outlet />
    </SessionGate>
  );
}

/** Layout route for sign-in/sign-up: signed-in users continue to `?next=` (or the dashboard). */
export function RequireGuest() {
  const { user } = useSession();
  const [params] = useSearchParams();
  if (user) return <Navigate to={safeNext(params.get('next'))} replace />;
  // Guest pages render even if the session check failed, so a flaky session endpoint never blocks sign-in.
  return <Outlet />;
}

/** Layout route (nest inside RequireAuth): platform admins only, others see a 403 state. */
export function RequirePlatformAdmin() {
  const { user } = useSession();
  if (!user?.isPlatformAdmin) return <ForbiddenState />;
  return <Outlet />;
}

export function ForbiddenState({
  title = 'You don’t have access to this page',
  description = 'This area is limited to platform administrators. If you think you should have access, ask an administrator of this Gallerist installation.',
}: {
  title?: string;
  description?: string;
}) {
  return (
    <PageContainer size="narrow" className="py-16 sm:py-24">
      <p className="mb-3 text-center font-mono text-sm text-muted">403</p>
      <EmptyState
        as="h1"
        icon={LockIcon}
        title={title}
        description={description}
        action={
          <Button asChild variant="secondary">
            <Link to="/app">Back to dashboard</Link>
          </Button>
        }
      />
    </PageContainer>
  );
}
