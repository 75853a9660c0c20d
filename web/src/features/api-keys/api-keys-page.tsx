import { useState } from 'react';
import { LastUsed, RevokeCredential, SecretValue } from '../../components/credentials.tsx';
import { LockIcon, PlusIcon } from '../../components/icons.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Alert,
  Badge,
  Button,
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
  EmptyState,
  ErrorAlert,
  Field,
  Input,
  PageHeader,
  Select,
  Table,
  TableActionsHead,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  TableSkeleton,
  useToast,
} from '../../components/ui/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { useForm } from '../../lib/form.ts';
import { formatDate } from '../../lib/format.ts';
import { canManageMembers, type Membership } from '../../lib/session.tsx';
import { AccountGate } from '../accounts/account-gate.tsx';
import { type ApiKey, type ApiKeyCreated, useApiKeys, useCreateApiKey, useRevokeApiKey } from './api.ts';

const ROLES = [
  { value: 'member', label: 'Member', description: 'Reads and sells as a member would' },
  { value: 'admin', label: 'Admin', description: 'Also what only admins may do' },
];

// The secret exists only in this response: show it once, with a copy button and the way to use it.
function NewSecret({ created, onDone }: { created: ApiKeyCreated; onDone: () => void }) {
  return (
    <Alert variant="success" title={`Key “${created.name}” created`}>
      <p className="mb-2">Copy it now: it is shown only once. Anyone with it can act for this account.</p>
      <SecretValue label="API key" value={created.secret} testId="api-key-secret" />
      <p className="mt-2 text-sm text-muted">
        For an MCP client: run <code className="font-mono">npx gallerist mcp</code> with{' '}
        <code className="font-mono">GALLERIST_API_KEY</code> set to this key (see the README).
      </p>
      <div className="mt-3">
        <Button size="sm" variant="ghost" onClick={onDone}>
          Done
        </Button>
      </div>
    </Alert>
  );
}

function CreateKey({ account, onCreated }: { account: Membership; onCreated: (k: ApiKeyCreated) => void }) {
  const create = useCreateApiKey(account.accountId);
  const form = useForm({ name: '', role: 'member' }, (v) => ({
    name: v.name.trim() ? (v.name.trim().length > 100 ? 'Use at most 100 characters.' : undefined) : 'Name the key.',
    role: v.role ? undefined : 'Choose a role.',
  }));
  const onSubmit = form.handleSubmit((values) =>
    create.mutate(
      { name: values.name.trim(), role: values.role as ApiKey['role'] },
      {
        onSuccess: (key) => {
          onCreated(key);
          form.reset({ name: '', role: values.role });
        },
        onError: form.applyServerError,
      },
    ),
  );
  return (
    <Card>
      <CardHeader>
        <CardTitle>Create a key</CardTitle>
        <CardDescription>
          For an assistant or agent working for {account.name}: it can never do more than the role you give it, or than
          you can yourself.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form ref={form.formRef} onSubmit={onSubmit} noValidate className="grid gap-4">
          {form.formError ? <Alert variant="error">{form.formError}</Alert> : null}
          <div className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-start">
            <Field label="Name" error={form.errors.name}>
              <Input autoComplete="off" placeholder="e.g. Claude Desktop" maxLength={100} {...form.bind('name')} />
            </Field>
            <Field label="Acts as" error={form.errors.role}>
              <Select
                name="role"
                value={form.values.role}
                onValueChange={(role) => form.setValue('role', role)}
                options={ROLES}
              />
            </Field>
            <Button type="submit" loading={create.isPending} className="sm:mt-[1.625rem]">
              <PlusIcon size={16} />
              Create key
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}

function KeysTable({ account }: { account: Membership }) {
  const keys = useApiKeys(account.accountId);
  const revoke = useRevokeApiKey(account.accountId);
  const { toast } = useToast();
  if (keys.isPending) return <TableSkeleton rows={2} columns={5} label="Loading API keys" />;
  if (keys.isError) return <ErrorAlert error={keys.error} onRetry={() => keys.refetch()} title="Could not load keys" />;
  if (keys.data.length === 0) {
    return (
      <EmptyState
        as="h3"
        icon={LockIcon}
        title="No API keys yet"
        description="Create one to let an assistant or agent (an MCP client) work for this account."
      />
    );
  }
  const onRevoke = (key: ApiKey) =>
    revoke.mutateAsync(key.id).then(
      () => toast({ title: `“${key.name}” revoked`, variant: 'success' }),
      (error: unknown) => {
        toast({ title: 'Could not revoke the key', description: errorMessage(error), variant: 'error' });
        throw error;
      },
    );
  return (
    <Table label={`API keys of ${account.name}`}>
      <TableHeader>
        <TableRow>
          <TableHead>Name</TableHead>
          <TableHead>Key</TableHead>
          <TableHead>Acts as</TableHead>
          <TableHead>Created</TableHead>
          <TableHead>Last used</TableHead>
          <TableActionsHead />
        </TableRow>
      </TableHeader>
      <TableBody>
        {keys.data.map((key) => (
          <TableRow key={key.id}>
            <TableCell className="font-medium">
              {key.name}
              {key.revokedAt ? (
                <Badge tone="neutral" className="ml-2">
                  Revoked
                </Badge>
              ) : null}
            </TableCell>
            <TableCell className="font-mono text-sm text-stone-600">{key.prefix}…</TableCell>
            <TableCell className="capitalize">{key.role}</TableCell>
            <TableCell className="whitespace-nowrap text-stone-600">{formatDate(key.createdAt)}</TableCell>
            <TableCell className="whitespace-nowrap text-stone-600">
              <LastUsed at={key.lastUsedAt} />
            </TableCell>
            <TableCell className="text-right">
              {key.revokedAt ? null : (
                <RevokeCredential
                  name={key.name}
                  description="Anything using this key stops working at once, including a session already running. This can't be undone."
                  confirmLabel="Revoke key"
                  onConfirm={() => onRevoke(key)}
                />
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function AccountKeys({ account }: { account: Membership }) {
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const admin = canManageMembers(account.role);
  return (
    <PageContainer>
      <PageHeader
        eyebrow={account.name}
        title="API keys"
        description="Keys let assistants and agents (MCP clients) work for this account through the same permissions as the app."
      />
      {admin ? (
        <div className="grid grid-cols-1 gap-6">
          {created ? <NewSecret created={created} onDone={() => setCreated(null)} /> : null}
          <CreateKey account={account} onCreated={setCreated} />
          <section aria-labelledby="api-keys-title" className="grid grid-cols-1 gap-3">
            <h2 id="api-keys-title" className="text-lg font-semibold">
              Keys
            </h2>
            <KeysTable account={account} />
          </section>
        </div>
      ) : (
        <Alert variant="info">Only the account’s owners and admins manage API keys.</Alert>
      )}
    </PageContainer>
  );
}

export function ApiKeysPage() {
  return (
    <AccountGate
      title="API keys"
      emptyDescription="API keys belong to an account. Create one for your studio, practice or team first."
      chooseHeading="Which account’s API keys do you want to manage?"
    >
      {(account) => <AccountKeys account={account} />}
    </AccountGate>
  );
}
