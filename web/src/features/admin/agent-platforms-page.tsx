import { useState } from 'react';
import { LastUsed, RevokeCredential, SecretValue } from '../../components/credentials.tsx';
import { PlusIcon, SparklesIcon } from '../../components/icons.tsx';
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
import {
  type AgentPlatform,
  type AgentPlatformCreated,
  type AgentPlatformInput,
  useAgentPlatforms,
  useRegisterAgentPlatform,
  useRevokeAgentPlatform,
} from './agent-platforms-api.ts';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The server's rule, checked early: https, or plain http on this machine only. */
function webhookUrlError(value: string): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Enter a full URL, e.g. https://agent.example.com/webhooks/acp';
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return undefined;
  return 'The webhook URL must use https.';
}

// The token (and a secret this call set) exist only in this response: show them once, with copy buttons.
function NewToken({ created, onDone }: { created: AgentPlatformCreated; onDone: () => void }) {
  return (
    <Alert variant="success" title={`“${created.name}” registered`}>
      <p className="mb-3">
        Give the platform its token now: it is shown only once. It calls the checkout API with{' '}
        <code className="font-mono">Authorization: Bearer</code> and this token.
      </p>
      <div className="grid gap-3">
        <SecretValue label="Bearer token" value={created.token} testId="agent-platform-token" />
        {created.webhookSecret ? (
          <SecretValue label="Webhook secret" value={created.webhookSecret} testId="agent-platform-webhook-secret" />
        ) : null}
      </div>
      <div className="mt-3">
        <Button size="sm" variant="ghost" onClick={onDone}>
          Done
        </Button>
      </div>
    </Alert>
  );
}

