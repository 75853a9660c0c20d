import { Link } from 'react-router';
import { Email } from '../../../../src/accounts/fields.ts';
import { Alert, Button, Field, Input } from '../../components/ui/index.ts';
import { useForm } from '../../lib/form.ts';
import { fieldError } from '../../lib/validation.ts';
import { useRequestPasswordReset } from './api.ts';
import { AuthShell, linkClasses } from './auth-shell.tsx';

export function ForgotPasswordPage() {
  const request = useRequestPasswordReset();
  const form = useForm({ email: '' }, (v) => ({ email: fieldError(Email, v.email) }));

  const onSubmit = form.handleSubmit((values) =>
    request.mutate({ email: values.email.trim() }, { onError: form.applyServerError }),
  );

  const footer = (
    <>
      Remembered it?{' '}
      <Link to="/sign-in" className={linkClasses}>
        Back to sign in
      </Link>
    </>
  );

  if (request.isSuccess) {
    return (
      <AuthShell title="Check your email" footer={footer}>
        <Alert variant="success" title="Reset link sent">
          If an account exists for <strong>{request.variables?.email}</strong>, we’ve emailed a link to choose a new
          password. The link expires soon, so use it shortly.
        </Alert>
        <p className="mt-4 text-sm text-muted">
          Didn’t get it? Check your spam folder, or{' '}
          <button type="button" className={linkClasses} onClick={() => request.reset()}>
            try another address
          </button>
          .
        </p>
      </AuthShell>
    );
  }

  return (
    <AuthShell
      title="Reset your password"
      description="Enter your email and we’ll send you a reset link."
      footer={footer}
    >
      <form ref={form.formRef} onSubmit={onSubmit} noValidate className="grid gap-5">
        {form.formError ? <Alert variant="error">{form.formError}</Alert> : null}
        <Field label="Email" error={form.errors.email}>
          <Input type="email" autoComplete="email" inputMode="email" autoFocus {...form.bind('email')} />
        </Field>
        <Button type="submit" size="lg" loading={request.isPending} className="w-full">
          Send reset link
        </Button>
      </form>
    </AuthShell>
  );
}
