import { Email, NAME_MAX, Name, PASSWORD_MIN, Password } from '../../../../src/accounts/fields.ts';
import { MailIcon } from '../../components/icons.tsx';
import { Alert, Button, Field, Input } from '../../components/ui/index.ts';
import { useForm } from '../../lib/form.ts';
import { fieldError } from '../../lib/validation.ts';
import { useSignUp } from './api.ts';
import { AuthShell, AuthSwitch, linkClasses, PasswordInput, useNextParam } from './auth-shell.tsx';

export function SignUpPage() {
  const { params, next } = useNextParam();
  const signUp = useSignUp();
  const form = useForm({ name: '', email: params.get('email') ?? '', password: '' }, (v) => ({
    name: fieldError(Name, v.name),
    email: fieldError(Email, v.email),
    password: fieldError(Password, v.password),
  }));

  const onSubmit = form.handleSubmit((values) =>
    signUp.mutate(
      {
        name: values.name.trim(),
        email: values.email.trim(),
        password: values.password,
        // The confirmation link brings the user back to where they were going (e.g. an invitation).
        ...(params.get('next') ? { next } : {}),
      },
      { onError: form.applyServerError },
    ),
  );

  // The same answer whether or not the address already has an account, so this page can't reveal which.
  if (signUp.isSuccess) {
    return (
      <AuthShell
        title="Check your email"
        footer={
          <AuthSwitch prompt="Already confirmed?" to="/sign-in">
            Sign in
          </AuthSwitch>
        }
      >
        <div className="grid gap-4">
          <div className="flex justify-center">
            <span className="flex size-12 items-center justify-center rounded-full bg-accent-50 text-accent-700">
              <MailIcon size={22} />
            </span>
          </div>
          <Alert variant="success" title="Confirm your email to finish signing up">
            We’ve sent an email to <strong>{signUp.variables?.email}</strong>. Open the link in it to confirm your
            address and sign in.
          </Alert>
          <p className="text-sm text-muted">
            Didn’t get it? Check your spam folder. If you already have an account with this address, the email tells you
            how to sign in instead. You can also{' '}
            <button type="button" className={linkClasses} onClick={() => signUp.reset()}>
              use another address
            </button>
            .
          </p>
        </div>
      </AuthShell>
    );
  }

  return (
    <AuthShell
      title="Create your account"
      description="One login for your studio, practice or team. Free to start."
      footer={
        <AuthSwitch prompt="Already have an account?" to="/sign-in">
          Sign in
        </AuthSwitch>
      }
    >
      <form ref={form.formRef} onSubmit={onSubmit} noValidate className="grid gap-5">
        {form.formError ? (
          <Alert variant="error" title="Could not create your account">
            {form.formError}
          </Alert>
        ) : null}
        <Field label="Full name" error={form.errors.name}>
          <Input autoComplete="name" maxLength={NAME_MAX} autoFocus {...form.bind('name')} />
        </Field>
        <Field label="Email" error={form.errors.email}>
          <Input type="email" autoComplete="email" inputMode="email" {...form.bind('email')} />
        </Field>
        <Field label="Password" error={form.errors.password} hint={`At least ${PASSWORD_MIN} characters.`}>
          <PasswordInput autoComplete="new-password" {...form.bind('password')} />
        </Field>
        <Button type="submit" size="lg" loading={signUp.isPending} className="w-full">
          {signUp.isPending ? 'Creating account…' : 'Create account'}
        </Button>
      </form>
    </AuthShell>
  );
}