function RegisterPlatform({ onRegistered }: { onRegistered: (p: AgentPlatformCreated) => void }) {
  const register = useRegisterAgentPlatform();
  const form = useForm({ name: '', webhookUrl: '', webhookSecret: '' }, (v) => {
    const name = v.name.trim();
    const secret = v.webhookSecret.trim();
    return {
      name: name ? (name.length > 100 ? 'Use at most 100 characters.' : undefined) : 'Name the platform.',
      webhookUrl: webhookUrlError(v.webhookUrl.trim()),
      webhookSecret: secret && (secret.length < 16 || secret.length > 200) ? 'Use 16 to 200 characters.' : undefined,
    };
  });
  const onSubmit = form.handleSubmit((values) => {
    const input: AgentPlatformInput = { name: values.name.trim() };
    if (values.webhookUrl.trim()) input.webhookUrl = values.webhookUrl.trim();
    if (values.webhookSecret.trim()) input.webhookSecret = values.webhookSecret.trim();
    register.mutate(input, {
      onSuccess: (created) => {
        onRegistered(created);
        form.reset();
      },
      onError: form.applyServerError,
    });
  });
  return (
    <Card>
      <CardHeader>
        <CardTitle>Register a platform</CardTitle>
        <CardDescription>
          An agent platform (such as ChatGPT) that sells through the Agentic Commerce Protocol. It gets a bearer token
          for the checkout API and, with a webhook URL, signed order events.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form ref={form.formRef} onSubmit={onSubmit} noValidate className="grid gap-4">
          {form.formError ? <Alert variant="error">{form.formError}</Alert> : null}
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Name" error={form.errors.name} required>
              <Input autoComplete="off" placeholder="e.g. ChatGPT" maxLength={100} {...form.bind('name')} />
            </Field>
            <Field
              label="Webhook URL"
              error={form.errors.webhookUrl}
              hint="Optional. Where order_create and order_update events are POSTed."
            >
              <Input
                type="url"
                inputMode="url"
                autoComplete="off"
                spellCheck={false}
                placeholder="https://agent.example.com/webhooks/acp"
                maxLength={2000}
                {...form.bind('webhookUrl')}
              />
            </Field>
            <Field
              label="Webhook secret"
              error={form.errors.webhookSecret}
              hint="The shared secret events are signed with (Merchant-Signature). Leave empty to generate one."
              className="sm:col-span-2"
            >
              <Input
                type="password"
                autoComplete="new-password"
                spellCheck={false}
                maxLength={200}
                {...form.bind('webhookSecret')}
              />
            </Field>
          </div>
          <div>
            <Button type="submit" loading={register.isPending} className="w-full sm:w-auto">
              <PlusIcon size={16} />
              Register platform
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}

function PlatformsTable() {
  const platforms = useAgentPlatforms();
  const revoke = useRevokeAgentPlatform();
  const { toast } = useToast();
  if (platforms.isPending) return <TableSkeleton rows={2} columns={6} label="Loading agent platforms" />;
  if (platforms.isError) {
    return (
      <ErrorAlert error={platforms.error} onRetry={() => platforms.refetch()} title="Could not load agent platforms" />
    );
  }
  if (platforms.data.length === 0) {
    return (
      <EmptyState
        as="h3"
        icon={SparklesIcon}
        title="No agent platforms yet"
        description="Register one to let an AI agent platform check out on behalf of its users."
      />
    );
  }
  const onRevoke = (platform: AgentPlatform) =>
    revoke.mutateAsync(platform.id).then(
      () => toast({ title: `“${platform.name}” revoked`, variant: 'success' }),
      (error: unknown) => {
        toast({ title: 'Could not revoke the platform', description: errorMessage(error), variant: 'error' });
        throw error;
      },
    );
  return (
    <Table label="Agent platforms">
      <TableHeader>
        <TableRow>
          <TableHead>Name</TableHead>
          <TableHead>Token</TableHead>
          <TableHead>Webhook</TableHead>
          <TableHead>Created</TableHead>
          <TableHead>Last used</TableHead>
          <TableActionsHead />
        </TableRow>
      </TableHeader>
      <TableBody>
        {platforms.data.map((platform) => (
          <TableRow key={platform.id}>
            <TableCell className="font-medium">
              {platform.name}
              {platform.revokedAt ? (
                <Badge tone="neutral" className="ml-2" title={`Since ${formatDate(platform.revokedAt)}`}>
                  Revoked
                </Badge>
              ) : null}
            </TableCell>
            <TableCell className="font-mono text-sm text-stone-600">{platform.tokenPrefix}…</TableCell>
            <TableCell className="max-w-[18rem] break-all text-sm text-stone-600">
              {platform.webhookUrl ?? 'None'}
            </TableCell>
            <TableCell className="whitespace-nowrap text-stone-600">{formatDate(platform.createdAt)}</TableCell>
            <TableCell className="whitespace-nowrap text-stone-600">
              <LastUsed at={platform.lastUsedAt} />
            </TableCell>
            <TableCell className="text-right">
              {platform.revokedAt ? null : (
                <RevokeCredential
                  name={platform.name}
                  description="Its token stops working at once and no more order events are sent to it. This can't be undone: register it again for a new token."
                  confirmLabel="Revoke platform"
                  onConfirm={() => onRevoke(platform)}
                />
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function AgentPlatformsPage() {
  const [created, setCreated] = useState<AgentPlatformCreated | null>(null);
  return (
    <PageContainer>
      <PageHeader
        eyebrow="Platform admin"
        title="Agent platforms"
        description="AI agent platforms that check out through the Agentic Commerce Protocol, and where their order events go."
      />
      <div className="grid grid-cols-1 gap-6">
        {created ? <NewToken created={created} onDone={() => setCreated(null)} /> : null}
        <RegisterPlatform onRegistered={setCreated} />
        <section aria-labelledby="agent-platforms-title" className="grid grid-cols-1 gap-3">
          <h2 id="agent-platforms-title" className="text-lg font-semibold">
            Platforms
          </h2>
          <PlatformsTable />
        </section>
      </div>
    </PageContainer>
  );
}
