import { Link, useNavigate, useSearchParams } from 'react-router';
import { MailIcon } from '../../components/icons.tsx';
import { Alert, Button, useToast } from '../../components/ui/index.ts';
import { errorMessage, isApiError } from '../../lib/api.ts';
import { safeNext } from '../../lib/validation.ts';
import { useEmailLinkSignIn } from './api.ts';
import { AuthShell, linkClasses } from './auth-shell.tsx';

export type EmailLinkPurpose = 'confirm_email' | 'sign_in';

const copy = {
  confirm_email: {
    title: 'Confirm your email',
    description: 'One click to finish signing up.',
    button: 'Confirm and sign in',
  },
  sign_in: {
    title: 'Sign in with your link',
    description: 'This one-time link signs you in without your password.',
    button: 'Sign in',
  },
} as const;

/**
 * Opens an emailed one-time link (sign-up confirmation or lockout sign-in link). Signing in is an explicit click,
 * not on load, so link previews and mail scanners never spend the token.
 */
export function EmailLinkPage({ purpose }: { purpose: EmailLinkPurpose }) {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const { toast } = useToast();
  const open = useEmailLinkSignIn();
  const text = copy[purpose];

  if (!token) {
    return (
      <AuthShell title={text.title}>
        <Alert variant="error" title="This link is incomplete">
          Open the link from your email again, or{' '}
          <Link to="/sign-in" className={linkClasses}>
            sign in
          </Link>{' '}
          to get a new one.
        </Alert>
      </AuthShell>
    );
  }

  const onContinue = () =>
    open.mutate(
      { token },
      {
        onSuccess: (session) => {
          const name = session.user?.name;
          const title = purpose === 'confirm_email' ? `Welcome to Gallerist${name ? `, ${name}` : ''}` : 'Signed in';
          toast({ title, variant: 'success' });
          navigate(next, { replace: true });
        },
      },
    );

  const gone = isApiError(open.error) && open.error.code === 'gone';

  return (
    <AuthShell
      title={text.title}
      description={text.description}
      footer={
        <Link to="/sign-in" className={linkClasses}>
          Sign in with your password instead
        </Link>
      }
    >
      <div className="grid gap-4">
        <div className="flex justify-center">
          <span className="flex size-12 items-center justify-center rounded-full bg-accent-50 text-accent-700">
            <MailIcon size={22} />
          </span>
        </div>
        {open.error ? (
          <Alert variant="error" title={gone ? 'This link can’t be used' : 'Could not sign you in'}>
            {errorMessage(open.error)}
          </Alert>
        ) : null}
        <Button size="lg" onClick={onContinue} loading={open.isPending} disabled={gone} className="w-full">
          {text.button}
        </Button>
      </div>
    </AuthShell>
  );
}
