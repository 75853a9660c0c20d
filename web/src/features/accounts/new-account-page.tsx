import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { NAME_MAX, Name, SLUG_MAX, Slug } from '../../../../src/accounts/fields.ts';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Alert,
  Button,
  Card,
  CardContent,
  CardFooter,
  Field,
  Input,
  PageHeader,
  Select,
  useToast,
} from '../../components/ui/index.ts';
import { useForm } from '../../lib/form.ts';
import { type AccountKind, useSession } from '../../lib/session.tsx';
import { fieldError, slugify } from '../../lib/validation.ts';
import { useCreateAccount } from './api.ts';
import { ACCOUNT_KINDS } from './kinds.ts';

export function NewAccountPage() {
  const navigate = useNavigate();
  const { toast } = useToast();
  const { selectAccount, memberships } = useSession();
  const create = useCreateAccount();
  // The slug follows the name until the user edits it themselves.
  const [slugTouched, setSlugTouched] = useState(false);
  const form = useForm({ name: '', slug: '', kind: '' }, (v) => ({
    name: fieldError(Name, v.name),
    slug: fieldError(Slug, v.slug),
    kind: v.kind ? undefined : 'Choose what kind of account this is.',
  }));

  const onNameChange = (name: string) => {
    form.setValue('name', name);
    if (!slugTouched) form.setValue('slug', slugify(name));
  };

  const onSlugChange = (raw: string) => {
    // Normalise as they type (spaces → hyphens, lowercase) but keep a trailing hyphen so typing flows.
    const slug = raw
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .slice(0, SLUG_MAX);
    setSlugTouched(slug !== '');
    form.setValue('slug', slug);
  };

  const onSubmit = form.handleSubmit((values) =>
    create.mutate(
      { name: values.name.trim(), slug: values.slug, kind: values.kind as AccountKind },
      {
        onSuccess: (account) => {
          selectAccount(account.accountId);
          toast({ title: `${account.name} is ready`, description: 'You’re its owner.', variant: 'success' });
          navigate('/app');
        },
        onError: form.applyServerError,
      },
    ),
  );

  return (
    <PageContainer size="narrow">
      <PageHeader
        title="Create an account"
        description="An account holds your storefront, clients and team. You can belong to several and switch between them."
      />
      <Card>
        <form ref={form.formRef} onSubmit={onSubmit} noValidate>
          <CardContent className="grid gap-5 sm:p-8">
            {form.formError ? (
              <Alert variant="error" title="Could not create the account">
                {form.formError}
              </Alert>
            ) : null}
            <Field label="Account name" error={form.errors.name} hint="Your studio, practice or company name.">
              <Input
                name="name"
                value={form.values.name}
                onChange={(e) => onNameChange(e.target.value)}
                maxLength={NAME_MAX}
                autoComplete="organization"
                autoFocus
              />
            </Field>
            <Field
              label="URL name"
              error={form.errors.slug}
              hint="Lowercase letters, numbers and hyphens. It appears in the links to your public pages."
            >
              <Input
                name="slug"
                value={form.values.slug}
                onChange={(e) => onSlugChange(e.target.value)}
                onBlur={() => form.values.slug && form.setValue('slug', slugify(form.values.slug))}
                autoCapitalize="none"
                autoCorrect="off"
                spellCheck={false}
                className="font-mono"
              />
            </Field>
            <Field label="Account type" error={form.errors.kind}>
              <Select
                name="kind"
                value={form.values.kind}
                onValueChange={(kind) => form.setValue('kind', kind)}
                placeholder="Choose a type"
                options={ACCOUNT_KINDS.map((k) => ({ value: k.value, label: k.label, description: k.description }))}
              />
            </Field>
          </CardContent>
          <CardFooter className="justify-end sm:px-8">
            <Button asChild variant="ghost">
              <Link to="/app">{memberships.length === 0 ? 'Not now' : 'Cancel'}</Link>
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create account
            </Button>
          </CardFooter>
        </form>
      </Card>
    </PageContainer>
  );
}
