import { useNavigate } from 'react-router';
import { Alert, Button, Field, Input, useToast } from '../../components/ui/index.ts';
import { useForm } from '../../lib/form.ts';
import { useSignUp } from '../../lib/session.tsx';
import { NAME_MAX, PASSWORD_MIN, validateEmail, validateName, validatePassword } from '../../lib/validation.ts';
import { AuthShell, AuthSwitch, PasswordInput, useNextParam } from './auth-shell.tsx';

export function SignUpPage() {
  const { params, next } = useNextParam();
  const navigate = useNavigate();
  const { toast } = useToast();
  const signUp = useSignUp();
  const form = useForm({ name: '', email: params.get('email') ?? '', password: '' }, (v) => ({
    name: validateName(v.name, 'name'),
    email: validateEmail(v.email),
    password: validatePassword(v.password),
  }));

  const onSubmit = form.handleSubmit((values) =>
    signUp.mutate(
      { name: values.name.trim(), email: values.email.trim(), password: values.password },
      {
        onSuccess: (session) => {
          toast({ title: `Welcome to Gallerist, ${session.user?.name ?? values.name.trim()}`, variant: 'success' });
          navigate(next, { replace: true });
        },
        onError: form.applyServerError,
      },
    ),
  );

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
