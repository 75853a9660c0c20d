import { Link, useNavigate, useSearchParams } from 'react-router';
import { MailIcon } from '../../components/icons.tsx';
import { Alert, Button, PageSpinner, useToast } from '../../components/ui/index.ts';
import { errorMessage, isApiError } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';
import { useAcceptInvitation } from './api.ts';
import { AuthShell, linkClasses } from './auth-shell.tsx';

/** Accepting is an explicit click (not on load) so link previews and double renders never consume a token. */
export function AcceptInvitePage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const { user, status, selectAccount } = useSession();
  const navigate = useNavigate();
  const { toast } = useToast();
  const accept = useAcceptInvitation();

  if (!token) {
    return (
      <AuthShell title="Accept invitation">
        <Alert variant="error" title="This invitation link is incomplete">
          Open the link from your invitation email again, or ask the person who invited you to send a new one.
        </Alert>
      </AuthShell>
    );
  }

  if (status === 'pending') return <PageSpinner label="Loading your session" />;

  const here = `/invite?token=${encodeURIComponent(token)}`;

  if (!user) {
    return (
      <AuthShell
        title="You’ve been invited"
        description="Sign in or create a Gallerist account to join the team that invited you."
      >
        <div className="grid gap-3">
          <div className="mb-2 flex justify-center">
            <span className="flex size-12 items-center justify-center rounded-full bg-accent-50 text-accent-700">
              <MailIcon size={22} />
            </span>
          </div>
          <Button asChild size="lg">
            <Link to={`/sign-up?next=${encodeURIComponent(here)}`}>Create an account</Link>
          </Button>
          <Button asChild size="lg" variant="secondary">
            <Link to={`/sign-in?next=${encodeURIComponent(here)}`}>I already have an account</Link>
          </Button>
          <p className="mt-2 text-center text-xs text-muted">Use the email address the invitation was sent to.</p>
        </div>
      </AuthShell>
    );
  }

  const onAccept = () =>
    accept.mutate(
      { token },
      {
        onSuccess: (membership) => {
          selectAccount(membership.accountId);
          toast({ title: `You joined ${membership.name}`, variant: 'success' });
          navigate('/app', { replace: true });
        },
      },
    );

  const expired = isApiError(accept.error) && (accept.error.code === 'not_found' || accept.error.code === 'conflict');

  return (
    <AuthShell
      title="Join the team"
      description={
        <>
          You’re signed in as <strong className="text-foreground">{user.email}</strong>.
        </>
      }
      footer={
        <Link to="/app" className={linkClasses}>
          Not now — go to my dashboard
        </Link>
      }
    >
      <div className="grid gap-4">
        {accept.error ? (
          <Alert variant="error" title={expired ? 'This invitation can’t be used' : 'Could not accept the invitation'}>
            {errorMessage(accept.error)}
            {expired ? ' Ask the person who invited you to send a new invitation.' : null}
          </Alert>
        ) : null}
        <p className="text-sm text-muted">
          Accepting adds the inviting account to your account switcher, with the role you were invited as.
        </p>
        <Button size="lg" onClick={onAccept} loading={accept.isPending} className="w-full">
          Accept invitation
        </Button>
      </div>
    </AuthShell>
  );
}
