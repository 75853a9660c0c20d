import { Link, useNavigate, useSearchParams } from 'react-router';
import { PASSWORD_MIN, Password } from '../../../../src/accounts/fields.ts';
import { Alert, Button, Field, useToast } from '../../components/ui/index.ts';
import { useForm } from '../../lib/form.ts';
import { fieldError } from '../../lib/validation.ts';
import { useConfirmPasswordReset } from './api.ts';
import { AuthShell, linkClasses, PasswordInput } from './auth-shell.tsx';

export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const { toast } = useToast();
  const confirm = useConfirmPasswordReset();
  const form = useForm({ password: '', confirmPassword: '' }, (v) => ({
    password: fieldError(Password, v.password),
    confirmPassword: v.confirmPassword === v.password ? undefined : 'The passwords don’t match.',
  }));

  if (!token) {
    return (
      <AuthShell title="Reset your password">
        <Alert variant="error" title="This reset link is incomplete">
          Open the link from your email again, or{' '}
          <Link to="/forgot-password" className={linkClasses}>
            request a new one
          </Link>
          .
        </Alert>
      </AuthShell>
    );
  }

  const onSubmit = form.handleSubmit((values) =>
    confirm.mutate(
      { token, password: values.password },
      {
        onSuccess: () => {
          toast({
            title: 'Password updated',
            description: 'You’re signed in with your new password.',
            variant: 'success',
          });
          navigate('/app', { replace: true });
        },
        onError: form.applyServerError,
      },
    ),
  );

  return (
    <AuthShell
      title="Choose a new password"
      description="Pick something you don’t use anywhere else."
      footer={
        <Link to="/forgot-password" className={linkClasses}>
          Need a new reset link?
        </Link>
      }
    >
      <form ref={form.formRef} onSubmit={onSubmit} noValidate className="grid gap-5">
        {form.formError ? (
          <Alert variant="error" title="Could not reset your password">
            {form.formError}
          </Alert>
        ) : null}
        <Field label="New password" error={form.errors.password} hint={`At least ${PASSWORD_MIN} characters.`}>
          <PasswordInput autoComplete="new-password" autoFocus {...form.bind('password')} />
        </Field>
        <Field label="Confirm new password" error={form.errors.confirmPassword}>
          <PasswordInput autoComplete="new-password" {...form.bind('confirmPassword')} />
        </Field>
        <Button type="submit" size="lg" loading={confirm.isPending} className="w-full">
          Update password
        </Button>
      </form>
    </AuthShell>
  );
}
