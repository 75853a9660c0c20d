import { Link, useNavigate } from 'react-router';
import { Email, SignInPassword } from '../../../../src/accounts/fields.ts';
import { Alert, Button, Field, Input } from '../../components/ui/index.ts';
import { useForm } from '../../lib/form.ts';
import { useSignIn } from '../../lib/session.tsx';
import { fieldError } from '../../lib/validation.ts';
import { AuthShell, AuthSwitch, linkClasses, PasswordInput, useNextParam } from './auth-shell.tsx';

export function SignInPage() {
  const { params, next } = useNextParam();
  const navigate = useNavigate();
  const signIn = useSignIn();
  const form = useForm({ email: params.get('email') ?? '', password: '' }, (v) => ({
    email: fieldError(Email, v.email),
    // Not the sign-up length rules: older passwords may predate them and the server decides.
    password: fieldError(SignInPassword, v.password),
  }));

  const onSubmit = form.handleSubmit((values) =>
    signIn.mutate(
      { email: values.email.trim(), password: values.password },
      { onSuccess: () => navigate(next, { replace: true }), onError: form.applyServerError },
    ),
  );

  return (
    <AuthShell
      title="Welcome back"
      description="Sign in to manage your galleries, listings and clients."
      footer={
        <AuthSwitch prompt="New to Gallerist?" to="/sign-up">
          Create an account
        </AuthSwitch>
      }
    >
      <form ref={form.formRef} onSubmit={onSubmit} noValidate className="grid gap-5">
        {form.formError ? (
          <Alert variant="error" title="Could not sign you in">
            {form.formError}
          </Alert>
        ) : null}
        <Field label="Email" error={form.errors.email}>
          <Input type="email" autoComplete="email" inputMode="email" autoFocus {...form.bind('email')} />
        </Field>
        <Field
          label="Password"
          error={form.errors.password}
          labelAside={
            <Link to="/forgot-password" className={`${linkClasses} text-sm`}>
              Forgot password?
            </Link>
          }
        >
          <PasswordInput autoComplete="current-password" {...form.bind('password')} />
        </Field>
        <Button type="submit" size="lg" loading={signIn.isPending} className="w-full">
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </AuthShell>
  );
}
